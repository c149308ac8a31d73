#include "compactor/compactor.h"

#include <map>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "backend/memory_backend.h"
#include "block/block_trace_stream.h"
#include "compactor/merge.h"
#include "model/trace_assembler.h"
#include "querier/querier.h"
#include "tests/support/trace_builder.h"

namespace vivace::compactor {
namespace {

// 2023-11-14T22:13:20Z, just after the traces MakeTrace builds by default.
constexpr int64_t kStartNanos = 1'700'000'100'000'000'000;

class CompactorTest : public ::testing::Test {
 protected:
  CompactorTest()
      : clock_(kStartNanos),
        store_(backend_, clock_),
        blocklist_(clock_),
        overrides_(cfg_.overrides) {}

  // A block of `traces` (seed -> spans): a trace with more spans extends the same seed's
  // shorter copies (same span IDs), as repeated pushes of a growing trace do.
  backend::BlockMeta WriteBlock(const std::map<uint64_t, int>& traces) {
    std::vector<std::pair<model::TraceId, std::string>> sorted;
    for (auto [seed, spans] : traces) {
      sorted.emplace_back(model::TraceId::FromBytes(testing::TestTraceId(seed)),
                          testing::MakeTrace({.seed = seed, .spans = spans}).SerializeAsString());
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    block::BlockWriterOptions options;
    options.tenant = "t";
    options.block_id = backend::BlockId::Random();
    block::BlockWriter w(&backend_, options);
    for (const auto& [id, bytes] : sorted) {
      EXPECT_TRUE(w.Add(id, ByteView(bytes)).ok());
    }
    auto meta = w.Finish();
    EXPECT_TRUE(meta.ok()) << meta.status().ToString();
    blocklist_.AddBlock(*meta);
    return *meta;
  }

  // Trace ID -> span count over the tenant's live blocks, failing on a trace stored twice.
  std::map<model::TraceId, size_t> LiveTraces() {
    std::map<model::TraceId, size_t> out;
    auto listing = store_.ListBlocks("t");
    EXPECT_TRUE(listing.ok());
    for (const auto& id : listing->live) {
      auto meta = store_.ReadBlockMeta("t", id);
      EXPECT_TRUE(meta.ok());
      block::BlockTraceStream s(&backend_, *meta);
      while (true) {
        auto more = s.Next();
        EXPECT_TRUE(more.ok()) << more.status().ToString();
        if (!more.ok() || !*more) {
          break;
        }
        model::TraceAssembler a;
        auto trace = s.ReadTrace();
        EXPECT_TRUE(trace.ok()) << trace.status().ToString();
        EXPECT_TRUE(trace.ok() && a.Add(*trace).ok());
        EXPECT_FALSE(out.contains(s.id())) << "trace stored twice";
        out[s.id()] = a.span_count();
      }
    }
    return out;
  }

  CompactorOptions Options() {
    CompactorOptions o;
    o.retention_interval = std::chrono::hours(1);
    return o;
  }

  config::Config cfg_;
  FakeClock clock_;
  backend::InMemoryBackend backend_;
  backend::BlockStore store_;
  blocklist::Blocklist blocklist_;
  overrides::Overrides overrides_;
};

TEST_F(CompactorTest, MergeOfOverlappingInputsIsTheirDedupedUnion) {
  std::mt19937_64 rng(42);
  std::map<uint64_t, int> expected;  // seed -> largest span count
  std::vector<backend::BlockMeta> inputs;
  for (int b = 0; b < 4; ++b) {
    std::map<uint64_t, int> traces;
    for (int i = 0; i < 300; ++i) {
      uint64_t seed = 1 + rng() % 600;  // inputs overlap heavily
      int spans = 1 + static_cast<int>(rng() % 8);
      traces[seed] = std::max(traces[seed], spans);
    }
    for (auto [seed, spans] : traces) {
      expected[seed] = std::max(expected[seed], spans);
    }
    inputs.push_back(WriteBlock(traces));
  }
  MergeOptions options;
  options.output.tenant = "t";
  options.output.block_id = backend::BlockId::Random();
  auto merged = MergeBlocks(&backend_, inputs, options);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->output.compaction_level, 1u);
  EXPECT_EQ(merged->traces_written, expected.size());
  EXPECT_GT(merged->objects_combined, 0u);
  EXPECT_GT(merged->spans_deduped, 0u);

  block::BlockTraceStream out(&backend_, merged->output);
  std::map<uint64_t, int> got;
  std::map<model::TraceId, uint64_t> seed_of;
  for (auto [seed, spans] : expected) {
    seed_of[model::TraceId::FromBytes(testing::TestTraceId(seed))] = seed;
  }
  model::TraceId previous;
  bool first = true;
  while (true) {
    auto more = out.Next();
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) {
      break;
    }
    EXPECT_TRUE(first || previous < out.id()) << "output not sorted or duplicated";
    previous = out.id();
    first = false;
    ASSERT_TRUE(seed_of.contains(out.id()));
    model::TraceAssembler a;
    auto trace = out.ReadTrace();
    ASSERT_TRUE(trace.ok()) << trace.status().ToString();
    ASSERT_TRUE(a.Add(*trace).ok());
    got[seed_of[out.id()]] = static_cast<int>(a.span_count());
  }
  EXPECT_EQ(got, expected);
}

TEST_F(CompactorTest, CycleCompactsMarksInputsAndUpdatesTheBlocklist) {
  for (int b = 0; b < 3; ++b) {
    WriteBlock({{uint64_t(b * 10 + 1), 3}, {uint64_t(b * 10 + 2), 4}, {99, 2 + b}});
  }
  Compactor c(&store_, &blocklist_, &overrides_, Options(), clock_);
  int passes = 0;
  c.SetAfterPass([&] { ++passes; });
  CycleStats stats;
  ASSERT_TRUE(c.RunCycle(&stats).ok());
  EXPECT_EQ(stats.jobs, 1);
  EXPECT_EQ(stats.blocks_compacted, 3);
  EXPECT_EQ(passes, 1);

  auto blocks = blocklist_.Blocks("t");
  ASSERT_EQ(blocks->metas.size(), 1u);
  EXPECT_EQ(blocks->metas[0].compaction_level, 1u);
  EXPECT_EQ(blocks->compacted.size(), 3u);
  auto listing = store_.ListBlocks("t");
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->live.size(), 1u);
  EXPECT_EQ(listing->compacted.size(), 3u);
  // Trace 99 was in all three inputs with 2, 3 and 4 spans: one trace of 4 spans now.
  auto after = LiveTraces();
  EXPECT_EQ(after.size(), 7u);
  EXPECT_EQ(after[model::TraceId::FromBytes(testing::TestTraceId(99))], 4u);
  EXPECT_TRUE(backend_.List("t/vivace-compaction")->empty());

  // Nothing left to do; compacted inputs go once compacted_block_retention has passed.
  stats = {};
  ASSERT_TRUE(c.RunCycle(&stats).ok());
  EXPECT_EQ(stats.jobs, 0);
  clock_.Advance(std::chrono::hours(2));
  stats = {};
  ASSERT_TRUE(c.RunCycle(&stats).ok());
  EXPECT_EQ(stats.blocks_cleared, 3);
  EXPECT_EQ(store_.ListBlocks("t")->compacted.size(), 0u);
  EXPECT_EQ(blocklist_.Blocks("t")->compacted.size(), 0u);
}

TEST_F(CompactorTest, RetentionRetiresOldBlocksThenDeletesThem) {
  WriteBlock({{1, 2}});                                           // ends late 2023
  cfg_.overrides.defaults.compaction_compaction_disabled = true;  // retention only
  overrides::Overrides ov(cfg_.overrides);
  CompactorOptions o = Options();
  o.block_retention = std::chrono::hours(24);
  Compactor c(&store_, &blocklist_, &ov, o, clock_);
  CycleStats stats;
  ASSERT_TRUE(c.RunCycle(&stats).ok());
  EXPECT_EQ(stats.blocks_retained, 0);  // not 24 h old yet
  clock_.Advance(std::chrono::hours(25));
  stats = {};
  ASSERT_TRUE(c.RunCycle(&stats).ok());
  EXPECT_EQ(stats.blocks_retained, 1);
  EXPECT_EQ(store_.ListBlocks("t")->compacted.size(), 1u);
  EXPECT_TRUE(blocklist_.Blocks("t")->metas.empty());
  clock_.Advance(std::chrono::hours(2));
  stats = {};
  ASSERT_TRUE(c.RunCycle(&stats).ok());
  EXPECT_EQ(stats.blocks_cleared, 1);
  EXPECT_TRUE(backend_.List("t")->empty() || store_.ListBlocks("t")->compacted.empty());
  EXPECT_TRUE(store_.ListBlocks("t")->live.empty());
}

TEST_F(CompactorTest, JournalOfACompleteOutputFinishesTheJob) {
  auto a = WriteBlock({{1, 2}, {2, 3}});
  auto b = WriteBlock({{2, 5}, {3, 1}});
  // A crash after the output's meta.json, before the inputs were marked.
  MergeOptions options;
  options.output.tenant = "t";
  options.output.block_id = backend::BlockId::Random();
  ASSERT_TRUE(backend_
                  .Write(JournalKey("t", options.output.block_id),
                         ByteView(fmt::format("vivace-compaction-journal 1\noutput {}\nstarted "
                                              "1700000000\ninput {}\ninput {}\n",
                                              options.output.block_id.ToString(),
                                              a.block_id.ToString(), b.block_id.ToString())))
                  .ok());
  ASSERT_TRUE(MergeBlocks(&backend_, {a, b}, options).ok());
  Compactor c(&store_, &blocklist_, &overrides_, Options(), clock_);
  CycleStats stats;
  ASSERT_TRUE(c.RunCycle(&stats, /*resolve_all_journals=*/true).ok());
  EXPECT_EQ(stats.journals_resolved, 1);
  EXPECT_EQ(stats.jobs, 0);
  auto listing = store_.ListBlocks("t");
  ASSERT_EQ(listing->live.size(), 1u);
  EXPECT_EQ(listing->live[0], options.output.block_id);
  EXPECT_EQ(listing->compacted.size(), 2u);
  auto traces = LiveTraces();
  EXPECT_EQ(traces.size(), 3u);
  EXPECT_EQ(traces[model::TraceId::FromBytes(testing::TestTraceId(2))], 5u);
}

TEST_F(CompactorTest, JournalOfAPartialOutputUndoesItAndTheJobIsRedone) {
  auto a = WriteBlock({{1, 2}});
  auto b = WriteBlock({{2, 3}});
  const backend::BlockId partial = backend::BlockId::Random();
  ASSERT_TRUE(backend_
                  .Write(JournalKey("t", partial),
                         ByteView(fmt::format("vivace-compaction-journal 1\noutput {}\nstarted "
                                              "1700000000\ninput {}\ninput {}\n",
                                              partial.ToString(), a.block_id.ToString(),
                                              b.block_id.ToString())))
                  .ok());
  ASSERT_TRUE(
      backend_
          .Write("t/" + partial.ToString() + "/data", ByteView(std::string_view("half a block")))
          .ok());
  Compactor c(&store_, &blocklist_, &overrides_, Options(), clock_);
  // A journal younger than abandoned_job_age is left alone unless resolving all.
  CycleStats stats;
  ASSERT_TRUE(c.RunCycle(&stats, /*resolve_all_journals=*/true).ok());
  EXPECT_EQ(stats.journals_resolved, 1);
  EXPECT_EQ(stats.jobs, 1);  // redone at once
  EXPECT_TRUE(backend_.List("t/" + partial.ToString())->empty());
  EXPECT_EQ(store_.ListBlocks("t")->live.size(), 1u);
  EXPECT_EQ(LiveTraces().size(), 2u);
}

TEST_F(CompactorTest, QueriesDuringCompactionSeeEverySpanOnce) {
  std::mt19937_64 rng(7);
  std::map<uint64_t, int> expected;
  for (int b = 0; b < 24; ++b) {
    std::map<uint64_t, int> traces;
    for (int i = 0; i < 40; ++i) {
      uint64_t seed = 1 + rng() % 200;
      traces[seed] = std::max(traces[seed], 1 + static_cast<int>(rng() % 6));
    }
    for (auto [seed, spans] : traces) {
      expected[seed] = std::max(expected[seed], spans);
    }
    WriteBlock(traces);
  }
  querier::Querier q(nullptr, &overrides_, &blocklist_, &backend_, 4);
  Compactor c(&store_, &blocklist_, &overrides_, Options(), clock_);
  std::atomic<bool> done{false};
  std::thread compacting([&] {
    ASSERT_TRUE(c.RunCycle().ok());
    done = true;
  });
  int queries = 0;
  std::vector<uint64_t> seeds;
  for (auto [seed, spans] : expected) {
    seeds.push_back(seed);
  }
  // Query until compaction is over, and one more round after it.
  for (bool last = false; !last; ++queries) {
    last = done.load();
    for (uint64_t seed : seeds) {
      querier::TraceByIdRequest req;
      req.tenants = {"t"};
      req.id = model::TraceId::FromBytes(testing::TestTraceId(seed));
      req.mode = querier::QueryMode::kBlocks;
      auto r = q.FindTraceById(req);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_TRUE(r->found) << "trace " << seed << " missing during compaction";
      ASSERT_EQ(r->trace->span_count(), static_cast<size_t>(expected[seed])) << "trace " << seed;
      EXPECT_EQ(r->blocks_failed, 0u);
    }
  }
  compacting.join();
  EXPECT_EQ(blocklist_.Blocks("t")->metas.size(), 1u);
  EXPECT_GE(queries, 1);
}

TEST_F(CompactorTest, GarbageJournalIsDeleted) {
  WriteBlock({{1, 2}});
  ASSERT_TRUE(
      backend_.Write("t/vivace-compaction/x.json", ByteView(std::string_view("garbage"))).ok());
  Compactor c(&store_, &blocklist_, &overrides_, Options(), clock_);
  ASSERT_TRUE(c.RunCycle(nullptr, true).ok());
  EXPECT_TRUE(backend_.List("t/vivace-compaction")->empty());
}

}  // namespace
}  // namespace vivace::compactor
