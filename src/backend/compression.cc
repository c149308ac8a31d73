#include "backend/internal/compression.h"

#include <zlib.h>
#include <zstd.h>

#include <limits>
#include <memory>
#include <new>

#include <fmt/format.h>

namespace vivace::backend::internal {

namespace {

constexpr size_t kChunk = size_t{64} * 1024;

Status TooLarge(std::string_view codec, size_t max_output) {
  return Status::ResourceExhausted(fmt::format("{} data expands past {} bytes", codec, max_output));
}

}  // namespace

std::string GzipCompress(ByteView data, std::string_view inner_name) {
  if (data.size() > std::numeric_limits<uInt>::max()) {
    throw std::bad_alloc();  // callers compress tenant indexes, far below 4 GiB
  }
  z_stream zs{};
  // windowBits 16+15: gzip wrapper. deflateInit2 only fails on bad parameters or no memory.
  int rc =
      deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  if (rc != Z_OK) {
    throw std::bad_alloc();
  }
  std::string name(inner_name);  // zlib wants a NUL-terminated, mutable buffer
  gz_header header{};
  header.name = reinterpret_cast<Bytef*>(name.data());
  header.os = 255;  // unknown, as Go writes it
  deflateSetHeader(&zs, &header);
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + name.size() + 16);
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    throw std::bad_alloc();  // the output buffer was sized by deflateBound; cannot happen
  }
  return out;
}

Result<std::string> GzipDecompress(ByteView data, size_t max_output) {
  if (data.size() > std::numeric_limits<uInt>::max()) {
    return Status::ResourceExhausted("gzip: input larger than 4 GiB");
  }
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return Status::Internal("gzip: inflateInit2 failed");
  }
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&zs, inflateEnd);
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[kChunk];
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      return Status::DataLoss(
          fmt::format("gzip: corrupt data: {}", zs.msg != nullptr ? zs.msg : "truncated"));
    }
    size_t produced = sizeof(chunk) - zs.avail_out;
    if (out.size() + produced > max_output) {
      return TooLarge("gzip", max_output);
    }
    out.append(chunk, produced);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) {
        return out;
      }
      inflateReset(&zs);  // another gzip member follows
    } else if (zs.avail_in == 0 && produced == 0) {
      return Status::DataLoss("gzip: truncated data");
    }
  }
}

std::string ZstdCompress(ByteView data, int level) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) {
    throw std::bad_alloc();  // the bound is always enough; only allocation can fail
  }
  out.resize(n);
  return out;
}

Result<std::string> ZstdDecompress(ByteView data, size_t max_output) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (ctx == nullptr) {
    return Status::Internal("zstd: cannot create context");
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string out;
  char chunk[kChunk];
  size_t ret = 0;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{chunk, sizeof(chunk), 0};
    ret = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(ret)) {
      return Status::DataLoss(fmt::format("zstd: corrupt data: {}", ZSTD_getErrorName(ret)));
    }
    if (out.size() + o.pos > max_output) {
      return TooLarge("zstd", max_output);
    }
    out.append(chunk, o.pos);
  }
  // Drain output still buffered in the context.
  while (ret != 0) {
    ZSTD_outBuffer o{chunk, sizeof(chunk), 0};
    ret = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(ret)) {
      return Status::DataLoss(fmt::format("zstd: corrupt data: {}", ZSTD_getErrorName(ret)));
    }
    if (out.size() + o.pos > max_output) {
      return TooLarge("zstd", max_output);
    }
    out.append(chunk, o.pos);
    if (o.pos == 0) {
      break;
    }
  }
  if (ret != 0 || data.empty()) {
    return Status::DataLoss("zstd: truncated data");
  }
  return out;
}

}  // namespace vivace::backend::internal
