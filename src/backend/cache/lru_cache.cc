#include "backend/cache/lru_cache.h"

namespace vivace::backend::cache {

LruCache::LruCache(uint64_t max_bytes) : max_bytes_(max_bytes) {}

Result<std::optional<std::string>> LruCache::Fetch(std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    return std::optional<std::string>();
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return std::optional<std::string>(it->second->value);
}

Status LruCache::Store(std::string_view key, std::string_view value) {
  Entry e{std::string(key), std::string(value)};
  uint64_t cost = Cost(e);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= Cost(*it->second);
    lru_.erase(it->second);
    index_.erase(it);
  }
  if (cost > max_bytes_) {
    return Status::Ok();  // larger than the whole budget: not cached
  }
  while (bytes_ + cost > max_bytes_ && !lru_.empty()) {
    bytes_ -= Cost(lru_.back());
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(std::move(e));
  index_[lru_.front().key] = lru_.begin();
  bytes_ += cost;
  return Status::Ok();
}

uint64_t LruCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t LruCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace vivace::backend::cache
