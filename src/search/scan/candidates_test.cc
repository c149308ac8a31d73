// The columnar scan on a small hand-made row group: each operator and scope selects exactly
// the traces it should, row groups are skipped by dictionaries and statistics, and what the
// scan cannot judge widens instead of narrowing.

#include "search/scan/candidates.h"

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "search/scan/scan_test_util.h"
#include "traceql/plan.h"

// The span specs below name only the fields that matter for each span.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vivace::search {
namespace {

namespace otlp_common = opentelemetry::proto::common::v1;
namespace otlp_trace = opentelemetry::proto::trace::v1;

void Str(google::protobuf::RepeatedPtrField<otlp_common::KeyValue>* attrs, const std::string& k,
         const std::string& v) {
  auto* kv = attrs->Add();
  kv->set_key(k);
  kv->mutable_value()->set_string_value(v);
}

void Int(google::protobuf::RepeatedPtrField<otlp_common::KeyValue>* attrs, const std::string& k,
         int64_t v) {
  auto* kv = attrs->Add();
  kv->set_key(k);
  kv->mutable_value()->set_int_value(v);
}

struct SpanSpec {
  std::string name;
  uint64_t duration_ns = 1000;
  int status = 0;  // OTLP code
  int kind = 0;    // OTLP kind
  int parent = -1;
  std::vector<std::pair<std::string, std::string>> strs;
  std::vector<std::pair<std::string, int64_t>> ints;
  std::string event;  // an event with this name (and attribute ek = name) when not empty
  std::string link_attr;
};

tempopb::Trace MakeTrace(const std::string& service, const std::string& env,
                         const std::string& scope, const std::vector<SpanSpec>& spans) {
  tempopb::Trace t;
  auto* rs = t.add_resourcespans();
  if (!service.empty()) {
    Str(rs->mutable_resource()->mutable_attributes(), "service.name", service);
  }
  if (!env.empty()) {
    Str(rs->mutable_resource()->mutable_attributes(), "env", env);
  }
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name(scope);
  for (size_t i = 0; i < spans.size(); ++i) {
    const SpanSpec& s = spans[i];
    auto* sp = ss->add_spans();
    sp->set_span_id(std::string(7, '\0') + static_cast<char>(i + 1));
    if (s.parent >= 0) {
      sp->set_parent_span_id(std::string(7, '\0') + static_cast<char>(s.parent + 1));
    }
    sp->set_name(s.name);
    sp->set_kind(static_cast<otlp_trace::Span::SpanKind>(s.kind));
    sp->set_start_time_unix_nano(1000000000000);
    sp->set_end_time_unix_nano(1000000000000 + s.duration_ns);
    if (s.status != 0) {
      sp->mutable_status()->set_code(static_cast<otlp_trace::Status::StatusCode>(s.status));
    }
    for (const auto& [k, v] : s.strs) {
      Str(sp->mutable_attributes(), k, v);
    }
    for (const auto& [k, v] : s.ints) {
      Int(sp->mutable_attributes(), k, v);
    }
    if (!s.event.empty()) {
      auto* e = sp->add_events();
      e->set_name(s.event);
      Str(e->mutable_attributes(), "ek", s.event);
    }
    if (!s.link_attr.empty()) {
      auto* l = sp->add_links();
      Str(l->mutable_attributes(), "lk", s.link_attr);
    }
  }
  return t;
}

class CandidatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<tempopb::Trace> traces;
    // 0: api, GET root (server) with an error child select (client, 2s)
    traces.push_back(MakeTrace(
        "api", "prod", "otel",
        {{.name = "GET", .duration_ns = 5000000, .kind = 2, .ints = {{"http.status", 500}}},
         {.name = "select",
          .duration_ns = 2000000000,
          .status = 2,
          .kind = 3,
          .parent = 0,
          .strs = {{"db", "pg"}},
          .event = "exception"}}));
    // 1: db, insert ok, http.status 200, a link
    traces.push_back(MakeTrace(
        "db", "dev", "grpc",
        {{.name = "insert", .status = 1, .ints = {{"http.status", 200}}, .link_attr = "z"}}));
    // 2: cache, no env, POST with a child GET (parent-child names reversed)
    traces.push_back(MakeTrace("cache", "", "otel",
                               {{.name = "POST", .duration_ns = 1500000000},
                                {.name = "GET", .parent = 0, .strs = {{"tag", "x"}}}}));
    // 3: no service, env prod
    traces.push_back(MakeTrace("", "prod", "http", {{.name = "GET /users"}}));
    block::RowGroupWriterOptions o;
    o.min_promote_count = 2;  // http.status promoted, the rest generic
    auto rg = testing::WriteRowGroup(traces, o);
    ASSERT_TRUE(rg.ok()) << rg.status().ToString();
    rg_ = std::move(*rg);
  }

  std::vector<uint32_t> Candidates(const std::string& q, ScanStats* stats = nullptr) {
    auto c = traceql::Compile(q);
    EXPECT_TRUE(c.ok()) << q << ": " << c.status().ToString();
    if (!c.ok()) {
      return {};
    }
    auto r = CandidateTraces(*rg_.reader, c->requests[0], stats);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
    return r.ok() ? *r : std::vector<uint32_t>{};
  }

  using V = std::vector<uint32_t>;
  testing::WrittenRowGroup rg_;
};

TEST_F(CandidatesTest, Intrinsics) {
  EXPECT_EQ(Candidates("{ name = \"GET\" }"), (V{0, 2}));
  EXPECT_EQ(Candidates("{ name != \"GET\" }"), (V{0, 1, 2, 3}));
  EXPECT_EQ(Candidates("{ name =~ \"GET.*\" }"), (V{0, 2, 3}));
  EXPECT_EQ(Candidates("{ name !~ \"GET.*\" }"), (V{0, 1, 2}));
  EXPECT_EQ(Candidates("{ name > \"P\" }"), (V{0, 1, 2}));  // bytewise: "insert" > "P"
  EXPECT_EQ(Candidates("{ name = \"nope\" }"), (V{}));
  EXPECT_EQ(Candidates("{ status = error }"), (V{0}));
  EXPECT_EQ(Candidates("{ status = ok }"), (V{1}));
  EXPECT_EQ(Candidates("{ status = unset }"), (V{0, 2, 3}));
  EXPECT_EQ(Candidates("{ status != unset }"), (V{0, 1}));
  EXPECT_EQ(Candidates("{ kind = server }"), (V{0}));
  EXPECT_EQ(Candidates("{ kind = client }"), (V{0}));
  EXPECT_EQ(Candidates("{ kind = unspecified }"), (V{1, 2, 3}));
  EXPECT_EQ(Candidates("{ duration > 1s }"), (V{0, 2}));
  EXPECT_EQ(Candidates("{ duration >= 2s }"), (V{0}));
  EXPECT_EQ(Candidates("{ duration < 1ms }"), (V{1, 2, 3}));
  EXPECT_EQ(Candidates("{ duration = 5ms }"), (V{0}));
  EXPECT_EQ(Candidates("{ trace:duration > 1s }"), (V{0, 2}));
  EXPECT_EQ(Candidates("{ rootServiceName = \"api\" }"), (V{0}));
  EXPECT_EQ(Candidates("{ rootName = \"POST\" }"), (V{2}));
  EXPECT_EQ(Candidates("{ instrumentation:name = \"otel\" }"), (V{0, 2}));
  EXPECT_EQ(Candidates("{ event:name = \"exception\" }"), (V{0}));
}

TEST_F(CandidatesTest, AttributesByScope) {
  EXPECT_EQ(Candidates("{ resource.service.name = \"db\" }"), (V{1}));
  EXPECT_EQ(Candidates("{ resource.service.name =~ \"c.*|a.*\" }"), (V{0, 2}));
  EXPECT_EQ(Candidates("{ resource.service.name != nil }"), (V{0, 1, 2}));
  EXPECT_EQ(Candidates("{ resource.env = \"prod\" }"), (V{0, 3}));
  EXPECT_EQ(Candidates("{ span.http.status = 500 }"), (V{0}));
  EXPECT_EQ(Candidates("{ span.http.status >= 200 }"), (V{0, 1}));
  EXPECT_EQ(Candidates("{ span.http.status = \"500\" }"), (V{}));
  EXPECT_EQ(Candidates("{ span.http.status = nil }"), (V{0, 2, 3}));
  EXPECT_EQ(Candidates("{ span.db = \"pg\" }"), (V{0}));
  EXPECT_EQ(Candidates("{ span.tag = \"x\" }"), (V{2}));
  EXPECT_EQ(Candidates("{ span.tag != nil }"), (V{2}));
  EXPECT_EQ(Candidates("{ .env = \"dev\" }"), (V{1}));
  EXPECT_EQ(Candidates("{ .db = \"pg\" }"), (V{0}));
  EXPECT_EQ(Candidates("{ event.ek = \"exception\" }"), (V{0}));
  EXPECT_EQ(Candidates("{ link.lk = \"z\" }"), (V{1}));
  EXPECT_EQ(Candidates("{ span.nosuch = 1 }"), (V{}));
}

TEST_F(CandidatesTest, ConjunctionsDisjunctionsAndStructure) {
  // A span must satisfy every condition of a conjunction.
  EXPECT_EQ(Candidates("{ name = \"GET\" && status = error }"), (V{}));
  EXPECT_EQ(Candidates("{ name = \"select\" && status = error && resource.env = \"prod\" }"),
            (V{0}));
  EXPECT_EQ(Candidates("{ name = \"insert\" || duration > 1s }"), (V{0, 1, 2}));
  // Structural: traces with spans for either side.
  EXPECT_EQ(Candidates("{ name = \"POST\" } > { name = \"GET\" }"), (V{0, 2}));
  EXPECT_EQ(Candidates("{ name = \"insert\" } && { name = \"nope\" }"), (V{1}));
  EXPECT_EQ(Candidates("{ status = ok } | count() > 0"), (V{1}));
}

TEST_F(CandidatesTest, WhatCannotBeJudgedWidens) {
  const V all = {0, 1, 2, 3};
  EXPECT_EQ(Candidates("{ }"), all);
  EXPECT_EQ(Candidates("{ span:childCount > 0 }"), all);
  EXPECT_EQ(Candidates("{ span.http.status + 1 = 501 }"), all);
  EXPECT_EQ(Candidates("{ !(name = \"GET\") }"), all);
  // A constant-true operand of `||`, and `{ }` beside a structural operator, pass every span.
  EXPECT_EQ(Candidates("{ name = \"nope\" || true }"), all);
  EXPECT_EQ(Candidates("{ name = \"nope\" } !< { true }"), all);
  // With all_conditions an unprovable condition is skipped, the rest still filter.
  EXPECT_EQ(Candidates("{ name = \"insert\" && span:childCount >= 0 }"), (V{1}));
}

TEST_F(CandidatesTest, StatsAndSkipping) {
  ScanStats stats;
  EXPECT_EQ(Candidates("{ resource.service.name = \"nope\" }", &stats), (V{}));
  EXPECT_EQ(stats.row_groups_skipped, 1u);
  EXPECT_EQ(stats.spans_scanned, 6u);
  ScanStats s2;
  Candidates("{ name = \"GET\" }", &s2);
  EXPECT_GT(s2.bytes_read, 0u);
  EXPECT_EQ(s2.row_groups_skipped, 0u);
}

TEST(CandidatesPageSkipTest, PagesWithoutTheValueAreNotDecoded) {
  std::vector<tempopb::Trace> traces;
  for (int i = 0; i < 600; ++i) {
    traces.push_back(MakeTrace("api", "", "otel",
                               {{.name = i == 450 ? "rare" : (i % 2 == 0 ? "even" : "odd"),
                                 .duration_ns = i == 450 ? 5000000000ULL : 1000}}));
  }
  block::RowGroupWriterOptions o;
  o.page_rows = 64;
  o.compression.codec = block::Codec::kNone;
  auto rg = testing::WriteRowGroup(traces, o);
  ASSERT_TRUE(rg.ok()) << rg.status().ToString();
  for (const char* q : {"{ name = \"rare\" }", "{ duration > 1s }"}) {
    auto c = traceql::Compile(q);
    ASSERT_TRUE(c.ok());
    ScanStats stats;
    auto got = CandidateTraces(*rg->reader, c->requests[0], &stats);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, (std::vector<uint32_t>{450})) << q;
    // One page of the span column decoded, not ten; of the structure, trace.span_end alone
    // (read whole) maps spans to traces.
    const block::ChunkDesc* column = rg->reader->chunk(
        static_cast<uint16_t>(q[2] == 'n' ? block::Col::kSpanName : block::Col::kSpanDuration));
    ASSERT_NE(column, nullptr);
    ASSERT_GE(column->pages.size(), 5u);
    const uint64_t structure =
        rg->reader->chunk(static_cast<uint16_t>(block::Col::kTraceSpanEnd))->length;
    ASSERT_GE(stats.bytes_read, structure) << q;
    EXPECT_LT(stats.bytes_read - structure, column->length / 2) << q;
  }
}

// The seeds of fuzz/corpus/row_group_read and fuzz/corpus/candidate_scan: row groups of random
// traces with raw headers and, but for `compressed`, raw pages, so that mutations land on the
// structure. Written only when asked (after a format change): VV_WRITE_FUZZ_SEEDS=<dir>.
TEST(FuzzSeeds, WrittenWhenAsked) {
  const char* dir = std::getenv("VV_WRITE_FUZZ_SEEDS");
  if (dir == nullptr) {
    GTEST_SKIP() << "set VV_WRITE_FUZZ_SEEDS=<dir> to write the row-group fuzz seeds there";
  }
  struct Seed {
    const char* name;
    int traces;
    int max_spans;
    uint32_t page_rows;
    uint32_t min_promote_count;
    bool compressed;
  };
  const Seed seeds[] = {{"one_trace", 1, 5, 4096, 1, false},
                        {"rich_attributes", 6, 6, 4096, 2, false},
                        {"generic_attributes", 5, 6, 4096, 1000000, false},
                        {"small_pages", 6, 6, 4, 2, false},
                        {"compressed", 5, 6, 8, 2, true}};
  for (const Seed& seed : seeds) {
    testing::GenOptions go;
    go.traces = seed.traces;
    go.max_spans = seed.max_spans;
    block::RowGroupWriterOptions wo;
    wo.page_rows = seed.page_rows;
    wo.min_promote_count = seed.min_promote_count;
    wo.compress_header = seed.compressed;
    wo.compress_scan_pages = seed.compressed;
    wo.compression.codec = seed.compressed ? block::Codec::kZstd : block::Codec::kNone;
    auto rg = testing::WriteRowGroup(testing::RandomTraces(17, go), wo);
    ASSERT_TRUE(rg.ok()) << rg.status().ToString();
    const std::string path = std::string(dir) + "/" + seed.name;
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr) << path;
    ASSERT_EQ(std::fwrite(rg->bytes.data(), 1, rg->bytes.size(), f), rg->bytes.size());
    std::fclose(f);
  }
}

}  // namespace
}  // namespace vivace::search
