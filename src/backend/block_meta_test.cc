#include "backend/block_meta.h"

#include <gtest/gtest.h>

#include "backend/block_meta_proto.h"

namespace vivace::backend {
namespace {

constexpr std::string_view kId = "b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091";

BlockMeta SampleMeta() {
  BlockMeta m;
  m.format = "vvc1";
  m.block_id = *BlockId::Parse(kId);
  m.tenant_id = "single-tenant";
  m.start_time = 1767261600;  // 2026-01-01T10:00:00Z
  m.end_time = 1767261912;
  m.total_objects = 1234;
  m.size = 5242880;
  m.total_records = 3;
  m.index_page_size = 4096;
  m.bloom_shards = 1;
  m.footer_size = 18465;
  m.dedicated_columns = R"([{"s":"resource","n":"k8s.namespace.name"}])";
  m.replication_factor = 1;
  return m;
}

TEST(BlockMetaTest, EncodesTempoKeysInOrder) {
  EXPECT_EQ(EncodeBlockMetaJson(SampleMeta()),
            R"({"format":"vvc1","blockID":"b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091",)"
            R"("tenantID":"single-tenant","startTime":"2026-01-01T10:00:00Z",)"
            R"("endTime":"2026-01-01T10:05:12Z","totalObjects":1234,"size":5242880,)"
            R"("compactionLevel":0,"indexPageSize":4096,"totalRecords":3,"bloomShards":1,)"
            R"("footerSize":18465,"dedicatedColumns":[{"s":"resource","n":"k8s.namespace.name"}],)"
            R"("replicationFactor":1})");
}

TEST(BlockMetaTest, OmitsEmptyOptionalKeys) {
  BlockMeta m = SampleMeta();
  m.size = 0;
  m.replication_factor = 0;
  m.dedicated_columns.clear();
  std::string json = EncodeBlockMetaJson(m);
  EXPECT_EQ(json.find("\"size\""), std::string::npos);
  EXPECT_EQ(json.find("replicationFactor"), std::string::npos);
  EXPECT_EQ(json.find("dedicatedColumns"), std::string::npos);
  EXPECT_NE(json.find("\"compactionLevel\":0"), std::string::npos);
}

TEST(BlockMetaTest, RoundTrips) {
  BlockMeta m = SampleMeta();
  auto back = DecodeBlockMetaJson(ByteView(EncodeBlockMetaJson(m)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

// The vParquet4 example of spec storage.md §2.1, with a whole block ID.
TEST(BlockMetaTest, ParsesTempoExample) {
  auto m = DecodeBlockMetaJson(ByteView(std::string_view(
      R"({"format":"vParquet4","blockID":"b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091",)"
      R"("tenantID":"single-tenant","startTime":"2022-07-04T11:11:09Z",)"
      R"("endTime":"2022-07-04T11:11:35Z","totalObjects":134,"size":77187,)"
      R"("compactionLevel":0,"indexPageSize":0,"totalRecords":1,"bloomShards":1,)"
      R"("footerSize":17711,"dedicatedColumns":[{"s":"resource","n":"ip"},{"n":"instance"}]})")));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->format, "vParquet4");
  EXPECT_EQ(m->block_id.ToString(), kId);
  EXPECT_EQ(m->tenant_id, "single-tenant");
  EXPECT_EQ(m->start_time, 1656933069);
  EXPECT_EQ(m->end_time, 1656933095);
  EXPECT_EQ(m->total_objects, 134);
  EXPECT_EQ(m->size, 77187u);
  EXPECT_EQ(m->total_records, 1u);
  EXPECT_EQ(m->bloom_shards, 1u);
  EXPECT_EQ(m->footer_size, 17711u);
  EXPECT_EQ(m->dedicated_columns, R"([{"s":"resource","n":"ip"},{"n":"instance"}])");
  EXPECT_EQ(m->replication_factor, 0u);
}

TEST(BlockMetaTest, ToleratesLegacyUnknownAndNullKeys) {
  auto m = DecodeBlockMetaJson(ByteView(std::string_view(
      R"({"format":"v2","blockID":"b27b0e53-1d2f-4f3c-9a1e-4c5d6e7f8091","minID":"AAAA",)"
      R"("maxID":"/////w==","tenantID":"t","startTime":"2021-01-01T00:00:00.123456Z",)"
      R"("endTime":"2021-01-01T00:00:01+00:00","totalObjects":5,"size":10,"compactionLevel":2,)"
      R"("encoding":"zstd","indexPageSize":256000,"totalRecords":7,"dataEncoding":"v2",)"
      R"("bloomShards":null,"footerSize":0,"dedicatedColumns":null,"futureKey":{"x":[1,2]}})")));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->format, "v2");
  EXPECT_EQ(m->start_time, 1609459200);
  EXPECT_EQ(m->compaction_level, 2u);
  EXPECT_EQ(m->index_page_size, 256000u);
  EXPECT_EQ(m->bloom_shards, 0u);
  EXPECT_EQ(m->dedicated_columns, "");
}

TEST(BlockMetaTest, GoStyleKeyMatching) {
  // Keys match case-insensitively and the last duplicate wins, as with encoding/json.
  auto m = DecodeBlockMetaJson(ByteView(std::string_view(
      R"({"FORMAT":"vvc1","TotalObjects":1,"totalObjects":2,"dedicatedColumns":[]})")));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->format, "vvc1");
  EXPECT_EQ(m->total_objects, 2);
  EXPECT_EQ(m->dedicated_columns, "");  // an empty list is omitted again on encode
  EXPECT_TRUE(m->block_id.IsNil());
}

TEST(BlockMetaTest, RejectsBadInput) {
  for (const char* bad :
       {"", "not json", "[]", "\"x\"", "{", R"({"format":1})", R"({"blockID":"nope"})",
        R"({"blockID":7})", R"({"startTime":"yesterday"})", R"({"endTime":0})",
        R"({"totalObjects":1.5})", R"({"totalObjects":"5"})",
        R"({"totalObjects":9223372036854775808})", R"({"size":-1})",
        R"({"compactionLevel":4294967296})", R"({"bloomShards":-3})", R"({"footerSize":true})",
        R"({"dedicatedColumns":{"n":"x"}})", R"({"replicationFactor":1e3})"}) {
    auto m = DecodeBlockMetaJson(ByteView(std::string_view(bad)));
    EXPECT_EQ(m.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(BlockMetaTest, CompactedMetaRoundTrips) {
  CompactedBlockMeta c{SampleMeta(), 1767300000};
  std::string json = EncodeCompactedBlockMetaJson(c);
  EXPECT_NE(json.find(R"(,"compactedTime":"2026-01-01T20:40:00Z"})"), std::string::npos) << json;
  auto back = DecodeCompactedBlockMetaJson(ByteView(json));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
  // A plain meta.json copied to meta.compacted.json (what Tempo does) has no compactedTime.
  auto copied = DecodeCompactedBlockMetaJson(ByteView(EncodeBlockMetaJson(SampleMeta())));
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->compacted_time, 0);
  // meta.json decoding ignores compactedTime.
  auto plain = DecodeBlockMetaJson(ByteView(json));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, SampleMeta());
}

TEST(BlockMetaTest, ProtoRoundTrips) {
  tempodb::backend::v1::CompactedBlockMeta pb;
  CompactedBlockMeta c{SampleMeta(), 1767300000};
  ToProto(c, &pb);
  EXPECT_EQ(pb.block_meta().block_id().size(), 16u);
  EXPECT_EQ(pb.block_meta().version(), "vvc1");
  EXPECT_EQ(pb.block_meta().bloom_shard_count(), 1u);
  auto back = FromProto(pb);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
}

TEST(BlockMetaTest, ProtoRejectsBadValues) {
  tempodb::backend::v1::BlockMeta pb;
  ToProto(SampleMeta(), &pb);
  pb.set_block_id("short");
  EXPECT_EQ(FromProto(pb).status().code(), Code::kInvalidArgument);
  ToProto(SampleMeta(), &pb);
  pb.set_dedicated_columns("{\"not\":\"an array\"}");
  EXPECT_EQ(FromProto(pb).status().code(), Code::kInvalidArgument);
  pb.set_dedicated_columns("[unterminated");
  EXPECT_EQ(FromProto(pb).status().code(), Code::kInvalidArgument);
  pb.set_dedicated_columns(" [ {\"n\" : \"x\"} ] ");
  auto ok = FromProto(pb);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->dedicated_columns, R"([{"n":"x"}])");
}

}  // namespace
}  // namespace vivace::backend
