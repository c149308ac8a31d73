#pragma once

// The cache interface the read path puts in front of immutable block objects (spec storage.md
// §7), with three implementations: an in-process LRU with a byte budget (lru_cache.h),
// memcached (memcached_cache.h) and redis (redis_cache.h). A cache is an optimisation only:
// every error is reported to the caller, who counts it and reads the backend instead
// (caching_backend.h), so a dead cache server never fails a query.
//
// Thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace::backend::cache {

class Cache {
 public:
  Cache() = default;
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;
  Cache(Cache&&) = delete;
  Cache& operator=(Cache&&) = delete;
  virtual ~Cache() = default;

  // The value stored under `key`, nullopt on a miss; an error when the cache cannot answer.
  virtual Result<std::optional<std::string>> Fetch(std::string_view key) = 0;
  virtual Status Store(std::string_view key, std::string_view value) = 0;
  // "inmemory", "memcached" or "redis" (metric labels, logs).
  virtual std::string_view kind() const = 0;
};

// Tempo's cache roles (config `cache.caches[].roles`).
inline constexpr std::string_view kRoleBloom = "bloom";
inline constexpr std::string_view kRoleTraceIdIndex = "trace-id-index";
inline constexpr std::string_view kRoleParquetFooter = "parquet-footer";
inline constexpr std::string_view kRoleParquetPage = "parquet-page";
inline constexpr std::string_view kRoleFrontendSearch = "frontend-search";

}  // namespace vivace::backend::cache
