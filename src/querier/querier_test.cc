#include "querier/querier.h"

#include <gtest/gtest.h>

#include "backend/memory_backend.h"
#include "block/block_writer.h"
#include "model/regroup.h"
#include "tests/support/trace_builder.h"

namespace vivace::querier {
namespace {

class QuerierTest : public ::testing::Test {
 protected:
  QuerierTest()
      : overrides_(cfg_.overrides), ing_(cfg_.live_store, &overrides_, &clock_, Storage()) {}

  ingester::Ingester::Storage Storage() {
    ingester::Ingester::Storage st;
    st.backend = &backend_;
    st.blocklist = &blocklist_;
    return st;
  }

  // Writes a backend block holding `traces` (seed, spans), as another ingester would have.
  backend::BlockMeta WriteBlock(std::vector<std::pair<uint64_t, int>> traces) {
    std::sort(traces.begin(), traces.end(), [](const auto& a, const auto& b) {
      return model::TraceId::FromBytes(testing::TestTraceId(a.first))
             < model::TraceId::FromBytes(testing::TestTraceId(b.first));
    });
    block::BlockWriterOptions options;
    options.tenant = "a";
    options.block_id = backend::BlockId::Random();
    block::BlockWriter w(&backend_, options);
    for (auto [seed, spans] : traces) {
      std::string bytes = testing::MakeTrace({.seed = seed, .spans = spans}).SerializeAsString();
      EXPECT_TRUE(
          w.Add(model::TraceId::FromBytes(testing::TestTraceId(seed)), ByteView(bytes)).ok());
    }
    auto meta = w.Finish();
    EXPECT_TRUE(meta.ok());
    blocklist_.AddBlock(*meta);
    return *meta;
  }

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
  backend::InMemoryBackend backend_;
  blocklist::Blocklist blocklist_;
  ingester::Ingester ing_;
  // Blocks are searched in parallel, as in the app.
  Querier q_{&ing_, &overrides_, &blocklist_, &backend_, 4};
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

TEST_F(QuerierTest, CombinesBackendBlocksWithRecentData) {
  WriteBlock({{20, 4}, {21, 2}});
  WriteBlock({{20, 6}});                                    // 4 duplicates + 2 new
  Push("a", testing::MakeTrace({.seed = 20, .spans = 7}));  // 1 more
  model::TraceId id = model::TraceId::FromBytes(testing::TestTraceId(20));
  auto all = q_.FindTraceById({{"a"}, id});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Spans(*all), 7);
  EXPECT_EQ(all->blocks_searched, 2u);
  auto recent = q_.FindTraceById({{"a"}, id, 0, 0, QueryMode::kIngesters});
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->blocks_searched, 0u);
  auto blocks = q_.FindTraceById({{"a"}, id, 0, 0, QueryMode::kBlocks});
  ASSERT_TRUE(blocks.ok());
  EXPECT_EQ(Spans(*blocks), 6);
}

TEST_F(QuerierTest, SkipsBlocksOutsideTheTimeRange) {
  backend::BlockMeta meta = WriteBlock({{30, 3}});
  model::TraceId id = model::TraceId::FromBytes(testing::TestTraceId(30));
  auto inside = q_.FindTraceById({{"a"}, id, meta.start_time, meta.end_time});
  ASSERT_TRUE(inside.ok());
  EXPECT_TRUE(inside->found);
  auto after = q_.FindTraceById({{"a"}, id, meta.end_time + 10, meta.end_time + 20});
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->found);
  EXPECT_EQ(after->blocks_searched, 0u);
}

TEST_F(QuerierTest, CorruptBlockIsSkippedOthersServe) {
  backend::BlockMeta bad = WriteBlock({{40, 3}});
  WriteBlock({{40, 5}});
  // Corrupt every bloom shard and the index of the first block.
  for (uint32_t s = 0; s < bad.bloom_shards; ++s) {
    std::string key = "a/" + bad.block_id.ToString() + "/bloom-" + std::to_string(s);
    ASSERT_TRUE(backend_.Write(key, ByteView(std::string("garbage"))).ok());
  }
  model::TraceId id = model::TraceId::FromBytes(testing::TestTraceId(40));
  auto r = q_.FindTraceById({{"a"}, id, 0, 0, QueryMode::kBlocks});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->found);
  EXPECT_EQ(Spans(*r), 5);
  EXPECT_EQ(r->blocks_failed, 1u);
}

}  // namespace
}  // namespace vivace::querier
