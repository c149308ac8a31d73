#include "model/regroup.h"

#include <gtest/gtest.h>

#include "tempopb/tempo.pb.h"
#include "tests/support/trace_builder.h"

namespace vivace::model {
namespace {

using testing::ExportRequest;
using testing::MakeTrace;
using testing::TestTraceId;
using testing::TraceSpec;

tempopb::Trace ParseFragment(const RegroupedBatch& b, const TraceSlice& t) {
  tempopb::Trace trace;
  EXPECT_TRUE(trace.ParseFromArray(b.fragment(t).data(), static_cast<int>(t.size)));
  return trace;
}

TEST(RegroupTest, SplitsInterleavedTracesAndKeepsResourceAndScope) {
  auto req = MakeTrace({.seed = 1, .spans = 3, .service = "a"});
  testing::AppendTrace(&req, {.seed = 2, .spans = 2, .service = "b"});
  // Interleave: move one span of trace 2 into trace 1's scope.
  *req.mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans() =
      req.resource_spans(1).scope_spans(0).spans(0);
  std::string bytes = req.SerializeAsString();

  auto scan = ScanExportRequest(bytes, {});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(scan->span_count(), 6u);
  EXPECT_EQ(scan->proto_size(), bytes.size());
  ASSERT_TRUE(scan->id_error().ok());
  RegroupedBatch batch = scan->Regroup();
  ASSERT_EQ(batch.traces.size(), 2u);
  EXPECT_EQ(batch.span_count, 6u);

  const TraceSlice& t1 = batch.traces[0];
  EXPECT_EQ(t1.id, TraceId::FromBytes(TestTraceId(1)));
  EXPECT_EQ(t1.span_count, 3u);
  tempopb::Trace tr1 = ParseFragment(batch, t1);
  ASSERT_EQ(tr1.resourcespans_size(), 1);
  EXPECT_EQ(tr1.resourcespans(0).resource().attributes(0).value().string_value(), "a");
  EXPECT_EQ(tr1.resourcespans(0).scope_spans(0).scope().name(), "shop.http");
  EXPECT_EQ(tr1.resourcespans(0).scope_spans(0).spans_size(), 3);
  EXPECT_EQ(t1.start_unix_nano, 1'700'000'000'000'000'000u);

  const TraceSlice& t2 = batch.traces[1];
  EXPECT_EQ(t2.span_count, 3u);
  tempopb::Trace tr2 = ParseFragment(batch, t2);
  // One span under resource "a" (the interleaved one), two under "b".
  ASSERT_EQ(tr2.resourcespans_size(), 2);
  EXPECT_EQ(tr2.resourcespans(0).scope_spans_size(), 1);
  EXPECT_EQ(tr2.resourcespans(0).resource().attributes(0).value().string_value(), "a");
  EXPECT_EQ(tr2.resourcespans(0).scope_spans(0).spans_size(), 1);
  EXPECT_EQ(tr2.resourcespans(1).scope_spans(0).spans_size(), 2);
  // The span bytes are spliced unchanged.
  EXPECT_EQ(tr2.resourcespans(1).scope_spans(0).spans(0).SerializeAsString(),
            req.resource_spans(1).scope_spans(0).spans(0).SerializeAsString());
}

TEST(RegroupTest, ManyTracesUseTheIndex) {
  ExportRequest req;
  for (uint64_t i = 1; i <= 50; ++i) {
    testing::AppendTrace(&req, {.seed = i, .spans = 2});
  }
  // Then a second span set for the first trace, forcing a lookup of an old trace.
  testing::AppendTrace(&req, {.seed = 1, .spans = 1});
  std::string bytes = req.SerializeAsString();
  auto scan = ScanExportRequest(bytes, {});
  ASSERT_TRUE(scan.ok());
  RegroupedBatch batch = scan->Regroup();
  ASSERT_EQ(batch.traces.size(), 50u);
  EXPECT_EQ(batch.traces[0].span_count, 3u);
}

TEST(RegroupTest, RejectsBadIdsWithTempoMessages) {
  auto req = MakeTrace({.seed = 3, .spans = 2});
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_trace_id("short");
  std::string bytes = req.SerializeAsString();
  auto scan = ScanExportRequest(bytes, {});
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->id_error().message(), "trace ids must be 128 bit, received 40 bits");
  EXPECT_STREQ(scan->id_error_reason(), "invalid_trace_id");
  EXPECT_EQ(scan->span_count(), 2u);

  req = MakeTrace({.seed = 3, .spans = 2});
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_span_id(
      std::string(8, '\0'));
  bytes = req.SerializeAsString();
  scan = ScanExportRequest(bytes, {});
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->id_error().message(),
            "span ids must be 64 bit and not all zero, received 64 bits");
  EXPECT_STREQ(scan->id_error_reason(), "invalid_span_id");
}

TEST(RegroupTest, RejectsBadParentAndLinkIdLengths) {
  auto req = MakeTrace({.seed = 3, .spans = 2});
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_parent_span_id("abc");
  std::string bytes = req.SerializeAsString();
  EXPECT_EQ(ScanExportRequest(bytes, {}).status().message(),
            "parent span ids must be 64 bit, received 24 bits");
  req = MakeTrace({.seed = 3, .spans = 2});
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->mutable_links(0)
      ->set_trace_id("short");
  bytes = req.SerializeAsString();
  EXPECT_EQ(ScanExportRequest(bytes, {}).status().message(),
            "link trace ids must be 128 bit, received 40 bits");
}

TEST(RegroupTest, RejectsMalformedBytes) {
  std::string bytes = MakeTrace({.seed = 4}).SerializeAsString();
  for (size_t cut : {size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
    auto scan = ScanExportRequest(ByteView(bytes).substr(0, cut), {});
    EXPECT_FALSE(scan.ok()) << cut;
    EXPECT_EQ(scan.status().code(), Code::kInvalidArgument);
  }
  EXPECT_FALSE(ScanExportRequest(std::string_view("\xff\xff\xff"), {}).ok());
  EXPECT_TRUE(ScanExportRequest(std::string_view(""), {}).ok());
}

TEST(RegroupTest, RejectsDeepNesting) {
  auto req = MakeTrace({.seed = 5, .spans = 1});
  auto* v = req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)
                ->add_attributes()->mutable_value();
  for (int i = 0; i < 80; ++i) {
    v = v->mutable_array_value()->add_values();
  }
  v->set_string_value("deep");
  std::string bytes = req.SerializeAsString();
  auto scan = ScanExportRequest(bytes, {});
  ASSERT_FALSE(scan.ok());
  EXPECT_NE(scan.status().message().find("maximum depth"), std::string_view::npos);
}

TEST(RegroupTest, TruncatesLongAttributesAtTheRightLevels) {
  auto req = MakeTrace({.seed = 6, .spans = 1});
  auto* span = req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0);
  auto* a = span->add_attributes();
  a->set_key(std::string(30, 'k'));
  a->mutable_value()->set_string_value(std::string(30, 'v'));
  auto* nested = span->add_attributes();
  nested->set_key("arr");
  nested->mutable_value()->mutable_array_value()->add_values()->set_string_value(
      std::string(30, 'n'));
  auto* ra = req.mutable_resource_spans(0)->mutable_resource()->add_attributes();
  ra->set_key("r");
  ra->mutable_value()->set_string_value(std::string(26, 'r'));
  std::string bytes = req.SerializeAsString();

  auto scan = ScanExportRequest(bytes, {.max_attribute_bytes = 25});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  // span: key + value; resource: value. Nested array values are left alone.
  EXPECT_EQ(scan->findings().truncated[static_cast<int>(AttributeScope::kSpan)], 2u);
  EXPECT_EQ(scan->findings().truncated[static_cast<int>(AttributeScope::kResource)], 1u);
  RegroupedBatch batch = scan->Regroup();
  tempopb::Trace t = ParseFragment(batch, batch.traces[0]);
  const auto& s = t.resourcespans(0).scope_spans(0).spans(0);
  const auto& long_attr = s.attributes(s.attributes_size() - 2);
  EXPECT_EQ(long_attr.key(), std::string(25, 'k'));
  EXPECT_EQ(long_attr.value().string_value(), std::string(25, 'v'));
  EXPECT_EQ(s.attributes(s.attributes_size() - 1).value().array_value().values(0).string_value(),
            std::string(30, 'n'));
  EXPECT_EQ(t.resourcespans(0).resource().attributes(2).value().string_value(),
            std::string(25, 'r'));
}

TEST(RegroupTest, RepairsInvalidUtf8) {
  auto req = MakeTrace({.seed = 7, .spans = 1});
  std::string bytes = req.SerializeAsString();
  // Corrupt the span name "GET /checkout" into invalid UTF-8 in place.
  size_t at = bytes.find("GET /checkout");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = '\xff';
  auto scan = ScanExportRequest(bytes, {});
  ASSERT_TRUE(scan.ok());
  EXPECT_TRUE(scan->findings().invalid_utf8);
  RegroupedBatch batch = scan->Regroup();
  tempopb::Trace t = ParseFragment(batch, batch.traces[0]);
  EXPECT_EQ(t.resourcespans(0).scope_spans(0).spans(0).name(), "\xef\xbf\xbd" "ET /checkout");
}

TEST(RegroupTest, LegacyScopeSpansFieldIsMigrated) {
  auto req = MakeTrace({.seed = 8, .spans = 2});
  auto* rs = req.mutable_resource_spans(0);
  *rs->add_deprecated_scope_spans() = rs->scope_spans(0);
  rs->clear_scope_spans();
  std::string bytes = req.SerializeAsString();
  auto scan = ScanExportRequest(bytes, {});
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->span_count(), 2u);
  RegroupedBatch batch = scan->Regroup();
  tempopb::Trace t = ParseFragment(batch, batch.traces[0]);
  EXPECT_EQ(t.resourcespans(0).scope_spans(0).spans_size(), 2);
}

}  // namespace
}  // namespace vivace::model
