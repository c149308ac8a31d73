#include "ingester/ingester.h"

#include <filesystem>
#include <future>

#include <gtest/gtest.h>

#include "distributor/metrics.h"
#include "ingester/fragments.h"
#include "model/regroup.h"
#include "tests/support/trace_builder.h"

namespace vivace::ingester {
namespace {

model::RegroupedBatch Batch(const testing::ExportRequest& req) {
  std::string bytes = req.SerializeAsString();
  auto scan = model::ScanExportRequest(bytes, {});
  EXPECT_TRUE(scan.ok());
  return scan->Regroup();
}

size_t CountFragments(const std::string& framed) {
  size_t n = 0;
  ForEachFragment(framed, [&](ByteView) { ++n; });
  return n;
}

class IngesterTest : public ::testing::Test {
 protected:
  IngesterTest() : overrides_(cfg_.overrides) {}
  void Make() { ing_ = std::make_unique<Ingester>(cfg_.live_store, &overrides_, &clock_); }
  Status Push(const std::string& tenant, const testing::ExportRequest& req) {
    Status out = Status::Internal("not called");
    ing_->PushTraces(tenant, Batch(req), [&](Status s) { out = std::move(s); });
    return out;
  }
  model::TraceId Id(uint64_t seed) { return model::TraceId::FromBytes(testing::TestTraceId(seed)); }

  config::Config cfg_;
  overrides::Overrides overrides_;
  FakeClock clock_;
  std::unique_ptr<Ingester> ing_;
};

TEST_F(IngesterTest, FindsLiveThenCutTraces) {
  Make();
  ASSERT_TRUE(Push("t", testing::MakeTrace({.seed = 1, .spans = 3})).ok());
  ASSERT_TRUE(Push("t", testing::MakeTrace({.seed = 1, .spans = 4})).ok());
  EXPECT_EQ(CountFragments(ing_->FindTraceById("t", Id(1))), 2u);
  EXPECT_EQ(ing_->FindTraceById("other", Id(1)), "");
  EXPECT_EQ(ing_->live_traces(), 1);

  clock_.Advance(cfg_.live_store.max_trace_idle);
  ing_->Sweep(false);
  EXPECT_EQ(ing_->live_traces(), 0);
  EXPECT_EQ(CountFragments(ing_->FindTraceById("t", Id(1))), 2u);

  // Spans arriving after the cut make a new live trace; both parts are found.
  ASSERT_TRUE(Push("t", testing::MakeTrace({.seed = 1, .spans = 5})).ok());
  EXPECT_EQ(CountFragments(ing_->FindTraceById("t", Id(1))), 3u);
}

TEST_F(IngesterTest, CompleteBlocksExpire) {
  Make();
  ASSERT_TRUE(Push("t", testing::MakeTrace({.seed = 2})).ok());
  ing_->Sweep(/*force=*/true);
  EXPECT_NE(ing_->FindTraceById("t", Id(2)), "");
  clock_.Advance(cfg_.live_store.complete_block_timeout);
  ing_->Sweep(false);
  EXPECT_EQ(ing_->FindTraceById("t", Id(2)), "");
}

TEST_F(IngesterTest, LiveTraceLimitDiscards) {
  cfg_.overrides.defaults.ingestion_max_traces_per_user = 1;
  overrides_ = overrides::Overrides(cfg_.overrides);
  Make();
  double before =
      distributor::DiscardedSpansTotal().WithLabels({"live_traces_exceeded", "lim"}).Value();
  ASSERT_TRUE(Push("lim", testing::MakeTrace({.seed = 3, .spans = 2})).ok());
  ASSERT_TRUE(Push("lim", testing::MakeTrace({.seed = 4, .spans = 3})).ok());  // acked, discarded
  EXPECT_EQ(
      distributor::DiscardedSpansTotal().WithLabels({"live_traces_exceeded", "lim"}).Value() -
          before,
      3);
  EXPECT_EQ(ing_->FindTraceById("lim", Id(4)), "");
}

TEST_F(IngesterTest, TraceTooLargeDiscards) {
  cfg_.overrides.defaults.global_max_bytes_per_trace = 300;
  overrides_ = overrides::Overrides(cfg_.overrides);
  Make();
  double before = distributor::DiscardedSpansTotal().WithLabels({"trace_too_large", "big"}).Value();
  ASSERT_TRUE(Push("big", testing::MakeTrace({.seed = 5, .spans = 10})).ok());
  EXPECT_EQ(distributor::DiscardedSpansTotal().WithLabels({"trace_too_large", "big"}).Value() - before,
            10);
}

TEST_F(IngesterTest, MemoryLimitRefusesPushes) {
  cfg_.live_store.max_live_traces_bytes = 100;
  Make();
  ASSERT_TRUE(Push("m", testing::MakeTrace({.seed = 6, .spans = 3})).ok());
  EXPECT_EQ(Push("m", testing::MakeTrace({.seed = 7})).code(), Code::kResourceExhausted);
  ing_->Sweep(true);  // cutting frees live memory
  EXPECT_TRUE(Push("m", testing::MakeTrace({.seed = 7})).ok());
}

TEST_F(IngesterTest, AcknowledgedPushesSurviveARestart) {
  char tmpl[] = "/tmp/vivace-ing-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    wal::Wal log({.dir = dir});
    ASSERT_TRUE(log.Start().ok());
    Ingester ing(cfg_.live_store, &overrides_, &clock_, &log);
    std::promise<Status> acked;
    std::string bytes = testing::MakeTrace({.seed = 9, .spans = 4}).SerializeAsString();
    auto scan = model::ScanExportRequest(bytes, {});
    ing.PushTraces("t", scan->Regroup(), [&](Status s) { acked.set_value(std::move(s)); });
    ASSERT_TRUE(acked.get_future().get().ok());
    // A crash: the process ends without cutting or flushing anything.
  }
  wal::Wal log({.dir = dir});
  Ingester ing(cfg_.live_store, &overrides_, &clock_, &log);
  ASSERT_TRUE(ing.Replay().ok());
  EXPECT_EQ(CountFragments(ing.FindTraceById("t", Id(9))), 1u);
  std::filesystem::remove_all(dir);
}

TEST_F(IngesterTest, RefusesAfterStop) {
  Make();
  ing_->Start();
  ing_->Stop();
  EXPECT_EQ(Push("t", testing::MakeTrace({.seed = 8})).code(), Code::kUnavailable);
}

}  // namespace
}  // namespace vivace::ingester
