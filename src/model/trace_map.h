#pragma once

// An open-addressing hash map from TraceId to V (linear probing, power-of-two capacity,
// backward-shift deletion). Used for per-request regrouping and for live traces, where
// std::unordered_map's node allocations and pointer chasing measured ~10x slower.
// Not thread-safe; callers shard and lock.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "model/trace_id.h"

namespace vivace::model {

template <typename V>
class TraceMap {
 public:
  explicit TraceMap(size_t expected = 16) { Rehash(CapacityFor(expected)); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  V* Find(const TraceId& id) {
    return const_cast<V*>(static_cast<const TraceMap*>(this)->Find(id));
  }

  const V* Find(const TraceId& id) const {
    size_t i = Home(id);
    while (slots_[i].used) {
      if (slots_[i].key == id) {
        return &slots_[i].value;
      }
      i = (i + 1) & mask_;
    }
    return nullptr;
  }

  // Returns the value for `id`, inserting a default-constructed one if absent; `inserted` tells.
  V& FindOrInsert(const TraceId& id, bool* inserted) {
    if ((size_ + 1) * 4 > slots_.size() * 3) {
      Rehash(slots_.size() * 2);
    }
    size_t i = Home(id);
    while (slots_[i].used) {
      if (slots_[i].key == id) {
        *inserted = false;
        return slots_[i].value;
      }
      i = (i + 1) & mask_;
    }
    slots_[i].used = true;
    slots_[i].key = id;
    slots_[i].value = V();
    ++size_;
    *inserted = true;
    return slots_[i].value;
  }

  bool Erase(const TraceId& id) {
    size_t i = Home(id);
    while (slots_[i].used) {
      if (slots_[i].key == id) {
        EraseSlot(i);
        return true;
      }
      i = (i + 1) & mask_;
    }
    return false;
  }

  // Calls fn(key, value&) for each entry; fn returns true to erase the entry.
  template <typename Fn>
  void EraseIf(Fn&& fn) {
    size_t i = 0;
    while (i < slots_.size()) {
      if (slots_[i].used && fn(slots_[i].key, slots_[i].value)) {
        EraseSlot(i);  // a later entry may have shifted into i: look at i again
      } else {
        ++i;
      }
    }
  }

  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (auto& s : slots_) {
      if (s.used) {
        fn(s.key, s.value);
      }
    }
  }

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& s : slots_) {
      if (s.used) {
        fn(s.key, s.value);
      }
    }
  }

  size_t MemoryUsage() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    TraceId key;
    bool used = false;
    V value{};
  };

  static size_t CapacityFor(size_t n) {
    size_t c = 16;
    while (c * 3 < n * 4) {
      c *= 2;
    }
    return c;
  }

  size_t Home(const TraceId& id) const { return HashTraceId(id) & mask_; }

  void EraseSlot(size_t i) {
    // Backward-shift: move later entries of the probe run into the hole.
    size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (!slots_[j].used) {
        break;
      }
      size_t home = Home(slots_[j].key);
      // Move j into i if home is not cyclically in (i, j].
      bool between = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
      if (!between) {
        slots_[i] = std::move(slots_[j]);
        i = j;
      }
    }
    slots_[i].used = false;
    slots_[i].value = V();
    --size_;
  }

  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.clear();
    slots_.resize(capacity);
    mask_ = capacity - 1;
    size_ = 0;
    for (auto& s : old) {
      if (s.used) {
        bool inserted = false;
        FindOrInsert(s.key, &inserted) = std::move(s.value);
      }
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace vivace::model
