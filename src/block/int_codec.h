#pragma once

// Page codecs for u64 columns (times, durations, counts, CSR offsets, ordinals, dictionary
// codes): PLAIN, BITPACK (frame of reference), DELTA, TABLE (a per-page table of the distinct
// values) and VARBITS (per-value bit widths), plus EncodeU64Page, which picks the smallest; and
// for f64 columns PLAIN, TABLE and DECIMAL (exact decimal fractions as scaled integers), picked
// by EncodeF64Page. Signed columns are stored as their u64 bit patterns by the caller. Byte
// layouts: docs/format/encodings.md.
//
// Decoders are total: any page that does not have exactly the layout of `n` values of its
// encoding yields DataLoss, and they never allocate more than n <= kMaxPageValues values.
// Thread-safe: pure functions.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "block/encoding.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

// PLAIN: u8 byte width | values, each `byte_width` bytes little-endian.
// REQUIRES: byte_width in {1, 2, 4, 8} and every value fits in it.
std::string EncodePlainU64(std::span<const uint64_t> values, int byte_width);
// BITPACK with base = min and width = bits of (max - min).
std::string EncodeBitpack(std::span<const uint64_t> values);
// DELTA of consecutive values (wrapping u64 differences read as i64, so any sequence works;
// sorted ones are smallest).
std::string EncodeDelta(std::span<const uint64_t> values);

// A u64 page chosen by EncodeU64Page, with what its page index entry needs.
struct U64Page {
  Encoding encoding = Encoding::kPlain;
  uint16_t bit_width = 0;  // PLAIN: 8 * byte width; BITPACK/DELTA: packed width
  uint64_t min = 0;        // of the values (0 when empty)
  uint64_t max = 0;
  std::string bytes;
};

// TABLE: u16 count | BITPACK stream of the `count` distinct values, ascending | u8 code width |
// codes packed. REQUIRES: 1 <= distinct values <= kMaxTableValues (or no values).
constexpr size_t kMaxTableValues = 4096;
std::string EncodeTable(std::span<const uint64_t> values);
// VARBITS: u64 base | u8 widths codec (0 raw, 1 zstd) | u32 stored widths length | widths (one
// byte per value: bit width of value - base) | for each value of width w >= 2 its low w - 1
// bits, packed. Good for values of widely varying magnitude (durations, offsets in time).
std::string EncodeVarbits(std::span<const uint64_t> values);

// The smallest of PLAIN, BITPACK, DELTA, TABLE and VARBITS for `values` (ties go to the one
// listed first). TABLE and VARBITS are sized from one pass of statistics and only built when
// they win.
U64Page EncodeU64Page(std::span<const uint64_t> values);

// Decodes `out.size()` values of a PLAIN (byte width 1/2/4/8), BITPACK, DELTA, TABLE or VARBITS
// page into `out`. DataLoss when the page is malformed or does not hold exactly that many
// values; InvalidArgument for another encoding. `out` may be partly written on error.
Status DecodeU64Into(Encoding encoding, ByteView page, std::span<uint64_t> out);
// The same into a new vector; the count is checked against the page before allocating.
Result<std::vector<uint64_t>> DecodeU64(Encoding encoding, ByteView page, uint32_t n);

// An f64 page (values as IEEE-754 bit patterns) chosen by EncodeF64Page. min/max are the bit
// patterns of the smallest and largest non-NaN values (both 0 when every value is NaN).
struct F64Page {
  Encoding encoding = Encoding::kPlain;
  uint64_t min = 0;
  uint64_t max = 0;
  std::string bytes;
};

// DECIMAL: u8 exponent e (0..kMaxDecimalExponent) | u8 inner encoding (PLAIN, BITPACK, TABLE or
// VARBITS) | inner page of zigzag(m) for each value m / 10^e. Only written when every value
// divides back to exactly its bits.
constexpr int kMaxDecimalExponent = 15;

// The smallest of PLAIN (8 bytes), TABLE (of the bit patterns) and DECIMAL.
F64Page EncodeF64Page(std::span<const uint64_t> bits);
// Decodes an f64 page into bit patterns. DataLoss when malformed; InvalidArgument for an
// encoding that does not hold f64 values.
Status DecodeF64Into(Encoding encoding, ByteView page, std::span<uint64_t> out);

namespace internal {
// Size in bytes of the DELTA stream of n values starting at `page` (header included), or
// DataLoss when the header is malformed or the page is shorter. Used by BYTES, whose offsets
// are a DELTA stream followed by more bytes.
Result<size_t> DeltaStreamSize(ByteView page, size_t n);
// Decodes a DELTA stream whose size DeltaStreamSize checked. REQUIRES: out.size() == n.
void UnpackDelta(ByteView page, std::span<uint64_t> out);
}  // namespace internal

}  // namespace vivace::block
