#pragma once

// Page compression (docs/block-format.md): a data page is stored compressed (zstd frame or LZ4
// block) when that saves at least 10% of its bytes, else raw; the page index entry records the
// codec. Decompression is bounded: the stored page must declare its raw size, which may not
// exceed the caller's limit nor what that many stored bytes can expand to, so a forged header
// cannot force a large allocation. Thread-safe (zstd contexts are per thread).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "block/encoding.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

constexpr int kDefaultZstdLevel = 3;

// How data pages are compressed: a codec and, for zstd, its level (negative levels are zstd's
// fast modes).
struct PageCompression {
  Codec codec = Codec::kZstd;
  int level = kDefaultZstdLevel;
};

struct StoredPage {
  Codec codec = Codec::kNone;
  std::string bytes;
};

// zstd at `level` when the frame is at most 90% of `raw`, else `raw` unchanged.
StoredPage CompressPage(ByteView raw, int level = kDefaultZstdLevel);
// `how.codec` when the result is at most 90% of `raw`, else `raw` unchanged (Codec::kNone).
StoredPage CompressPage(ByteView raw, PageCompression how);

// One LZ4 page: u32 raw length | LZ4 block. DataLoss when malformed, when the block does not
// decode to exactly the declared length, or when that length exceeds `max_bytes`.
std::string Lz4Compress(ByteView raw);
Result<std::vector<uint8_t>> Lz4Decompress(ByteView stored, size_t max_bytes);

// One zstd frame (with its content size) of `raw`.
std::string ZstdCompress(ByteView raw, int level = kDefaultZstdLevel);

// Decompresses exactly one zstd frame. DataLoss when it is malformed, has trailing bytes, does
// not declare its content size, or declares more than `max_bytes`.
Result<std::vector<uint8_t>> ZstdDecompress(ByteView frame, size_t max_bytes);

// The raw bytes of a stored page: a view of the stored bytes for Codec::kNone (the caller
// keeps them alive), or an owned decompressed buffer. Safe to move.
class PageBuffer {
 public:
  explicit PageBuffer(ByteView raw) : view_(raw) {}

  explicit PageBuffer(std::vector<uint8_t> owned) : owned_(std::move(owned)), is_owned_(true) {}

  ByteView view() const { return is_owned_ ? ByteView(owned_.data(), owned_.size()) : view_; }

 private:
  ByteView view_;
  std::vector<uint8_t> owned_;
  bool is_owned_ = false;
};

// Undoes `codec`. DataLoss for a bad frame or one over `max_bytes`.
Result<PageBuffer> OpenPage(ByteView stored, Codec codec, size_t max_bytes = kMaxPageBytes);

}  // namespace vivace::block
