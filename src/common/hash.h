#pragma once

// Fast non-cryptographic hashing (xxHash3), used for trace-ID sharding and hash maps.

#include <cstddef>
#include <cstdint>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace vivace {

inline uint64_t Hash64(const void* data, size_t size) { return XXH3_64bits(data, size); }

}  // namespace vivace
