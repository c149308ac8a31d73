#pragma once

// A small, fast, fully specified random number generator (SplitMix64). The standard library's
// distributions are implementation-defined, so the generator uses only this to stay
// reproducible across compilers: the same --seed gives the same traces everywhere.

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace vivace::loadgen {

// SplitMix64's finalizer: a bijection on 64-bit integers with good avalanche, so distinct
// inputs always give distinct outputs.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Not thread-safe; one per generator.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(state_);
  }

  // Uniform in [0, n). REQUIRES: n > 0. The modulo bias is irrelevant at these sizes.
  uint64_t Below(uint64_t n) { return Next() % n; }

  int Index(size_t n) { return static_cast<int>(Below(n)); }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  bool Chance(double p) { return Unit() < p; }

  // A uniformly chosen element. REQUIRES: `items` is not empty.
  template <typename Container>
  const auto& Pick(const Container& items) {
    return items[Below(std::size(items))];
  }

 private:
  uint64_t state_;
};

}  // namespace vivace::loadgen
