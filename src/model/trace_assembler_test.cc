#include "model/trace_assembler.h"

#include <gtest/gtest.h>

#include "tempopb/tempo.pb.h"
#include "tests/support/trace_builder.h"

namespace vivace::model {
namespace {

using opentelemetry::proto::trace::v1::Span;

tempopb::Trace Result(TraceAssembler& a) {
  tempopb::Trace t;
  EXPECT_TRUE(t.ParseFromString(a.SerializeProto()));
  return t;
}

int CountSpans(const tempopb::Trace& t) {
  int n = 0;
  for (const auto& rs : t.resourcespans()) {
    for (const auto& ss : rs.scope_spans()) {
      n += ss.spans_size();
    }
  }
  return n;
}

TEST(TraceAssemblerTest, SinglePartIsSplicedUnchanged) {
  std::string bytes = testing::MakeTrace({.seed = 1, .spans = 3}).SerializeAsString();
  TraceAssembler a;
  ASSERT_TRUE(a.Add(bytes).ok());
  EXPECT_EQ(a.SerializeProto(), bytes);
}

TEST(TraceAssemblerTest, DedupesBySpanIdAndKindAcrossParts) {
  std::string a1 = testing::MakeTrace({.seed = 1, .spans = 3}).SerializeAsString();
  std::string a2 = testing::MakeTrace({.seed = 1, .spans = 4}).SerializeAsString();
  TraceAssembler a;
  ASSERT_TRUE(a.Add(a1).ok());
  ASSERT_TRUE(a.Add(a2).ok());
  tempopb::Trace t = Result(a);
  EXPECT_EQ(CountSpans(t), 4);
  EXPECT_EQ(a.span_count(), 4u);
  EXPECT_EQ(t.resourcespans_size(), 2);
}

TEST(TraceAssemblerTest, SameIdDifferentKindIsKept) {
  auto r1 = testing::MakeTrace({.seed = 2, .spans = 1});
  auto r2 = r1;
  r2.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_kind(
      Span::SPAN_KIND_CLIENT);
  std::string b1 = r1.SerializeAsString();
  std::string b2 = r2.SerializeAsString();
  TraceAssembler a;
  ASSERT_TRUE(a.Add(b1).ok());
  ASSERT_TRUE(a.Add(b2).ok());
  EXPECT_EQ(CountSpans(Result(a)), 2);
}

TEST(TraceAssemblerTest, SortsOnlyWhenCombined) {
  auto r = testing::MakeTrace({.seed = 3, .spans = 3});
  r.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()->SwapElements(0, 2);
  std::string first = r.SerializeAsString();
  TraceAssembler single;
  ASSERT_TRUE(single.Add(first).ok());
  EXPECT_EQ(Result(single).resourcespans(0).scope_spans(0).spans(0).name(), "step-2");

  auto later = testing::MakeTrace({.seed = 3, .spans = 1, .start_unix_nano = 1});
  later.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_span_id(
      testing::TestSpanId(999999));
  std::string second = later.SerializeAsString();
  TraceAssembler a;
  ASSERT_TRUE(a.Add(first).ok());
  ASSERT_TRUE(a.Add(second).ok());
  tempopb::Trace t = Result(a);
  ASSERT_EQ(t.resourcespans_size(), 2);
  EXPECT_EQ(t.resourcespans(0).scope_spans(0).spans(0).start_time_unix_nano(), 1u);
  EXPECT_EQ(t.resourcespans(1).scope_spans(0).spans(0).name(), "GET /checkout");
}

TEST(TraceAssemblerTest, GarbageIsDataLoss) {
  TraceAssembler a;
  EXPECT_EQ(a.Add(std::string_view("\x0a\xff")).code(), Code::kDataLoss);
}

TEST(TraceAssemblerTest, StopsWhenTooLarge) {
  std::string big = testing::MakeTrace({.seed = 4, .spans = 5}).SerializeAsString();
  std::string more = testing::MakeTrace({.seed = 5, .spans = 5}).SerializeAsString();
  TraceAssembler a(100);
  ASSERT_TRUE(a.Add(big).ok());
  EXPECT_TRUE(a.too_large());
  ASSERT_TRUE(a.Add(more).ok());  // ignored once the limit is reached
  EXPECT_EQ(a.span_count(), 5u);
}

TEST(TraceAssemblerTest, DedupesZipkinSharedSpanIds) {
  testing::ExportRequest req = testing::MakeTrace({.seed = 5, .spans = 3});
  auto* spans = req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  Span* client = spans->Mutable(0);
  client->set_kind(Span::SPAN_KIND_CLIENT);
  Span* server = spans->Mutable(1);
  server->set_kind(Span::SPAN_KIND_SERVER);
  server->set_span_id(client->span_id());
  server->clear_parent_span_id();
  spans->Mutable(2)->set_parent_span_id(client->span_id());
  std::string bytes = req.SerializeAsString();
  TraceAssembler a;
  ASSERT_TRUE(a.Add(bytes).ok());
  tempopb::Trace t = Result(a);
  const auto& out = t.resourcespans(0).scope_spans(0).spans();
  EXPECT_EQ(out[1].span_id(), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(out[1].parent_span_id(), out[0].span_id());
  EXPECT_EQ(out[2].parent_span_id(), out[1].span_id());
  // Everything else about the spans is unchanged.
  EXPECT_EQ(out[1].name(), "step-1");
  EXPECT_EQ(out[2].attributes_size(), req.resource_spans(0).scope_spans(0).spans(2).attributes_size());
}

TEST(TraceAssemblerTest, JsonMatchesProtobufContent) {
  std::string bytes = testing::MakeTrace({.seed = 6, .spans = 2}).SerializeAsString();
  TraceAssembler a;
  ASSERT_TRUE(a.Add(bytes).ok());
  std::string via_assembler;
  JsonWriter w1(&via_assembler);
  a.WriteJson(w1, "batches");
  std::string direct;
  JsonWriter w2(&direct);
  WriteWireJson(w2, WireMessage::kTrace, bytes, IdEncoding::kBase64, "batches");
  EXPECT_EQ(via_assembler, direct);
}

}  // namespace
}  // namespace vivace::model
