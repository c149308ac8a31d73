#include "common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace vivace {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // Castagnoli, bit-reflected

// kTables[0] is the classic byte-at-a-time table; kTables[j][b] is the CRC of byte b followed
// by j zero bytes, so eight input bytes are folded with eight independent lookups.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) {
      c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    }
    t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (size_t j = 1; j < 8; ++j) {
      t[j][b] = (t[j - 1][b] >> 8) ^ t[0][t[j - 1][b] & 0xFF];
    }
  }
  return t;
}

constexpr auto kTables = MakeTables();

uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian host (x86-64, aarch64)
}

// Whether the CPU has SSE4.2, evaluated once.
bool DetectHardware() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

const bool kHasHardware = DetectHardware();

}  // namespace

namespace internal {

bool Crc32cHasHardware() { return kHasHardware; }

uint32_t Crc32cSoftware(uint32_t crc, ByteView data) {
  uint32_t c = ~crc;
  const uint8_t* p = data.data();
  size_t n = data.size();
  while (n >= 8) {
    uint64_t v = Load64(p) ^ c;
    c = kTables[7][v & 0xFF] ^ kTables[6][(v >> 8) & 0xFF] ^ kTables[5][(v >> 16) & 0xFF]
        ^ kTables[4][(v >> 24) & 0xFF] ^ kTables[3][(v >> 32) & 0xFF]
        ^ kTables[2][(v >> 40) & 0xFF] ^ kTables[1][(v >> 48) & 0xFF] ^ kTables[0][v >> 56];
    p += 8;
    n -= 8;
  }
  for (; n > 0; --n, ++p) {
    c = (c >> 8) ^ kTables[0][(c ^ *p) & 0xFF];
  }
  return ~c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cHardware(uint32_t crc, ByteView data) {
  uint64_t c = ~crc;
  const uint8_t* p = data.data();
  size_t n = data.size();
  while (n >= 8) {
    c = _mm_crc32_u64(c, Load64(p));
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<uint32_t>(c);
  for (; n > 0; --n, ++p) {
    c32 = _mm_crc32_u8(c32, *p);
  }
  return ~c32;
}
#else
uint32_t Crc32cHardware(uint32_t crc, ByteView data) { return Crc32cSoftware(crc, data); }
#endif

}  // namespace internal

uint32_t Crc32cExtend(uint32_t crc, ByteView data) {
  return kHasHardware ? internal::Crc32cHardware(crc, data) : internal::Crc32cSoftware(crc, data);
}

uint32_t Crc32c(ByteView data) { return Crc32cExtend(0, data); }

}  // namespace vivace
