#pragma once

// Little-endian loads and appends for the block format (every fixed-width integer in a `vvc1`
// object is little-endian; docs/block-format.md), and the canonical LEB128 varints of the
// row-group header. Loads read from unaligned memory.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace vivace::block {

inline uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  return v;
}

inline uint32_t LoadLe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap32(v);
  }
  return v;
}

inline uint16_t LoadLe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

inline void StoreLe64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  std::memcpy(p, &v, sizeof(v));
}

inline void AppendLe64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<char>(v >> (8 * i));
  }
  out.append(b, 8);
}

inline void AppendLe32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) {
    b[i] = static_cast<char>(v >> (8 * i));
  }
  out.append(b, 4);
}

inline void AppendLe16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v));
  out.push_back(static_cast<char>(v >> 8));
}

// Unsigned LEB128: 7 bits per byte, least significant group first, high bit = more follows.
inline void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a varint at in[*pos, size) and advances *pos. False when truncated, longer than 10
// bytes, overflowing 64 bits or not minimal (a trailing 0x00 group), so every value has exactly
// one encoding.
inline bool ReadVarint(const uint8_t* in, size_t size, size_t* pos, uint64_t* v) {
  uint64_t out = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= size) {
      return false;
    }
    const uint8_t b = in[(*pos)++];
    if (shift == 63 && b > 1) {
      return false;
    }
    out |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      if (b == 0 && shift != 0) {
        return false;
      }
      *v = out;
      return true;
    }
  }
  return false;
}

}  // namespace vivace::block
