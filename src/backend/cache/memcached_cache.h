#pragma once

// MemcachedCache: `cache.caches[].memcached` over libmemcached. Servers come from `addresses`
// (comma list; a "dns+" prefix is accepted and resolved by libmemcached) or `host` with the
// default port; keys are spread over them by consistent hashing (ketama) when
// `consistent_hash` is on. Every call is bounded by `timeout` (and `connect_timeout`); a server
// that fails is retried after a second. Keys memcached cannot hold (over 250 bytes, spaces,
// control characters) are replaced by their SHA-256.
//
// Thread-safe: calls take a client from a pool of `max_idle_conns` clones.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/cache/cache.h"
#include "common/duration.h"

namespace vivace::backend::cache {

struct MemcachedOptions {
  std::vector<std::string> servers;  // "host:port"
  Duration timeout = std::chrono::milliseconds(100);
  Duration connect_timeout = std::chrono::milliseconds(100);
  Duration ttl{0};  // 0 = no expiry
  int max_idle_conns = 16;
  bool consistent_hash = true;
  int64_t max_item_size = 0;  // 0 = no limit of ours (memcached's own is 1 MiB by default)
};

class MemcachedCache final : public Cache {
 public:
  // InvalidArgument when no server is given or libmemcached rejects the list.
  static Result<std::unique_ptr<MemcachedCache>> Create(MemcachedOptions options);
  ~MemcachedCache() override;

  Result<std::optional<std::string>> Fetch(std::string_view key) override;
  Status Store(std::string_view key, std::string_view value) override;

  std::string_view kind() const override { return "memcached"; }

 private:
  struct Client;
  explicit MemcachedCache(MemcachedOptions options);
  std::unique_ptr<Client> Take();
  void Give(std::unique_ptr<Client> c);

  MemcachedOptions options_;
  std::unique_ptr<Client> prototype_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Client>> idle_;  // guarded by mu_
};

// Memcached's key rules: at most 250 bytes, no spaces or control characters.
std::string MemcachedKey(std::string_view key);

}  // namespace vivace::backend::cache
