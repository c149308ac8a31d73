#include "blocklist/blocklist.h"

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "blocklist/metrics.h"

namespace vivace::blocklist {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

backend::BlockMeta Meta(std::string_view tenant, int64_t start) {
  backend::BlockMeta m;
  m.format = "vvc1";
  m.block_id = backend::BlockId::Random();
  m.tenant_id = tenant;
  m.start_time = start;
  return m;
}

std::vector<backend::BlockId> Ids(const TenantBlocks& b) {
  std::vector<backend::BlockId> ids;
  for (const auto& m : b.metas) {
    ids.push_back(m.block_id);
  }
  return ids;
}

constexpr int64_t kSecond = 1'000'000'000;

class BlocklistTest : public ::testing::Test {
 protected:
  FakeClock clock_{1000 * kSecond};
  Blocklist list_{clock_};
};

TEST_F(BlocklistTest, UnknownTenantIsEmpty) {
  auto b = list_.Blocks("nobody");
  ASSERT_NE(b, nullptr);
  EXPECT_THAT(b->metas, IsEmpty());
  EXPECT_THAT(b->compacted, IsEmpty());
  EXPECT_THAT(list_.Tenants(), IsEmpty());
}

TEST_F(BlocklistTest, AddBlockIsVisibleAtOnceAndSnapshotsAreStable) {
  auto before = list_.Blocks("bl-add");
  backend::BlockMeta late = Meta("bl-add", 20);
  backend::BlockMeta early = Meta("bl-add", 10);
  list_.AddBlock(late);
  list_.AddBlock(early);
  EXPECT_THAT(before->metas, IsEmpty());
  EXPECT_THAT(Ids(*list_.Blocks("bl-add")), ElementsAre(early.block_id, late.block_id));
  EXPECT_THAT(list_.Tenants(), ElementsAre("bl-add"));
  EXPECT_EQ(BlocklistLength().WithLabels({"bl-add"}).Value(), 2);
  // Adding the same block again replaces it.
  early.total_objects = 9;
  list_.AddBlock(early);
  ASSERT_EQ(list_.Blocks("bl-add")->metas.size(), 2u);
  EXPECT_EQ(list_.Blocks("bl-add")->metas[0].total_objects, 9);
}

TEST_F(BlocklistTest, PollResultReplacesListsButKeepsNewerLocalBlocks) {
  backend::BlockMeta polled_block = Meta("bl-poll", 5);
  int64_t poll_start = clock_.NowNanos();
  clock_.Advance(std::chrono::seconds(1));
  backend::BlockMeta added = Meta("bl-poll", 7);  // flushed while the poll was running
  list_.AddBlock(added);

  TenantBlocks result;
  result.metas.push_back(polled_block);
  list_.ApplyPollResult("bl-poll", result, poll_start);
  EXPECT_THAT(Ids(*list_.Blocks("bl-poll")), ElementsAre(polled_block.block_id, added.block_id));

  // A later poll that did not find the block (deleted meanwhile) drops it.
  clock_.Advance(std::chrono::seconds(1));
  list_.ApplyPollResult("bl-poll", result, clock_.NowNanos());
  EXPECT_THAT(Ids(*list_.Blocks("bl-poll")), ElementsAre(polled_block.block_id));
}

TEST_F(BlocklistTest, PollThatSawTheBlockClearsItsPendingEntry) {
  backend::BlockMeta added = Meta("bl-seen", 7);
  list_.AddBlock(added);
  TenantBlocks result;
  backend::CompactedBlockMeta c{added, 1};
  result.compacted.push_back(c);  // already compacted by someone else
  list_.ApplyPollResult("bl-seen", result, 0);
  EXPECT_THAT(list_.Blocks("bl-seen")->metas, IsEmpty());
  ASSERT_EQ(list_.Blocks("bl-seen")->compacted.size(), 1u);
  EXPECT_THAT(list_.RetainTenants({}), ElementsAre("bl-seen"));
}

TEST_F(BlocklistTest, RetainTenantsKeepsTenantsWithLocalBlocks) {
  list_.ApplyPollResult("bl-gone", TenantBlocks{{Meta("bl-gone", 1)}, {}}, clock_.NowNanos());
  list_.ApplyPollResult("bl-stays", TenantBlocks{{Meta("bl-stays", 1)}, {}}, clock_.NowNanos());
  clock_.Advance(std::chrono::seconds(1));
  list_.AddBlock(Meta("bl-local", 1));
  EXPECT_THAT(list_.RetainTenants({"bl-stays"}), ElementsAre("bl-gone"));
  EXPECT_THAT(list_.Tenants(), ElementsAre("bl-local", "bl-stays"));
  EXPECT_EQ(BlocklistLength().WithLabels({"bl-gone"}).Value(), 0);
}

TEST_F(BlocklistTest, ConcurrentReadersAndWriters) {
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    size_t last = 0;
    while (!stop.load()) {
      auto b = list_.Blocks("bl-conc");
      EXPECT_GE(b->metas.size(), last);  // only additions happen here
      last = b->metas.size();
    }
  });
  for (int i = 0; i < 500; ++i) {
    list_.AddBlock(Meta("bl-conc", i));
  }
  stop.store(true);
  reader.join();
  EXPECT_EQ(list_.Blocks("bl-conc")->metas.size(), 500u);
}

}  // namespace
}  // namespace vivace::blocklist
