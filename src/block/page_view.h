#pragma once

// Random access into a numeric page (u64, f64 or dictionary codes) without decoding all of it:
// what find-by-ID needs, since a trace is a few rows of pages of thousands. Opening checks the
// page's structure (header, sizes, padding; for TABLE the table; for VARBITS the widths) so
// that reads stay in bounds whatever the bytes; Get() decodes just the requested values.
// DELTA pages, whose values depend on every earlier one, are decoded whole when opened.
// Byte layouts: docs/format/encodings.md. Immutable after Open: thread-safe for reads.

#include <cstdint>
#include <span>
#include <vector>

#include "block/encoding.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

class U64PageView {
 public:
  U64PageView() = default;

  // A u64 page (PLAIN, BITPACK, DELTA, TABLE, VARBITS, or DICT codes) of `n` values. Keeps a
  // view of `page`, which must outlive it. DataLoss when the structure is malformed.
  static Result<U64PageView> Open(Encoding encoding, ByteView page, uint32_t n);
  // An f64 page (PLAIN, TABLE or DECIMAL); values read as IEEE-754 bit patterns.
  static Result<U64PageView> OpenF64(Encoding encoding, ByteView page, uint32_t n);

  uint32_t size() const { return n_; }

  // Values [first, first + out.size()). REQUIRES: first + out.size() <= size(). DataLoss when
  // a TABLE code lies outside its table.
  Status Get(uint32_t first, std::span<uint64_t> out) const;

 private:
  Encoding encoding_ = Encoding::kPlain;
  uint32_t n_ = 0;
  ByteView data_;                 // packed values / codes / payload
  int width_ = 0;                 // bit width (BITPACK, TABLE codes, DICT) or byte width (PLAIN)
  uint64_t base_ = 0;             // BITPACK, VARBITS
  int decimal_exp_ = -1;          // >= 0: values are zigzag mantissas of m / 10^e (DECIMAL)
  std::vector<uint64_t> values_;  // DELTA: every value; TABLE: the table
  std::vector<uint8_t> widths_;   // VARBITS: per-value widths
  std::vector<uint64_t> checkpoints_;  // VARBITS: payload bit offset of every 64th value
};

}  // namespace vivace::block
