#include "model/trace_id.h"

#include <random>

#include <fmt/format.h>

#include "common/hash.h"
#include "common/hex.h"

namespace vivace::model {
namespace {

uint64_t ProcessSeed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return seed;
}

}  // namespace

Result<TraceId> TraceId::ParseHex(std::string_view hex) {
  for (size_t i = 0; i < hex.size(); ++i) {
    char c = hex[i];
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) {
      return Status::InvalidArgument(fmt::format(
          "trace IDs can only contain hex characters: invalid character '{}' at position {}", c,
          i + 1));
    }
  }
  std::string even;
  if (hex.size() % 2 == 1) {
    even = "0";
  }
  even.append(hex);
  if (even.size() > 32) {
    return Status::InvalidArgument("trace IDs can't be larger than 128 bits");
  }
  TraceId id;
  size_t n = even.size() / 2;
  HexDecodeInto(even, id.bytes.data() + (16 - n), n);
  return id;
}

std::string TraceId::Hex() const { return HexEncode(view()); }

std::string TraceId::TrimmedHex() const {
  std::string h = Hex();
  size_t first = h.find_first_not_of('0');
  return first == std::string::npos ? std::string() : h.substr(first);
}

uint64_t TraceId::hi() const {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = v << 8 | bytes[i];
  }
  return v;
}

uint64_t TraceId::lo() const {
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) {
    v = v << 8 | bytes[i];
  }
  return v;
}

uint64_t HashTraceId(const TraceId& id) {
  return XXH3_64bits_withSeed(id.bytes.data(), 16, ProcessSeed());
}

}  // namespace vivace::model
