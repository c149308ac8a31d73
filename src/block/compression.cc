#include "block/compression.h"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace vivace::block {
namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(ZSTD_createCCtx());
  return ctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}

// The most a zstd frame of `frame_bytes` can legitimately decode to: every block costs at least
// a 3-byte header and yields at most ZSTD_BLOCKSIZE_MAX (128 KiB) bytes.
size_t MaxFrameOutput(size_t frame_bytes) { return (frame_bytes / 3 + 1) * ZSTD_BLOCKSIZE_MAX; }

}  // namespace

std::string ZstdCompress(ByteView raw, int level) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  ZSTD_CCtx* ctx = ThreadCCtx();
  ZSTD_CCtx_reset(ctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 0);
  const size_t n = ZSTD_compress2(ctx, out.data(), out.size(), raw.data(), raw.size());
  // Cannot fail with a ZSTD_compressBound-sized buffer and valid parameters.
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

StoredPage CompressPage(ByteView raw, int level) {
  return CompressPage(raw, PageCompression{Codec::kZstd, level});
}

StoredPage CompressPage(ByteView raw, PageCompression how) {
  StoredPage page;
  if (!raw.empty() && how.codec != Codec::kNone) {
    std::string z = how.codec == Codec::kLz4 ? Lz4Compress(raw) : ZstdCompress(raw, how.level);
    if (!z.empty() && z.size() * 10 <= raw.size() * 9) {
      page.codec = how.codec;
      page.bytes = std::move(z);
      return page;
    }
  }
  page.bytes = raw.ToString();
  return page;
}

std::string Lz4Compress(ByteView raw) {
  if (raw.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return std::string();
  }
  const int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  std::string out(4 + static_cast<size_t>(bound), '\0');
  const auto len = static_cast<uint32_t>(raw.size());
  std::memcpy(out.data(), &len, 4);
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(raw.data()), out.data() + 4,
                                     static_cast<int>(raw.size()), bound);
  out.resize(n <= 0 ? 0 : 4 + static_cast<size_t>(n));
  return out;
}

Result<std::vector<uint8_t>> Lz4Decompress(ByteView stored, size_t max_bytes) {
  if (stored.size() < 4) {
    return Status::DataLoss("lz4 page is shorter than its length");
  }
  uint32_t len = 0;
  std::memcpy(&len, stored.data(), 4);
  ByteView block = stored.substr(4);
  // LZ4 expands at most ~255x: one literal-length byte of 255 per 255 bytes of match.
  if (len > max_bytes || len > (block.size() + 1) * 255
      || block.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return Status::DataLoss("lz4 page declares " + std::to_string(len)
                            + " bytes, more than allowed");
  }
  std::vector<uint8_t> out(std::max<size_t>(len, 1));  // a valid pointer also for len 0
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(block.data()),
                                    reinterpret_cast<char*>(out.data()),
                                    static_cast<int>(block.size()), static_cast<int>(len));
  if (n < 0 || static_cast<uint32_t>(n) != len) {
    return Status::DataLoss("lz4 page is corrupt");
  }
  out.resize(len);
  return out;
}

Result<std::vector<uint8_t>> ZstdDecompress(ByteView frame, size_t max_bytes) {
  const size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    return Status::DataLoss("page is not a zstd frame");
  }
  if (frame_size != frame.size()) {
    return Status::DataLoss("zstd page has trailing bytes");
  }
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN || declared == ZSTD_CONTENTSIZE_ERROR) {
    return Status::DataLoss("zstd page does not declare its size");
  }
  if (declared > max_bytes || declared > MaxFrameOutput(frame.size())) {
    return Status::DataLoss("zstd page declares " + std::to_string(declared)
                            + " bytes, more than allowed");
  }
  std::vector<uint8_t> out(static_cast<size_t>(declared));
  const size_t n =
      ZSTD_decompressDCtx(ThreadDCtx(), out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) {
    return Status::DataLoss(std::string("zstd page is corrupt: ") + ZSTD_getErrorName(n));
  }
  if (n != out.size()) {
    return Status::DataLoss("zstd page is shorter than it declares");
  }
  return out;
}

Result<PageBuffer> OpenPage(ByteView stored, Codec codec, size_t max_bytes) {
  switch (codec) {
    case Codec::kNone:
      if (stored.size() > max_bytes) {
        return Status::DataLoss("page exceeds the page size limit");
      }
      return PageBuffer(stored);
    case Codec::kZstd: {
      VV_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, ZstdDecompress(stored, max_bytes));
      return PageBuffer(std::move(raw));
    }
    case Codec::kLz4: {
      VV_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, Lz4Decompress(stored, max_bytes));
      return PageBuffer(std::move(raw));
    }
  }
  return Status::DataLoss("unknown page codec " + std::to_string(static_cast<int>(codec)));
}

}  // namespace vivace::block
