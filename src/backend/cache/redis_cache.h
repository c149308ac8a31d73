#pragma once

// RedisCache: `cache.caches[].redis` over hiredis, for one redis server (`endpoint`
// "host:port"; a comma list, meaning a cluster in Tempo, uses the first address only).
// AUTH with `username`/`password`, SELECT `db`, GET and SET with PX `ttl`/`expiration`;
// every call bounded by `timeout`. A connection that fails is dropped and the next call
// reconnects.
//
// Thread-safe: calls take a connection from a pool.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/cache/cache.h"
#include "common/duration.h"

namespace vivace::backend::cache {

struct RedisOptions {
  std::string endpoint;  // host:port
  std::string username;
  std::string password;
  int db = 0;
  Duration timeout = std::chrono::milliseconds(500);
  Duration ttl{0};
  int pool_size = 16;
  int64_t max_item_size = 0;
};

class RedisCache final : public Cache {
 public:
  static Result<std::unique_ptr<RedisCache>> Create(RedisOptions options);
  ~RedisCache() override;

  Result<std::optional<std::string>> Fetch(std::string_view key) override;
  Status Store(std::string_view key, std::string_view value) override;

  std::string_view kind() const override { return "redis"; }

 private:
  struct Conn;
  explicit RedisCache(RedisOptions options);
  Result<std::unique_ptr<Conn>> Take();
  void Give(std::unique_ptr<Conn> c);

  RedisOptions options_;
  std::string host_;
  int port_ = 6379;
  std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_;  // guarded by mu_
};

}  // namespace vivace::backend::cache
