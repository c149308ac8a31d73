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
#include "block/block_writer.h"
#include "blocklist/blocklist.h"
#include "frontend/search_sharder.h"
#include "frontend/tag_job_cache.h"
#include "tests/support/peer_process.h"
#include "tests/support/trace_builder.h"

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

// The frontend-search role: a search run twice is answered the second time from the server
// alone (the blocks' data objects are gone by then).
TEST_P(CacheServerTest, SearchJobsAnsweredFromTheServer) {
  constexpr uint64_t kBase = 1'700'000'000;
  auto inner = std::make_unique<backend::InMemoryBackend>();
  backend::InMemoryBackend* mem = inner.get();
  blocklist::Blocklist blocklist;
  std::vector<std::string> data_keys;
  uint64_t seed = 1;
  for (int b = 0; b < 2; ++b) {
    std::vector<std::pair<model::TraceId, std::string>> traces;
    for (int i = 0; i < 30; ++i, ++seed) {
      auto req = MakeTrace(
          {.seed = seed,
           .spans = 2,
           .service = "block-" + std::to_string(b),
           .start_unix_nano = (kBase + static_cast<uint64_t>(b) * 1000 + i) * 1'000'000'000});
      traces.emplace_back(model::TraceId::FromBytes(TestTraceId(seed)), req.SerializeAsString());
    }
    std::sort(traces.begin(), traces.end());
    block::BlockWriterOptions opts;
    opts.tenant = "t";
    opts.block_id = backend::BlockId::Random();
    opts.estimated_traces = traces.size();
    opts.row_group_bytes = 8 << 10;
    block::BlockWriter w(mem, opts);
    for (auto& [id, bytes] : traces) {
      ASSERT_TRUE(w.Add(id, bytes).ok());
    }
    auto meta = w.Finish();
    ASSERT_TRUE(meta.ok());
    blocklist.AddBlock(*meta);
    data_keys.push_back("t/" + opts.block_id.ToString() + "/data");
  }
  backend::cache::CachingBackend caching(std::move(inner), {{"frontend-search", cache_}}, {});
  querier::Querier querier(nullptr, nullptr, &blocklist, &caching, 1);
  frontend::SearchSharder sharder(&querier, {.target_bytes_per_job = 1,
                                             .query_backend_after_s = 0,
                                             .concurrency = 2,
                                             .job_cache = &caching});
  auto search = [&](const std::string& q = "{ resource.service.name =~ \"block-.*\" }") {
    auto s = search::PreparedSearch::Create(
        {.query = q, .limit = 0, .start_unix_s = kBase - 10, .end_unix_s = kBase + 5000});
    EXPECT_TRUE(s.ok());
    auto r = sharder.Search({"t"}, *s, kBase + 100'000);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    caching.FlushWritesForTesting();
    return r.ok() ? r->SerializeAsString() : std::string();
  };
  // Tag values of the blocks, through the same cache ("stv:" entries).
  auto values = [&] {
    search::TagValues out(search::CollectLimits{});
    search::TagQuery q;
    q.values = true;
    q.attribute =
        traceql::Attribute::Scoped(traceql::AttributeScope::kResource, false, "service.name");
    q.out_values = &out;
    frontend::JobPlan plan = sharder.Plan({"t"}, kBase - 10, kBase + 5000, kBase + 100'000);
    const uint64_t hash = frontend::TagJobQueryHash(q);
    Status s = sharder.Run(
        plan,
        [&](const frontend::QueryJob& job, search::JobMetrics* m) {
          return frontend::RunTagJobCached(job, q, hash, kBase - 10, kBase + 5000, &caching, m);
        },
        [] { return false; }, [](const search::JobMetrics&) {});
    EXPECT_TRUE(s.ok()) << s.ToString();
    caching.FlushWritesForTesting();
    return out.Sorted();
  };
  std::string first = search();
  tempopb::SearchResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(first));
  EXPECT_EQ(parsed.traces_size(), 60);
  const std::vector<search::TypedValue> services = {{"string", "block-0"}, {"string", "block-1"}};
  EXPECT_EQ(values(), services);
  for (const std::string& key : data_keys) {
    ASSERT_TRUE(mem->Delete(key).ok());
  }
  EXPECT_EQ(search(), first);
  EXPECT_EQ(values(), services);
  // An uncached query cannot read the blocks any more.
  ASSERT_TRUE(parsed.ParseFromString(search("{ }")));
  EXPECT_EQ(parsed.traces_size(), 0);
}

INSTANTIATE_TEST_SUITE_P(Servers, CacheServerTest, ::testing::Values("memcached", "redis"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace vivace::testing
