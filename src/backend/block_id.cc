#include "backend/block_id.h"

#include <cstring>
#include <random>

#include <fmt/format.h>

namespace vivace::backend {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

Status BadId(std::string_view text) {
  return Status::InvalidArgument(
      fmt::format("invalid block ID \"{}\": not a UUID", text.substr(0, 64)));
}

}  // namespace

BlockId BlockId::Random() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::array<uint8_t, kSize> b{};
  uint64_t hi = rng();
  uint64_t lo = rng();
  std::memcpy(b.data(), &hi, 8);
  std::memcpy(b.data() + 8, &lo, 8);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return BlockId(b);
}

Result<BlockId> BlockId::Parse(std::string_view text) {
  bool hyphenated = text.size() == 36;
  if (!hyphenated && text.size() != 32) {
    return BadId(text);
  }
  if (hyphenated && (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')) {
    return BadId(text);
  }
  std::array<uint8_t, kSize> b{};
  size_t pos = 0;
  for (size_t i = 0; i < kSize; ++i) {
    if (hyphenated && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) {
      ++pos;
    }
    int hi = HexValue(text[pos]);
    int lo = HexValue(text[pos + 1]);
    if (hi < 0 || lo < 0) {
      return BadId(text);
    }
    b[i] = static_cast<uint8_t>(hi << 4 | lo);
    pos += 2;
  }
  return BlockId(b);
}

Result<BlockId> BlockId::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return Status::InvalidArgument(
        fmt::format("invalid block ID: {} bytes, want {}", bytes.size(), kSize));
  }
  std::array<uint8_t, kSize> b{};
  std::memcpy(b.data(), bytes.data(), kSize);
  return BlockId(b);
}

std::string BlockId::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < kSize; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += kHex[bytes_[i] >> 4];
    out += kHex[bytes_[i] & 0xf];
  }
  return out;
}

}  // namespace vivace::backend
