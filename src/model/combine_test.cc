#include "model/combine.h"

#include <gtest/gtest.h>

#include "tests/support/trace_builder.h"

namespace vivace::model {
namespace {

using opentelemetry::proto::trace::v1::Span;

std::string TraceBytes(const testing::ExportRequest& req) { return req.SerializeAsString(); }

int CountSpans(const tempopb::Trace& t) {
  int n = 0;
  for (const auto& rs : t.resourcespans()) {
    for (const auto& ss : rs.scope_spans()) {
      n += ss.spans_size();
    }
  }
  return n;
}

TEST(CombineTest, DedupesBySpanIdAndKindAcrossParts) {
  auto a = testing::MakeTrace({.seed = 1, .spans = 3});
  auto b = testing::MakeTrace({.seed = 1, .spans = 4});  // same first 3 spans plus one more
  TraceCombiner c;
  ASSERT_TRUE(c.Consume(TraceBytes(a)).ok());
  ASSERT_TRUE(c.Consume(TraceBytes(b)).ok());
  EXPECT_EQ(CountSpans(c.Result()), 4);
  EXPECT_EQ(c.Result().resourcespans_size(), 2);
}

TEST(CombineTest, SameIdDifferentKindIsKept) {
  auto a = testing::MakeTrace({.seed = 2, .spans = 1});
  auto b = a;
  b.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_kind(
      Span::SPAN_KIND_CLIENT);
  TraceCombiner c;
  ASSERT_TRUE(c.Consume(TraceBytes(a)).ok());
  ASSERT_TRUE(c.Consume(TraceBytes(b)).ok());
  EXPECT_EQ(CountSpans(c.Result()), 2);
}

TEST(CombineTest, SortsOnlyWhenCombined) {
  auto a = testing::MakeTrace({.seed = 3, .spans = 3});
  auto* spans = a.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  spans->SwapElements(0, 2);  // out of order on purpose
  TraceCombiner single;
  ASSERT_TRUE(single.Consume(TraceBytes(a)).ok());
  EXPECT_EQ(single.Result().resourcespans(0).scope_spans(0).spans(0).name(), "step-2");

  auto later = testing::MakeTrace({.seed = 3, .spans = 1, .start_unix_nano = 1});
  later.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_span_id(
      testing::TestSpanId(999999));
  TraceCombiner c;
  ASSERT_TRUE(c.Consume(TraceBytes(a)).ok());
  ASSERT_TRUE(c.Consume(TraceBytes(later)).ok());
  const tempopb::Trace& t = c.Result();
  ASSERT_EQ(t.resourcespans_size(), 2);
  // The part starting at t=1 sorts first; within the first part spans are ordered by start.
  EXPECT_EQ(t.resourcespans(0).scope_spans(0).spans(0).start_time_unix_nano(), 1u);
  EXPECT_EQ(t.resourcespans(1).scope_spans(0).spans(0).name(), "GET /checkout");
}

TEST(CombineTest, GarbageIsDataLoss) {
  TraceCombiner c;
  EXPECT_EQ(c.Consume(std::string_view("\x0a\xff")).code(), Code::kDataLoss);
}

TEST(CombineTest, StopsWhenTooLarge) {
  TraceCombiner c(100);
  ASSERT_TRUE(c.Consume(TraceBytes(testing::MakeTrace({.seed = 4, .spans = 5}))).ok());
  EXPECT_TRUE(c.too_large());
}

TEST(CombineTest, DedupesZipkinSharedSpanIds) {
  testing::ExportRequest req = testing::MakeTrace({.seed = 5, .spans = 3});
  auto* spans = req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  // span1 is a client; span2 is the server sharing its ID; span 3 a child of the shared ID.
  Span* client = spans->Mutable(0);
  client->set_kind(Span::SPAN_KIND_CLIENT);
  Span* server = spans->Mutable(1);
  server->set_kind(Span::SPAN_KIND_SERVER);
  server->set_span_id(client->span_id());
  server->clear_parent_span_id();
  Span* child = spans->Mutable(2);
  child->set_parent_span_id(client->span_id());
  tempopb::Trace t;
  ASSERT_TRUE(t.ParseFromString(req.SerializeAsString()));
  DedupeSharedSpanIds(t);
  const auto& out = t.resourcespans(0).scope_spans(0).spans();
  EXPECT_EQ(out[1].span_id(), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(out[1].parent_span_id(), out[0].span_id());
  EXPECT_EQ(out[2].parent_span_id(), out[1].span_id());
}

}  // namespace
}  // namespace vivace::model
