#include <gtest/gtest.h>

#include "backend/memory_backend.h"
#include "block/block_reader.h"
#include "block/block_writer.h"
#include "block/row_group_reader.h"
#include "ingester/fragments.h"
#include "search/block_search.h"
#include "search/combiner.h"
#include "search/logfmt.h"
#include "search/prepared_search.h"
#include "search/recent_search.h"
#include "search/tag_collector.h"
#include "search/tag_search.h"
#include "search/tags_query.h"
#include "tests/support/trace_builder.h"
#include "traceql/eval/trace_proto.h"
#include "traceql/parser.h"
#include "traceql/plan.h"

namespace vivace::search {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(LogfmtTest, ParsesGoLogfmt) {
  EXPECT_EQ(*ParseLogfmt(""), Pairs{});
  EXPECT_EQ(*ParseLogfmt("a=b c=\"d e\"  f"), (Pairs{{"a", "b"}, {"c", "d e"}, {"f", ""}}));
  EXPECT_EQ(*ParseLogfmt("k=\"q\\\"x\\\\y\\u00e9\\n\""), (Pairs{{"k", "q\"x\\y\xc3\xa9\n"}}));
  EXPECT_EQ(*ParseLogfmt("a=1\nb=2"), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(*ParseLogfmt("a= b=2"), (Pairs{{"a", ""}, {"b", "2"}}));
  EXPECT_EQ(ParseLogfmt("=b").status().message(), "unexpected '=' at pos 1");
  EXPECT_EQ(ParseLogfmt("a=b=c").status().message(), "unexpected '=' at pos 4");
  EXPECT_EQ(ParseLogfmt("a\"=b").status().message(), "unexpected '\"' at pos 2");
  EXPECT_EQ(ParseLogfmt("a=\"open").status().message(), "unterminated quoted value at pos 8");
  EXPECT_EQ(ParseLogfmt("a=\"\\x\"").status().message(), "invalid quoted value at pos 6");
  EXPECT_FALSE(ParseLogfmt("a=\"b\"c").ok());
}

TEST(TagsQueryTest, EveryTagBecomesAValidQuery) {
  EXPECT_EQ(TagsToTraceQL({}), "{}");
  Pairs tags = {{"service.name", "a\"b\\c.*"},
                {"weird key", "x"},
                {"http.status_code", "500"},
                {"status.code", "ERROR"},
                {"error", "true"},
                {"name", "GET"},
                {"root.name", "r"},
                {"root.service.name", "s"}};
  std::string q = TagsToTraceQL(tags);
  auto compiled = traceql::Compile(q);
  ASSERT_TRUE(compiled.ok()) << q << ": " << compiled.status().ToString();
  EXPECT_EQ(TagsToTraceQL({{"status.code", "bogus"}}), "{ false }");
}

tempopb::TraceSearchMetadata Md(const std::string& id, uint64_t start, uint32_t duration_ms,
                                uint32_t matched, const std::string& root = "") {
  tempopb::TraceSearchMetadata md;
  md.set_traceid(id);
  md.set_starttimeunixnano(start);
  md.set_durationms(duration_ms);
  md.set_rootservicename(root);
  auto* ss = md.add_spansets();
  ss->set_matched(matched);
  *md.mutable_spanset() = *ss;
  (*md.mutable_servicestats())["svc"].set_spancount(matched);
  return md;
}

TEST(CombinerTest, MergesByTraceIdAndStopsAtLimit) {
  SearchCombiner c(2);
  EXPECT_TRUE(c.Add(Md("a", 200, 5, 1)));
  EXPECT_FALSE(c.Full());
  EXPECT_TRUE(c.Add(Md("a", 100, 9, 3, "root")));  // merges
  EXPECT_FALSE(c.Full());
  EXPECT_TRUE(c.Add(Md("b", 300, 1, 1)));
  EXPECT_TRUE(c.Full());
  EXPECT_FALSE(c.Add(Md("c", 400, 1, 1)));  // over the limit
  EXPECT_TRUE(c.Add(Md("b", 300, 1, 2)));   // still merges
  c.SetPlan(3, 1, 1000);
  c.AddJob({10, 100, 20});
  c.AddJob({5, 50, 10});
  tempopb::SearchResponse r = c.Final();
  ASSERT_EQ(r.traces_size(), 2);
  EXPECT_EQ(r.traces(0).traceid(), "b");  // most recent first
  EXPECT_EQ(r.traces(0).rootservicename(), "<root span not yet received>");
  EXPECT_EQ(r.traces(0).spanset().matched(), 2u);
  const auto& a = r.traces(1);
  EXPECT_EQ(a.starttimeunixnano(), 100u);
  EXPECT_EQ(a.durationms(), 9u);
  EXPECT_EQ(a.rootservicename(), "root");
  EXPECT_EQ(a.spansets_size(), 1);
  EXPECT_EQ(a.spansets(0).matched(), 3u);
  EXPECT_EQ(a.servicestats().at("svc").spancount(), 3u);
  EXPECT_EQ(r.metrics().inspectedtraces(), 15u);
  EXPECT_EQ(r.metrics().inspectedbytes(), 150u);
  EXPECT_EQ(r.metrics().inspectedspans(), 30u);
  EXPECT_EQ(r.metrics().completedjobs(), 2u);
  EXPECT_EQ(r.metrics().totaljobs(), 3u);
  EXPECT_EQ(r.metrics().totalblocks(), 1u);
  EXPECT_EQ(r.metrics().totalblockbytes(), 1000u);
}

TEST(CombinerTest, MostRecentKeepsTheNewestOfAllJobs) {
  SearchCombiner c(2, /*keep_most_recent=*/true);
  EXPECT_TRUE(c.Add(Md("a", 100, 1, 1)));
  EXPECT_TRUE(c.Add(Md("b", 300, 1, 1)));
  EXPECT_FALSE(c.Full());                   // every job must run
  EXPECT_FALSE(c.Add(Md("c", 50, 1, 1)));   // older than both
  EXPECT_TRUE(c.Add(Md("d", 200, 1, 1)));   // replaces a
  EXPECT_FALSE(c.Add(Md("a", 100, 1, 1)));  // older again: dropped
  tempopb::SearchResponse r = c.Final();
  ASSERT_EQ(r.traces_size(), 2);
  EXPECT_EQ(r.traces(0).traceid(), "b");
  EXPECT_EQ(r.traces(1).traceid(), "d");
}

class BlockSearchTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kBase = 1'700'000'000'000'000'000;

  void SetUp() override {
    std::vector<std::pair<model::TraceId, std::string>> traces;
    for (uint64_t i = 1; i <= 300; ++i) {
      auto req = testing::MakeTrace({.seed = i,
                                     .spans = 1 + static_cast<int>(i % 5),
                                     .service = "svc-" + std::to_string(i % 4),
                                     .start_unix_nano = kBase + i * 1'000'000'000});
      traces.emplace_back(model::TraceId::FromBytes(testing::TestTraceId(i)),
                          req.SerializeAsString());
    }
    std::sort(traces.begin(), traces.end());
    block::BlockWriterOptions opts;
    opts.tenant = "t";
    opts.block_id = backend::BlockId::Random();
    opts.estimated_traces = traces.size();
    opts.row_group_bytes = 16 << 10;
    block::BlockWriter w(&mem_, opts);
    for (auto& [id, bytes] : traces) {
      ASSERT_TRUE(w.Add(id, bytes).ok());
      protos_.push_back(bytes);
    }
    auto meta = w.Finish();
    ASSERT_TRUE(meta.ok());
    ASSERT_GT(meta->total_records, 3u);
    reader_ = std::make_unique<block::BlockReader>(&mem_, *meta);
  }

  // What the exact evaluator says over every trace.
  size_t Expected(const PreparedSearch& s) {
    size_t n = 0;
    for (const std::string& p : protos_) {
      auto t = traceql::eval::TraceFromProto(ByteView(p));
      EXPECT_TRUE(t.ok());
      auto md = s.Match(*t);
      EXPECT_TRUE(md.ok());
      n += md->has_value() ? 1 : 0;
    }
    return n;
  }

  std::shared_ptr<const PreparedSearch> Prepare(SearchOptions o) {
    auto p = PreparedSearch::Create(o);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return *p;
  }

  backend::InMemoryBackend mem_;
  std::unique_ptr<block::BlockReader> reader_;
  std::vector<std::string> protos_;
};

TEST_F(BlockSearchTest, RowGroupRangesFindWhatTheEvaluatorFinds) {
  for (const char* q : {"{ resource.service.name = \"svc-1\" }", "{ span.http.status_code = 203 }",
                        "{ status = error } >> { name = \"step-2\" }", "{}", "{ false }"}) {
    auto s = Prepare({.query = q, .limit = 0});
    size_t want = Expected(*s);
    auto index = reader_->Index();
    ASSERT_TRUE(index.ok());
    SearchCombiner whole(0);
    JobMetrics m;
    ASSERT_TRUE(SearchBlock(*reader_, *s, &whole, &m).ok());
    EXPECT_EQ(whole.size(), want) << q;
    // The same in jobs of two row groups.
    SearchCombiner parts(0);
    for (size_t first = 0; first < index->size(); first += 2) {
      JobMetrics jm;
      ASSERT_TRUE(SearchRowGroups(*reader_, *index, first, 2, *s, &parts, &jm).ok());
    }
    EXPECT_EQ(parts.size(), want) << q;
    if (std::string_view(q) == "{}") {
      EXPECT_EQ(want, 300u);
      EXPECT_EQ(m.inspected_traces, 300u);
      EXPECT_GT(m.inspected_bytes, 0u);
    }
  }
}

// Recent data split by trace-ID hash: the shards together find what one job finds, once each.
TEST_F(BlockSearchTest, InMemoryShardsPartitionTheTraces) {
  ingester::Ingester::RecentData recent;
  for (const std::string& p : protos_) {
    auto t = traceql::eval::TraceFromProto(ByteView(p));
    ASSERT_TRUE(t.ok());
    ingester::OwnedTraceBuffer buf;
    buf.AppendFragment(ByteView(p));
    recent.buffers.emplace_back(model::TraceId::FromBytes(ByteView(t->trace_id)), buf.ref());
  }
  auto s = Prepare({.query = "{ resource.service.name = \"svc-2\" }", .limit = 0});
  SearchCombiner whole(0);
  JobMetrics m;
  ASSERT_TRUE(SearchInMemory(recent, *s, &whole, &m).ok());
  SearchCombiner parts(0);
  uint64_t inspected = 0;
  for (uint32_t i = 0; i < 3; ++i) {
    JobMetrics pm;
    ASSERT_TRUE(SearchInMemory(recent, *s, &parts, &pm, {i, 3}).ok());
    EXPECT_LT(pm.inspected_traces, 300u);
    inspected += pm.inspected_traces;
  }
  EXPECT_EQ(inspected, 300u);
  EXPECT_EQ(parts.size(), whole.size());
  EXPECT_EQ(whole.size(), Expected(*s));
}

TEST_F(BlockSearchTest, LimitStopsEarlyAndWindowSkips) {
  auto s = Prepare({.query = "{}", .limit = 5});
  SearchCombiner c(5);
  JobMetrics m;
  ASSERT_TRUE(SearchBlock(*reader_, *s, &c, &m).ok());
  EXPECT_EQ(c.size(), 5u);
  EXPECT_LT(m.inspected_traces, 300u);
  // Traces start at kBase + i seconds: a window over seconds 10..19 holds 10 of them (each
  // lasts 1 ms).
  uint32_t base_s = static_cast<uint32_t>(kBase / 1'000'000'000);
  auto w =
      Prepare({.query = "{}", .limit = 0, .start_unix_s = base_s + 10, .end_unix_s = base_s + 19});
  SearchCombiner wc(0);
  JobMetrics wm;
  ASSERT_TRUE(SearchBlock(*reader_, *w, &wc, &wm).ok());
  EXPECT_EQ(wc.size(), 10u);
  EXPECT_EQ(Expected(*w), 10u);
  // Duration bounds: every trace lasts 1 ms.
  auto d = Prepare({.query = "{}", .limit = 0, .min_duration_ms = 2});
  SearchCombiner dc(0);
  JobMetrics dm;
  ASSERT_TRUE(SearchBlock(*reader_, *d, &dc, &dm).ok());
  EXPECT_EQ(dc.size(), 0u);
  EXPECT_EQ(dm.inspected_bytes, 0u);  // every row group skipped by its index entry
}

traceql::Attribute ParseAttribute(const std::string& text) {
  auto q = traceql::Parse("{ " + text + " = nil }");
  EXPECT_TRUE(q.ok()) << text;
  return q->single()->pipeline.stages[0].spanset->filter->lhs->attribute;
}

// Tag names and values read column by column from the row groups equal what whole traces give.
TEST_F(BlockSearchTest, ColumnarTagsEqualTagsOfWholeTraces) {
  auto index = reader_->Index();
  ASSERT_TRUE(index.ok());
  std::vector<std::string> rowgroups;
  for (const auto& e : *index) {
    rowgroups.push_back(*reader_->ReadRowGroup(e));
  }
  search::ScopeSet all;
  all.fill(true);
  TagNames from_columns(0);
  TagNames from_traces(0);
  for (const std::string& bytes : rowgroups) {
    auto rg = block::RowGroupReader::Open(ByteView(bytes));
    ASSERT_TRUE(rg.ok());
    ASSERT_TRUE(CollectRowGroupNames(**rg, all, &from_columns).ok());
  }
  for (const std::string& p : protos_) {
    CollectNames(*traceql::eval::TraceFromProto(ByteView(p)), nullptr, all, &from_traces);
  }
  for (int i = 0; i < kTagScopes; ++i) {
    EXPECT_EQ(from_columns.Sorted(static_cast<TagScope>(i)),
              from_traces.Sorted(static_cast<TagScope>(i)))
        << TagScopeName(static_cast<TagScope>(i));
  }
  EXPECT_FALSE(from_traces.Sorted(TagScope::kSpan).empty());
  for (const char* attr :
       {"resource.service.name", "span.http.status_code", ".ratio", "span.cached", ".tags", "name",
        "event:name", "instrumentation:name", "rootName", "rootServiceName", "statusMessage",
        "resource.k8s.namespace.name", "event.key", "link.kind", "span.missing"}) {
    traceql::Attribute a = ParseAttribute(attr);
    TagValues columns(0);
    TagValues traces(0);
    for (const std::string& bytes : rowgroups) {
      auto rg = block::RowGroupReader::Open(ByteView(bytes));
      ASSERT_TRUE(CollectRowGroupValues(**rg, a, &columns).ok());
    }
    for (const std::string& p : protos_) {
      CollectValues(*traceql::eval::TraceFromProto(ByteView(p)), nullptr, a, &traces);
    }
    EXPECT_EQ(columns.Sorted(), traces.Sorted()) << attr;
  }
  // A filter reads only the spans it matches.
  auto filter = Prepare({.query = "{ resource.service.name = \"svc-1\" && status = error }"});
  TagValues names(0);
  TagQuery q;
  q.filter = filter.get();
  q.values = true;
  q.attribute = ParseAttribute("resource.service.name");
  q.out_values = &names;
  JobMetrics m;
  ASSERT_TRUE(TagsInRowGroups(*reader_, 0, 0, q, &m).ok());
  EXPECT_EQ(names.Sorted(), (std::vector<TypedValue>{{"string", "svc-1"}}));
  TagValues limited(3);
  q.filter = nullptr;
  q.attribute = ParseAttribute("span.http.status_code");
  q.out_values = &limited;
  ASSERT_TRUE(TagsInRowGroups(*reader_, 0, 0, q, &m).ok());
  EXPECT_EQ(limited.Sorted().size(), 3u);
  EXPECT_TRUE(limited.Full());
}

// Tempo's distinct collectors (pkg/collector): limits are checked before a value is looked up,
// values bytes stop at >= the limit (tag names v2: past it), stale counts known values in a row.
TEST(TagCollectorTest, ValuesStopGrowingAtTempoLimits) {
  TagValues bytes({.max_bytes = 20});
  bytes.AddString("abc");   // 6 + 3 = 9
  bytes.AddString("defg");  // 19
  EXPECT_FALSE(bytes.Full());
  bytes.AddString("x");  // 26 >= 20
  EXPECT_TRUE(bytes.Full());
  bytes.AddString("y");
  EXPECT_EQ(bytes.Sorted(), (std::vector<TypedValue>{{"string", "abc"}, {"string", "defg"}}));

  TagValues v1({.max_bytes = 5}, /*strings_only=*/true);  // only the value counts
  v1.Add(traceql::Static::Int(5));
  v1.AddString("5");  // the same string: a known value
  v1.AddString("cd");
  EXPECT_FALSE(v1.Full());
  v1.AddString("ef");  // 3 + 2 >= 5
  EXPECT_TRUE(v1.Full());
  EXPECT_EQ(v1.Sorted(), (std::vector<TypedValue>{{"string", "5"}, {"string", "cd"}}));

  TagValues stale({.max_stale = 2});
  for (const char* v : {"a", "a", "b", "b", "c", "c", "c", "d"}) {
    stale.AddString(v);
  }
  EXPECT_TRUE(stale.Full());  // two known values in a row before "d"
  EXPECT_EQ(stale.Sorted().size(), 3u);

  TagValues count({.max_values = 2});
  for (const char* v : {"a", "b", "b"}) {
    count.AddString(v);
  }
  EXPECT_TRUE(count.Full());  // at the limit even a known value stops it
  EXPECT_EQ(count.Sorted().size(), 2u);
}

TEST(TagCollectorTest, NamesStopPerScopeOrMerged) {
  TagNames v2({.max_values = 2});
  v2.Add(TagScope::kSpan, "a");
  v2.Add(TagScope::kSpan, "b");
  v2.Add(TagScope::kResource, "x");
  EXPECT_FALSE(v2.Full());
  v2.Add(TagScope::kSpan, "c");  // the span scope is at its limit: everything stops
  EXPECT_TRUE(v2.Full());
  v2.Add(TagScope::kResource, "y");
  EXPECT_EQ(v2.Sorted(TagScope::kSpan), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(v2.Sorted(TagScope::kResource), (std::vector<std::string>{"x"}));

  TagNames v2_bytes({.max_bytes = 4});
  v2_bytes.Add(TagScope::kSpan, "ab");
  v2_bytes.Add(TagScope::kResource, "cd");  // 4 is not past 4
  EXPECT_FALSE(v2_bytes.Full());
  v2_bytes.Add(TagScope::kSpan, "e");
  EXPECT_TRUE(v2_bytes.Full());

  TagNames v1({.max_values = 2}, /*merged=*/true);
  v1.Add(TagScope::kSpan, "a");
  v1.Add(TagScope::kResource, "a");  // known: one list over the scopes
  v1.Add(TagScope::kResource, "b");
  EXPECT_FALSE(v1.Full());
  v1.Add(TagScope::kSpan, "c");
  EXPECT_TRUE(v1.Full());
  EXPECT_EQ(v1.All(), (std::vector<std::string>{"a", "b"}));

  TagNames v1_bytes({.max_bytes = 4}, /*merged=*/true);
  v1_bytes.Add(TagScope::kSpan, "ab");
  v1_bytes.Add(TagScope::kSpan, "cd");  // 4 >= 4
  EXPECT_TRUE(v1_bytes.Full());
  EXPECT_EQ(v1_bytes.All(), (std::vector<std::string>{"ab"}));
}

TEST(JobDeadlineTest, OnlyTheThreadWithAPassedDeadlineStops) {
  SearchCombiner c(10);
  EXPECT_FALSE(c.Full());
  {
    JobDeadline d(JobDeadline::Clock::now() - std::chrono::seconds(1));
    EXPECT_TRUE(JobDeadline::Passed());
    EXPECT_TRUE(c.Full());
    {
      JobDeadline later(JobDeadline::Clock::now() + std::chrono::hours(1));
      EXPECT_FALSE(c.Full());
    }
    EXPECT_TRUE(c.Full());
  }
  EXPECT_FALSE(JobDeadline::Passed());
  EXPECT_FALSE(c.Full());
}

TEST(PreparedSearchTest, BadAndMetricsQueriesAreInvalid) {
  auto bad = PreparedSearch::Create({.query = "{ .a = }"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("invalid TraceQL query: parse error", 0), 0u);
  auto metrics = PreparedSearch::Create({.query = "{} | rate()"});
  ASSERT_FALSE(metrics.ok());
  EXPECT_TRUE(PreparedSearch::Create({.query = "  "}).ok());
}

}  // namespace
}  // namespace vivace::search
