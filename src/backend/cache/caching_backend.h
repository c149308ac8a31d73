#pragma once

// CachingBackend: a RawBackend wrapper that serves immutable block objects from caches by
// Tempo's roles (spec storage.md §7): whole `bloom-N` objects (role bloom, key
// "<tenant>:<block>:bloom-N"), whole `index` objects (trace-id-index, "<tenant>:<block>:index")
// and range reads of `data` up to `max_page_bytes` (parquet-page,
// "<tenant>:<block>:data:<offset>:<length>"). Blooms are also stored when a block is written,
// as Tempo does. Everything else (meta.json, tenant indexes, listings, writes) goes straight
// to the wrapped backend.
//
// Failing safe: a cache error or timeout counts as a miss (and in the cache's error metrics)
// and the read goes to the backend; after `breaker_failures` consecutive errors a cache is
// skipped for `breaker_cooldown` so a dead server costs one timeout, not one per read. Values
// fetched from the backend are stored by a background writer (cache.background:
// `writeback_goroutines` threads, at most `writeback_buffer` queued; overflow is dropped and
// counted).
//
// Metrics: tempodb_cache_requests_total{role,outcome} (hit|miss|error),
// tempodb_cache_request_bytes_total{role,outcome}, tempo_memcache_request_duration_seconds /
// tempo_rediscache_request_duration_seconds{method,name,status_code},
// tempo_cache_background_queue_length, tempo_cache_dropped_background_writes_total.
//
// Thread-safe.

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "backend/cache/cache.h"
#include "backend/raw_backend.h"
#include "common/duration.h"
#include "common/thread_pool.h"

namespace vivace::backend::cache {

struct CachingOptions {
  uint64_t max_page_bytes = 1 << 20;  // storage.trace.search.read_buffer_size_bytes
  int writeback_threads = 10;
  int writeback_buffer = 10000;
  int breaker_failures = 10;
  Duration breaker_cooldown = std::chrono::seconds(10);
};

class CachingBackend final : public RawBackend {
 public:
  // `caches` maps a role to the cache serving it (one cache may serve several roles).
  CachingBackend(std::unique_ptr<RawBackend> inner,
                 std::map<std::string, std::shared_ptr<Cache>> caches, CachingOptions options);
  ~CachingBackend() override;

  Result<std::string> Read(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<uint64_t> Size(std::string_view key) override;
  Status Write(std::string_view key, ByteView data) override;
  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;

  RawBackend& inner() { return *inner_; }

  // A role's cache for callers above the backend (the frontend's search jobs use
  // frontend-search), with the same counting, circuit breaker and background writes.
  bool HasRole(std::string_view role) const { return routes_.find(role) != routes_.end(); }

  // nullopt on a miss, an error, or when `role` has no cache.
  std::optional<std::string> FetchFor(std::string_view role, const std::string& key);
  void StoreFor(std::string_view role, std::string key, std::string value);

  // Waits until every queued cache write is done (tests, benchmarks).
  void FlushWritesForTesting();

 private:
  struct Route;
  // The cache and key for `key` read whole (range_len 0) or in a range; nullptr when uncached.
  Route* RouteFor(std::string_view key, bool range, uint64_t offset, uint64_t length,
                  std::string* cache_key);
  std::optional<std::string> Fetch(Route& route, const std::string& cache_key);
  void StoreLater(Route& route, std::string cache_key, std::string value);

  std::unique_ptr<RawBackend> inner_;
  CachingOptions options_;
  std::map<std::string, std::unique_ptr<Route>, std::less<>> routes_;  // by role
  std::atomic<int> queued_{0};
  std::unique_ptr<ThreadPool> writers_;
};

}  // namespace vivace::backend::cache
