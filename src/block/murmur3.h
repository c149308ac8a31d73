#pragma once

// MurmurHash3_x64_128 (Austin Appleby's published definition), the hash behind Tempo's bloom
// filter bit positions (block/bloom.h). Thread-safe: a pure function.

#include <cstdint>

#include "common/bytes.h"

namespace vivace::block {

struct Hash128 {
  uint64_t h1 = 0;
  uint64_t h2 = 0;
};

Hash128 Murmur3X64_128(ByteView data, uint32_t seed = 0);

}  // namespace vivace::block
