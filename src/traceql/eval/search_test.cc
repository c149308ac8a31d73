#include "traceql/eval/search.h"

#include <gtest/gtest.h>

namespace vivace::traceql::eval {
namespace {

Trace MakeTrace() {
  Trace t;
  t.trace_id = std::string(14, '\0') + "\x0a\xbc";
  Resource& api = t.resources.emplace_back();
  api.attrs.push_back({"service.name", Static::String("api")});
  Resource& db = t.resources.emplace_back();
  db.attrs.push_back({"service.name", Static::String("db")});
  Scope& scope = t.scopes.emplace_back();
  auto add = [&](int id, int parent, const char* name, Resource* r) -> Span& {
    Span& s = t.spans.emplace_back();
    s.span_id = std::string(7, '\0') + char(id);
    s.parent_id = parent == 0 ? "" : std::string(7, '\0') + char(parent);
    s.name = name;
    s.resource = r;
    s.scope = &scope;
    s.start_unix_nano = 1000000000ULL + id;
    s.end_unix_nano = s.start_unix_nano + 2500000ULL * id;
    return s;
  };
  Span& root = add(1, 0, "GET /", &api);
  root.attrs.push_back({"http.status_code", Static::Int(200)});
  Span& q1 = add(2, 1, "select", &db);
  q1.status = SpanStatus::kError;
  q1.attrs.push_back({"db.rows", Static::Int(5)});
  Span& q2 = add(3, 1, "insert", &db);
  q2.status = SpanStatus::kError;
  t.BuildTree();
  return t;
}

tempopb::TraceSearchMetadata Search(std::string_view q, uint32_t spss = 3) {
  Result<CompiledQuery> c = Compile(q);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  Result<std::unique_ptr<Evaluator>> ev = Evaluator::Create(c->query);
  EXPECT_TRUE(ev.ok());
  Result<std::optional<tempopb::TraceSearchMetadata>> r = SearchTrace(*c, **ev, MakeTrace(), spss);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r->value_or(tempopb::TraceSearchMetadata());
}

TEST(SearchTest, TraceMetadataAsTempo) {
  tempopb::TraceSearchMetadata md = Search("{ status = error }");
  EXPECT_EQ(md.traceid(), "abc");  // leading zeros trimmed
  EXPECT_EQ(md.rootservicename(), "api");
  EXPECT_EQ(md.roottracename(), "GET /");
  EXPECT_EQ(md.starttimeunixnano(), 1000000001u);
  EXPECT_EQ(md.durationms(), 7u);  // 7.5 ms truncated
  EXPECT_EQ(md.servicestats().at("db").spancount(), 2u);
  EXPECT_EQ(md.servicestats().at("db").errorcount(), 2u);
  EXPECT_EQ(md.servicestats().at("api").errorcount(), 0u);
  ASSERT_EQ(md.spansets_size(), 1);
  EXPECT_EQ(md.spanset().SerializeAsString(), md.spansets(0).SerializeAsString());
  const tempopb::SpanSet& ss = md.spansets(0);
  EXPECT_EQ(ss.matched(), 2u);
  ASSERT_EQ(ss.spans_size(), 2);
  EXPECT_EQ(ss.spans(0).spanid(), "0000000000000002");
  EXPECT_EQ(ss.spans(0).durationnanos(), 5000000u);
  EXPECT_EQ(ss.spans(0).name(), "");  // name was not loaded
  ASSERT_EQ(ss.spans(0).attributes_size(), 1);
  EXPECT_EQ(ss.spans(0).attributes(0).key(), "status");
  EXPECT_EQ(ss.spans(0).attributes(0).value().string_value(), "error");
}

TEST(SearchTest, LoadedFieldsSpssAndSpansetAttributes) {
  tempopb::TraceSearchMetadata md =
      Search("{ name != \"x\" } | select(resource.service.name, span.db.rows)", 2);
  const tempopb::SpanSet& ss = md.spansets(0);
  EXPECT_EQ(ss.matched(), 3u);
  ASSERT_EQ(ss.spans_size(), 2);  // spss
  EXPECT_EQ(ss.spans(0).name(), "GET /");
  EXPECT_EQ(ss.spans(1).attributes_size(), 2);
  EXPECT_EQ(ss.spans(1).attributes(0).key(), "service.name");
  EXPECT_EQ(ss.spans(1).attributes(1).key(), "db.rows");
  EXPECT_EQ(ss.spans(1).attributes(1).value().int_value(), 5);

  md = Search("{ } | by(resource.service.name) | count() > 0");
  ASSERT_EQ(md.spansets_size(), 2);
  EXPECT_EQ(md.spansets(1).attributes(0).key(), "by(resource.service.name)");
  EXPECT_EQ(md.spansets(1).attributes(0).value().string_value(), "db");
  EXPECT_EQ(md.spansets(1).attributes(1).key(), "count()");
  EXPECT_EQ(md.spansets(1).attributes(1).value().int_value(), 2);
  EXPECT_EQ(md.spansets(1).matched(), 2u);
}

TEST(SearchTest, NoMatchGivesNothing) {
  Result<CompiledQuery> c = Compile("{ .nope = 1 }");
  ASSERT_TRUE(c.ok());
  auto ev = Evaluator::Create(c->query);
  ASSERT_TRUE(ev.ok());
  auto r = SearchTrace(*c, **ev, MakeTrace(), 3);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

}  // namespace
}  // namespace vivace::traceql::eval
