#include "traceql/eval/evaluator.h"

#include <gtest/gtest.h>

#include "traceql/parser.h"
#include "traceql/validate.h"

namespace vivace::traceql::eval {
namespace {

// Builds test traces span by span. IDs are one byte (padded to 8) for readability.
class TraceBuilder {
 public:
  TraceBuilder() {
    trace_.trace_id = std::string(15, '\0') + "\x2a";
    Resource& frontend = trace_.resources.emplace_back();
    frontend.attrs.push_back({"service.name", Static::String("frontend")});
    frontend.attrs.push_back({"region", Static::String("eu")});
    Resource& backend = trace_.resources.emplace_back();
    backend.attrs.push_back({"service.name", Static::String("backend")});
    Scope& scope = trace_.scopes.emplace_back();
    scope.name = "lib";
    scope.version = "1.2";
  }

  static std::string Id(int id) { return id == 0 ? "" : std::string(7, '\0') + char(id); }

  // Adds span `id` under `parent` (0 = root); `service` 0 = frontend, 1 = backend.
  Span& Add(int id, int parent, std::string name, int service = 0) {
    Span& s = trace_.spans.emplace_back();
    s.span_id = Id(id);
    s.parent_id = Id(parent);
    s.name = std::move(name);
    s.resource = &trace_.resources[static_cast<size_t>(service)];
    s.scope = &trace_.scopes[0];
    s.start_unix_nano = 1000 * static_cast<uint64_t>(id);
    s.end_unix_nano = s.start_unix_nano + 100 * static_cast<uint64_t>(id);
    return s;
  }

  Trace Build() {
    trace_.BuildTree();
    return std::move(trace_);
  }

 private:
  Trace trace_;
};

// The standard tree:
//   1 root (frontend, server, ok)
//   ├── 2 "db" (backend, client, error, http.status_code=500, tags=[a,b])
//   │   └── 3 "query" (backend, error, event "exception")
//   └── 4 "cache" (frontend, attrs region=us overriding the resource's)
//   5 orphan (parent 9 missing)
Trace StandardTrace() {
  TraceBuilder b;
  Span& root = b.Add(1, 0, "root");
  root.kind = SpanKind::kServer;
  root.status = SpanStatus::kOk;
  Span& db = b.Add(2, 1, "db", 1);
  db.kind = SpanKind::kClient;
  db.status = SpanStatus::kError;
  db.attrs.push_back({"http.status_code", Static::Int(500)});
  db.attrs.push_back({"tags", Static::StringArray({"a", "b"})});
  db.attrs.push_back({"ratio", Static::Float(0.5)});
  Span& query = b.Add(3, 2, "query", 1);
  query.status = SpanStatus::kError;
  query.status_message = "boom";
  query.events.push_back(Event{"exception", 3100, {{"exception.type", Static::String("IO")}}});
  query.events.push_back(Event{"retry", 3200, {{"attempt", Static::Int(2)}}});
  query.links.push_back(Link{std::string(16, '\x01'), std::string(8, '\x02'), {}});
  Span& cache = b.Add(4, 1, "cache");
  cache.attrs.push_back({"region", Static::String("us")});
  cache.attrs.push_back({"hits", Static::Int(-3)});
  cache.attrs.push_back({"nilstr", Static::String("nil")});
  b.Add(5, 9, "orphan");
  return b.Build();
}

// Names of the spans of each resulting spanset, "|" between spansets.
std::string Eval(std::string_view q, const Trace& t) {
  Result<Query> parsed = ParseAndValidate(q);
  if (!parsed.ok()) {
    return "INVALID: " + parsed.status().ToString();
  }
  Result<std::unique_ptr<Evaluator>> ev = Evaluator::Create(*parsed);
  if (!ev.ok()) {
    return "CREATE: " + ev.status().ToString();
  }
  Result<std::vector<Spanset>> r = (*ev)->Evaluate(t);
  if (!r.ok()) {
    return "ERROR: " + std::string(r.status().message());
  }
  std::string out;
  for (const Spanset& ss : *r) {
    if (!out.empty()) {
      out += " | ";
    }
    std::string names;
    for (uint32_t i : ss.spans) {
      names += (names.empty() ? "" : ",") + t.spans[i].name;
    }
    out += names;
    for (const auto& [k, v] : ss.attributes) {
      out += " " + k + "=" + v.ToString();
    }
  }
  return out;
}

TEST(EvaluatorTest, Filters) {
  Trace t = StandardTrace();
  EXPECT_EQ(Eval("{ resource.service.name = \"backend\" }", t), "db,query");
  EXPECT_EQ(Eval("{ span.http.status_code >= 500 }", t), "db");
  EXPECT_EQ(Eval("{ .http.status_code = 500.0 }", t), "db");      // int vs float: numeric
  EXPECT_EQ(Eval("{ span.http.status_code = \"500\" }", t), "");  // type mismatch: false
  // A missing attribute never satisfies a comparison, not even `!=` (quirk 3, replicated).
  EXPECT_EQ(Eval("{ span.http.status_code != 200 }", t), "db");
  EXPECT_EQ(Eval("{ span.http.status_code != 200 || span.http.status_code = nil }", t),
            "root,db,query,cache,orphan");
  // `.x` reads the span attribute first, then the resource's.
  EXPECT_EQ(Eval("{ .region = \"us\" }", t), "cache");
  EXPECT_EQ(Eval("{ .region = \"eu\" }", t), "root,orphan");
  EXPECT_EQ(Eval("{ resource.region = \"eu\" }", t), "root,cache,orphan");
  EXPECT_EQ(Eval("{}", t), "root,db,query,cache,orphan");
  EXPECT_EQ(Eval("{ false }", t), "");
}

TEST(EvaluatorTest, Intrinsics) {
  Trace t = StandardTrace();
  EXPECT_EQ(Eval("{ status = error }", t), "db,query");
  EXPECT_EQ(Eval("{ kind = server }", t), "root");
  EXPECT_EQ(Eval("{ span:kind = client }", t), "db");
  EXPECT_EQ(Eval("{ duration > 300ns }", t), "cache,orphan");
  EXPECT_EQ(Eval("{ statusMessage = \"boom\" }", t), "query");
  EXPECT_EQ(Eval("{ rootServiceName = \"frontend\" && rootName = \"root\" }", t),
            "root,db,query,cache,orphan");
  EXPECT_EQ(Eval("{ traceDuration = 4500ns }", t), "root,db,query,cache,orphan");
  EXPECT_EQ(Eval("{ span:childCount = 2 }", t), "root");
  EXPECT_EQ(Eval("{ span:id = \"0000000000000003\" }", t), "query");
  EXPECT_EQ(Eval("{ span:parentID = \"0000000000000002\" }", t), "query");
  EXPECT_EQ(Eval("{ trace:id = \"2a\" && trace:id = \"0002a\" }", t), "root,db,query,cache,orphan");
  EXPECT_EQ(Eval("{ instrumentation:name = \"lib\" && instrumentation:version = \"1.2\" }", t),
            "root,db,query,cache,orphan");
  EXPECT_EQ(Eval("{ nestedSetParent = -1 }", t), "root");
  EXPECT_EQ(Eval("{ nestedSetLeft = 0 }", t), "orphan");  // not connected to a root
  EXPECT_EQ(Eval("{ name =~ \"c.*\" }", t), "cache");     // anchored
  EXPECT_EQ(Eval("{ name =~ \"ach\" }", t), "");
  EXPECT_EQ(Eval("{ name !~ \"c.*|r.*\" }", t), "db,query,orphan");
}

TEST(EvaluatorTest, NilArraysAndLogic) {
  Trace t = StandardTrace();
  EXPECT_EQ(Eval("{ span.tags = \"b\" }", t), "db");   // any element
  EXPECT_EQ(Eval("{ span.tags != \"c\" }", t), "db");  // every element
  EXPECT_EQ(Eval("{ span.tags != \"a\" }", t), "");
  EXPECT_EQ(Eval("{ span.tags =~ \"[ab]\" }", t), "db");
  // The or_to_in rewrite on an array attribute keeps the comparisons' meaning (quirk 15).
  EXPECT_EQ(Eval("{ span.tags = \"x\" || span.tags = \"b\" }", t), "db");
  EXPECT_EQ(Eval("{ span.tags != \"x\" && span.tags != \"y\" }", t), "db");
  EXPECT_EQ(Eval("{ span.tags != \"x\" && span.tags != \"a\" }", t), "");
  EXPECT_EQ(Eval("{ .hits != nil }", t), "cache");
  // `= nil` tests absence only: the string "nil" is a value (quirk 12, fixed).
  EXPECT_EQ(Eval("{ .nilstr = nil }", t), "root,db,query,orphan");
  // Strict && and ||: a nil operand gives false (quirk 5, fixed).
  EXPECT_EQ(Eval("{ .hits || true }", t), "");
  EXPECT_EQ(Eval("{ !span.cached }", t), "");  // `!nil` is a non-match, not an error
  EXPECT_EQ(Eval("{ -span.cached = 1 }", t), "");
  // int ^ int is right^left (quirk 2): 2^-3 = 0.125, truncated to 0.
  EXPECT_EQ(Eval("{ .hits * 2 = -6 && .hits ^ 2 = 0 }", t), "cache");
  EXPECT_EQ(Eval("{ span.ratio + 1 = 1.5 }", t), "db");
  EXPECT_EQ(Eval("{ .hits / 0 = 1 }", t), "ERROR: division by zero");
  EXPECT_EQ(Eval("{ .hits % 0 = 1 }", t), "ERROR: modulo by zero");
  EXPECT_EQ(Eval("{ span.ratio / 0 > 1 }", t), "db");  // float: +Inf
}

TEST(EvaluatorTest, EventsAndLinksAreExistential) {
  Trace t = StandardTrace();
  EXPECT_EQ(Eval("{ event:name = \"exception\" }", t), "query");
  EXPECT_EQ(Eval("{ event.exception.type = \"IO\" }", t), "query");
  // Two comparisons may be satisfied by different events.
  EXPECT_EQ(Eval("{ event:name = \"exception\" && event.attempt = 2 }", t), "query");
  EXPECT_EQ(Eval("{ event:timeSinceStart > 150ns }", t), "query");
  EXPECT_EQ(Eval("{ event:name != \"retry\" }", t), "query");  // some event is not "retry"
  EXPECT_EQ(Eval("{ link:spanID = \"0202020202020202\" }", t), "query");
  EXPECT_EQ(Eval("{ link:traceID = \"1010101010101010101010101010101\" }", t), "query");
  EXPECT_EQ(Eval("{ event.exception.type != nil }", t), "query");
  EXPECT_EQ(Eval("{ !(event:name = \"nope\") }", t), "root,db,query,cache,orphan");
}

TEST(EvaluatorTest, SpansetOperators) {
  Trace t = StandardTrace();
  EXPECT_EQ(Eval("{ name = \"db\" } && { name = \"cache\" }", t), "db,cache");
  EXPECT_EQ(Eval("{ name = \"db\" } && { name = \"nope\" }", t), "");
  EXPECT_EQ(Eval("{ name = \"db\" } || { name = \"nope\" }", t), "db");
  EXPECT_EQ(Eval("{ name = \"root\" } > { }", t), "db,cache");
  EXPECT_EQ(Eval("{ name = \"root\" } >> { }", t), "db,query,cache");
  EXPECT_EQ(Eval("{ } < { name = \"query\" }", t), "");  // r that is the parent of some l
  EXPECT_EQ(Eval("{ name = \"query\" } < { }", t), "db");
  EXPECT_EQ(Eval("{ name = \"query\" } << { }", t), "root,db");
  EXPECT_EQ(Eval("{ name = \"db\" } ~ { }", t), "cache");
  EXPECT_EQ(Eval("{ name = \"root\" } ~ { }", t), "");  // the only connected root
  // Negations keep spans without a tree position.
  EXPECT_EQ(Eval("{ name = \"root\" } !>> { }", t), "root,orphan");
  EXPECT_EQ(Eval("{ } !< { }", t), "query,cache,orphan");                   // leaves
  EXPECT_EQ(Eval("{ status = error } !< { status = error }", t), "query");  // last error
  EXPECT_EQ(Eval("{ name = \"db\" } !~ { }", t), "root,db,query,orphan");
  // Union forms return spans of both sides.
  EXPECT_EQ(Eval("{ name = \"root\" } &> { status = error }", t), "root,db");
  EXPECT_EQ(Eval("{ name = \"db\" } &>> { status = error }", t), "db,query");
  EXPECT_EQ(Eval("{ name = \"query\" } &< { }", t), "db,query");
  EXPECT_EQ(Eval("{ name = \"query\" } &<< { }", t), "root,db,query");
  EXPECT_EQ(Eval("{ name = \"db\" } &~ { name = \"cache\" }", t), "db,cache");
  EXPECT_EQ(Eval("({ } | by(name)) >> ({ })", t),
            "ERROR: spanset operators are not supported for multiple spansets per trace. "
            "consider using coalesce()");
  EXPECT_EQ(Eval("({ } | by(name) | coalesce()) >> ({ name = \"query\" })", t), "query");
}

TEST(EvaluatorTest, Pipelines) {
  Trace t = StandardTrace();
  EXPECT_EQ(Eval("{ status = error } | count() > 1", t), "db,query count()=2");
  EXPECT_EQ(Eval("{ status = error } | count() > 2", t), "");
  EXPECT_EQ(Eval("{ } | by(resource.service.name) | count() > 1", t),
            "root,cache,orphan by(resource.service.name)=`frontend` count()=3 | db,query "
            "by(resource.service.name)=`backend` count()=2");
  EXPECT_EQ(Eval("{ } | by(span.http.status_code) | count() = 1", t),
            "db by(span.http.status_code)=500 count()=1");
  EXPECT_EQ(Eval("{ } | avg(duration) > 200ns", t),
            "root,db,query,cache,orphan avg(duration)=300ns");
  EXPECT_EQ(Eval("{ } | max(duration) = 500ns", t),
            "root,db,query,cache,orphan max(duration)=500ns");
  EXPECT_EQ(Eval("{ } | min(span.hits) < 0", t), "root,db,query,cache,orphan min(span.hits)=-3");
  // avg of negative ints is a float average (Tempo's conversion of raw bits is fixed).
  EXPECT_EQ(Eval("{ } | avg(span.hits) = -3.0", t),
            "root,db,query,cache,orphan avg(span.hits)=-3.0");
  EXPECT_EQ(Eval("{ } | sum(span.nope) > 0", t), "");  // all nil: the spanset is dropped
  EXPECT_EQ(Eval("{ } | select(span.http.status_code) | { name = \"db\" }", t), "db");
  EXPECT_EQ(Eval("{ status = error } | by(name) | coalesce()", t), "db,query");
  EXPECT_EQ(Eval("count() > 4", t), "root,db,query,cache,orphan count()=5");
}

TEST(EvaluatorTest, MinAndMaxCompareFloatsAsNumbers) {
  TraceBuilder b;
  b.Add(1, 0, "a").attrs.push_back({"v", Static::Float(-2.5)});
  b.Add(2, 1, "b").attrs.push_back({"v", Static::Float(-0.5)});
  b.Add(3, 1, "c").attrs.push_back({"v", Static::Float(1.5)});
  Trace t = b.Build();
  // Tempo compares raw IEEE bits and would pick -0.5 as the minimum (quirk 8, fixed).
  EXPECT_EQ(Eval("{ } | min(span.v) = -2.5", t), "a,b,c min(span.v)=-2.5");
  EXPECT_EQ(Eval("{ } | max(span.v) = 1.5", t), "a,b,c max(span.v)=1.5");
}

TEST(EvaluatorTest, SumSkipsValuesOfAnotherType) {
  TraceBuilder b;
  b.Add(1, 0, "a").attrs.push_back({"v", Static::Int(2)});
  b.Add(2, 1, "b").attrs.push_back({"v", Static::Float(10.5)});
  b.Add(3, 1, "c").attrs.push_back({"v", Static::Int(4)});
  Trace t = b.Build();
  // Quirk 7 (replicated): the float is skipped by sum, but still counted by avg.
  EXPECT_EQ(Eval("{ } | sum(span.v) = 6", t), "a,b,c sum(span.v)=6");
  EXPECT_EQ(Eval("{ } | avg(span.v) = 2", t), "a,b,c avg(span.v)=2.0");
}

}  // namespace
}  // namespace vivace::traceql::eval
