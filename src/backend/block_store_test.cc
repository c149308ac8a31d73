#include "backend/block_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/keys.h"
#include "backend/memory_backend.h"

namespace vivace::backend {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class BlockStoreTest : public ::testing::Test {
 protected:
  BlockMeta Meta(std::string_view tenant) {
    BlockMeta m;
    m.format = "vvc1";
    m.block_id = BlockId::Random();
    m.tenant_id = tenant;
    m.total_objects = 3;
    return m;
  }

  void Put(const std::string& key, std::string_view data = "x") {
    ASSERT_TRUE(raw_.Write(key, ByteView(data)).ok());
  }

  InMemoryBackend raw_;
  FakeClock clock_{1'767'261'600'000'000'000};
  BlockStore store_{raw_, clock_};
};

TEST_F(BlockStoreTest, WriteAndReadMeta) {
  BlockMeta m = Meta("t");
  ASSERT_TRUE(store_.WriteBlockMeta(m).ok());
  EXPECT_TRUE(raw_.Read("t/" + m.block_id.ToString() + "/meta.json").ok());
  auto back = store_.ReadBlockMeta("t", m.block_id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, m);
  EXPECT_EQ(store_.ReadBlockMeta("t", BlockId::Random()).status().code(), Code::kNotFound);
  EXPECT_EQ(store_.WriteBlockMeta(Meta("")).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_.WriteBlockMeta(Meta("a/b")).code(), Code::kInvalidArgument);
}

TEST_F(BlockStoreTest, CorruptMetaIsDataLoss) {
  BlockId id = BlockId::Random();
  Put(BlockStore::BlockKey("t", id, kMetaName), "{not json");
  EXPECT_EQ(store_.ReadBlockMeta("t", id).status().code(), Code::kDataLoss);
}

TEST_F(BlockStoreTest, TenantsSkipBucketRootObjects) {
  Put("tempo_cluster_seed.json");
  Put("work.json");
  ASSERT_TRUE(store_.WriteBlockMeta(Meta("b-tenant")).ok());
  ASSERT_TRUE(store_.WriteBlockMeta(Meta("a-tenant")).ok());
  EXPECT_THAT(*store_.Tenants(), ElementsAre("a-tenant", "b-tenant"));
}

TEST_F(BlockStoreTest, ListBlocks) {
  BlockMeta live = Meta("t");
  BlockMeta retired = Meta("t");
  BlockMeta half = Meta("t");  // compaction marked it but crashed before deleting meta.json
  ASSERT_TRUE(store_.WriteBlockMeta(live).ok());
  ASSERT_TRUE(store_.WriteBlockMeta(retired).ok());
  ASSERT_TRUE(store_.WriteBlockMeta(half).ok());
  ASSERT_TRUE(store_.MarkBlockCompacted("t", retired.block_id).ok());
  Put(BlockStore::BlockKey("t", half.block_id, kCompactedMetaName), EncodeBlockMetaJson(half));
  BlockId partial = BlockId::Random();  // payload written, meta.json not yet
  Put(BlockStore::BlockKey("t", partial, "data"));
  Put("t/index.json.gz");
  Put("t/not-a-uuid/meta.json");
  Put("t/" + std::string("B27B0E53-1D2F-4F3C-9A1E-4C5D6E7F8091") + "/meta.json");

  auto listing = store_.ListBlocks("t");
  ASSERT_TRUE(listing.ok());
  EXPECT_THAT(listing->live, ElementsAre(live.block_id));
  std::vector<BlockId> compacted{retired.block_id, half.block_id};
  std::sort(compacted.begin(), compacted.end());
  EXPECT_EQ(listing->compacted, compacted);
  auto none = store_.ListBlocks("nobody");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none->live, IsEmpty());
}

TEST_F(BlockStoreTest, MarkBlockCompacted) {
  BlockMeta m = Meta("t");
  ASSERT_TRUE(store_.WriteBlockMeta(m).ok());
  ASSERT_TRUE(store_.MarkBlockCompacted("t", m.block_id).ok());
  EXPECT_EQ(store_.ReadBlockMeta("t", m.block_id).status().code(), Code::kNotFound);
  auto c = store_.ReadCompactedBlockMeta("t", m.block_id);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->meta, m);
  EXPECT_EQ(c->compacted_time, 1'767'261'600);
  EXPECT_EQ(store_.MarkBlockCompacted("t", m.block_id).code(), Code::kNotFound);
}

TEST_F(BlockStoreTest, ClearBlockRemovesEveryObject) {
  BlockMeta m = Meta("t");
  BlockMeta other = Meta("t");
  for (const char* name : {"data", "index", "bloom-0", "bloom-1", "nocompact.flg"}) {
    Put(BlockStore::BlockKey("t", m.block_id, name));
  }
  ASSERT_TRUE(store_.WriteBlockMeta(m).ok());
  ASSERT_TRUE(store_.WriteBlockMeta(other).ok());
  ASSERT_TRUE(store_.MarkBlockCompacted("t", m.block_id).ok());
  ASSERT_TRUE(store_.ClearBlock("t", m.block_id).ok());
  EXPECT_THAT(*raw_.List("t/" + m.block_id.ToString()), IsEmpty());
  EXPECT_THAT(*raw_.List("t"), ElementsAre(other.block_id.ToString()));
  EXPECT_TRUE(store_.ClearBlock("t", m.block_id).ok());  // again: nothing left, still OK
}

TEST_F(BlockStoreTest, TenantIndexBothEncodings) {
  TenantIndex idx;
  idx.created_at = {1767261600, 0};
  idx.metas.push_back(Meta("t"));
  ASSERT_TRUE(store_.WriteTenantIndex("t", idx).ok());
  EXPECT_TRUE(raw_.Read("t/index.pb.zst").ok());
  EXPECT_TRUE(raw_.Read("t/index.json.gz").ok());
  auto back = store_.ReadTenantIndex("t");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, idx);

  // The JSON copy alone is enough (indexes written before 2.7 have no protobuf).
  ASSERT_TRUE(raw_.Delete("t/index.pb.zst").ok());
  back = store_.ReadTenantIndex("t");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, idx);
}

TEST_F(BlockStoreTest, TenantIndexFallsBackToJsonWhenProtoIsCorrupt) {
  TenantIndex idx;
  idx.created_at = {1767261600, 0};
  idx.metas.push_back(Meta("t"));
  ASSERT_TRUE(store_.WriteTenantIndex("t", idx).ok());
  Put("t/index.pb.zst", "\x28\xb5\x2f\xfd garbage");
  auto back = store_.ReadTenantIndex("t");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, idx);

  // Both corrupt: DataLoss. Protobuf corrupt, JSON missing: the protobuf's error.
  Put("t/index.json.gz", "nope");
  EXPECT_EQ(store_.ReadTenantIndex("t").status().code(), Code::kDataLoss);
  ASSERT_TRUE(raw_.Delete("t/index.json.gz").ok());
  EXPECT_EQ(store_.ReadTenantIndex("t").status().code(), Code::kDataLoss);
}

TEST_F(BlockStoreTest, TenantIndexMissingIsNotFound) {
  EXPECT_EQ(store_.ReadTenantIndex("t").status().code(), Code::kNotFound);
}

TEST_F(BlockStoreTest, EmptyTenantIndexDeletesBoth) {
  TenantIndex idx;
  idx.metas.push_back(Meta("t"));
  ASSERT_TRUE(store_.WriteTenantIndex("t", idx).ok());
  ASSERT_TRUE(store_.WriteTenantIndex("t", TenantIndex{}).ok());
  EXPECT_EQ(raw_.ObjectCountForTesting(), 0u);
  EXPECT_EQ(store_.ReadTenantIndex("t").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace vivace::backend
