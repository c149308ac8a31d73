#pragma once

// A fixed-size bit vector and the BITMAP page encoding (bool columns, and the presence bitmap
// that starts the page of an optional column with nulls). Encoded form: ceil(n/8) bytes, value
// i in bit i mod 8 of byte i/8, unused high bits of the last byte zero
// (docs/format/encodings.md).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

// Not thread-safe for writes; concurrent reads are fine.
class Bitmap {
 public:
  Bitmap() = default;
  explicit Bitmap(size_t size) : words_((size + 63) / 64), size_(size) {}

  size_t size() const { return size_; }
  bool Get(size_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  void Set(size_t i, bool v = true) {
    const uint64_t bit = uint64_t{1} << (i % 64);
    words_[i / 64] = v ? words_[i / 64] | bit : words_[i / 64] & ~bit;
  }
  // Number of set bits.
  size_t Count() const;
  // Bit i is bit i % 64 of word i / 64; bits past size() are zero.
  const std::vector<uint64_t>& words() const { return words_; }

  friend bool operator==(const Bitmap& a, const Bitmap& b) {
    return a.size_ == b.size_ && a.words_ == b.words_;
  }

 private:
  friend Result<Bitmap> DecodeBitmap(ByteView page, uint32_t n);
  std::vector<uint64_t> words_;
  size_t size_ = 0;
};

std::string EncodeBitmap(const Bitmap& bits);
// DataLoss unless `page` is exactly the BITMAP of n values with zero padding bits.
Result<Bitmap> DecodeBitmap(ByteView page, uint32_t n);

// The parts of an optional column's page: a presence bitmap of n_values bits when
// null_count > 0, then the page of the n_values - null_count present values.
struct OptionalPage {
  Bitmap presence;  // empty when null_count == 0 (every value present)
  ByteView values;  // view into the page
  uint32_t n_present = 0;
};
// DataLoss when the bitmap is truncated or its set-bit count is not n_values - null_count.
Result<OptionalPage> SplitOptionalPage(ByteView page, uint32_t n_values, uint32_t null_count);

}  // namespace vivace::block
