#include "block/bitpack.h"

#include <array>
#include <cstring>
#include <utility>

#include "block/little_endian.h"

namespace vivace::block {
namespace {

template <typename T>
void AppendPackedImpl(std::span<const T> values, int width, uint64_t subtract, std::string& out) {
  if (width == 0 || values.empty()) {
    return;
  }
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  const size_t start = out.size();
  out.resize(start + PackedBytes(values.size(), width));
  auto* dst = reinterpret_cast<uint8_t*>(out.data()) + start;
  uint64_t acc = 0;
  int filled = 0;  // bits of acc in use, always < 64 between values
  for (T v : values) {
    const uint64_t x = (static_cast<uint64_t>(v) - subtract) & mask;
    acc |= x << filled;
    filled += width;
    if (filled >= 64) {
      StoreLe64(dst, acc);
      dst += 8;
      filled -= 64;
      // The high `filled` bits of x did not fit in the word just written.
      acc = filled == 0 ? 0 : x >> (width - filled);
    }
  }
  for (int b = 0; b < filled; b += 8) {
    *dst++ = static_cast<uint8_t>(acc >> b);
  }
}

// --- Unpacking: one function per (output type, width), each doing 64 values = `W` words per
// step with every shift a compile-time constant.

template <int W>
constexpr uint64_t kMask = W == 64 ? ~uint64_t{0} : (uint64_t{1} << W) - 1;

template <typename T, int W, int I>
__attribute__((always_inline)) inline void UnpackOne(const uint8_t* in, T add, T* out) {
  constexpr size_t kBit = size_t{I} * W;
  constexpr size_t kWord = kBit / 64;
  constexpr int kShift = static_cast<int>(kBit % 64);
  uint64_t v = LoadLe64(in + 8 * kWord) >> kShift;
  if constexpr (kShift + W > 64) {
    v |= LoadLe64(in + 8 * (kWord + 1)) << (64 - kShift);
  }
  out[I] = static_cast<T>(add + static_cast<T>(v & kMask<W>));
}

template <typename T, int W, int... I>
__attribute__((always_inline)) inline void UnpackBlock(const uint8_t* in, T add, T* out,
                                                       std::integer_sequence<int, I...>) {
  if constexpr (W == 0) {
    for (int i = 0; i < 64; ++i) {
      out[i] = add;
    }
  } else {
    (UnpackOne<T, W, I>(in, add, out), ...);
  }
}

template <typename T, int W>
void UnpackWidth(const uint8_t* in, size_t n, T add, T* out) {
  constexpr auto kSeq = std::make_integer_sequence<int, 64>();
  const size_t blocks = n / 64;
  for (size_t b = 0; b < blocks; ++b) {
    UnpackBlock<T, W>(in + b * 8 * W, add, out + b * 64, kSeq);
  }
  const size_t rest = n % 64;
  if (rest != 0) {
    // The last partial block is copied into a zeroed buffer so whole words can be read.
    uint8_t buf[8 * 64] = {};
    std::memcpy(buf, in + blocks * 8 * W, PackedBytes(rest, W));
    T tmp[64];
    UnpackBlock<T, W>(buf, add, tmp, kSeq);
    std::memcpy(out + blocks * 64, tmp, rest * sizeof(T));
  }
}

template <typename T>
using UnpackFn = void (*)(const uint8_t*, size_t, T, T*);

template <typename T, int... W>
constexpr std::array<UnpackFn<T>, sizeof...(W)> MakeUnpackTable(std::integer_sequence<int, W...>) {
  return {&UnpackWidth<T, W>...};
}

constexpr auto kUnpack64 = MakeUnpackTable<uint64_t>(std::make_integer_sequence<int, 65>());
constexpr auto kUnpack32 = MakeUnpackTable<uint32_t>(std::make_integer_sequence<int, 33>());

}  // namespace

void AppendPacked(std::span<const uint64_t> values, int width, uint64_t subtract,
                  std::string& out) {
  AppendPackedImpl(values, width, subtract, out);
}

void AppendPacked(std::span<const uint32_t> values, int width, std::string& out) {
  AppendPackedImpl(values, width, 0, out);
}

void UnpackBits(const uint8_t* in, size_t n, int width, uint64_t add, uint64_t* out) {
  kUnpack64[static_cast<size_t>(width)](in, n, add, out);
}

void UnpackBits(const uint8_t* in, size_t n, int width, uint32_t* out) {
  kUnpack32[static_cast<size_t>(width)](in, n, 0, out);
}

bool PaddingIsZero(const uint8_t* in, size_t n, int width) {
  const uint64_t bits = static_cast<uint64_t>(n) * static_cast<uint64_t>(width);
  const auto used = static_cast<int>(bits % 8);
  if (used == 0) {
    return true;
  }
  return (in[PackedBytes(n, width) - 1] >> used) == 0;
}

}  // namespace vivace::block
