#include "backend/cache/cache_factory.h"

#include <sstream>

#include <fmt/format.h>

#include "backend/cache/caching_backend.h"
#include "backend/cache/lru_cache.h"
#include "backend/cache/memcached_cache.h"
#include "backend/cache/redis_cache.h"
#include "common/logging.h"

namespace vivace::backend::cache {
namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    while (!item.empty() && item.front() == ' ') {
      item.erase(0, 1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.pop_back();
    }
    if (!item.empty()) {
      out.push_back(item);
    }
  }
  return out;
}

Result<std::shared_ptr<Cache>> Build(const config::CacheEntry& e, size_t index) {
  if (e.has_inmemory) {
    return std::shared_ptr<Cache>(
        std::make_shared<LruCache>(static_cast<uint64_t>(e.inmemory_max_size_bytes)));
  }
  if (e.has_memcached) {
    const config::MemcachedConfig& m = e.memcached;
    MemcachedOptions o;
    o.servers = SplitList(m.addresses);
    if (o.servers.empty() && !m.host.empty()) {
      o.servers.push_back(m.host.find(':') == std::string::npos ? m.host + ":11211" : m.host);
    }
    for (const std::string& s : o.servers) {
      if (s.starts_with("dnssrv+") || s.starts_with("dnssrvnoa+")) {
        return Status::Unimplemented(fmt::format(
            "cache.caches[{}].memcached: SRV discovery ({}) is not supported; list host:port "
            "addresses",
            index, s));
      }
    }
    if (m.tls_enabled) {
      return Status::Unimplemented(
          fmt::format("cache.caches[{}].memcached: tls_enabled is not supported", index));
    }
    o.timeout = m.timeout;
    o.connect_timeout = m.connect_timeout;
    o.ttl = m.ttl;
    o.max_idle_conns = m.max_idle_conns;
    o.consistent_hash = m.consistent_hash;
    o.max_item_size = m.max_item_size;
    VV_ASSIGN_OR_RETURN(std::unique_ptr<MemcachedCache> c, MemcachedCache::Create(std::move(o)));
    return std::shared_ptr<Cache>(std::move(c));
  }
  const config::RedisConfig& r = e.redis;
  if (r.tls_enabled) {
    return Status::Unimplemented(
        fmt::format("cache.caches[{}].redis: tls_enabled is not supported", index));
  }
  if (r.endpoint.find(',') != std::string::npos) {
    VV_WARN("redis cluster endpoints are not supported; using the first address",
            {"endpoint", r.endpoint});
  }
  RedisOptions o;
  o.endpoint = r.endpoint;
  o.username = r.username;
  o.password = r.password;
  o.db = r.db;
  o.timeout = r.timeout;
  o.ttl = r.ttl.count() > 0 ? r.ttl : r.expiration;
  o.pool_size = r.pool_size > 0 ? r.pool_size : 16;
  o.max_item_size = r.max_item_size;
  VV_ASSIGN_OR_RETURN(std::unique_ptr<RedisCache> c, RedisCache::Create(std::move(o)));
  return std::shared_ptr<Cache>(std::move(c));
}

}  // namespace

Result<std::unique_ptr<RawBackend>> WithCaches(std::unique_ptr<RawBackend> inner,
                                               const config::Config& config) {
  std::map<std::string, std::shared_ptr<Cache>> by_role;
  CachingOptions options;
  options.max_page_bytes = static_cast<uint64_t>(config.storage.search.read_buffer_size_bytes);
  options.writeback_threads = config.cache.background_writeback_goroutines;
  options.writeback_buffer = config.cache.background_writeback_buffer;
  for (size_t i = 0; i < config.cache.caches.size(); ++i) {
    const config::CacheEntry& e = config.cache.caches[i];
    Result<std::shared_ptr<Cache>> cache = Build(e, i);
    if (!cache.ok()) {
      return cache.status().WithContext(fmt::format("cache.caches[{}]", i));
    }
    if (e.has_memcached) {
      options.breaker_failures = std::max(1, e.memcached.circuit_breaker_consecutive_failures);
      options.breaker_cooldown = e.memcached.circuit_breaker_timeout;
    }
    for (const std::string& role : e.roles) {
      by_role[role] = *cache;
    }
  }
  if (by_role.empty()) {
    return inner;
  }
  return std::unique_ptr<RawBackend>(
      std::make_unique<CachingBackend>(std::move(inner), std::move(by_role), options));
}

}  // namespace vivace::backend::cache
