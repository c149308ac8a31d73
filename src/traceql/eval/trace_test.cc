#include "traceql/eval/trace.h"

#include <gtest/gtest.h>

#include "tempopb/tempo.pb.h"
#include "traceql/eval/trace_proto.h"

namespace vivace::traceql::eval {
namespace {

namespace otlp_trace = opentelemetry::proto::trace::v1;

TEST(TraceTest, FromProtoKeepsTypedValuesAndMapsEnums) {
  tempopb::Trace msg;
  auto* rs = msg.add_resourcespans();
  auto* svc = rs->mutable_resource()->add_attributes();
  svc->set_key("service.name");
  svc->mutable_value()->set_string_value("api");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("otel");
  auto* root = ss->add_spans();
  root->set_trace_id(std::string(16, '\x07'));
  root->set_span_id(std::string(8, '\x01'));
  root->set_name("GET /");
  root->set_kind(otlp_trace::Span::SPAN_KIND_SERVER);
  root->mutable_status()->set_code(otlp_trace::Status::STATUS_CODE_ERROR);
  root->set_start_time_unix_nano(100);
  root->set_end_time_unix_nano(300);
  auto add = [](otlp_trace::Span* s, const char* key) {
    auto* kv = s->add_attributes();
    kv->set_key(key);
    return kv->mutable_value();
  };
  add(root, "i")->set_int_value(-4);
  add(root, "d")->set_double_value(1.5);
  add(root, "b")->set_bool_value(true);
  auto* arr = add(root, "arr")->mutable_array_value();
  arr->add_values()->set_int_value(1);
  arr->add_values()->set_int_value(2);
  auto* mixed = add(root, "mixed")->mutable_array_value();
  mixed->add_values()->set_int_value(1);
  mixed->add_values()->set_string_value("x");
  add(root, "bytes")->set_bytes_value("\x01");
  auto* child = ss->add_spans();
  child->set_trace_id(std::string(16, '\x07'));
  child->set_span_id(std::string(8, '\x02'));
  child->set_parent_span_id(std::string(8, '\x01'));
  child->set_kind(otlp_trace::Span::SPAN_KIND_CLIENT);
  child->set_start_time_unix_nano(150);
  child->set_end_time_unix_nano(400);
  auto* ev = child->add_events();
  ev->set_name("e");
  ev->set_time_unix_nano(160);

  Result<Trace> t = TraceFromProto(ByteView(msg.SerializeAsString()));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->spans.size(), 2u);
  const Span& r = t->spans[0];
  EXPECT_EQ(r.kind, SpanKind::kServer);
  EXPECT_EQ(r.status, SpanStatus::kError);
  EXPECT_EQ(FindAttribute(r.attrs, "i")->int_value(), -4);
  EXPECT_EQ(FindAttribute(r.attrs, "d")->float_value(), 1.5);
  EXPECT_TRUE(FindAttribute(r.attrs, "b")->bool_value());
  EXPECT_EQ(FindAttribute(r.attrs, "arr")->int_array(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(FindAttribute(r.attrs, "mixed"), nullptr);  // not queryable
  EXPECT_EQ(FindAttribute(r.attrs, "bytes"), nullptr);
  EXPECT_EQ(t->spans[1].kind, SpanKind::kClient);
  EXPECT_EQ(t->spans[1].status, SpanStatus::kUnset);
  EXPECT_EQ(t->spans[1].parent, 0);
  EXPECT_EQ(t->spans[1].events.size(), 1u);
  EXPECT_EQ(r.scope->name, "otel");
  EXPECT_EQ(t->root_name, "GET /");
  EXPECT_EQ(t->root_service, "api");
  EXPECT_EQ(t->start_unix_nano, 100u);
  EXPECT_EQ(t->end_unix_nano, 400u);
  EXPECT_FALSE(TraceFromProto(ByteView(std::string("\xff\xff\xff"))).ok());
}

TEST(TraceTest, PartsOfOneTraceAreCombined) {
  auto part = [](char span, char parent, const char* name) {
    tempopb::Trace msg;
    auto* s = msg.add_resourcespans()->add_scope_spans()->add_spans();
    s->set_trace_id(std::string(16, '\x05'));
    s->set_span_id(std::string(8, span));
    if (parent != 0) {
      s->set_parent_span_id(std::string(8, parent));
    }
    s->set_name(name);
    return msg.SerializeAsString();
  };
  std::string a = part('\x01', 0, "root");
  std::string b = part('\x02', '\x01', "child");
  std::string dup = part('\x02', '\x01', "child");
  Result<Trace> t = TraceFromParts({ByteView(a), ByteView(b), ByteView(dup)});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->spans.size(), 2u);  // the repeated span is dropped
  EXPECT_EQ(t->root_name, "root");
  EXPECT_EQ(t->spans[0].child_count + t->spans[1].child_count, 1);
}

TEST(TraceTest, NestedSetsFollowTempo) {
  // root L1/R8, child L2/R5 (parent 1), grandchild L3/R4 (parent 2), child L6/R7 (parent 1).
  Trace t;
  auto add = [&](char id, char parent) {
    Span& s = t.spans.emplace_back();
    s.span_id = std::string(7, '\0') + id;
    s.parent_id = parent == 0 ? "" : std::string(7, '\0') + parent;
  };
  add(1, 0);
  add(2, 1);
  add(3, 2);
  add(4, 1);
  add(5, 9);  // parent missing
  t.BuildTree();
  auto nums = [&](size_t i) {
    const Span& s = t.spans[i];
    return std::to_string(s.nested_left) + "/" + std::to_string(s.nested_right) + "/"
           + std::to_string(s.nested_parent);
  };
  EXPECT_EQ(nums(0), "1/8/-1");
  EXPECT_EQ(nums(1), "2/5/1");
  EXPECT_EQ(nums(2), "3/4/2");
  EXPECT_EQ(nums(3), "6/7/1");
  EXPECT_EQ(nums(4), "0/0/0");
  EXPECT_FALSE(t.spans[4].connected);
  EXPECT_EQ(t.spans[0].child_count, 2);
}

}  // namespace
}  // namespace vivace::traceql::eval
