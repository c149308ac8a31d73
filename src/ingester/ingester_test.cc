#include "ingester/ingester.h"

#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "backend/block_store.h"
#include "backend/memory_backend.h"
#include "distributor/metrics.h"
#include "ingester/fragments.h"
#include "model/regroup.h"
#include "model/trace_assembler.h"
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

  Ingester::Storage Storage(wal::Wal* wal = nullptr) {
    Ingester::Storage st;
    st.backend = &backend_;
    st.blocklist = &blocklist_;
    st.wal = wal;
    return st;
  }

  void Make() {
    ing_ = std::make_unique<Ingester>(cfg_.live_store, &overrides_, &clock_, Storage());
  }

  Status Push(const std::string& tenant, const testing::ExportRequest& req) {
    Status out = Status::Internal("not called");
    ing_->PushTraces(tenant, Batch(req), [&](Status s) { out = std::move(s); });
    return out;
  }

  model::TraceId Id(uint64_t seed) { return model::TraceId::FromBytes(testing::TestTraceId(seed)); }

  config::Config cfg_;
  overrides::Overrides overrides_;
  FakeClock clock_;
  backend::InMemoryBackend backend_;
  blocklist::Blocklist blocklist_;
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

TEST_F(IngesterTest, CompleteBlocksAreFlushedThenServedUntilTheyExpire) {
  Make();
  ing_->Start();
  ASSERT_TRUE(Push("t", testing::MakeTrace({.seed = 2, .spans = 3})).ok());
  ASSERT_TRUE(Push("t", testing::MakeTrace({.seed = 2, .spans = 5})).ok());  // 3 dupes + 2 new
  ASSERT_TRUE(Push("t", testing::MakeTrace({.seed = 12})).ok());
  ASSERT_TRUE(ing_->FlushAll().ok());
  EXPECT_EQ(ing_->cut_bytes(), 0);
  EXPECT_EQ(ing_->flush_queue_length(), 0u);

  // One block in the backend, visible in the blocklist right away.
  backend::BlockStore store(backend_);
  auto listing = store.ListBlocks("t");
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->live.size(), 1u);
  ASSERT_EQ(blocklist_.Blocks("t")->metas.size(), 1u);
  EXPECT_EQ(blocklist_.Blocks("t")->metas[0].total_objects, 2);

  // Served from the flushed block: the parts were combined into one trace with 5 spans.
  std::vector<backend::BlockId> searched;
  std::string found = ing_->FindTraceById("t", Id(2), &searched);
  EXPECT_EQ(CountFragments(found), 1u);
  ASSERT_EQ(searched.size(), 1u);
  EXPECT_EQ(searched[0], listing->live[0]);
  size_t spans = 0;
  ForEachFragment(found, [&](ByteView f) {
    model::TraceAssembler a;
    ASSERT_TRUE(a.Add(f).ok());
    spans += a.span_count();
  });
  EXPECT_EQ(spans, 5u);

  clock_.Advance(cfg_.live_store.complete_block_timeout);
  ing_->Sweep(false);
  EXPECT_EQ(ing_->FindTraceById("t", Id(2)), "");
  ing_->Stop();
}

TEST_F(IngesterTest, FailedFlushesAreRetried) {
  // A backend whose writes fail until told otherwise.
  class FlakyBackend final : public backend::RawBackend {
   public:
    std::atomic<bool> failing{true};

    Result<std::string> Read(std::string_view key) override { return mem.Read(key); }

    Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override {
      return mem.ReadRange(key, offset, length);
    }

    Result<uint64_t> Size(std::string_view key) override { return mem.Size(key); }

    Status Write(std::string_view key, ByteView data) override { return mem.Write(key, data); }

    Result<std::unique_ptr<backend::AppendWriter>> Append(std::string_view key) override {
      if (failing) {
        return Status::Unavailable("backend down");
      }
      return mem.Append(key);
    }

    Result<std::vector<std::string>> List(std::string_view prefix) override {
      return mem.List(prefix);
    }

    Status Delete(std::string_view key) override { return mem.Delete(key); }

   private:
    backend::InMemoryBackend mem;
  };

  FlakyBackend flaky;
  Ingester::Storage st;
  st.backend = &flaky;
  Ingester ing(cfg_.live_store, &overrides_, &clock_, st);
  ing.Start();
  std::promise<Status> acked;
  std::string bytes = testing::MakeTrace({.seed = 13}).SerializeAsString();
  auto scan = model::ScanExportRequest(bytes, {});
  ing.PushTraces("t", scan->Regroup(), [&](Status s) { acked.set_value(std::move(s)); });
  ASSERT_TRUE(acked.get_future().get().ok());
  ing.Sweep(true);
  // The block stays in memory, queryable, while the flush keeps failing.
  while (metrics::DefaultRegistry().Expose().find(
             "tempo_live_store_failed_completions_total{tenant=\"t\"}")
         == std::string::npos) {
    std::this_thread::yield();
  }
  EXPECT_EQ(CountFragments(ing.FindTraceById("t", Id(13))), 1u);
  EXPECT_GT(ing.unflushed_bytes(), 0);
  flaky.failing = false;
  ASSERT_TRUE(ing.FlushAll().ok());  // retries at once, without waiting out the backoff
  EXPECT_EQ(ing.unflushed_bytes(), 0);
  EXPECT_EQ(CountFragments(ing.FindTraceById("t", Id(13))), 1u);
  ing.Stop();
}

TEST_F(IngesterTest, LiveTraceLimitDiscards) {
  cfg_.overrides.defaults.ingestion_max_traces_per_user = 1;
  overrides_ = overrides::Overrides(cfg_.overrides);
  Make();
  double before =
      distributor::DiscardedSpansTotal().WithLabels({"live_traces_exceeded", "lim"}).Value();
  ASSERT_TRUE(Push("lim", testing::MakeTrace({.seed = 3, .spans = 2})).ok());
  ASSERT_TRUE(Push("lim", testing::MakeTrace({.seed = 4, .spans = 3})).ok());  // acked, discarded
  EXPECT_EQ(distributor::DiscardedSpansTotal().WithLabels({"live_traces_exceeded", "lim"}).Value()
                - before,
            3);
  EXPECT_EQ(ing_->FindTraceById("lim", Id(4)), "");
}

TEST_F(IngesterTest, TraceTooLargeDiscards) {
  cfg_.overrides.defaults.global_max_bytes_per_trace = 300;
  overrides_ = overrides::Overrides(cfg_.overrides);
  Make();
  double before = distributor::DiscardedSpansTotal().WithLabels({"trace_too_large", "big"}).Value();
  ASSERT_TRUE(Push("big", testing::MakeTrace({.seed = 5, .spans = 10})).ok());
  EXPECT_EQ(
      distributor::DiscardedSpansTotal().WithLabels({"trace_too_large", "big"}).Value() - before,
      10);
}

TEST_F(IngesterTest, MemoryLimitHoldsPushesUntilMemoryIsFree) {
  cfg_.live_store.max_live_traces_bytes = 1000;  // a tenth of it (or one push) may wait
  Make();
  ASSERT_TRUE(Push("m", testing::MakeTrace({.seed = 6, .spans = 5})).ok());
  ASSERT_GE(ing_->live_bytes(), 1000);
  // Over the limit: the next push waits (no answer yet); a third no longer fits the waiting
  // room and is refused so its client backs off.
  Status parked = Status::Internal("not called");
  ing_->PushTraces("m", Batch(testing::MakeTrace({.seed = 7, .spans = 1})),
                   [&](Status s) { parked = std::move(s); });
  EXPECT_EQ(parked.code(), Code::kInternal);
  EXPECT_EQ(Push("m", testing::MakeTrace({.seed = 8, .spans = 4})).code(),
            Code::kResourceExhausted);
  // Cut but not flushed: the complete block waiting for its flush holds the memory now.
  ing_->Sweep(true);
  EXPECT_EQ(parked.code(), Code::kInternal);
  ing_->Start();
  ASSERT_TRUE(ing_->FlushAll().ok());  // flushing frees it and lets the parked push in
  EXPECT_TRUE(parked.ok()) << parked.ToString();
  EXPECT_EQ(CountFragments(ing_->FindTraceById("m", Id(7))), 1u);
  ing_->Stop();
}

TEST_F(IngesterTest, ParkedPushesAreRefusedAfterWaitingTooLongOrAtStop) {
  cfg_.live_store.max_live_traces_bytes = 1000;
  Make();
  ASSERT_TRUE(Push("m", testing::MakeTrace({.seed = 6, .spans = 5})).ok());
  Status first = Status::Internal("not called");
  ing_->PushTraces("m", Batch(testing::MakeTrace({.seed = 7, .spans = 1})),
                   [&](Status s) { first = std::move(s); });
  clock_.Advance(std::chrono::seconds(31));
  ing_->RetryParkedForTesting();
  EXPECT_EQ(first.code(), Code::kResourceExhausted);
  EXPECT_NE(first.message().find("waited 30 s"), std::string::npos) << first.ToString();
  Status second = Status::Internal("not called");
  ing_->PushTraces("m", Batch(testing::MakeTrace({.seed = 9, .spans = 1})),
                   [&](Status s) { second = std::move(s); });
  ing_->RetryParkedForTesting();
  EXPECT_EQ(second.code(), Code::kInternal);  // still waiting
  ing_->Stop();
  EXPECT_EQ(second.code(), Code::kUnavailable);
}

TEST_F(IngesterTest, AcknowledgedPushesSurviveARestart) {
  char tmpl[] = "/tmp/vivace-ing-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    wal::Wal log({.dir = dir});
    ASSERT_TRUE(log.Start().ok());
    Ingester ing(cfg_.live_store, &overrides_, &clock_, Storage(&log));
    std::promise<Status> acked;
    std::string bytes = testing::MakeTrace({.seed = 9, .spans = 4}).SerializeAsString();
    auto scan = model::ScanExportRequest(bytes, {});
    ing.PushTraces("t", scan->Regroup(), [&](Status s) { acked.set_value(std::move(s)); });
    ASSERT_TRUE(acked.get_future().get().ok());
    // A crash: the process ends without cutting or flushing anything.
  }
  wal::Wal log({.dir = dir});
  Ingester ing(cfg_.live_store, &overrides_, &clock_, Storage(&log));
  ASSERT_TRUE(ing.Replay().ok());
  EXPECT_EQ(CountFragments(ing.FindTraceById("t", Id(9))), 1u);
  std::filesystem::remove_all(dir);
}

TEST_F(IngesterTest, FlushedDataLeavesTheWal) {
  char tmpl[] = "/tmp/vivace-ing-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    wal::Wal log({.dir = dir});
    ASSERT_TRUE(log.Start().ok());
    Ingester ing(cfg_.live_store, &overrides_, &clock_, Storage(&log));
    ing.Start();
    std::promise<Status> acked;
    std::string bytes = testing::MakeTrace({.seed = 10, .spans = 4}).SerializeAsString();
    auto scan = model::ScanExportRequest(bytes, {});
    ing.PushTraces("t", scan->Regroup(), [&](Status s) { acked.set_value(std::move(s)); });
    ASSERT_TRUE(acked.get_future().get().ok());
    ASSERT_TRUE(ing.FlushAll().ok());
    ing.Stop();
    log.Stop();  // applies the truncation FlushAll requested
    EXPECT_EQ(log.SegmentCount("t"), 0u);
  }
  // Nothing to replay: the trace is served from its block only, once.
  wal::Wal log({.dir = dir});
  Ingester ing(cfg_.live_store, &overrides_, &clock_, Storage(&log));
  ASSERT_TRUE(ing.Replay().ok());
  EXPECT_EQ(ing.live_traces(), 0);
  std::filesystem::remove_all(dir);
}

TEST_F(IngesterTest, InterruptedFlushIsCleanedUpAtStart) {
  char tmpl[] = "/tmp/vivace-ing-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  // A flush cut short: a marker, and objects of a block without meta.json.
  backend::BlockId partial = backend::BlockId::Random();
  std::string prefix = "t/" + partial.ToString() + "/";
  ASSERT_TRUE(backend_.Write(prefix + "data", ByteView(std::string("x"))).ok());
  ASSERT_TRUE(backend_.Write(prefix + "bloom-0", ByteView(std::string("x"))).ok());
  {
    std::FILE* f = std::fopen((dir + "/" + partial.ToString() + "+t.flushing").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  // An unrelated block without a marker is left alone.
  backend::BlockId other = backend::BlockId::Random();
  ASSERT_TRUE(backend_.Write("t/" + other.ToString() + "/data", ByteView(std::string("y"))).ok());

  Ingester::Storage st = Storage();
  st.marker_dir = dir;
  Ingester ing(cfg_.live_store, &overrides_, &clock_, st);
  ASSERT_TRUE(ing.Replay().ok());
  EXPECT_EQ(backend_.Size(prefix + "data").status().code(), Code::kNotFound);
  EXPECT_EQ(backend_.Size(prefix + "bloom-0").status().code(), Code::kNotFound);
  EXPECT_TRUE(backend_.Size("t/" + other.ToString() + "/data").ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/" + partial.ToString() + "+t.flushing"));
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
