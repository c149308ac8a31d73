#include "backend/tenant_index.h"

#include <gtest/gtest.h>

#include "backend/internal/compression.h"

namespace vivace::backend {
namespace {

TenantIndex SampleIndex() {
  TenantIndex idx;
  idx.created_at = {1767261600, 123456789};
  for (int i = 0; i < 3; ++i) {
    BlockMeta m;
    m.format = "vvc1";
    m.block_id = BlockId::Random();
    m.tenant_id = "t";
    m.start_time = 1767261600 + i;
    m.end_time = 1767261700 + i;
    m.total_objects = int64_t{10} * i;
    m.size = 1000u * static_cast<uint64_t>(i);
    m.total_records = 1;
    m.bloom_shards = 2;
    m.replication_factor = 1;
    if (i == 1) {
      m.dedicated_columns = R"([{"s":"resource","n":"ip"}])";
    }
    idx.metas.push_back(m);
  }
  CompactedBlockMeta c{idx.metas[0], 1767262000};
  c.meta.block_id = BlockId::Random();
  c.meta.compaction_level = 1;
  idx.compacted.push_back(c);
  return idx;
}

TEST(TenantIndexTest, ProtoRoundTrips) {
  TenantIndex idx = SampleIndex();
  auto back = DecodeTenantIndexProto(ByteView(EncodeTenantIndexProto(idx)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, idx);
}

TEST(TenantIndexTest, JsonRoundTrips) {
  TenantIndex idx = SampleIndex();
  auto back = DecodeTenantIndexJson(ByteView(EncodeTenantIndexJson(idx)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, idx);
}

TEST(TenantIndexTest, JsonShapeIsTempos) {
  TenantIndex idx;
  idx.created_at = {1767261600, 500000000};
  BlockMeta m;
  m.format = "vvc1";
  m.tenant_id = "t";
  idx.compacted.push_back({m, 1767261600});
  std::string gz = EncodeTenantIndexJson(idx);
  // gzip header: magic, deflate, FNAME flag, then the NUL-terminated inner name at offset 10.
  ASSERT_GT(gz.size(), 21u);
  EXPECT_EQ(static_cast<uint8_t>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(gz[1]), 0x8b);
  EXPECT_EQ(gz[3] & 0x08, 0x08);
  EXPECT_EQ(std::string(gz.c_str() + 10), "index.json");
  auto json = internal::GzipDecompress(ByteView(gz), 1 << 20);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            R"({"created_at":"2026-01-01T10:00:00.5Z","meta":[],"compacted":[{"format":"vvc1",)"
            R"("blockID":"00000000-0000-0000-0000-000000000000","tenantID":"t",)"
            R"("startTime":"1970-01-01T00:00:00Z","endTime":"1970-01-01T00:00:00Z",)"
            R"("totalObjects":0,"compactionLevel":0,"indexPageSize":0,"totalRecords":0,)"
            R"("bloomShards":0,"footerSize":0,"compactedTime":"2026-01-01T10:00:00Z"}]})");
}

TEST(TenantIndexTest, JsonAcceptsNullListsAndUnknownKeys) {
  auto idx = DecodeTenantIndexJsonText(ByteView(std::string_view(
      R"({"created_at":"2024-05-06T07:08:09.123Z","meta":null,"compacted":null,"extra":1})")));
  ASSERT_TRUE(idx.ok()) << idx.status().ToString();
  EXPECT_EQ(idx->created_at, (Timestamp{1714979289, 123000000}));
  EXPECT_TRUE(idx->metas.empty());
  EXPECT_TRUE(idx->compacted.empty());
}

TEST(TenantIndexTest, JsonRejectsBadShapes) {
  for (const char* bad :
       {"[]", R"({"meta":{}})", R"({"meta":[1]})", R"({"compacted":[{"size":-1}]})",
        R"({"created_at":5})", R"({"created_at":"now"})"}) {
    EXPECT_EQ(DecodeTenantIndexJsonText(ByteView(std::string_view(bad))).status().code(),
              Code::kInvalidArgument)
        << bad;
  }
}

TEST(TenantIndexTest, CorruptObjectsAreDataLoss) {
  std::string pb = EncodeTenantIndexProto(SampleIndex());
  std::string gz = EncodeTenantIndexJson(SampleIndex());
  EXPECT_EQ(DecodeTenantIndexProto(ByteView(std::string_view("garbage"))).status().code(),
            Code::kDataLoss);
  EXPECT_EQ(DecodeTenantIndexProto(ByteView(pb).substr(0, pb.size() / 2)).status().code(),
            Code::kDataLoss);
  EXPECT_EQ(DecodeTenantIndexProto(ByteView()).status().code(), Code::kDataLoss);
  EXPECT_EQ(DecodeTenantIndexJson(ByteView(std::string_view("garbage"))).status().code(),
            Code::kDataLoss);
  EXPECT_EQ(DecodeTenantIndexJson(ByteView(gz).substr(0, gz.size() / 2)).status().code(),
            Code::kDataLoss);
  // A valid zstd frame that does not hold a protobuf.
  std::string not_proto = internal::ZstdCompress(ByteView(std::string_view("\xff\xff\xff")));
  EXPECT_EQ(DecodeTenantIndexProto(ByteView(not_proto)).status().code(), Code::kDataLoss);
}

TEST(TenantIndexTest, DecompressionIsBounded) {
  std::string big(1 << 20, 'a');
  EXPECT_EQ(internal::ZstdDecompress(ByteView(internal::ZstdCompress(ByteView(big))), 1000)
                .status()
                .code(),
            Code::kResourceExhausted);
  EXPECT_EQ(internal::GzipDecompress(ByteView(internal::GzipCompress(ByteView(big), "x")), 1000)
                .status()
                .code(),
            Code::kResourceExhausted);
  // Concatenated members and frames decode whole.
  std::string two = internal::GzipCompress(ByteView(std::string_view("ab")), "x")
                    + internal::GzipCompress(ByteView(std::string_view("cd")), "x");
  EXPECT_EQ(*internal::GzipDecompress(ByteView(two), 100), "abcd");
  std::string frames = internal::ZstdCompress(ByteView(std::string_view("ab")))
                       + internal::ZstdCompress(ByteView(std::string_view("cd")));
  EXPECT_EQ(*internal::ZstdDecompress(ByteView(frames), 100), "abcd");
}

}  // namespace
}  // namespace vivace::backend
