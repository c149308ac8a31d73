#include "blocklist/poller.h"

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/keys.h"
#include "backend/memory_backend.h"
#include "blocklist/metrics.h"

namespace vivace::blocklist {
namespace {

using backend::BlockId;
using backend::BlockMeta;
using backend::BlockStore;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

// Counts reads per object name and can fail the tenant listing on command.
class CountingBackend final : public backend::RawBackend {
 public:
  Result<std::string> Read(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++reads_[std::string(key.substr(key.rfind('/') + 1))];
    return inner_.Read(key);
  }

  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override {
    return inner_.ReadRange(key, offset, length);
  }

  Result<uint64_t> Size(std::string_view key) override { return inner_.Size(key); }

  Status Write(std::string_view key, ByteView data) override { return inner_.Write(key, data); }

  Result<std::unique_ptr<backend::AppendWriter>> Append(std::string_view key) override {
    return inner_.Append(key);
  }

  Result<std::vector<std::string>> List(std::string_view prefix) override {
    if (prefix.empty() && fail_root_list.load()) {
      return Status::Unavailable("injected listing failure");
    }
    return inner_.List(prefix);
  }

  Status Delete(std::string_view key) override { return inner_.Delete(key); }

  int Reads(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    return reads_[name];
  }

  void ResetCounts() {
    std::lock_guard<std::mutex> lock(mu_);
    reads_.clear();
  }

  std::atomic<bool> fail_root_list{false};

 private:
  backend::InMemoryBackend inner_;
  std::mutex mu_;
  std::map<std::string, int> reads_;
};

constexpr int64_t kStart = 1'767'261'600;  // 2026-01-01T10:00:00Z

class PollerTest : public ::testing::Test {
 protected:
  BlockMeta WriteBlock(const std::string& tenant, int64_t start = kStart) {
    BlockMeta m;
    m.format = "vvc1";
    m.block_id = BlockId::Random();
    m.tenant_id = tenant;
    m.start_time = start;
    m.end_time = start + 60;
    m.total_objects = 7;
    m.replication_factor = 1;
    EXPECT_TRUE(raw_.Write(BlockStore::BlockKey(tenant, m.block_id, "data"),
                           ByteView(std::string_view("payload")))
                    .ok());
    EXPECT_TRUE(store_.WriteBlockMeta(m).ok());
    return m;
  }

  static PollerOptions Options(bool builder, bool fallback = true) {
    PollerOptions o;
    o.poll_interval = std::chrono::hours(1);
    o.concurrency = 4;
    o.fallback = fallback;
    if (!builder) {
      o.owns = [](std::string_view) { return false; };
    }
    return o;
  }

  static std::vector<BlockId> LiveIds(const TenantBlocks& b) {
    std::vector<BlockId> ids;
    for (const auto& m : b.metas) {
      ids.push_back(m.block_id);
    }
    return ids;
  }

  static std::vector<BlockId> CompactedIds(const TenantBlocks& b) {
    std::vector<BlockId> ids;
    for (const auto& c : b.compacted) {
      ids.push_back(c.meta.block_id);
    }
    return ids;
  }

  FakeClock clock_{kStart * 1'000'000'000};
  CountingBackend raw_;
  BlockStore store_{raw_, clock_};
};

TEST_F(PollerTest, IndexBuilderListsBucketAndWritesIndex) {
  BlockMeta a = WriteBlock("pt-builder", kStart + 10);
  BlockMeta b = WriteBlock("pt-builder", kStart);
  BlockMeta c = WriteBlock("pt-builder", kStart + 5);
  ASSERT_TRUE(store_.MarkBlockCompacted("pt-builder", c.block_id).ok());
  ASSERT_TRUE(raw_.Write("tempo_cluster_seed.json", ByteView(std::string_view("{}"))).ok());

  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);
  ASSERT_TRUE(poller.IsIndexBuilder("pt-builder"));
  ASSERT_TRUE(poller.Poll().ok());

  auto blocks = list.Blocks("pt-builder");
  EXPECT_THAT(LiveIds(*blocks), ElementsAre(b.block_id, a.block_id));  // by start time
  EXPECT_THAT(CompactedIds(*blocks), ElementsAre(c.block_id));
  EXPECT_EQ(blocks->compacted[0].compacted_time, kStart);
  EXPECT_EQ(blocks->metas[0], b);
  EXPECT_THAT(list.Tenants(), ElementsAre("pt-builder"));

  auto index = store_.ReadTenantIndex("pt-builder");
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ(index->created_at.seconds, kStart);
  EXPECT_EQ(index->metas, blocks->metas);
  EXPECT_EQ(index->compacted, blocks->compacted);
  EXPECT_TRUE(raw_.Read("pt-builder/index.json.gz").ok());

  EXPECT_EQ(BlocklistLength().WithLabels({"pt-builder"}).Value(), 2);
  EXPECT_EQ(TenantIndexBuilder().WithLabels({"pt-builder"}).Value(), 1);
  EXPECT_EQ(TenantIndexAgeSeconds().WithLabels({"pt-builder"}).Value(), 0);
}

TEST_F(PollerTest, NonBuilderReadsTheIndex) {
  BlockMeta a = WriteBlock("pt-reader");
  Blocklist builder_list(clock_);
  Poller builder(store_, builder_list, Options(true), clock_);
  ASSERT_TRUE(builder.Poll().ok());

  BlockMeta later = WriteBlock("pt-reader");  // not in the index yet
  clock_.Advance(std::chrono::seconds(30));
  raw_.ResetCounts();
  Blocklist list(clock_);
  Poller reader(store_, list, Options(false), clock_);
  EXPECT_FALSE(reader.IsIndexBuilder("pt-reader"));
  ASSERT_TRUE(reader.Poll().ok());
  EXPECT_THAT(LiveIds(*list.Blocks("pt-reader")), ElementsAre(a.block_id));
  EXPECT_EQ(raw_.Reads("meta.json"), 0);  // one index read instead of every meta
  EXPECT_EQ(raw_.Reads("index.pb.zst"), 1);
  EXPECT_EQ(raw_.Reads("index.json.gz"), 0);
  EXPECT_EQ(TenantIndexBuilder().WithLabels({"pt-reader"}).Value(), 0);
  EXPECT_EQ(TenantIndexAgeSeconds().WithLabels({"pt-reader"}).Value(), 30);

  // The builder's next poll publishes the new block; the reader picks it up from the index.
  ASSERT_TRUE(builder.Poll().ok());
  ASSERT_TRUE(reader.Poll().ok());
  std::vector<BlockId> want{a.block_id, later.block_id};
  EXPECT_THAT(LiveIds(*list.Blocks("pt-reader")), UnorderedElementsAreArray(want));
}

TEST_F(PollerTest, NonBuilderFallsBackToJsonWhenProtoIsCorrupt) {
  BlockMeta a = WriteBlock("pt-json");
  Blocklist builder_list(clock_);
  Poller builder(store_, builder_list, Options(true), clock_);
  ASSERT_TRUE(builder.Poll().ok());
  ASSERT_TRUE(raw_.Write("pt-json/index.pb.zst", ByteView(std::string_view("corrupt"))).ok());
  raw_.ResetCounts();

  Blocklist list(clock_);
  Poller reader(store_, list, Options(false), clock_);
  ASSERT_TRUE(reader.Poll().ok());
  EXPECT_THAT(LiveIds(*list.Blocks("pt-json")), ElementsAre(a.block_id));
  EXPECT_EQ(raw_.Reads("index.json.gz"), 1);
  EXPECT_EQ(raw_.Reads("meta.json"), 0);
}

TEST_F(PollerTest, NonBuilderFallsBackToListingWhenIndexMissing) {
  BlockMeta a = WriteBlock("pt-fallback");
  double errors = TenantIndexErrors().WithLabels({"pt-fallback"}).Value();
  Blocklist list(clock_);
  Poller reader(store_, list, Options(false), clock_);
  ASSERT_TRUE(reader.Poll().ok());
  EXPECT_THAT(LiveIds(*list.Blocks("pt-fallback")), ElementsAre(a.block_id));
  EXPECT_EQ(TenantIndexErrors().WithLabels({"pt-fallback"}).Value(), errors + 1);
  // Only builders write the index.
  EXPECT_EQ(store_.ReadTenantIndex("pt-fallback").status().code(), Code::kNotFound);
}

TEST_F(PollerTest, NoFallbackMeansTheTenantFails) {
  WriteBlock("pt-nofallback");
  double errors = PollErrors().WithLabels({"pt-nofallback"}).Value();
  Blocklist list(clock_);
  Poller reader(store_, list, Options(false, /*fallback=*/false), clock_);
  Status s = reader.Poll();
  EXPECT_EQ(s.code(), Code::kNotFound) << s.ToString();
  EXPECT_THAT(list.Blocks("pt-nofallback")->metas, IsEmpty());
  EXPECT_EQ(PollErrors().WithLabels({"pt-nofallback"}).Value(), errors + 1);
}

TEST_F(PollerTest, StaleIndexFallsBack) {
  BlockMeta a = WriteBlock("pt-stale");
  Blocklist builder_list(clock_);
  Poller builder(store_, builder_list, Options(true), clock_);
  ASSERT_TRUE(builder.Poll().ok());
  BlockMeta b = WriteBlock("pt-stale");
  clock_.Advance(std::chrono::minutes(20));

  PollerOptions o = Options(false);
  o.stale_tenant_index = std::chrono::minutes(10);
  Blocklist list(clock_);
  Poller reader(store_, list, o, clock_);
  ASSERT_TRUE(reader.Poll().ok());
  std::vector<BlockId> want{a.block_id, b.block_id};
  EXPECT_THAT(LiveIds(*list.Blocks("pt-stale")), UnorderedElementsAreArray(want));
}

TEST_F(PollerTest, ReusesKnownMetasAndTracksCompaction) {
  BlockMeta a = WriteBlock("pt-reuse");
  BlockMeta b = WriteBlock("pt-reuse");
  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_EQ(raw_.Reads("meta.json"), 2);

  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(store_.MarkBlockCompacted("pt-reuse", a.block_id).ok());
  BlockMeta c = WriteBlock("pt-reuse");
  raw_.ResetCounts();
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_EQ(raw_.Reads("meta.json"), 1);  // only the new block c
  EXPECT_EQ(raw_.Reads("meta.compacted.json"), 1);
  std::vector<BlockId> want{b.block_id, c.block_id};
  EXPECT_THAT(LiveIds(*list.Blocks("pt-reuse")), UnorderedElementsAreArray(want));
  ASSERT_THAT(CompactedIds(*list.Blocks("pt-reuse")), ElementsAre(a.block_id));
  EXPECT_EQ(list.Blocks("pt-reuse")->compacted[0].compacted_time, kStart + 300);

  // Nothing changed: no meta is read again.
  raw_.ResetCounts();
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_EQ(raw_.Reads("meta.json") + raw_.Reads("meta.compacted.json"), 0);

  // Retention cleared the compacted block; with no blocks left the index is deleted.
  ASSERT_TRUE(store_.ClearBlock("pt-reuse", a.block_id).ok());
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_THAT(list.Blocks("pt-reuse")->compacted, IsEmpty());
  for (const BlockMeta& m : {b, c}) {
    ASSERT_TRUE(store_.ClearBlock("pt-reuse", m.block_id).ok());
  }
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_THAT(list.Blocks("pt-reuse")->metas, IsEmpty());
  EXPECT_EQ(store_.ReadTenantIndex("pt-reuse").status().code(), Code::kNotFound);
  // With its index deleted the tenant is gone from the bucket, and then from the list.
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_THAT(list.Tenants(), IsEmpty());
}

TEST_F(PollerTest, RestartedBuilderSeedsFromItsIndex) {
  WriteBlock("pt-restart");
  WriteBlock("pt-restart");
  {
    Blocklist list(clock_);
    Poller poller(store_, list, Options(true), clock_);
    ASSERT_TRUE(poller.Poll().ok());
  }
  raw_.ResetCounts();
  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_EQ(list.Blocks("pt-restart")->metas.size(), 2u);
  EXPECT_EQ(raw_.Reads("meta.json"), 0);
}

TEST_F(PollerTest, TempoStyleCompactedMetaGetsFirstSeenTime) {
  BlockMeta a = WriteBlock("pt-tempo");
  // Tempo copies meta.json to meta.compacted.json unchanged and deletes meta.json.
  ASSERT_TRUE(raw_.Write(BlockStore::BlockKey("pt-tempo", a.block_id, backend::kCompactedMetaName),
                         ByteView(backend::EncodeBlockMetaJson(a)))
                  .ok());
  ASSERT_TRUE(raw_.Delete(BlockStore::BlockKey("pt-tempo", a.block_id, backend::kMetaName)).ok());
  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);
  ASSERT_TRUE(poller.Poll().ok());
  ASSERT_EQ(list.Blocks("pt-tempo")->compacted.size(), 1u);
  EXPECT_EQ(list.Blocks("pt-tempo")->compacted[0].compacted_time, kStart);
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_EQ(list.Blocks("pt-tempo")->compacted[0].compacted_time, kStart);  // stable
}

TEST_F(PollerTest, CorruptMetaIsSkipped) {
  BlockMeta good = WriteBlock("pt-corrupt");
  BlockId bad = BlockId::Random();
  ASSERT_TRUE(raw_.Write(BlockStore::BlockKey("pt-corrupt", bad, backend::kMetaName),
                         ByteView(std::string_view("{\"format\":")))
                  .ok());
  double errors = PollErrors().WithLabels({"pt-corrupt"}).Value();
  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_THAT(LiveIds(*list.Blocks("pt-corrupt")), ElementsAre(good.block_id));
  EXPECT_EQ(PollErrors().WithLabels({"pt-corrupt"}).Value(), errors + 1);
}

TEST_F(PollerTest, ListingFailureKeepsPreviousLists) {
  BlockMeta a = WriteBlock("pt-listfail");
  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);
  ASSERT_TRUE(poller.Poll().ok());
  raw_.fail_root_list.store(true);
  double errors = PollErrors().WithLabels({""}).Value();
  EXPECT_EQ(poller.Poll().code(), Code::kUnavailable);
  EXPECT_EQ(PollErrors().WithLabels({""}).Value(), errors + 1);
  EXPECT_THAT(LiveIds(*list.Blocks("pt-listfail")), ElementsAre(a.block_id));
}

TEST_F(PollerTest, LocallyAddedBlockSurvivesAPollThatMissedIt) {
  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);
  BlockMeta a = WriteBlock("pt-local");
  ASSERT_TRUE(poller.Poll().ok());
  // A block flushed after that poll began is visible at once.
  clock_.Advance(std::chrono::seconds(1));
  BlockMeta b = WriteBlock("pt-local");
  list.AddBlock(b);
  std::vector<BlockId> want{a.block_id, b.block_id};
  EXPECT_THAT(LiveIds(*list.Blocks("pt-local")), UnorderedElementsAreArray(want));
  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_THAT(LiveIds(*list.Blocks("pt-local")), UnorderedElementsAreArray(want));
}

TEST_F(PollerTest, IndexBuilderSelection) {
  Blocklist list(clock_);
  PollerOptions o = Options(true);
  o.owns = [](std::string_view job) { return job == "build-tenant-index-1-t2"; };
  Poller poller(store_, list, o, clock_);
  EXPECT_FALSE(poller.IsIndexBuilder("t1"));
  EXPECT_TRUE(poller.IsIndexBuilder("t2"));
  o.tenant_index_builders = 1;
  Poller one(store_, list, o, clock_);
  EXPECT_FALSE(one.IsIndexBuilder("t2"));
  o.tenant_index_builders = 0;
  o.owns = nullptr;
  Poller none(store_, list, o, clock_);
  EXPECT_FALSE(none.IsIndexBuilder("t2"));
}

TEST_F(PollerTest, OptionsFromConfig) {
  config::StorageConfig cfg;
  cfg.blocklist_poll = std::chrono::minutes(1);
  cfg.blocklist_poll_concurrency = 7;
  cfg.blocklist_poll_fallback = false;
  cfg.blocklist_poll_tenant_index_builders = 3;
  cfg.blocklist_poll_stale_tenant_index = std::chrono::minutes(15);
  PollerOptions o = PollerOptions::FromConfig(cfg);
  EXPECT_EQ(o.poll_interval, std::chrono::minutes(1));
  EXPECT_EQ(o.concurrency, 7);
  EXPECT_FALSE(o.fallback);
  EXPECT_EQ(o.tenant_index_builders, 3);
  EXPECT_EQ(o.stale_tenant_index, std::chrono::minutes(15));
}

TEST_F(PollerTest, StartPollsAtOnceAndStopReturnsPromptly) {
  BlockMeta a = WriteBlock("pt-start");
  Blocklist list(clock_);
  Poller poller(store_, list, Options(true), clock_);  // next poll in an hour
  poller.Start();
  EXPECT_THAT(LiveIds(*list.Blocks("pt-start")), ElementsAre(a.block_id));
  EXPECT_EQ(poller.polls_completed(), 1u);
  poller.Stop();  // must not wait for the hour
  poller.Stop();  // idempotent
}

TEST_F(PollerTest, BackgroundThreadKeepsPolling) {
  Blocklist list(clock_);
  PollerOptions o = Options(true);
  o.poll_interval = std::chrono::milliseconds(1);
  Poller poller(store_, list, o, clock_);
  poller.Start();
  BlockMeta a = WriteBlock("pt-loop");
  // Wait for a poll that saw the new block (no timing is asserted; the deadline only stops a
  // broken build from hanging).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((list.Blocks("pt-loop")->metas.empty() || poller.polls_completed() < 2)
         && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_THAT(LiveIds(*list.Blocks("pt-loop")), ElementsAre(a.block_id));
  EXPECT_GE(poller.polls_completed(), 2u);
  poller.Stop();
}

}  // namespace
}  // namespace vivace::blocklist
