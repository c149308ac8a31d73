#pragma once

// Open BlockReaders by block ID, so that a block's index and bloom shards are read from the
// backend once and then served from memory. Least-recently-used readers are dropped past
// `capacity`. Thread-safe.

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "block/block_reader.h"

namespace vivace::querier {

class BlockReaders {
 public:
  BlockReaders(backend::RawBackend* backend, size_t capacity)
      : backend_(backend), capacity_(capacity) {}

  std::shared_ptr<block::BlockReader> Get(const backend::BlockMeta& meta);
  size_t size() const;

 private:
  using Lru = std::list<backend::BlockId>;

  struct Entry {
    std::shared_ptr<block::BlockReader> reader;
    Lru::iterator lru;
  };

  backend::RawBackend* backend_;
  size_t capacity_;
  mutable std::mutex mu_;
  Lru lru_;  // most recent first
  std::unordered_map<backend::BlockId, Entry> readers_;
};

}  // namespace vivace::querier
