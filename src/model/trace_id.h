#pragma once

// 128-bit trace IDs: the key of every live trace, block index and query.

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::model {

struct TraceId {
  std::array<uint8_t, 16> bytes{};

  static TraceId FromBytes(ByteView b) {  // REQUIRES: b.size() == 16
    TraceId id;
    std::memcpy(id.bytes.data(), b.data(), 16);
    return id;
  }
  // Tempo's query-side rules (util.HexStringToTraceID): 1..32 hex characters of either case,
  // an odd length gets a leading 0, shorter IDs are left-padded with zero bytes.
  static Result<TraceId> ParseHex(std::string_view hex);

  ByteView view() const { return {bytes.data(), bytes.size()}; }
  // 32 lower-case hex characters.
  std::string Hex() const;
  // Hex without leading zeros, as search results print trace IDs.
  std::string TrimmedHex() const;

  uint64_t hi() const;
  uint64_t lo() const;

  // memcmp of a constant 16 bytes compiles to two loads; std::array's == calls memcmp.
  friend bool operator==(const TraceId& a, const TraceId& b) {
    return std::memcmp(a.bytes.data(), b.bytes.data(), 16) == 0;
  }
  friend bool operator<(const TraceId& a, const TraceId& b) { return a.bytes < b.bytes; }
};

// A seeded hash so crafted trace IDs cannot force collisions in our maps.
uint64_t HashTraceId(const TraceId& id);

}  // namespace vivace::model
