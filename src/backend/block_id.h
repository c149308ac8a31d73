#pragma once

// BlockId: the 16-byte UUID naming a block (`<tenant>/<blockID>/...`). Written as a lowercase
// hyphenated string in keys and JSON, as 16 raw bytes in protobuf.

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::backend {

class BlockId {
 public:
  static constexpr size_t kSize = 16;

  // The nil UUID.
  BlockId() = default;

  explicit BlockId(const std::array<uint8_t, kSize>& bytes) : bytes_(bytes) {}

  // A random (version 4) UUID. Thread-safe.
  static BlockId Random();
  // Accepts the hyphenated form ("b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091", either case) and the
  // 32-hex-digit form without hyphens. InvalidArgument otherwise.
  static Result<BlockId> Parse(std::string_view text);
  // From 16 raw bytes (protobuf). InvalidArgument for any other length.
  static Result<BlockId> FromBytes(ByteView bytes);

  // Lowercase hyphenated form.
  std::string ToString() const;

  ByteView bytes() const { return {bytes_.data(), bytes_.size()}; }

  bool IsNil() const { return *this == BlockId(); }

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend auto operator<=>(const BlockId&, const BlockId&) = default;
  friend bool operator==(const BlockId&, const BlockId&) = default;

 private:
  std::array<uint8_t, kSize> bytes_{};
};

}  // namespace vivace::backend

template <>
struct std::hash<vivace::backend::BlockId> {
  size_t operator()(const vivace::backend::BlockId& id) const noexcept {
    // Random UUIDs: any 8 bytes are already well mixed.
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) {
      v = v << 8 | id.bytes()[i];
    }
    return static_cast<size_t>(v);
  }
};
