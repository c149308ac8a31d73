#include "block/murmur3.h"

#include "block/little_endian.h"

namespace vivace::block {
namespace {

constexpr uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr uint64_t kC2 = 0x4cf5ad432745937fULL;

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t Fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

inline uint64_t MixK1(uint64_t k1) { return Rotl(k1 * kC1, 31) * kC2; }
inline uint64_t MixK2(uint64_t k2) { return Rotl(k2 * kC2, 33) * kC1; }

}  // namespace

Hash128 Murmur3X64_128(ByteView data, uint32_t seed) {
  const uint8_t* p = data.data();
  const size_t len = data.size();
  const size_t blocks = len / 16;
  uint64_t h1 = seed;
  uint64_t h2 = seed;

  for (size_t i = 0; i < blocks; ++i) {
    h1 ^= MixK1(LoadLe64(p + 16 * i));
    h1 = Rotl(h1, 27) + h2;
    h1 = h1 * 5 + 0x52dce729;
    h2 ^= MixK2(LoadLe64(p + 16 * i + 8));
    h2 = Rotl(h2, 31) + h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  // Tail: bytes 0..7 go to k1, bytes 8..14 to k2, little-endian.
  const uint8_t* tail = p + 16 * blocks;
  const size_t rest = len % 16;
  uint64_t k1 = 0;
  uint64_t k2 = 0;
  for (size_t i = rest; i > 8; --i) {
    k2 ^= uint64_t{tail[i - 1]} << (8 * (i - 9));
  }
  for (size_t i = rest < 8 ? rest : 8; i > 0; --i) {
    k1 ^= uint64_t{tail[i - 1]} << (8 * (i - 1));
  }
  if (rest > 8) {
    h2 ^= MixK2(k2);
  }
  if (rest > 0) {
    h1 ^= MixK1(k1);
  }

  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = Fmix(h1);
  h2 = Fmix(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

}  // namespace vivace::block
