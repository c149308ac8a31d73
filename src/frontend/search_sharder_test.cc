// The in-process search frontend over backend blocks: jobs by row groups, most recent blocks
// first, stopping at the limit with jobs left unrun, windows skipping blocks, and a query
// that fails on a trace failing the whole search.

#include "frontend/search_sharder.h"

#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "backend/memory_backend.h"
#include "block/block_writer.h"
#include "blocklist/blocklist.h"
#include "frontend/timed_blocks_test_util.h"
#include "tests/support/trace_builder.h"

namespace vivace::frontend {
namespace {

constexpr uint64_t kBase = 1'700'000'000;  // seconds

class SearchSharderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 6 blocks; block b holds traces starting at kBase + b * 1000 + i seconds.
    ASSERT_NO_FATAL_FAILURE(WriteTimedBlocks(&mem_, &blocklist_, 6, 60, kBase));
    ASSERT_EQ(blocklist_.Blocks("t")->metas.size(), 6u);
    for (const auto& meta : blocklist_.Blocks("t")->metas) {
      ASSERT_GE(meta.total_records, 4u);  // several row groups per block
    }
    querier_ = std::make_unique<querier::Querier>(nullptr, nullptr, &blocklist_, &mem_, 1);
    // One row group per job, three jobs at a time, every window older than "now" in backend.
    sharder_ = std::make_unique<SearchSharder>(
        querier_.get(),
        SearchSharderOptions{
            .target_bytes_per_job = 1, .query_backend_after_s = 0, .concurrency = 3});
  }

  Result<tempopb::SearchResponse> Search(const std::string& q, uint32_t limit, uint32_t start,
                                         uint32_t end) {
    auto s = search::PreparedSearch::Create(
        {.query = q, .limit = limit, .start_unix_s = start, .end_unix_s = end});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return sharder_->Search({"t"}, *s, kBase + 100'000);
  }

  backend::InMemoryBackend mem_;
  blocklist::Blocklist blocklist_;
  std::unique_ptr<querier::Querier> querier_;
  std::unique_ptr<SearchSharder> sharder_;
};

TEST_F(SearchSharderTest, EverythingWithoutALimit) {
  auto r = Search("{}", 0, kBase - 10, kBase + 10'000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->traces_size(), 360);
  EXPECT_EQ(r->metrics().totalblocks(), 6u);
  EXPECT_GE(r->metrics().totaljobs(), 24u);
  EXPECT_EQ(r->metrics().completedjobs(), r->metrics().totaljobs());
  EXPECT_EQ(r->metrics().inspectedtraces(), 360u);
  EXPECT_EQ(r->metrics().inspectedspans(), 1080u);
  for (int i = 1; i < r->traces_size(); ++i) {
    EXPECT_GE(r->traces(i - 1).starttimeunixnano(), r->traces(i).starttimeunixnano());
  }
}

TEST_F(SearchSharderTest, LimitStopsEarlyWithTheMostRecentBlockFirst) {
  auto r = Search("{}", 5, kBase - 10, kBase + 10'000);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->traces_size(), 5);
  EXPECT_LT(r->metrics().completedjobs(), r->metrics().totaljobs());
  for (const auto& t : r->traces()) {
    EXPECT_EQ(t.rootservicename(), "block-5");  // the newest block's jobs run first
  }
  EXPECT_LT(r->metrics().inspectedtraces(), 360u);
}

TEST_F(SearchSharderTest, MostRecentHintReadsEverythingForTheNewest) {
  // Block 2's traces are the newest that match; the jobs of blocks 5, 4, 3 run first.
  auto r = Search("{ resource.service.name =~ \"block-[0-2]\" } with(most_recent=true)", 3,
                  kBase - 10, kBase + 10'000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->traces_size(), 3);
  EXPECT_EQ(r->metrics().completedjobs(), r->metrics().totaljobs());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r->traces(i).starttimeunixnano(), (kBase + 2000 + 59 - i) * 1'000'000'000);
  }
}

TEST_F(SearchSharderTest, WindowsSkipBlocks) {
  auto r = Search("{ resource.service.name =~ \"block-[0-9]\" }", 0, kBase + 2000, kBase + 3030);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->metrics().totalblocks(), 2u);
  EXPECT_EQ(r->traces_size(), 60 + 31);  // block 2 whole, block 3's first 31 seconds
  // Without a window only recent data is read: there is none (no ingester).
  auto recent = Search("{}", 20, 0, 0);
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->traces_size(), 0);
  EXPECT_EQ(recent->metrics().totaljobs(), 0u);
}

TEST_F(SearchSharderTest, AFailingQueryFailsTheSearch) {
  auto r = Search("{ span.http.status_code / 0 = 1 }", 20, kBase - 10, kBase + 10'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

// querier.search.query_timeout: a job that runs out of time fails the search as Tempo's
// querier fails it (500 `context deadline exceeded`); query_frontend.api_timeout bounds the
// whole search (503). A timeout of 1ns has always passed by the time a job checks it.
TEST_F(SearchSharderTest, JobsThatRunOutOfTimeFailTheSearch) {
  for (bool whole_request : {false, true}) {
    SearchSharderOptions o{.target_bytes_per_job = 1, .query_backend_after_s = 0, .concurrency = 3};
    (whole_request ? o.api_timeout : o.job_timeout) = std::chrono::nanoseconds(1);
    sharder_ = std::make_unique<SearchSharder>(querier_.get(), o);
    auto r = Search("{}", 0, kBase - 10, kBase + 10'000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().ToString(),
              whole_request ? ApiTimeoutError().ToString() : JobTimeoutError().ToString());
  }
  EXPECT_EQ(JobTimeoutError().message(), "context deadline exceeded");
  EXPECT_EQ(ApiTimeoutError().code(), Code::kUnavailable);
  // A generous timeout changes nothing.
  sharder_ = std::make_unique<SearchSharder>(
      querier_.get(), SearchSharderOptions{.target_bytes_per_job = 1,
                                           .query_backend_after_s = 0,
                                           .concurrency = 3,
                                           .job_timeout = std::chrono::hours(1),
                                           .api_timeout = std::chrono::hours(1)});
  auto r = Search("{}", 0, kBase - 10, kBase + 10'000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->traces_size(), 360);
}

// Partial answers (gRPC streaming): each trace is sent in at most one diff, every diff trace is
// in the final answer, and nothing is sent once Search() returned. (How many diffs come depends
// on timing; the test asserts none.)
TEST_F(SearchSharderTest, PartialAnswersAreDiffsOfTheFinalOne) {
  std::mutex mu;
  std::vector<tempopb::SearchResponse> diffs;
  SearchProgress progress;
  progress.fn = [&](tempopb::SearchResponse diff) {
    std::lock_guard<std::mutex> lock(mu);
    diffs.push_back(std::move(diff));
  };
  progress.interval = std::chrono::milliseconds(1);
  auto s = search::PreparedSearch::Create(
      {.query = "{}", .limit = 0, .start_unix_s = kBase - 10, .end_unix_s = kBase + 10'000});
  ASSERT_TRUE(s.ok());
  auto r = sharder_->Search({"t"}, *s, kBase + 100'000, progress);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->traces_size(), 360);
  std::lock_guard<std::mutex> lock(mu);
  const size_t sent = diffs.size();
  std::set<std::string> final_ids;
  for (const auto& t : r->traces()) {
    final_ids.insert(t.traceid());
  }
  std::set<std::string> seen;
  for (const auto& d : diffs) {
    for (const auto& t : d.traces()) {
      EXPECT_TRUE(seen.insert(t.traceid()).second) << "sent twice: " << t.traceid();
      EXPECT_TRUE(final_ids.count(t.traceid())) << t.traceid();
    }
    EXPECT_LE(d.metrics().completedjobs(), r->metrics().totaljobs());
  }
  EXPECT_EQ(diffs.size(), sent);
}

}  // namespace
}  // namespace vivace::frontend
