#include "backend/cache/redis_cache.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

namespace vivace::backend::cache {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};

using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

timeval ToTimeval(Duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

}  // namespace

struct RedisCache::Conn {
  redisContext* ctx = nullptr;

  explicit Conn(redisContext* c) : ctx(c) {}

  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  ~Conn() {
    if (ctx != nullptr) {
      redisFree(ctx);
    }
  }

  Reply Command(const std::vector<std::string_view>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (std::string_view a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data())));
  }
};

RedisCache::RedisCache(RedisOptions options) : options_(std::move(options)) {}

RedisCache::~RedisCache() = default;

Result<std::unique_ptr<RedisCache>> RedisCache::Create(RedisOptions options) {
  std::string ep = options.endpoint.substr(0, options.endpoint.find(','));
  if (ep.empty()) {
    return Status::InvalidArgument("redis: no endpoint");
  }
  std::unique_ptr<RedisCache> c(new RedisCache(std::move(options)));
  size_t colon = ep.rfind(':');
  c->host_ = colon == std::string::npos ? ep : ep.substr(0, colon);
  if (colon != std::string::npos) {
    c->port_ = std::atoi(ep.c_str() + colon + 1);
  }
  if (c->port_ <= 0 || c->port_ > 65535 || c->host_.empty()) {
    return Status::InvalidArgument(fmt::format("redis: bad endpoint {}", ep));
  }
  return c;
}

Result<std::unique_ptr<RedisCache::Conn>> RedisCache::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  timeval tv = ToTimeval(options_.timeout);
  auto conn = std::make_unique<Conn>(redisConnectWithTimeout(host_.c_str(), port_, tv));
  if (conn->ctx == nullptr || conn->ctx->err != 0) {
    return Status::Unavailable(fmt::format("redis connect {}:{}: {}", host_, port_,
                                           conn->ctx ? conn->ctx->errstr : "out of memory"));
  }
  redisSetTimeout(conn->ctx, tv);
  if (!options_.password.empty()) {
    Reply r = options_.username.empty()
                  ? conn->Command({"AUTH", options_.password})
                  : conn->Command({"AUTH", options_.username, options_.password});
    if (!r || r->type == REDIS_REPLY_ERROR) {
      return Status::PermissionDenied(fmt::format(
          "redis AUTH: {}", r ? std::string(r->str, r->len) : std::string(conn->ctx->errstr)));
    }
  }
  if (options_.db != 0) {
    std::string db = std::to_string(options_.db);
    Reply r = conn->Command({"SELECT", db});
    if (!r || r->type == REDIS_REPLY_ERROR) {
      return Status::Unavailable(fmt::format("redis SELECT {} failed", db));
    }
  }
  return conn;
}

void RedisCache::Give(std::unique_ptr<Conn> c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(idle_.size()) < std::max(1, options_.pool_size)) {
    idle_.push_back(std::move(c));
  }
}

Result<std::optional<std::string>> RedisCache::Fetch(std::string_view key) {
  VV_ASSIGN_OR_RETURN(std::unique_ptr<Conn> c, Take());
  Reply r = c->Command({"GET", key});
  if (!r) {
    return Status::Unavailable(fmt::format("redis GET: {}", c->ctx->errstr));
  }
  if (r->type == REDIS_REPLY_NIL) {
    Give(std::move(c));
    return std::optional<std::string>();
  }
  if (r->type != REDIS_REPLY_STRING) {
    return Status::Unavailable(fmt::format("redis GET: {}", r->type == REDIS_REPLY_ERROR
                                                                ? std::string(r->str, r->len)
                                                                : "unexpected reply"));
  }
  std::string value(r->str, r->len);
  Give(std::move(c));
  return std::optional<std::string>(std::move(value));
}

Status RedisCache::Store(std::string_view key, std::string_view value) {
  if (options_.max_item_size > 0 && static_cast<int64_t>(value.size()) > options_.max_item_size) {
    return Status::Ok();
  }
  VV_ASSIGN_OR_RETURN(std::unique_ptr<Conn> c, Take());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.ttl).count();
  std::string px = std::to_string(ms);
  Reply r = ms > 0 ? c->Command({"SET", key, value, "PX", px}) : c->Command({"SET", key, value});
  if (!r || r->type == REDIS_REPLY_ERROR) {
    return Status::Unavailable(fmt::format(
        "redis SET: {}", r ? std::string(r->str, r->len) : std::string(c->ctx->errstr)));
  }
  Give(std::move(c));
  return Status::Ok();
}

}  // namespace vivace::backend::cache
