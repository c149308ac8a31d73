// The in-process LRU and the caching wrapper: role routing and keys, hits and misses, blooms
// stored on write, and failing safe (a cache that errors never fails a read, and a breaker
// stops asking it). Real memcached and redis: tests/integration/cache_servers_test.cc.

#include <gtest/gtest.h>

#include "backend/cache/caching_backend.h"
#include "backend/cache/lru_cache.h"
#include "backend/memory_backend.h"
#include "common/metrics.h"

namespace vivace::backend::cache {
namespace {

constexpr std::string_view kBlock = "t/01234567-89ab-cdef-0123-456789abcdef/";

std::string Key(std::string_view name) { return std::string(kBlock) + std::string(name); }

TEST(LruCacheTest, EvictsLeastRecentlyUsedWithinTheByteBudget) {
  LruCache c(3 * (1000 + 1 + 64));
  ASSERT_TRUE(c.Store("a", std::string(1000, 'a')).ok());
  ASSERT_TRUE(c.Store("b", std::string(1000, 'b')).ok());
  ASSERT_TRUE(c.Store("c", std::string(1000, 'c')).ok());
  EXPECT_TRUE((*c.Fetch("a")).has_value());  // a is now the most recent
  ASSERT_TRUE(c.Store("d", std::string(1000, 'd')).ok());
  EXPECT_FALSE((*c.Fetch("b")).has_value());
  EXPECT_TRUE((*c.Fetch("a")).has_value());
  EXPECT_TRUE((*c.Fetch("c")).has_value());
  EXPECT_EQ(**c.Fetch("d"), std::string(1000, 'd'));
  EXPECT_EQ(c.entries(), 3u);
  EXPECT_LE(c.bytes(), 3u * 1065);
  ASSERT_TRUE(c.Store("huge", std::string(10000, 'x')).ok());  // over budget: not kept
  EXPECT_FALSE((*c.Fetch("huge")).has_value());
  ASSERT_TRUE(c.Store("a", "replaced").ok());
  EXPECT_EQ(**c.Fetch("a"), "replaced");
}

// Counts backend reads.
class CountingBackend final : public RawBackend {
 public:
  Result<std::string> Read(std::string_view key) override {
    ++reads;
    return mem.Read(key);
  }

  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override {
    ++reads;
    return mem.ReadRange(key, offset, length);
  }

  Result<uint64_t> Size(std::string_view key) override { return mem.Size(key); }

  Status Write(std::string_view key, ByteView data) override { return mem.Write(key, data); }

  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override {
    return mem.Append(key);
  }

  Result<std::vector<std::string>> List(std::string_view prefix) override {
    return mem.List(prefix);
  }

  Status Delete(std::string_view key) override { return mem.Delete(key); }

  InMemoryBackend mem;
  std::atomic<int> reads{0};
};

// A cache server that is down: every call fails.
class DeadCache final : public Cache {
 public:
  Result<std::optional<std::string>> Fetch(std::string_view) override {
    ++calls;
    return Status::Unavailable("connection refused");
  }

  Status Store(std::string_view, std::string_view) override {
    ++calls;
    return Status::Unavailable("connection refused");
  }

  std::string_view kind() const override { return "memcached"; }

  std::atomic<int> calls{0};
};

struct Harness {
  explicit Harness(std::map<std::string, std::shared_ptr<Cache>> caches,
                   CachingOptions options = {}) {
    auto inner = std::make_unique<CountingBackend>();
    counting = inner.get();
    backend = std::make_unique<CachingBackend>(std::move(inner), std::move(caches), options);
  }

  CountingBackend* counting;
  std::unique_ptr<CachingBackend> backend;
};

TEST(CachingBackendTest, ServesRolesFromTheCache) {
  auto lru = std::make_shared<LruCache>(1 << 20);
  Harness h({{"bloom", lru}, {"trace-id-index", lru}, {"parquet-page", lru}});
  ASSERT_TRUE(h.counting->mem.Write(Key("index"), ByteView(std::string_view("idx"))).ok());
  ASSERT_TRUE(h.counting->mem.Write(Key("data"), ByteView(std::string_view("0123456789"))).ok());
  ASSERT_TRUE(h.counting->mem.Write(Key("meta.json"), ByteView(std::string_view("{}"))).ok());

  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(*h.backend->Read(Key("index")), "idx");
    EXPECT_EQ(*h.backend->ReadRange(Key("data"), 2, 3), "234");
    h.backend->FlushWritesForTesting();
  }
  EXPECT_EQ(h.counting->reads.load(), 2);  // one miss each, then hits
  EXPECT_EQ(**lru->Fetch("t:01234567-89ab-cdef-0123-456789abcdef:index"), "idx");
  EXPECT_EQ(**lru->Fetch("t:01234567-89ab-cdef-0123-456789abcdef:data:2:3"), "234");

  // meta.json is mutable across compaction: never cached.
  EXPECT_EQ(*h.backend->Read(Key("meta.json")), "{}");
  EXPECT_EQ(*h.backend->Read(Key("meta.json")), "{}");
  EXPECT_EQ(h.counting->reads.load(), 4);

  // Blooms are cached when written: the first read is already a hit.
  ASSERT_TRUE(h.backend->Write(Key("bloom-0"), ByteView(std::string_view("bits"))).ok());
  h.backend->FlushWritesForTesting();
  EXPECT_EQ(*h.backend->Read(Key("bloom-0")), "bits");
  EXPECT_EQ(h.counting->reads.load(), 4);
}

TEST(CachingBackendTest, UncachedRolesAndLargeRangesGoToTheBackend) {
  auto lru = std::make_shared<LruCache>(1 << 20);
  CachingOptions o;
  o.max_page_bytes = 4;
  Harness h({{"parquet-page", lru}}, o);
  ASSERT_TRUE(h.counting->mem.Write(Key("data"), ByteView(std::string_view("0123456789"))).ok());
  ASSERT_TRUE(h.counting->mem.Write(Key("bloom-1"), ByteView(std::string_view("b"))).ok());
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(*h.backend->ReadRange(Key("data"), 0, 8), "01234567");  // over max_page_bytes
    EXPECT_EQ(*h.backend->Read(Key("bloom-1")), "b");                 // role not configured
    h.backend->FlushWritesForTesting();
  }
  EXPECT_EQ(h.counting->reads.load(), 4);
  EXPECT_EQ(lru->entries(), 0u);
}

TEST(CachingBackendTest, ADeadCacheNeverFailsAReadAndIsSkippedAfterTheBreakerOpens) {
  auto dead = std::make_shared<DeadCache>();
  CachingOptions o;
  o.breaker_failures = 3;
  o.breaker_cooldown = std::chrono::hours(1);
  Harness h({{"trace-id-index", dead}}, o);
  ASSERT_TRUE(h.counting->mem.Write(Key("index"), ByteView(std::string_view("idx"))).ok());
  auto& errors = metrics::DefaultRegistry()
                     .NewCounter("tempodb_cache_requests_total", "", {"role", "outcome"})
                     .WithLabels({"trace-id-index", "error"});
  double before = errors.Value();
  for (int i = 0; i < 20; ++i) {
    auto r = h.backend->Read(Key("index"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, "idx");
    h.backend->FlushWritesForTesting();
  }
  EXPECT_EQ(h.counting->reads.load(), 20);
  EXPECT_EQ(errors.Value() - before, 20);  // every lookup counted as an error
  EXPECT_LE(dead->calls.load(), 3);        // and the server is left alone once the breaker opens
  // Missing objects are still NotFound, not a cache error.
  EXPECT_EQ(h.backend->Read(Key("bloom-9")).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace vivace::backend::cache
