#include "backend/cache/memcached_cache.h"

#include <fmt/format.h>
#include <libmemcached/memcached.h>

#include "backend/remote/crypto.h"
#include "common/hex.h"

namespace vivace::backend::cache {

struct MemcachedCache::Client {
  memcached_st* mc = nullptr;

  explicit Client(memcached_st* m) : mc(m) {}

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  ~Client() {
    if (mc != nullptr) {
      memcached_free(mc);
    }
  }
};

std::string MemcachedKey(std::string_view key) {
  bool ok = !key.empty() && key.size() <= 250;
  for (char c : key) {
    ok = ok && static_cast<unsigned char>(c) > 32 && c != 127;
  }
  if (ok) {
    return std::string(key);
  }
  return "sha256:" + HexEncode(ByteView(remote::Sha256(key)));
}

MemcachedCache::MemcachedCache(MemcachedOptions options) : options_(std::move(options)) {}

MemcachedCache::~MemcachedCache() = default;

Result<std::unique_ptr<MemcachedCache>> MemcachedCache::Create(MemcachedOptions options) {
  if (options.servers.empty()) {
    return Status::InvalidArgument("memcached: no server address (addresses or host)");
  }
  std::unique_ptr<MemcachedCache> c(new MemcachedCache(std::move(options)));
  memcached_st* mc = memcached_create(nullptr);
  if (mc == nullptr) {
    return Status::Internal("memcached: cannot create a client");
  }
  c->prototype_ = std::make_unique<Client>(mc);
  for (const std::string& server : c->options_.servers) {
    std::string s = server.starts_with("dns+") ? server.substr(4) : server;
    std::string host = s;
    in_port_t port = 11211;
    if (size_t colon = s.rfind(':'); colon != std::string::npos) {
      host = s.substr(0, colon);
      port = static_cast<in_port_t>(std::atoi(s.c_str() + colon + 1));
    }
    if (memcached_server_add(mc, host.c_str(), port) != MEMCACHED_SUCCESS) {
      return Status::InvalidArgument(fmt::format("memcached: bad server address {}", server));
    }
  }
  auto ms = [](Duration d) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  const MemcachedOptions& o = c->options_;
  Duration connect = o.connect_timeout.count() > 0 ? o.connect_timeout : o.timeout;
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, ms(connect));
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms(o.timeout));
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, ms(o.timeout) * 1000);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, ms(o.timeout) * 1000);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, 2);
  if (o.consistent_hash) {
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT);
  }
  return c;
}

std::unique_ptr<MemcachedCache::Client> MemcachedCache::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  memcached_st* mc = memcached_clone(nullptr, prototype_->mc);
  return mc == nullptr ? nullptr : std::make_unique<Client>(mc);
}

void MemcachedCache::Give(std::unique_ptr<Client> c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(idle_.size()) < std::max(1, options_.max_idle_conns)) {
    idle_.push_back(std::move(c));
  }
}

Result<std::optional<std::string>> MemcachedCache::Fetch(std::string_view key) {
  std::unique_ptr<Client> c = Take();
  if (c == nullptr) {
    return Status::Internal("memcached: cannot create a client");
  }
  std::string k = MemcachedKey(key);
  size_t len = 0;
  uint32_t flags = 0;
  memcached_return_t rc = MEMCACHED_SUCCESS;
  char* value = memcached_get(c->mc, k.data(), k.size(), &len, &flags, &rc);
  if (rc == MEMCACHED_NOTFOUND) {
    Give(std::move(c));
    return std::optional<std::string>();
  }
  if (rc != MEMCACHED_SUCCESS) {
    std::string err = memcached_strerror(c->mc, rc);
    free(value);  // NOLINT: allocated by libmemcached with malloc
    return Status::Unavailable("memcached get: " + err);
  }
  std::string out = value == nullptr ? std::string() : std::string(value, len);
  free(value);  // NOLINT: allocated by libmemcached with malloc
  Give(std::move(c));
  return std::optional<std::string>(std::move(out));
}

Status MemcachedCache::Store(std::string_view key, std::string_view value) {
  if (options_.max_item_size > 0 && static_cast<int64_t>(value.size()) > options_.max_item_size) {
    return Status::Ok();  // too large to be worth it, as Tempo's max_item_size
  }
  std::unique_ptr<Client> c = Take();
  if (c == nullptr) {
    return Status::Internal("memcached: cannot create a client");
  }
  std::string k = MemcachedKey(key);
  auto ttl =
      static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(options_.ttl).count());
  memcached_return_t rc =
      memcached_set(c->mc, k.data(), k.size(), value.data(), value.size(), ttl, 0);
  if (rc != MEMCACHED_SUCCESS) {
    return Status::Unavailable(std::string("memcached set: ") + memcached_strerror(c->mc, rc));
  }
  Give(std::move(c));
  return Status::Ok();
}

}  // namespace vivace::backend::cache
