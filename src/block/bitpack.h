#pragma once

// Bit packing, the core of the BITPACK, DELTA, DICT and BYTES encodings. Value i of width w
// occupies bits [i*w, (i+1)*w) of the stream; stream bit b is bit (b mod 8) of byte b/8
// (LSB-first, so the stream is also a sequence of little-endian 64-bit words). A stream of n
// values has PackedBytes(n, w) bytes; unused high bits of the last byte are zero.
//
// Unpacking is specialised per width and handles 64 values (w whole words) per step.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace vivace::block {

// Bits needed for v (0 for 0, 64 for values >= 2^63).
inline int BitWidth(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

// ceil(n * width / 8). n * width cannot overflow for n < 2^32, width <= 64.
inline size_t PackedBytes(size_t n, int width) {
  return static_cast<size_t>((static_cast<uint64_t>(n) * static_cast<uint64_t>(width) + 7) / 8);
}

// Appends (v - subtract) for each v, keeping the low `width` bits. 0 <= width <= 64.
void AppendPacked(std::span<const uint64_t> values, int width, uint64_t subtract,
                  std::string& out);
void AppendPacked(std::span<const uint32_t> values, int width, std::string& out);

// out[i] = add + value i. REQUIRES: `in` holds PackedBytes(n, width) bytes, 0 <= width <= 64,
// `out` has room for n values.
void UnpackBits(const uint8_t* in, size_t n, int width, uint64_t add, uint64_t* out);
// The same into u32. REQUIRES: 0 <= width <= 32.
void UnpackBits(const uint8_t* in, size_t n, int width, uint32_t* out);

// Whether the unused high bits of the last byte of a stream of n values are zero (a canonical
// stream). REQUIRES: `in` holds PackedBytes(n, width) bytes.
bool PaddingIsZero(const uint8_t* in, size_t n, int width);

}  // namespace vivace::block
