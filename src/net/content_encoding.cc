#include "net/content_encoding.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace vivace::net {
namespace {

Status TooLarge(size_t max_output) {
  return Status::ResourceExhausted(
      fmt::format("decompressed request body exceeds the limit of {} bytes", max_output));
}

Result<std::string> Inflate(ByteView body, size_t max_output) {
  z_stream zs{};
  // 32 + MAX_WBITS: accept both gzip and zlib headers.
  if (inflateInit2(&zs, 32 + MAX_WBITS) != Z_OK) {
    return Status::Internal("zlib init failed");
  }
  std::string out;
  zs.next_in = const_cast<Bytef*>(body.data());
  zs.avail_in = static_cast<uInt>(body.size());
  int ret = Z_OK;
  char chunk[16384];
  while (ret != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    ret = inflate(&zs, Z_NO_FLUSH);
    if (ret != Z_OK && ret != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::InvalidArgument("invalid compressed request body (gzip/zlib)");
    }
    size_t produced = sizeof(chunk) - zs.avail_out;
    if (out.size() + produced > max_output) {
      inflateEnd(&zs);
      return TooLarge(max_output);
    }
    out.append(chunk, produced);
    if (ret == Z_OK && zs.avail_in == 0 && produced == 0) {
      inflateEnd(&zs);
      return Status::InvalidArgument("truncated compressed request body (gzip/zlib)");
    }
    if (ret == Z_STREAM_END && zs.avail_in > 0) {
      // Concatenated gzip members are legal: continue with the next one.
      inflateReset(&zs);
      ret = Z_OK;
    }
  }
  inflateEnd(&zs);
  return out;
}

Result<std::string> Zstd(ByteView body, size_t max_output) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  ZSTD_inBuffer in{body.data(), body.size(), 0};
  std::string out;
  char chunk[16384];
  size_t ret = 1;
  while (in.pos < in.size || ret != 0) {
    ZSTD_outBuffer o{chunk, sizeof(chunk), 0};
    ret = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(ret)) {
      return Status::InvalidArgument("invalid compressed request body (zstd)");
    }
    if (out.size() + o.pos > max_output) {
      return TooLarge(max_output);
    }
    out.append(chunk, o.pos);
    if (in.pos == in.size && o.pos == 0 && ret != 0) {
      return Status::InvalidArgument("truncated compressed request body (zstd)");
    }
  }
  return out;
}

Result<std::string> SnappyBlock(ByteView body, size_t max_output) {
  size_t len = 0;
  auto* src = reinterpret_cast<const char*>(body.data());
  if (!snappy::GetUncompressedLength(src, body.size(), &len)) {
    return Status::InvalidArgument("invalid compressed request body (snappy)");
  }
  if (len > max_output) {
    return TooLarge(max_output);
  }
  std::string out;
  if (!snappy::Uncompress(src, body.size(), &out)) {
    return Status::InvalidArgument("invalid compressed request body (snappy)");
  }
  return out;
}

constexpr char kSnappyStreamHeader[] = "\xff\x06\x00\x00sNaPpY";

// The snappy framing format: chunks of [type:1][length:3 LE][data]; checksums are not verified
// (the transport already protects the body).
Result<std::string> SnappyFramed(ByteView body, size_t max_output) {
  std::string out;
  size_t pos = 0;
  while (pos < body.size()) {
    if (body.size() - pos < 4) {
      return Status::InvalidArgument("truncated snappy frame");
    }
    uint8_t type = body[pos];
    size_t len = body[pos + 1] | (size_t{body[pos + 2]} << 8) | (size_t{body[pos + 3]} << 16);
    pos += 4;
    if (len > body.size() - pos) {
      return Status::InvalidArgument("truncated snappy frame");
    }
    ByteView chunk = body.substr(pos, len);
    pos += len;
    if (type == 0x00 || type == 0x01) {
      if (len < 4) {
        return Status::InvalidArgument("invalid snappy frame");
      }
      ByteView data = chunk.substr(4);  // skip the masked CRC-32C
      if (type == 0x00) {
        VV_ASSIGN_OR_RETURN(std::string block, SnappyBlock(data, max_output - out.size()));
        out += block;
      } else {
        if (out.size() + data.size() > max_output) {
          return TooLarge(max_output);
        }
        out.append(data.str());
      }
    } else if (type == 0xff || type == 0xfe || (type >= 0x80 && type <= 0xfd)) {
      continue;  // stream identifier, padding, skippable
    } else {
      return Status::InvalidArgument("invalid snappy frame type");
    }
  }
  return out;
}

Result<std::string> Lz4Frame(ByteView body, size_t max_output) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return Status::Internal("lz4 init failed");
  }
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> ctx(
      raw, LZ4F_freeDecompressionContext);
  std::string out;
  char chunk[16384];
  size_t pos = 0;
  size_t hint = 1;
  while (pos < body.size() && hint != 0) {
    size_t out_size = sizeof(chunk);
    size_t in_size = body.size() - pos;
    hint = LZ4F_decompress(ctx.get(), chunk, &out_size, body.data() + pos, &in_size, nullptr);
    if (LZ4F_isError(hint)) {
      return Status::InvalidArgument("invalid compressed request body (lz4)");
    }
    pos += in_size;
    if (out.size() + out_size > max_output) {
      return TooLarge(max_output);
    }
    out.append(chunk, out_size);
    if (in_size == 0 && out_size == 0) {
      break;
    }
  }
  if (hint != 0) {
    return Status::InvalidArgument("truncated compressed request body (lz4)");
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Trim surrounding whitespace.
  size_t b = out.find_first_not_of(" \t");
  size_t e = out.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

}  // namespace

Result<std::string> DecodeContentEncoding(std::string_view encoding, ByteView body,
                                          size_t max_output) {
  std::string enc = Lower(encoding);
  if (enc.empty() || enc == "identity") {
    if (body.size() > max_output) {
      return TooLarge(max_output);
    }
    return body.ToString();
  }
  if (enc == "gzip" || enc == "deflate" || enc == "zlib" || enc == "x-gzip") {
    return Inflate(body, max_output);
  }
  if (enc == "zstd") {
    return Zstd(body, max_output);
  }
  if (enc == "snappy") {
    if (body.size() >= 10 && std::memcmp(body.data(), kSnappyStreamHeader, 10) == 0) {
      return SnappyFramed(body, max_output);
    }
    return SnappyBlock(body, max_output);
  }
  if (enc == "x-snappy-framed") {
    return SnappyFramed(body, max_output);
  }
  if (enc == "lz4") {
    return Lz4Frame(body, max_output);
  }
  return Status::InvalidArgument(fmt::format("unsupported Content-Encoding: {}", encoding));
}

std::string GzipCompress(ByteView data) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace vivace::net
