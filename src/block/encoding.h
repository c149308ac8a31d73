#pragma once

// Identifiers and limits of the `vvc1` column page format (storage spec §8.6). Byte layouts:
// docs/format/encodings.md. The numeric values are stored in page index entries and never
// change.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vivace::block {

// Value encoding of a data page (one byte in the page index entry).
enum class Encoding : uint8_t {
  kPlain = 0,    // u8 byte width (1/2/4/8/16) | fixed-width little-endian values
  kBitpack = 1,  // u64 base | u8 width | (value - base) packed LSB-first
  kDelta = 2,    // u64 first | i64 min delta | u8 width | (delta - min delta) packed
  kDict = 3,     // u8 width | dictionary codes packed
  kBytes = 4,    // DELTA of n+1 offsets | concatenated bytes
  kBitmap = 5,   // ceil(n/8) bytes, bit i = value i, LSB-first
  kTable = 6,    // u16 count | BITPACK of the sorted distinct values | u8 width | codes packed
  kVarbits = 7,  // u64 base | widths (raw or zstd) | value bits below each top bit, packed
  kDecimal = 8,  // f64: u8 exponent | u8 inner encoding | inner u64 page of zigzag(mantissa)
};
constexpr uint8_t kMaxEncoding = 8;

// Compression of a stored page (one byte in the page index entry).
enum class Codec : uint8_t {
  kNone = 0,
  kZstd = 1,
  kLz4 = 2,  // u32 raw length | one LZ4 block
};
constexpr uint8_t kMaxCodec = 2;

// At most this many values (slots, nulls included) in one page. Writers cut pages before it;
// readers reject larger counts, so a decoded page never exceeds 8 MiB of u64 even when the
// encoding stores no bits per value (BITPACK width 0, DELTA of an arithmetic sequence).
constexpr uint32_t kMaxPageValues = 1u << 20;

// At most this many bytes in a page after decompression (data pages target 64 KiB).
constexpr size_t kMaxPageBytes = size_t{16} << 20;

// Dictionary pages (u32 count | BYTES) larger than this are not written: the chunk falls back
// to BYTES. Readers reject larger ones.
constexpr size_t kMaxDictionaryPageBytes = size_t{1} << 20;

std::string_view EncodingName(Encoding e);

}  // namespace vivace::block
