#include "generator/filter.h"

#include <gtest/gtest.h>

#include "generator/test_util.h"

namespace vivace::generator {
namespace {

using config::FilterPolicy;
using config::PolicyMatch;

// Reads the spans of a fragment and records whether the filter keeps each.
class Probe final : public SpanVisitor {
 public:
  explicit Probe(const SpanFilter* f) : f_(f) {}

  void OnSpan(const ResourceView& r, const SpanView& s) override { kept.push_back(f_->Keep(r, s)); }

  std::vector<bool> kept;

 private:
  const SpanFilter* f_;
};

std::vector<bool> RunFilter(const std::vector<FilterPolicy>& policies,
                            const std::vector<testutil::TestSpan>& spans) {
  auto f = SpanFilter::Build(policies);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  Probe p(&*f);
  SpanReader reader;
  EXPECT_TRUE(reader.Read(testutil::Fragment(spans), p).ok());
  return p.kept;
}

const std::vector<testutil::TestSpan>& Spans() {
  static const std::vector<testutil::TestSpan> spans = [] {
    testutil::TestSpan server{.service = "api", .kind = 2, .name = "GET /users"};
    server.attrs = {{"http.route", "/users"}};
    server.resource_attrs = {{"env", "prod"}};
    testutil::TestSpan client{.service = "api", .kind = 3, .name = "SELECT", .status = 2};
    client.resource_attrs = {{"env", "dev"}};
    testutil::TestSpan health{.service = "api", .kind = 2, .name = "GET /health"};
    return std::vector<testutil::TestSpan>{server, client, health};
  }();
  return spans;
}

TEST(FilterTest, EmptyKeepsEverything) {
  EXPECT_EQ(RunFilter({}, Spans()), (std::vector<bool>{true, true, true}));
}

TEST(FilterTest, IncludeStrictIntrinsicAndResource) {
  FilterPolicy p;
  p.include = PolicyMatch{"strict", {{"kind", "SPAN_KIND_SERVER"}, {"resource.env", "prod"}}};
  EXPECT_EQ(RunFilter({p}, Spans()), (std::vector<bool>{true, false, false}));
}

TEST(FilterTest, ExcludeRegexWinsOverInclude) {
  FilterPolicy inc;
  inc.include = PolicyMatch{"strict", {{"kind", "SPAN_KIND_SERVER"}}};
  FilterPolicy exc;
  exc.exclude = PolicyMatch{"regex", {{"name", "health"}}};
  EXPECT_EQ(RunFilter({inc, exc}, Spans()), (std::vector<bool>{true, false, false}));
}

TEST(FilterTest, IncludeAnyIsAnOr) {
  FilterPolicy a;
  a.include_any = PolicyMatch{"strict", {{"status", "STATUS_CODE_ERROR"}}};
  FilterPolicy b;
  b.include_any = PolicyMatch{"regex", {{"span.http.route", "^/us"}}};
  EXPECT_EQ(RunFilter({a, b}, Spans()), (std::vector<bool>{true, true, false}));
}

TEST(FilterTest, TypedStrictValues) {
  namespace otlp = opentelemetry::proto;
  otlp::collector::trace::v1::ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  for (int i = 0; i < 2; ++i) {
    auto* s = rs->add_scope_spans()->add_spans();
    s->set_trace_id(std::string(16, '\1'));
    s->set_span_id(std::string(8, '\1'));
    auto* kv = s->add_attributes();
    kv->set_key("n");
    if (i == 0) {
      kv->mutable_value()->set_int_value(3);
    } else {
      kv->mutable_value()->set_string_value("3");
    }
  }
  FilterPolicy p;
  p.include = PolicyMatch{"strict", {{"span.n", "3"}}};
  auto f = SpanFilter::Build({p});
  ASSERT_TRUE(f.ok());
  Probe probe(&*f);
  SpanReader reader;
  ASSERT_TRUE(reader.Read(req.SerializeAsString(), probe).ok());
  EXPECT_EQ(probe.kept, (std::vector<bool>{true, false}));  // 3 is an int, not the string "3"
}

TEST(FilterTest, InvalidPoliciesAreRejected) {
  FilterPolicy p;
  p.include = PolicyMatch{"fuzzy", {{"name", "x"}}};
  EXPECT_EQ(SpanFilter::Build({p}).status().code(), Code::kInvalidArgument);
  p.include = PolicyMatch{"strict", {{"http.method", "GET"}}};  // no scope
  EXPECT_FALSE(SpanFilter::Build({p}).ok());
  p.include = PolicyMatch{"regex", {{"name", "("}}};
  EXPECT_FALSE(SpanFilter::Build({p}).ok());
  p.include = PolicyMatch{"strict", {{"kind", "SERVER"}}};
  EXPECT_FALSE(SpanFilter::Build({p}).ok());
}

}  // namespace
}  // namespace vivace::generator
