#include "compactor/block_selector.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace vivace::compactor {
namespace {

constexpr int64_t kNow = 1'700'000'000;  // a multiple of nothing in particular

backend::BlockMeta Block(int n, int64_t end_time, uint32_t level = 0, int64_t objects = 10,
                         uint64_t size = 1000) {
  backend::BlockMeta m;
  m.format = "vvc1";
  m.tenant_id = "t";
  m.block_id = backend::BlockId::Random();
  m.start_time = end_time - 60;
  m.end_time = end_time;
  m.compaction_level = level;
  m.total_objects = objects + n;  // distinct sizes give a stable order
  m.size = size;
  m.replication_factor = 1;
  return m;
}

std::vector<CompactionJob> All(const std::vector<backend::BlockMeta>& blocks, SelectorOptions o) {
  BlockSelector s(blocks, o, kNow);
  std::vector<CompactionJob> jobs;
  for (auto j = s.Next(); !j.inputs.empty(); j = s.Next()) {
    jobs.push_back(j);
  }
  return jobs;
}

TEST(BlockSelectorTest, GroupsRecentBlocksByLevelAndWindowUpToFourAtATime) {
  std::vector<backend::BlockMeta> blocks;
  for (int i = 0; i < 6; ++i) {
    blocks.push_back(Block(i, kNow - 10));  // this window, level 0
  }
  blocks.push_back(Block(10, kNow - 10, /*level=*/1));  // alone at level 1
  auto jobs = All(blocks, {});
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].inputs.size(), 4u);
  EXPECT_EQ(jobs[1].inputs.size(), 2u);
  // Smallest first within the group.
  EXPECT_EQ(jobs[0].inputs[0].total_objects, 10);
  EXPECT_EQ(jobs[0].hash, fmt::format("t-0-{}-1", (kNow - 10) / 3600));
}

TEST(BlockSelectorTest, DifferentWindowsAndFormatsAreNotMixed) {
  std::vector<backend::BlockMeta> blocks = {Block(0, kNow - 10), Block(1, kNow - 3 * 3600),
                                            Block(2, kNow - 10)};
  blocks[2].format = "vParquet4";
  EXPECT_TRUE(All(blocks, {}).empty());
  blocks.push_back(Block(3, kNow - 3 * 3600));
  auto jobs = All(blocks, {});
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].inputs[0].end_time, kNow - 3 * 3600);
}

TEST(BlockSelectorTest, LimitsOnObjectsAndBytes) {
  std::vector<backend::BlockMeta> blocks = {Block(0, kNow - 10, 0, 100), Block(1, kNow - 10, 0, 100),
                                            Block(2, kNow - 10, 0, 100)};
  SelectorOptions o;
  o.max_objects = 205;
  auto jobs = All(blocks, o);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].inputs.size(), 2u);
  o = {};
  o.max_bytes = 1500;  // no two blocks fit
  EXPECT_TRUE(All(blocks, o).empty());
  o = {};
  o.min_inputs = 4;
  EXPECT_TRUE(All(blocks, o).empty());
}

TEST(BlockSelectorTest, OldBlocksGroupByWindowAcrossLevelsAndTheBoundaryWindowIsSkipped) {
  const int64_t old = kNow - 48 * 3600;
  std::vector<backend::BlockMeta> blocks = {Block(0, old, 0), Block(1, old, 3), Block(2, old, 1)};
  auto jobs = All(blocks, {});
  ASSERT_EQ(jobs.size(), 1u);
  ASSERT_EQ(jobs[0].inputs.size(), 3u);
  EXPECT_EQ(jobs[0].inputs[0].compaction_level, 0u);  // lowest level first
  EXPECT_EQ(jobs[0].inputs[2].compaction_level, 3u);
  EXPECT_EQ(jobs[0].hash, fmt::format("t-{}-1", old / 3600));

  const int64_t boundary = kNow - 24 * 3600;
  EXPECT_TRUE(All({Block(0, boundary), Block(1, boundary)}, {}).empty());
}

TEST(BlockSelectorTest, MaxLevelStopsCompaction) {
  SelectorOptions o;
  o.max_level = 2;
  EXPECT_TRUE(All({Block(0, kNow - 10, 2), Block(1, kNow - 10, 2)}, o).empty());
  EXPECT_EQ(All({Block(0, kNow - 10, 1), Block(1, kNow - 10, 1)}, o).size(), 1u);
}

}  // namespace
}  // namespace vivace::compactor
