// The memcached and redis caches against real servers (Debian's memcached and redis-server,
// started here on free loopback ports): round trips, misses, large values, TTLs, and the server
// dying mid-test — reads through the caching backend keep answering from the backend, errors
// are counted, and the cache is used again once the server is back.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "backend/cache/caching_backend.h"
#include "backend/cache/memcached_cache.h"
#include "backend/cache/redis_cache.h"
#include "backend/memory_backend.h"
#include "tests/support/peer_process.h"

namespace vivace::testing {
namespace {

using backend::cache::Cache;

struct Server {
  std::string program;

  std::vector<std::string> Args(int port) const {
    if (program == "memcached") {
      return {"memcached", "-l", "127.0.0.1", "-p",  std::to_string(port), "-U", "0",
              "-m",        "64", "-u",        "root"};
    }
    return {"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
            "--save",       "",       "--appendonly",       "no",     "--dir",
            "/tmp"};
  }
};

class CacheServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!HaveProgram(GetParam() == "memcached" ? "memcached" : "redis-server")) {
      GTEST_SKIP() << GetParam()
                   << " is not installed (scripts/install-deps installs memcached and "
                      "redis-server)";
    }
    port_ = FreePort();
    StartServer();
    cache_ = MakeCache();
  }

  void StartServer() {
    auto p = PeerProcess::Start(GetParam(), Server{GetParam()}.Args(port_), port_);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    server_ = std::move(p).value();
  }

  std::shared_ptr<Cache> MakeCache(Duration ttl = Duration(0)) {
    if (GetParam() == "memcached") {
      backend::cache::MemcachedOptions o;
      o.servers = {fmt::format("127.0.0.1:{}", port_)};
      o.timeout = std::chrono::milliseconds(200);
      o.ttl = ttl;
      return std::shared_ptr<Cache>(*backend::cache::MemcachedCache::Create(o));
    }
    backend::cache::RedisOptions o;
    o.endpoint = fmt::format("127.0.0.1:{}", port_);
    o.timeout = std::chrono::milliseconds(200);
    o.ttl = ttl;
    return std::shared_ptr<Cache>(*backend::cache::RedisCache::Create(o));
  }

  int port_ = 0;
  std::unique_ptr<PeerProcess> server_;
  std::shared_ptr<Cache> cache_;
};

TEST_P(CacheServerTest, StoresAndFetches) {
  EXPECT_FALSE((*cache_->Fetch("t:b:index")).has_value());
  ASSERT_TRUE(cache_->Store("t:b:index", "value").ok());
  EXPECT_EQ(**cache_->Fetch("t:b:index"), "value");
  std::string big(900 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>(i * 31);
  }
  ASSERT_TRUE(cache_->Store("t:b:data:0:921600", big).ok());
  EXPECT_EQ(**cache_->Fetch("t:b:data:0:921600"), big);
  // Keys memcached could not hold are hashed; both servers take them.
  std::string long_key = "tenant with spaces:" + std::string(300, 'k');
  ASSERT_TRUE(cache_->Store(long_key, "v2").ok());
  EXPECT_EQ(**cache_->Fetch(long_key), "v2");
  EXPECT_FALSE((*cache_->Fetch(long_key + "x")).has_value());
}

TEST_P(CacheServerTest, ServerDyingMidTestNeverFailsReads) {
  auto inner = std::make_unique<backend::InMemoryBackend>();
  const std::string key = "t/01234567-89ab-cdef-0123-456789abcdef/index";
  ASSERT_TRUE(inner->Write(key, ByteView(std::string_view("idx"))).ok());
  backend::cache::CachingOptions o;
  o.breaker_failures = 2;
  o.breaker_cooldown = std::chrono::milliseconds(1);  // retry the server at once
  backend::cache::CachingBackend b(std::move(inner), {{"trace-id-index", cache_}}, o);
  EXPECT_EQ(*b.Read(key), "idx");
  b.FlushWritesForTesting();
  EXPECT_EQ(**cache_->Fetch("t:01234567-89ab-cdef-0123-456789abcdef:index"), "idx");

  server_->Kill();
  for (int i = 0; i < 5; ++i) {
    auto r = b.Read(key);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, "idx");
    b.FlushWritesForTesting();
  }
  EXPECT_FALSE(cache_->Fetch("x").ok());

  // Back on the same port (empty): the next reads repopulate it.
  StartServer();
  bool cached = false;
  for (int i = 0; i < 100 && !cached; ++i) {
    EXPECT_EQ(*b.Read(key), "idx");
    b.FlushWritesForTesting();
    auto f = cache_->Fetch("t:01234567-89ab-cdef-0123-456789abcdef:index");
    cached = f.ok() && f->has_value();
    if (!cached) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // libmemcached retry timeout
    }
  }
  EXPECT_TRUE(cached);
}

TEST_P(CacheServerTest, TtlExpiresEntries) {
  auto c = MakeCache(std::chrono::seconds(1));
  ASSERT_TRUE(c->Store("ttl-key", "v").ok());
  EXPECT_EQ(**c->Fetch("ttl-key"), "v");
  bool gone = false;
  for (int i = 0; i < 60 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto f = c->Fetch("ttl-key");
    gone = f.ok() && !f->has_value();
  }
  EXPECT_TRUE(gone);
}

INSTANTIATE_TEST_SUITE_P(Servers, CacheServerTest, ::testing::Values("memcached", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace vivace::testing
