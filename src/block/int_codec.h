#pragma once

// Page codecs for u64 columns (times, durations, counts, CSR offsets, ordinals): PLAIN,
// BITPACK (frame of reference) and DELTA, plus EncodeU64Page, which picks the smallest.
// Signed columns are stored as their u64 bit patterns by the caller. Byte layouts:
// docs/format/encodings.md.
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

// The smallest of PLAIN, BITPACK and DELTA for `values` (ties go to the one listed first).
U64Page EncodeU64Page(std::span<const uint64_t> values);

// Decodes `out.size()` values of a PLAIN (byte width 1/2/4/8), BITPACK or DELTA page into
// `out`. DataLoss when the page is malformed or does not hold exactly that many values;
// InvalidArgument for another encoding. `out` may be partly written on error.
Status DecodeU64Into(Encoding encoding, ByteView page, std::span<uint64_t> out);
// The same into a new vector; the count is checked against the page before allocating.
Result<std::vector<uint64_t>> DecodeU64(Encoding encoding, ByteView page, uint32_t n);

namespace internal {
// Size in bytes of the DELTA stream of n values starting at `page` (header included), or
// DataLoss when the header is malformed or the page is shorter. Used by BYTES, whose offsets
// are a DELTA stream followed by more bytes.
Result<size_t> DeltaStreamSize(ByteView page, size_t n);
// Decodes a DELTA stream whose size DeltaStreamSize checked. REQUIRES: out.size() == n.
void UnpackDelta(ByteView page, std::span<uint64_t> out);
}  // namespace internal

}  // namespace vivace::block
