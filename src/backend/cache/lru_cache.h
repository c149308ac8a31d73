#pragma once

// LruCache: an in-process cache holding at most `max_bytes` of keys and values, evicting the
// least recently used entries (Vivace's `cache.caches[].inmemory`; Tempo has no in-process
// backend cache). Never fails. Thread-safe (one mutex: entries are large, lookups rare
// compared to the reads they save).

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "backend/cache/cache.h"

namespace vivace::backend::cache {

class LruCache final : public Cache {
 public:
  explicit LruCache(uint64_t max_bytes);

  Result<std::optional<std::string>> Fetch(std::string_view key) override;
  Status Store(std::string_view key, std::string_view value) override;

  std::string_view kind() const override { return "inmemory"; }

  uint64_t bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    std::string key;
    std::string value;
  };

  static uint64_t Cost(const Entry& e) { return e.key.size() + e.value.size() + 64; }

  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used; guarded by mu_
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // keys view lru_
  uint64_t bytes_ = 0;
};

}  // namespace vivace::backend::cache
