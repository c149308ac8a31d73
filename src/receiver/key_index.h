#pragma once

// KeyIndex: an open-addressing hash index from string keys to positions in a caller's array,
// for the translators' per-span attribute maps and tag de-duplication. Unlike an
// unordered_map it keeps its table across Reset(), which is O(1) (slots carry the generation
// they were filled in), so steady-state use allocates nothing; a probe is one multiply-xorshift
// hash plus mostly one comparison. Not thread-safe.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace vivace::receiver {

class KeyIndex {
 public:
  // Empties the index, keeping its table.
  void Reset() {
    if (count_ == 0) {
      return;
    }
    count_ = 0;
    if (++gen_ == 0) {  // wrapped: old generations could look current again
      std::fill(slots_.begin(), slots_.end(), Slot{});
      gen_ = 1;
    }
  }

  // The position p of `key` for which matches(p) holds, or -1.
  template <typename Matches>
  int Find(std::string_view key, Matches&& matches) const {
    if (slots_.empty()) {
      return -1;
    }
    const uint32_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.gen != gen_) {
        return -1;
      }
      if (s.hash == h && matches(s.pos1 - 1)) {
        return static_cast<int>(s.pos1 - 1);
      }
    }
  }

  // Adds key -> pos (a key may be added again, e.g. after its entry died; Find skips entries
  // `matches` rejects).
  void Insert(std::string_view key, uint32_t pos) {
    if ((count_ + 1) * 2 > slots_.size()) {
      Grow();
    }
    Place(Hash(key), pos + 1);
    ++count_;
  }

  static uint32_t Hash(std::string_view key) {
    uint64_t h = 0x243f6a8885a308d3ull ^ key.size();
    const char* p = key.data();
    size_t n = key.size();
    while (n >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * 0x9e3779b97f4a7c15ull;
      h ^= h >> 29;
      p += 8;
      n -= 8;
    }
    uint64_t w = 0;
    if (key.size() >= 8) {
      std::memcpy(&w, key.data() + key.size() - 8, 8);  // the last 8 bytes, overlapping
    } else {
      for (size_t i = 0; i < n; ++i) {
        w = w << 8 | static_cast<uint8_t>(p[i]);
      }
    }
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 32;
    return static_cast<uint32_t>(h);
  }

 private:
  struct Slot {
    uint32_t gen = 0;  // in use iff equal to gen_
    uint32_t hash = 0;
    uint32_t pos1 = 0;  // position + 1
  };

  void Place(uint32_t hash, uint32_t pos1) {
    size_t i = hash & mask_;
    while (slots_[i].gen == gen_) {
      i = (i + 1) & mask_;
    }
    slots_[i] = {gen_, hash, pos1};
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.gen == gen_) {
        Place(s.hash, s.pos1);
      }
    }
  }

  std::vector<Slot> slots_;
  uint32_t gen_ = 1;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace vivace::receiver
