#include "querier/block_readers.h"

namespace vivace::querier {

std::shared_ptr<block::BlockReader> BlockReaders::Get(const backend::BlockMeta& meta) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = readers_.find(meta.block_id);
  if (it != readers_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.reader;
  }
  auto reader = std::make_shared<block::BlockReader>(backend_, meta);
  lru_.push_front(meta.block_id);
  readers_.emplace(meta.block_id, Entry{reader, lru_.begin()});
  while (readers_.size() > capacity_) {
    readers_.erase(lru_.back());
    lru_.pop_back();
  }
  return reader;
}

size_t BlockReaders::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return readers_.size();
}

}  // namespace vivace::querier
