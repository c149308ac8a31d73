// The frontend-search cache: backend jobs answered from the cache read no block data and give
// the same answer; other parameters miss; a job cut short is not stored; unreadable cached
// values count as misses.

#include <atomic>

#include <gtest/gtest.h>

#include "backend/cache/caching_backend.h"
#include "backend/cache/lru_cache.h"
#include "backend/memory_backend.h"
#include "block/block_writer.h"
#include "blocklist/blocklist.h"
#include "frontend/search_sharder.h"
#include "frontend/tag_job_cache.h"
#include "frontend/timed_blocks_test_util.h"
#include "tests/support/trace_builder.h"
#include "traceql/parser.h"

namespace vivace::frontend {
namespace {

constexpr uint64_t kBase = 1'700'000'000;  // seconds
constexpr uint32_t kAll = 0;               // no limit

// Counts the reads of blocks' `data` objects, over a backend it does not own.
class CountingBackend final : public backend::RawBackend {
 public:
  explicit CountingBackend(backend::RawBackend* inner) : inner_(inner) {}

  Result<std::string> Read(std::string_view key) override {
    Count(key);
    return inner_->Read(key);
  }

  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override {
    Count(key);
    return inner_->ReadRange(key, offset, length);
  }

  Result<uint64_t> Size(std::string_view key) override { return inner_->Size(key); }

  Status Write(std::string_view key, ByteView data) override { return inner_->Write(key, data); }

  Result<std::unique_ptr<backend::AppendWriter>> Append(std::string_view key) override {
    return inner_->Append(key);
  }

  Result<std::vector<std::string>> List(std::string_view prefix) override {
    return inner_->List(prefix);
  }

  Status Delete(std::string_view key) override { return inner_->Delete(key); }

  std::atomic<int> data_reads{0};

 private:
  void Count(std::string_view key) {
    if (key.ends_with("/data")) {
      ++data_reads;
    }
  }

  backend::RawBackend* inner_;
};

// Answers every lookup with bytes that are no cached job; counts stores.
class GarbageCache final : public backend::cache::Cache {
 public:
  Result<std::optional<std::string>> Fetch(std::string_view key) override {
    return key.size() % 2 == 0 ? std::optional<std::string>("not a job")
                               : std::optional<std::string>("vvsj1:\xff\xff\xff\xff");
  }

  Status Store(std::string_view, std::string_view) override {
    ++stores;
    return Status::Ok();
  }

  std::string_view kind() const override { return "inmemory"; }

  std::atomic<int> stores{0};
};

class SearchCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 4 blocks; block b holds traces starting at kBase + b * 1000 + i seconds.
    ASSERT_NO_FATAL_FAILURE(WriteTimedBlocks(&mem_, &blocklist_, 4, 40, kBase));
    ASSERT_EQ(blocklist_.Blocks("t")->metas.size(), 4u);
    for (const auto& meta : blocklist_.Blocks("t")->metas) {
      ASSERT_GE(meta.total_records, 2u);  // several row groups per block
    }
  }

  // A sharder over `mem_` through a caching backend serving frontend-search with `cache`.
  void Build(std::shared_ptr<backend::cache::Cache> cache) {
    sharder_.reset();
    querier_.reset();
    auto counting = std::make_unique<CountingBackend>(&mem_);
    counting_ = counting.get();
    caching_ = std::make_unique<backend::cache::CachingBackend>(
        std::move(counting),
        std::map<std::string, std::shared_ptr<backend::cache::Cache>>{
            {std::string(backend::cache::kRoleFrontendSearch), std::move(cache)}},
        backend::cache::CachingOptions{});
    querier_ = std::make_unique<querier::Querier>(nullptr, nullptr, &blocklist_, caching_.get(), 1);
    sharder_ = std::make_unique<SearchSharder>(querier_.get(),
                                               SearchSharderOptions{.target_bytes_per_job = 1,
                                                                    .query_backend_after_s = 0,
                                                                    .concurrency = 2,
                                                                    .job_cache = caching_.get()});
  }

  std::shared_ptr<const search::PreparedSearch> Prepare(const std::string& q, uint32_t limit,
                                                        uint32_t start, uint32_t end) {
    auto s = search::PreparedSearch::Create(
        {.query = q, .limit = limit, .start_unix_s = start, .end_unix_s = end});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }

  // The search's answer and the block data reads it made.
  std::pair<tempopb::SearchResponse, int> Search(const std::string& q, uint32_t limit,
                                                 uint32_t start = kBase - 10,
                                                 uint32_t end = kBase + 10'000) {
    int before = counting_->data_reads.load();
    auto r = sharder_->Search({"t"}, Prepare(q, limit, start, end), kBase + 100'000);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    caching_->FlushWritesForTesting();
    return {r.ok() ? *r : tempopb::SearchResponse(), counting_->data_reads.load() - before};
  }

  // Runs a tag query's jobs as the tag endpoints do; returns the block data reads it made.
  int RunTags(const search::TagQuery& q, uint32_t start = kBase - 10,
              uint32_t end = kBase + 10'000) {
    int before = counting_->data_reads.load();
    JobPlan plan = sharder_->Plan({"t"}, start, end, kBase + 100'000);
    const uint64_t hash = TagJobQueryHash(q);
    Status s = sharder_->Run(
        plan,
        [&](const QueryJob& job, search::JobMetrics* m) {
          return RunTagJobCached(job, q, hash, start, end, sharder_->job_cache(), m);
        },
        [] { return false; }, [](const search::JobMetrics&) {});
    EXPECT_TRUE(s.ok()) << s.ToString();
    caching_->FlushWritesForTesting();
    return counting_->data_reads.load() - before;
  }

  std::pair<std::vector<search::TypedValue>, int> Values(
      std::string_view tag, search::CollectLimits limits = {},
      const search::PreparedSearch* filter = nullptr, uint32_t start = kBase - 10,
      uint32_t end = kBase + 10'000) {
    search::TagValues out(limits);
    search::TagQuery q;
    q.filter = filter;
    q.values = true;
    auto parsed = traceql::Parse("{ " + std::string(tag) + " = nil }");
    EXPECT_TRUE(parsed.ok());
    q.attribute = parsed->single()->pipeline.stages[0].spanset->filter->lhs->attribute;
    q.out_values = &out;
    int reads = RunTags(q, start, end);
    return {out.Sorted(), reads};
  }

  backend::InMemoryBackend mem_;
  blocklist::Blocklist blocklist_;
  CountingBackend* counting_ = nullptr;
  std::unique_ptr<backend::cache::CachingBackend> caching_;
  std::unique_ptr<querier::Querier> querier_;
  std::unique_ptr<SearchSharder> sharder_;
};

TEST_F(SearchCacheTest, ASecondIdenticalSearchReadsNoBlockData) {
  Build(std::make_shared<backend::cache::LruCache>(64 << 20));
  auto [first, first_reads] = Search("{ resource.service.name != \"x\" }", kAll);
  EXPECT_EQ(first.traces_size(), 160);
  EXPECT_GT(first_reads, 0);
  auto [second, second_reads] = Search("{ resource.service.name != \"x\" }", kAll);
  EXPECT_EQ(second_reads, 0);
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());  // metrics included
  // Any window that encloses the blocks gives the same answers (Tempo's rule), from the cache.
  auto [wider, wider_reads] =
      Search("{ resource.service.name != \"x\" }", kAll, kBase - 1000, kBase + 20'000);
  EXPECT_EQ(wider_reads, 0);
  EXPECT_EQ(wider.traces_size(), 160);
}

TEST_F(SearchCacheTest, MostRecentJobsAreCachedWithTheirNewestTraces) {
  Build(std::make_shared<backend::cache::LruCache>(64 << 20));
  const std::string q = "{ resource.service.name =~ \"block-[0-1]\" } with(most_recent=true)";
  auto [first, first_reads] = Search(q, 3);
  ASSERT_EQ(first.traces_size(), 3);
  EXPECT_EQ(first.traces(0).rootservicename(), "block-1");
  auto [second, second_reads] = Search(q, 3);
  EXPECT_EQ(second_reads, 0);
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  // Without the hint the answer differs: another entry.
  auto [plain, plain_reads] = Search("{ resource.service.name =~ \"block-[0-1]\" }", 3);
  EXPECT_GT(plain_reads, 0);
}

TEST_F(SearchCacheTest, OtherParametersMiss) {
  Build(std::make_shared<backend::cache::LruCache>(64 << 20));
  auto [base, base_reads] = Search("{}", 30);
  EXPECT_GT(base_reads, 0);
  EXPECT_EQ(base.traces_size(), 30);
  auto [query, query_reads] = Search("{ span.foo = \"bar\" }", 30);
  EXPECT_GT(query_reads, 0);
  EXPECT_EQ(query.traces_size(), 0);
  auto [limit, limit_reads] = Search("{}", 31);
  EXPECT_GT(limit_reads, 0);
  EXPECT_EQ(limit.traces_size(), 31);
  // A window cutting blocks: their jobs are not cached (the window changes their answers).
  auto [cut, cut_reads] = Search("{}", kAll, kBase + 1010, kBase + 2010);
  EXPECT_EQ(cut.traces_size(), 30 + 11);
  auto [again, again_reads] = Search("{}", kAll, kBase + 1010, kBase + 2010);
  EXPECT_GT(again_reads, 0);
  EXPECT_EQ(again.traces_size(), 30 + 11);
}

TEST_F(SearchCacheTest, AJobCutShortIsNotStored) {
  Build(std::make_shared<backend::cache::LruCache>(64 << 20));
  auto s = Prepare("{}", 2, kBase - 10, kBase + 10'000);
  JobPlan plan = sharder_->Plan({"t"}, kBase - 10, kBase + 10'000, kBase + 100'000);
  ASSERT_FALSE(plan.jobs.empty());
  const QueryJob& job = plan.jobs.front();
  const uint64_t hash = SearchJobQueryHash(*s);
  // The search is already full: the job stops at once, and must not be cached as empty.
  search::SearchCombiner full(1);
  tempopb::TraceSearchMetadata md;
  md.set_traceid("someone-else");
  full.Add(md);
  search::JobMetrics m;
  ASSERT_TRUE(RunSearchJobCached(job, *s, hash, caching_.get(), &full, &m).ok());
  caching_->FlushWritesForTesting();
  EXPECT_EQ(full.size(), 1u);
  // Run for real: a miss (the job reads data), then stored and a hit.
  for (int round = 0; round < 2; ++round) {
    int before = counting_->data_reads.load();
    search::SearchCombiner out(2);
    search::JobMetrics jm;
    ASSERT_TRUE(RunSearchJobCached(job, *s, hash, caching_.get(), &out, &jm).ok());
    caching_->FlushWritesForTesting();
    EXPECT_EQ(out.size(), 2u);
    EXPECT_GT(jm.inspected_traces, 0u);
    if (round == 0) {
      EXPECT_GT(counting_->data_reads.load(), before);
    } else {
      EXPECT_EQ(counting_->data_reads.load(), before);
    }
  }
}

TEST_F(SearchCacheTest, UnreadableCachedValuesAreMisses) {
  auto garbage = std::make_shared<GarbageCache>();
  Build(garbage);
  auto [r, reads] = Search("{}", kAll);
  EXPECT_EQ(r.traces_size(), 160);
  EXPECT_EQ(r.metrics().inspectedtraces(), 160u);
  EXPECT_GT(reads, 0);
  EXPECT_GT(garbage->stores.load(), 0);
}

// Tag jobs are cached as Tempo's frontend caches them ("st:"/"stv:" keys, blocks wholly inside
// the window): a second identical query reads no block data and answers the same.
TEST_F(SearchCacheTest, TagJobsAreCached) {
  Build(std::make_shared<backend::cache::LruCache>(64 << 20));
  const std::vector<search::TypedValue> services = {
      {"string", "block-0"}, {"string", "block-1"}, {"string", "block-2"}, {"string", "block-3"}};
  auto [first, first_reads] = Values("resource.service.name");
  EXPECT_EQ(first, services);
  EXPECT_GT(first_reads, 0);
  auto [second, second_reads] = Values("resource.service.name");
  EXPECT_EQ(second, services);
  EXPECT_EQ(second_reads, 0);
  // Another tag, limit or filter is another entry.
  EXPECT_GT(Values("name").second, 0);
  auto [one, one_reads] = Values("resource.service.name", {.max_values = 1});
  EXPECT_EQ(one.size(), 1u);
  EXPECT_GT(one_reads, 0);
  auto filter = Prepare("{ resource.service.name = \"block-2\" }", 0, 0, 0);
  auto [filtered, filtered_reads] = Values("resource.service.name", {}, filter.get());
  EXPECT_EQ(filtered, (std::vector<search::TypedValue>{{"string", "block-2"}}));
  EXPECT_GT(filtered_reads, 0);
  EXPECT_EQ(Values("resource.service.name", {}, filter.get()).second, 0);
  // A window cutting the blocks: not cached.
  auto [cut, cut_reads] = Values("resource.service.name", {}, nullptr, kBase + 1010, kBase + 2010);
  EXPECT_EQ(cut.size(), 2u);
  EXPECT_GT(Values("resource.service.name", {}, nullptr, kBase + 1010, kBase + 2010).second, 0);
  // Names, per scope.
  for (int round = 0; round < 2; ++round) {
    search::TagNames names(search::CollectLimits{});
    search::TagQuery q;
    q.scopes = {true, true, true, true, true};
    q.names = &names;
    int reads = RunTags(q);
    EXPECT_EQ(names.Sorted(search::TagScope::kResource),
              (std::vector<std::string>{"k8s.namespace.name", "service.name"}));
    EXPECT_FALSE(names.Sorted(search::TagScope::kSpan).empty());
    if (round == 0) {
      EXPECT_GT(reads, 0);
    } else {
      EXPECT_EQ(reads, 0);
    }
  }
}

TEST_F(SearchCacheTest, UnreadableCachedTagJobsAreMisses) {
  auto garbage = std::make_shared<GarbageCache>();
  Build(garbage);
  auto [values, reads] = Values("resource.service.name");
  EXPECT_EQ(values.size(), 4u);
  EXPECT_GT(reads, 0);
  EXPECT_GT(garbage->stores.load(), 0);
}

}  // namespace
}  // namespace vivace::frontend
