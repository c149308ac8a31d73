#include "querier/querier.h"

#include <gtest/gtest.h>

#include "model/regroup.h"
#include "tests/support/trace_builder.h"

namespace vivace::querier {
namespace {

class QuerierTest : public ::testing::Test {
 protected:
  QuerierTest() : overrides_(cfg_.overrides), ing_(cfg_.live_store, &overrides_, &clock_) {}
  void Push(const std::string& tenant, const testing::ExportRequest& req) {
    std::string bytes = req.SerializeAsString();
    auto scan = model::ScanExportRequest(bytes, {});
    ASSERT_TRUE(scan.ok());
    ing_.PushTraces(tenant, scan->Regroup(), [](Status s) { ASSERT_TRUE(s.ok()); });
  }
  int Spans(const TraceByIdResult& r) { return static_cast<int>(r.trace->span_count()); }

  config::Config cfg_;
  overrides::Overrides overrides_;
  FakeClock clock_;
  ingester::Ingester ing_;
  Querier q_{&ing_, &overrides_};
};

TEST_F(QuerierTest, CombinesPartsAcrossPushesAndTenants) {
  Push("a", testing::MakeTrace({.seed = 1, .spans = 3}));
  Push("a", testing::MakeTrace({.seed = 1, .spans = 5}));  // 3 duplicates + 2 new
  ing_.Sweep(true);
  Push("b", testing::MakeTrace({.seed = 1, .spans = 6}));
  model::TraceId id = model::TraceId::FromBytes(testing::TestTraceId(1));
  auto only_a = q_.FindTraceById({{"a"}, id});
  ASSERT_TRUE(only_a.ok());
  EXPECT_TRUE(only_a->found);
  EXPECT_EQ(Spans(*only_a), 5);
  auto both = q_.FindTraceById({{"a", "b"}, id});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(Spans(*both), 6);
  auto missing = q_.FindTraceById({{"a"}, model::TraceId::FromBytes(testing::TestTraceId(2))});
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->found);
  auto blocks = q_.FindTraceById({{"a"}, id, 0, 0, QueryMode::kBlocks});
  ASSERT_TRUE(blocks.ok());
  EXPECT_FALSE(blocks->found);
}

}  // namespace
}  // namespace vivace::querier
