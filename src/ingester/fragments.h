#pragma once

// How the ingester keeps the parts of one trace: serialized tempopb.Trace fragments, one per
// push, each framed by a 4-byte little-endian length so that the query side can combine them
// with Tempo's semantics (the first part as is, later parts deduplicated against it).

#include <cstdint>
#include <cstring>
#include <string>

#include "common/bytes.h"

namespace vivace::ingester {

inline void AppendFramed(std::string& out, ByteView fragment) {
  auto n = static_cast<uint32_t>(fragment.size());
  char len[4];
  std::memcpy(len, &n, 4);
  out.append(len, 4);
  out.append(reinterpret_cast<const char*>(fragment.data()), fragment.size());
}

// Calls fn(ByteView) for each fragment. Returns false if the framing is corrupt.
template <typename Fn>
bool ForEachFragment(ByteView framed, Fn&& fn) {
  size_t pos = 0;
  while (pos < framed.size()) {
    if (framed.size() - pos < 4) {
      return false;
    }
    uint32_t n = 0;
    std::memcpy(&n, framed.data() + pos, 4);
    pos += 4;
    if (n > framed.size() - pos) {
      return false;
    }
    fn(framed.substr(pos, n));
    pos += n;
  }
  return true;
}

}  // namespace vivace::ingester
