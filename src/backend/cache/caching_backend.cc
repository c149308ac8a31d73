#include "backend/cache/caching_backend.h"

#include <thread>

#include <fmt/format.h>

#include "common/clock.h"
#include "common/logging.h"
#include "common/metrics.h"

namespace vivace::backend::cache {
namespace {

metrics::Family<metrics::Counter>& Requests() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempodb_cache_requests_total", "Cache lookups by role and outcome (hit, miss, error).",
      {"role", "outcome"});
  return f;
}

metrics::Family<metrics::Counter>& RequestBytes() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempodb_cache_request_bytes_total", "Bytes served by cache lookups, by role and outcome.",
      {"role", "outcome"});
  return f;
}

metrics::Family<metrics::Histogram>& ClientDuration(std::string_view kind) {
  static auto& memcache = metrics::DefaultRegistry().NewHistogram(
      "tempo_memcache_request_duration_seconds", "Total time spent in memcache requests.",
      {"method", "name", "status_code"}, metrics::ExponentialBuckets(0.000016, 4, 8));
  static auto& redis = metrics::DefaultRegistry().NewHistogram(
      "tempo_rediscache_request_duration_seconds", "Total time spent in redis requests.",
      {"method", "name", "status_code"}, metrics::ExponentialBuckets(0.000016, 4, 8));
  return kind == "redis" ? redis : memcache;
}

metrics::Family<metrics::Counter>& DroppedWrites() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_cache_dropped_background_writes_total",
      "Cache writes dropped because the background queue was full.", {});
  return f;
}

metrics::Family<metrics::Gauge>& QueueLength() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "tempo_cache_background_queue_length", "Cache writes waiting in the background queue.", {});
  return f;
}

// "<tenant>/<blockID>/<name>" split; false for other shapes.
bool SplitBlockKey(std::string_view key, std::string_view* tenant, std::string_view* block,
                   std::string_view* name) {
  size_t a = key.find('/');
  if (a == std::string_view::npos) {
    return false;
  }
  size_t b = key.find('/', a + 1);
  if (b == std::string_view::npos || key.find('/', b + 1) != std::string_view::npos) {
    return false;
  }
  *tenant = key.substr(0, a);
  *block = key.substr(a + 1, b - a - 1);
  *name = key.substr(b + 1);
  return block->size() == 36;  // a UUID: objects of a block, never tenant-level ones
}

}  // namespace

// One role's cache with its circuit breaker.
struct CachingBackend::Route {
  std::string role;
  std::shared_ptr<Cache> cache;
  std::atomic<int> consecutive_failures{0};
  std::atomic<int64_t> open_until{0};  // monotonic nanos; skip the cache before then

  bool Open(int64_t now) const { return now < open_until.load(std::memory_order_relaxed); }

  void Record(bool ok, const CachingOptions& o) {
    if (ok) {
      consecutive_failures.store(0, std::memory_order_relaxed);
      return;
    }
    if (consecutive_failures.fetch_add(1) + 1 >= o.breaker_failures) {
      consecutive_failures.store(0);
      int64_t until = SystemClock::Get().MonotonicNanos() + o.breaker_cooldown.count();
      open_until.store(until, std::memory_order_relaxed);
      VV_WARN("cache failing, skipped for a while", {"role", role}, {"cache", cache->kind()});
    }
  }

  void Observe(std::string_view method, int64_t start, bool ok) {
    if (cache->kind() == "inmemory") {
      return;
    }
    double secs = static_cast<double>(SystemClock::Get().MonotonicNanos() - start) / 1e9;
    ClientDuration(cache->kind())
        .WithLabels({method, role, ok ? std::string_view("200") : std::string_view("500")})
        .Observe(secs);
  }
};

CachingBackend::CachingBackend(std::unique_ptr<RawBackend> inner,
                               std::map<std::string, std::shared_ptr<Cache>> caches,
                               CachingOptions options)
    : inner_(std::move(inner)), options_(options) {
  for (auto& [role, cache] : caches) {
    auto r = std::make_unique<Route>();
    r->role = role;
    r->cache = std::move(cache);
    routes_.emplace(role, std::move(r));
  }
  writers_ =
      std::make_unique<ThreadPool>("cache-writeback", std::max(1, options_.writeback_threads));
}

CachingBackend::~CachingBackend() { writers_->Stop(); }

CachingBackend::Route* CachingBackend::RouteFor(std::string_view key, bool range, uint64_t offset,
                                                uint64_t length, std::string* cache_key) {
  std::string_view tenant;
  std::string_view block;
  std::string_view name;
  if (!SplitBlockKey(key, &tenant, &block, &name)) {
    return nullptr;
  }
  std::string_view role;
  if (!range && name.starts_with("bloom-")) {
    role = kRoleBloom;
  } else if (!range && name == "index") {
    role = kRoleTraceIdIndex;
  } else if (range && name == "data" && length > 0 && length <= options_.max_page_bytes) {
    role = kRoleParquetPage;
  } else {
    return nullptr;
  }
  auto it = routes_.find(role);
  if (it == routes_.end()) {
    return nullptr;
  }
  *cache_key = range ? fmt::format("{}:{}:{}:{}:{}", tenant, block, name, offset, length)
                     : fmt::format("{}:{}:{}", tenant, block, name);
  return it->second.get();
}

std::optional<std::string> CachingBackend::Fetch(Route& route, const std::string& cache_key) {
  int64_t start = SystemClock::Get().MonotonicNanos();
  if (route.Open(start)) {
    Requests().WithLabels({route.role, "error"}).Inc();
    return std::nullopt;
  }
  Result<std::optional<std::string>> r = route.cache->Fetch(cache_key);
  route.Observe(route.cache->kind() == "redis" ? "GET" : "Memcache.Get", start, r.ok());
  route.Record(r.ok(), options_);
  if (!r.ok()) {
    Requests().WithLabels({route.role, "error"}).Inc();
    VV_DEBUG("cache fetch failed", {"role", route.role}, {"err", r.status()});
    return std::nullopt;
  }
  if (!r->has_value()) {
    Requests().WithLabels({route.role, "miss"}).Inc();
    return std::nullopt;
  }
  Requests().WithLabels({route.role, "hit"}).Inc();
  RequestBytes().WithLabels({route.role, "hit"}).Inc(static_cast<double>((*r)->size()));
  return std::move(*r);
}

void CachingBackend::StoreLater(Route& route, std::string cache_key, std::string value) {
  if (queued_.load() >= options_.writeback_buffer) {
    DroppedWrites().WithLabels().Inc();
    return;
  }
  queued_.fetch_add(1);
  QueueLength().WithLabels().Add(1);
  Route* r = &route;
  bool ok = writers_->Submit([this, r, key = std::move(cache_key), v = std::move(value)] {
    int64_t start = SystemClock::Get().MonotonicNanos();
    if (!r->Open(start)) {
      Status s = r->cache->Store(key, v);
      r->Observe(r->cache->kind() == "redis" ? "SET" : "Memcache.Put", start, s.ok());
      r->Record(s.ok(), options_);
      if (!s.ok()) {
        VV_DEBUG("cache store failed", {"role", r->role}, {"err", s});
      }
    }
    queued_.fetch_sub(1);
    QueueLength().WithLabels().Add(-1);
  });
  if (!ok) {
    queued_.fetch_sub(1);
    QueueLength().WithLabels().Add(-1);
  }
}

std::optional<std::string> CachingBackend::FetchFor(std::string_view role, const std::string& key) {
  auto it = routes_.find(role);
  if (it == routes_.end()) {
    return std::nullopt;
  }
  return Fetch(*it->second, key);
}

void CachingBackend::StoreFor(std::string_view role, std::string key, std::string value) {
  auto it = routes_.find(role);
  if (it != routes_.end()) {
    StoreLater(*it->second, std::move(key), std::move(value));
  }
}

void CachingBackend::FlushWritesForTesting() {
  while (queued_.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

Result<std::string> CachingBackend::Read(std::string_view key) {
  std::string cache_key;
  Route* route = RouteFor(key, false, 0, 0, &cache_key);
  if (route == nullptr) {
    return inner_->Read(key);
  }
  if (std::optional<std::string> hit = Fetch(*route, cache_key)) {
    return std::move(*hit);
  }
  VV_ASSIGN_OR_RETURN(std::string value, inner_->Read(key));
  RequestBytes().WithLabels({route->role, "miss"}).Inc(static_cast<double>(value.size()));
  StoreLater(*route, std::move(cache_key), value);
  return value;
}

Result<std::string> CachingBackend::ReadRange(std::string_view key, uint64_t offset,
                                              uint64_t length) {
  std::string cache_key;
  Route* route = RouteFor(key, true, offset, length, &cache_key);
  if (route == nullptr) {
    return inner_->ReadRange(key, offset, length);
  }
  if (std::optional<std::string> hit = Fetch(*route, cache_key)) {
    if (hit->size() == length) {
      return std::move(*hit);
    }
  }
  VV_ASSIGN_OR_RETURN(std::string value, inner_->ReadRange(key, offset, length));
  RequestBytes().WithLabels({route->role, "miss"}).Inc(static_cast<double>(value.size()));
  StoreLater(*route, std::move(cache_key), value);
  return value;
}

Result<uint64_t> CachingBackend::Size(std::string_view key) { return inner_->Size(key); }

Status CachingBackend::Write(std::string_view key, ByteView data) {
  VV_RETURN_IF_ERROR(inner_->Write(key, data));
  std::string cache_key;
  Route* route = RouteFor(key, false, 0, 0, &cache_key);
  if (route != nullptr && route->role == kRoleBloom) {
    StoreLater(*route, std::move(cache_key), std::string(data.str()));
  }
  return Status::Ok();
}

Result<std::unique_ptr<AppendWriter>> CachingBackend::Append(std::string_view key) {
  return inner_->Append(key);
}

Result<std::vector<std::string>> CachingBackend::List(std::string_view prefix) {
  return inner_->List(prefix);
}

Status CachingBackend::Delete(std::string_view key) { return inner_->Delete(key); }

}  // namespace vivace::backend::cache
