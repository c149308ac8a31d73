// /api/search against the real binary: traces pushed over OTLP are found while live, after
// /flush in the ingester's flushed blocks, and after a restart in backend blocks; the JSON has
// exactly Tempo's fields (api.md §3.3: traceID without leading zeros, spanSet and spanSets,
// strings for 64-bit numbers, only Grafana-safe metrics), protobuf on request; limits, and
// bad parameters answered 400 with Tempo's messages.

#include <simdjson.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/hex.h"
#include "net/http.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tempopb/tempo.grpc.pb.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/trace_builder.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using opentelemetry::proto::collector::trace::v1::TraceService;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::set<std::string> Keys(simdjson::dom::object o) {
  std::set<std::string> keys;
  for (auto field : o) {
    keys.emplace(field.key);
  }
  return keys;
}

// RFC 3339 in UTC ("2026-11-25T06:00:00Z").
std::string FormatUtc(int64_t unix_s) {
  time_t t = static_cast<time_t>(unix_s);

  struct tm tm {};

  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Q(std::string_view traceql) { return net::PercentEncode(traceql); }

class SearchTest : public ::testing::Test {
 protected:
  void Start(const std::string& extra_yaml = "", const std::string& dir = "") {
    proc_.reset();
    VivaceProcess::Options o{.extra_yaml = extra_yaml, .data_dir = dir};
    auto p = VivaceProcess::Start(o);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    proc_ = std::move(p).value();
    http_ = std::make_unique<HttpClient>("127.0.0.1", proc_->http_port());
  }

  void Push(const ExportRequest& req, const std::string& tenant = "") {
    auto stub = TraceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(proc_->port("otlp-grpc")),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    if (!tenant.empty()) {
      ctx.AddMetadata("x-scope-orgid", tenant);
    }
    ExportTraceServiceResponse resp;
    ASSERT_TRUE(stub->Export(&ctx, req, &resp).ok());
  }

  void Flush() {
    auto r = http_->Get("/flush?wait=true");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 204) << r->body;
  }

  HttpResult Search(const std::string& params,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = http_->Get("/api/search?" + params, headers);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResult{};
  }

  // The trace IDs of a 200 JSON answer, in order.
  std::vector<std::string> Ids(const HttpResult& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(r.body).get(doc) != simdjson::SUCCESS) {
      ADD_FAILURE() << "not JSON: " << r.body;
      return ids;
    }
    for (simdjson::dom::element t : doc["traces"].get_array()) {
      ids.emplace_back(std::string_view(t["traceID"].get_string()));
    }
    return ids;
  }

  static std::string TrimmedHex(uint64_t seed) {
    std::string h = HexEncode(TestTraceId(seed));
    return h.substr(h.find_first_not_of('0'));
  }

  std::unique_ptr<VivaceProcess> proc_;
  std::unique_ptr<HttpClient> http_;
};

TEST_F(SearchTest, JsonShapeMatchesTempo) {
  Start();
  uint64_t start = static_cast<uint64_t>(NowSeconds() - 60) * 1'000'000'000;
  Push(MakeTrace({.seed = 7, .spans = 4, .service = "checkout", .start_unix_nano = start}));
  Push(MakeTrace({.seed = 8, .spans = 3, .service = "cart", .start_unix_nano = start}));
  auto r =
      Search("q=" + Q("{ resource.service.name = \"checkout\" && span.http.status_code >= 201 }")
             + "&spss=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.body);
  EXPECT_EQ(Keys(doc.get_object()), (std::set<std::string>{"traces", "metrics"}));
  auto traces = doc["traces"].get_array();
  ASSERT_EQ(traces.size(), 1u) << r.body;
  simdjson::dom::element t = traces.at(0);
  EXPECT_EQ(
      Keys(t.get_object()),
      (std::set<std::string>{"traceID", "rootServiceName", "rootTraceName", "startTimeUnixNano",
                             "durationMs", "spanSet", "spanSets", "serviceStats"}));
  EXPECT_EQ(std::string_view(t["traceID"]), TrimmedHex(7));
  EXPECT_EQ(std::string_view(t["rootServiceName"]), "checkout");
  EXPECT_EQ(std::string_view(t["rootTraceName"]), "GET /checkout");
  EXPECT_EQ(std::string_view(t["startTimeUnixNano"]), std::to_string(start));
  EXPECT_EQ(int64_t(t["durationMs"]), 1);
  EXPECT_EQ(simdjson::to_string(t["spanSet"]), simdjson::to_string(t["spanSets"].at(0)));
  simdjson::dom::element ss = t["spanSet"];
  EXPECT_EQ(Keys(ss.get_object()), (std::set<std::string>{"spans", "matched"}));
  EXPECT_EQ(int64_t(ss["matched"]), 3);  // spans 1..3 have status codes 201..203
  ASSERT_EQ(ss["spans"].get_array().size(), 2u);
  simdjson::dom::element span = ss["spans"].at(0);
  EXPECT_EQ(Keys(span.get_object()),
            (std::set<std::string>{"spanID", "startTimeUnixNano", "durationNanos", "attributes"}));
  EXPECT_EQ(std::string_view(span["spanID"]).size(), 16u);
  EXPECT_TRUE(span["durationNanos"].is_string());
  std::set<std::string> attr_keys;
  for (simdjson::dom::element kv : span["attributes"].get_array()) {
    attr_keys.emplace(std::string_view(kv["key"]));
  }
  EXPECT_EQ(attr_keys, (std::set<std::string>{"service.name", "http.status_code"}));
  EXPECT_EQ(int64_t(t["serviceStats"]["checkout"]["spanCount"]), 4);
  EXPECT_EQ(int64_t(t["serviceStats"]["checkout"]["errorCount"]), 1);
  std::set<std::string> safe = {"inspectedTraces", "inspectedBytes", "totalBlocks",
                                "completedJobs",   "totalJobs",      "totalBlockBytes",
                                "inspectedSpans"};
  for (const std::string& k : Keys(doc["metrics"].get_object())) {
    EXPECT_TRUE(safe.count(k)) << k;
  }
  EXPECT_EQ(int64_t(doc["metrics"]["inspectedTraces"]), 2);
  EXPECT_TRUE(doc["metrics"]["inspectedBytes"].is_string());
  EXPECT_EQ(std::string_view(doc["metrics"]["inspectedSpans"]), "7");

  // No match: an empty list, still present.
  auto none = Search("q=" + Q("{ name = \"nope\" }"));
  EXPECT_EQ(Ids(none), std::vector<std::string>{});
  EXPECT_NE(none.body.find("\"traces\":[]"), std::string::npos) << none.body;

  // Protobuf on request.
  auto p = Search("q=" + Q("{ resource.service.name = \"cart\" }"),
                  {{"Accept", "application/protobuf"}});
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(p.Header("content-type"), "application/protobuf");
  tempopb::SearchResponse pr;
  ASSERT_TRUE(pr.ParseFromString(p.body));
  ASSERT_EQ(pr.traces_size(), 1);
  EXPECT_EQ(pr.traces(0).traceid(), TrimmedHex(8));
  EXPECT_EQ(pr.traces(0).spansets_size(), 1);
}

TEST_F(SearchTest, LiveThenFlushedThenBackendAfterRestart) {
  std::string dir =
      std::filesystem::temp_directory_path() / ("vv-search-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  // Recent data is the ingester's for the last 5 minutes; older parts of a window go to the
  // backend.
  const std::string yaml = "query_frontend:\n  search:\n    query_backend_after: 5m\n";
  Start(yaml, dir);
  int64_t now = NowSeconds();
  uint64_t old_start = static_cast<uint64_t>(now - 600) * 1'000'000'000;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Push(MakeTrace({.seed = seed,
                    .spans = 3,
                    .service = seed % 2 ? "odd" : "even",
                    .start_unix_nano = old_start + seed}));
  }
  const std::string odd = "q=" + Q("{ resource.service.name = \"odd\" }");
  const std::string window =
      "&start=" + std::to_string(now - 3600) + "&end=" + std::to_string(now + 60);
  EXPECT_EQ(Ids(Search(odd)).size(), 3u);           // live, no window
  EXPECT_EQ(Ids(Search(odd + window)).size(), 3u);  // live, window
  Flush();
  auto flushed = Search(odd + window);
  EXPECT_EQ(Ids(flushed).size(), 3u);
  EXPECT_NE(flushed.body.find("\"totalBlocks\":1"), std::string::npos) << flushed.body;
  // Restarted with empty memory: only the backend block holds the traces.
  Start(yaml, dir);
  auto backend =
      Search(odd + "&start=" + std::to_string(now - 3600) + "&end=" + std::to_string(now - 400));
  auto ids = Ids(backend);
  EXPECT_EQ(ids.size(), 3u) << backend.body;
  // Most recent first.
  EXPECT_EQ(ids, (std::vector<std::string>{TrimmedHex(5), TrimmedHex(3), TrimmedHex(1)}));
  EXPECT_NE(backend.body.find("\"totalBlocks\":1"), std::string::npos) << backend.body;
  // The same window in nanoseconds and fractional seconds, and in RFC 3339.
  EXPECT_EQ(Ids(Search(odd + "&start=" + std::to_string(now - 3600)
                       + "000000000&end=" + std::to_string(now - 400) + ".5"))
                .size(),
            3u);
  EXPECT_EQ(
      Ids(Search(odd + "&start=" + FormatUtc(now - 3600) + "&end=" + FormatUtc(now - 400))).size(),
      3u);
  // A window that misses the block.
  EXPECT_EQ(Ids(Search(odd + "&start=" + std::to_string(now - 3600)
                       + "&end=" + std::to_string(now - 3000)))
                .size(),
            0u);
  // Without a window only recent (ingester) data is searched: nothing there now.
  EXPECT_EQ(Ids(Search(odd)).size(), 0u);
  proc_.reset();
  std::filesystem::remove_all(dir);
}

TEST_F(SearchTest, LimitDurationAndLegacyTags) {
  Start();
  uint64_t start = static_cast<uint64_t>(NowSeconds() - 60) * 1'000'000'000;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    Push(MakeTrace({.seed = seed,
                    .spans = 2,
                    .service = "svc-" + std::to_string(seed % 3),
                    .start_unix_nano = start + seed * 1000}));
  }
  auto ids = Ids(Search("q=%7B%7D&limit=7"));
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(Ids(Search("limit=100")).size(), 30u);  // no q: every trace
  // Sorted by start, most recent first.
  auto r = Search("q=%7B%7D&limit=30");
  tempopb::SearchResponse pr;
  auto p = Search("q=%7B%7D&limit=30", {{"Accept", "application/protobuf"}});
  ASSERT_TRUE(pr.ParseFromString(p.body));
  ASSERT_EQ(pr.traces_size(), 30);
  for (int i = 1; i < pr.traces_size(); ++i) {
    EXPECT_GE(pr.traces(i - 1).starttimeunixnano(), pr.traces(i).starttimeunixnano());
  }
  // Traces last 1 ms: minDuration above it finds none, maxDuration above it finds all.
  EXPECT_EQ(Ids(Search("q=%7B%7D&minDuration=2ms&limit=100")).size(), 0u);
  EXPECT_EQ(Ids(Search("q=%7B%7D&maxDuration=2ms&limit=100")).size(), 30u);
  // Legacy tags: case-insensitive substrings, all of them.
  EXPECT_EQ(Ids(Search("tags=" + Q("service.name=SVC-1") + "&limit=100")).size(), 10u);
  EXPECT_EQ(
      Ids(Search("tags=" + Q("service.name=svc-1 name=\"GET /check\"") + "&limit=100")).size(),
      10u);
  EXPECT_EQ(Ids(Search("tags=" + Q("http.status_code=201") + "&limit=100")).size(), 30u);
  EXPECT_EQ(Ids(Search("tags=" + Q("status.code=error") + "&limit=100")).size(), 30u);
  EXPECT_EQ(Ids(Search("tags=" + Q("service.name=nope") + "&limit=100")).size(), 0u);
}

// Enough recent traces to be split across jobs: every trace is found once.
TEST_F(SearchTest, ManyLiveTracesAreSharedByJobs) {
  Start();
  uint64_t start = static_cast<uint64_t>(NowSeconds() - 60) * 1'000'000'000;
  uint64_t seed = 1;
  for (int r = 0; r < 6; ++r) {
    ExportRequest req;
    for (int i = 0; i < 800; ++i, ++seed) {
      AppendTrace(&req, {.seed = seed,
                         .spans = 1,
                         .service = "s" + std::to_string(seed % 7),
                         .start_unix_nano = start + seed});
    }
    Push(req);
  }
  auto r = Search("q=%7B%7D&limit=10000", {{"Accept", "application/protobuf"}});
  tempopb::SearchResponse pr;
  ASSERT_TRUE(pr.ParseFromString(r.body));
  EXPECT_EQ(pr.traces_size(), 4800);
  EXPECT_GE(pr.metrics().totaljobs(), 2u);
  EXPECT_EQ(pr.metrics().completedjobs(), pr.metrics().totaljobs());
  EXPECT_EQ(pr.metrics().inspectedtraces(), 4800u);
  auto values = http_->Get("/api/v2/search/tag/resource.service.name/values");
  EXPECT_EQ(std::count(values->body.begin(), values->body.end(), '{'), 7 + 2) << values->body;
}

TEST_F(SearchTest, BadParametersAre400WithTempoMessages) {
  Start();

  struct Case {
    std::string params;
    std::string message;  // a prefix of the body
  };

  const std::vector<Case> cases = {
      {"q=" + Q("{ .a = }"), "invalid TraceQL query: parse error at line 1, col"},
      {"q=" + Q("{ .a = 1 } | rate()"), "invalid TraceQL query"},
      {"q=%7B%7D&tags=a%3Db", "invalid request: can't specify tags and q in the same query"},
      {"tags=" + Q("a=b a=c"), "invalid tags: tag a has been set twice"},
      {"tags=" + Q("=b"), "invalid tags: unexpected '='"},
      {"limit=0", "invalid limit: must be a positive number"},
      {"limit=x", "invalid limit: strconv.Atoi: parsing \"x\": invalid syntax"},
      {"limit=300000", "limit 300000 exceeds max limit 262144"},
      {"spss=101", "spans per span set exceeds 100. received 101"},
      {"start=10", "error parsing date range: only one of start and end provided"},
      {"start=10&end=5", "http parameter start must be before end. received start=10 end=5"},
      {"start=x&end=5", "invalid start: strconv.ParseInt: parsing \"x\": invalid syntax"},
      {"start=1000&end=1000000", "range specified by start and end exceeds 168h0m0s."},
      {"minDuration=abc", "invalid minDuration: time: invalid duration \"abc\""},
      {"minDuration=2s&maxDuration=1s", "invalid maxDuration: must be greater than minDuration"},
  };
  for (const Case& c : cases) {
    auto r = Search(c.params);
    EXPECT_EQ(r.status, 400) << c.params << ": " << r.body;
    EXPECT_EQ(r.body.rfind(c.message, 0), 0u) << c.params << ": " << r.body;
  }
  // Still serving.
  EXPECT_EQ(Search("q=%7B%7D").status, 200);
}

TEST_F(SearchTest, TenantsAreSeparated) {
  Start("multitenancy_enabled: true\n");
  Push(MakeTrace({.seed = 1, .spans = 2, .service = "a"}), "team-a");
  Push(MakeTrace({.seed = 2, .spans = 2, .service = "b"}), "team-b");
  auto no_org = Search("q=%7B%7D");
  EXPECT_EQ(no_org.status, 401);
  EXPECT_EQ(no_org.body, "no org id");
  EXPECT_EQ(Ids(Search("q=%7B%7D", {{"X-Scope-OrgID", "team-a"}})),
            std::vector<std::string>{TrimmedHex(1)});
  EXPECT_EQ(Ids(Search("q=%7B%7D", {{"X-Scope-OrgID", "team-a|team-b"}})).size(), 2u);
}

// A trace spread over three blocks is one result (the combiner merges the blocks' answers);
// after the compactor merged the blocks, the compacted block gives the same answer.
TEST_F(SearchTest, CompactedBlocksAnswerAsTheirInputs) {
  std::string dir =
      std::filesystem::temp_directory_path() / ("vv-search-compact-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string no_compaction =
      "overrides:\n  defaults:\n    compaction:\n      compaction_disabled: true\n";
  Start(no_compaction, dir);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Push(MakeTrace({.seed = seed, .spans = 3, .service = "svc-" + std::to_string(seed)}));
    Push(MakeTrace({.seed = 100, .spans = static_cast<int>(seed) + 2, .service = "shared"}));
    Flush();
  }
  // The builder's traces start at 1700000000 s: only backend blocks hold that window.
  const std::string window = "&start=1699999000&end=1700001000";
  auto check = [&](const std::string& when) {
    auto all = Search("q=%7B%7D" + window);
    EXPECT_EQ(Ids(all).size(), 4u) << when << ": " << all.body;
    auto shared = Search("q=" + Q("{ resource.service.name = \"shared\" }") + window);
    ASSERT_EQ(Ids(shared), std::vector<std::string>{TrimmedHex(100)}) << when;
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(shared.body);
    simdjson::dom::element t = doc["traces"].at(0);
    EXPECT_EQ(int64_t(t["serviceStats"]["shared"]["spanCount"]), 5) << when;
    EXPECT_EQ(int64_t(t["spanSet"]["matched"]), 5) << when;
  };
  proc_.reset();
  Start(no_compaction, dir);
  check("three blocks");
  proc_.reset();

  VivaceProcess::Options o{
      .extra_yaml = "backend_worker:\n  compaction:\n    compaction_cycle: 50ms\n",
      .args = {"-target=compactor"},
      .data_dir = dir,
      .otlp = false};
  auto compactor = VivaceProcess::Start(o);
  ASSERT_TRUE(compactor.ok()) << compactor.status().ToString();
  HttpClient chttp("127.0.0.1", (*compactor)->http_port());
  const std::string done = "tempodb_compaction_blocks_total{level=\"1\"} 3";
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto metrics = [&] {
    auto r = chttp.Get("/metrics");
    return r.ok() ? r->body : std::string();
  };
  while (metrics().find(done) == std::string::npos && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling, not timing
  }
  ASSERT_NE(metrics().find(done), std::string::npos) << (*compactor)->logs();
  compactor->reset();

  Start(no_compaction, dir);
  check("one compacted block");
  auto one = Search("q=%7B%7D" + window);
  EXPECT_NE(one.body.find("\"totalBlocks\":1"), std::string::npos) << one.body;
  proc_.reset();
  std::filesystem::remove_all(dir);
}

// /api/search/tags, /api/v2/search/tags and the tag-values endpoints over live data and, with a
// window, over the flushed block: the same answers both ways, in Tempo's shapes.
TEST_F(SearchTest, TagNamesAndValues) {
  Start();
  int64_t now = NowSeconds();
  uint64_t start = static_cast<uint64_t>(now - 60) * 1'000'000'000;
  Push(MakeTrace({.seed = 1, .spans = 3, .service = "cart", .start_unix_nano = start}));
  Push(MakeTrace({.seed = 2, .spans = 2, .service = "checkout", .start_unix_nano = start}));
  const std::string window =
      "start=" + std::to_string(now - 3600) + "&end=" + std::to_string(now + 60);
  for (int pass = 0; pass < 2; ++pass) {
    const std::string w = pass == 0 ? "" : "&" + window;
    auto v1 = http_->Get("/api/search/tags?" + w);
    ASSERT_EQ(v1->status, 200) << v1->body;
    EXPECT_EQ(v1->body.rfind("{\"tagNames\":[\"cached\",\"http.status_code\","
                             "\"k8s.namespace.name\",\"ratio\",\"service.name\"],",
                             0),
              0u)
        << v1->body;
    auto v2 = http_->Get("/api/v2/search/tags?" + w);
    ASSERT_EQ(v2->status, 200);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(v2->body);
    std::map<std::string, std::vector<std::string>> scopes;
    for (simdjson::dom::element sc : doc["scopes"].get_array()) {
      auto& tags = scopes[std::string(std::string_view(sc["name"]))];
      for (simdjson::dom::element t : sc["tags"].get_array()) {
        tags.emplace_back(std::string_view(t));
      }
    }
    EXPECT_EQ(scopes["resource"], (std::vector<std::string>{"k8s.namespace.name", "service.name"}));
    EXPECT_EQ(scopes["span"], (std::vector<std::string>{"cached", "http.status_code", "ratio"}));
    EXPECT_EQ(scopes["event"], (std::vector<std::string>{"key"}));
    EXPECT_EQ(scopes["intrinsic"].size(), 25u);
    EXPECT_EQ(scopes["intrinsic"].front(), "duration");
    auto values = http_->Get("/api/v2/search/tag/resource.service.name/values?" + w);
    EXPECT_EQ(values->body.rfind("{\"tagValues\":[{\"type\":\"string\",\"value\":\"cart\"},"
                                 "{\"type\":\"string\",\"value\":\"checkout\"}],",
                                 0),
              0u)
        << values->body;
    auto ints = http_->Get("/api/v2/search/tag/span.http.status_code/values?" + w);
    EXPECT_NE(ints->body.find("{\"type\":\"int\",\"value\":\"202\"}"), std::string::npos)
        << ints->body;
    auto filtered = http_->Get(
        "/api/v2/search/tag/name/values?q=" + Q("{ resource.service.name = \"checkout\" }") + w);
    EXPECT_EQ(filtered->body.rfind("{\"tagValues\":[{\"type\":\"string\",\"value\":\"GET "
                                   "/checkout\"},{\"type\":\"string\",\"value\":\"step-1\"}],",
                                   0),
              0u)
        << filtered->body;
    auto v1values = http_->Get("/api/search/tag/service.name/values?" + w);
    EXPECT_EQ(v1values->body.rfind("{\"tagValues\":[\"cart\",\"checkout\"],", 0), 0u)
        << v1values->body;
    auto proto =
        http_->Get("/api/v2/search/tags?scope=resource" + w, {{"Accept", "application/protobuf"}});
    tempopb::SearchTagsV2Response pr;
    ASSERT_TRUE(pr.ParseFromString(proto->body));
    ASSERT_EQ(pr.scopes_size(), 1);
    EXPECT_EQ(pr.scopes(0).name(), "resource");
    if (pass == 0) {
      Flush();
    }
  }
  auto status = http_->Get("/api/v2/search/tag/status/values");
  EXPECT_EQ(status->body.rfind("{\"tagValues\":[{\"type\":\"keyword\",\"value\":\"ok\"},", 0), 0u)
      << status->body;
  EXPECT_EQ(http_->Get("/api/search/tag/status.code/values")
                ->body.rfind("{\"tagValues\":[\"unset\",\"ok\",\"error\"]", 0),
            0u);
  auto bad_scope = http_->Get("/api/v2/search/tags?scope=nope");
  EXPECT_EQ(bad_scope->status, 400);
  EXPECT_EQ(bad_scope->body, "invalid scope: nope");
  auto bad_tag = http_->Get("/api/v2/search/tag/a%20b/values");
  EXPECT_EQ(bad_tag->status, 400);
  EXPECT_EQ(bad_tag->body.rfind("please provide a valid tagName: ", 0), 0u) << bad_tag->body;
  // A filter that does not parse filters nothing.
  auto lenient = http_->Get("/api/v2/search/tag/resource.service.name/values?q="
                            + Q("{ resource.cluster = }"));
  EXPECT_EQ(lenient->status, 200);
  EXPECT_NE(lenient->body.find("checkout"), std::string::npos);
  // Tempo's lenient `q`: Grafana's half-typed query keeps its complete matchers.
  auto partial = http_->Get("/api/v2/search/tag/name/values?q="
                            + Q("{ resource.service.name = \"checkout\" && span.foo = "));
  EXPECT_EQ(partial->body.rfind("{\"tagValues\":[{\"type\":\"string\",\"value\":\"GET "
                                "/checkout\"},{\"type\":\"string\",\"value\":\"step-1\"}],",
                                0),
            0u)
      << partial->body;
  // A value the query names for the tag itself is answered without reading.
  auto named = http_->Get("/api/v2/search/tag/resource.service.name/values?q="
                          + Q("{ resource.service.name = \"nowhere\" }"));
  EXPECT_EQ(named->body.rfind("{\"tagValues\":[{\"type\":\"string\",\"value\":\"nowhere\"}]", 0),
            0u)
      << named->body;
  std::string many = "{ ";
  for (int i = 0; i < 7; ++i) {
    many += (i ? " && " : "") + std::string("(.a") + std::to_string(i) + " = 1 || .b"
            + std::to_string(i) + " = 2)";
  }
  many += " }";
  for (const std::string path : {"/api/v2/search/tag/name/values?q=", "/api/v2/search/tags?q="}) {
    auto r = http_->Get(path + Q(many));
    EXPECT_EQ(r->status, 400) << path;
    EXPECT_EQ(r->body,
              "maximum condition groups reached (limit: 100). Reduce the number of OR conditions "
              "in the query");
  }
}

// Tempo's read limits: read.max_bytes_per_tag_values_query stops tag answers growing (same
// shape, fewer values), read.max_search_duration replaces query_frontend.search.max_duration
// per tenant (search and tags), and the timeouts fail queries as Tempo does:
// querier.search.query_timeout per job (500 `context deadline exceeded`, the querier's answer)
// and query_frontend.api_timeout per request (503, Tempo's timeout middleware).
TEST_F(SearchTest, ReadLimitsAndTimeouts) {
  Start(
      "overrides:\n  defaults:\n    read:\n      max_bytes_per_tag_values_query: 30\n"
      "      max_search_duration: 1h\n");
  int64_t now = NowSeconds();
  uint64_t start = static_cast<uint64_t>(now - 60) * 1'000'000'000;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Push(MakeTrace({.seed = seed,
                    .spans = 2,
                    .service = "svc-" + std::to_string(seed),
                    .start_unix_nano = start}));
  }
  simdjson::dom::parser parser;
  // v2 counts type and value: "string" + "svc-N" is 11 bytes, a third would reach 33 >= 30.
  auto v2 = http_->Get("/api/v2/search/tag/resource.service.name/values");
  ASSERT_EQ(v2->status, 200) << v2->body;
  simdjson::dom::element doc = parser.parse(v2->body);
  EXPECT_EQ(doc["tagValues"].get_array().size(), 2u) << v2->body;
  EXPECT_EQ(Keys(doc.get_object()), (std::set<std::string>{"tagValues", "metrics"}));
  // v1 counts the value: 5 bytes each, the sixth would reach 30.
  auto v1 = http_->Get("/api/search/tag/service.name/values");
  ASSERT_EQ(v1->status, 200) << v1->body;
  doc = parser.parse(v1->body);
  EXPECT_EQ(doc["tagValues"].get_array().size(), 5u) << v1->body;
  // maxStaleValues and limit are the request's own.
  auto limited = http_->Get("/api/v2/search/tag/resource.service.name/values?limit=1");
  doc = parser.parse(limited->body);
  EXPECT_EQ(doc["tagValues"].get_array().size(), 1u) << limited->body;
  auto stale = http_->Get("/api/v2/search/tag/resource.service.name/values?maxStaleValues=1");
  EXPECT_EQ(stale->status, 200) << stale->body;
  auto bad_stale = http_->Get("/api/v2/search/tag/resource.service.name/values?maxStaleValues=x");
  EXPECT_EQ(bad_stale->status, 400);
  EXPECT_EQ(bad_stale->body.rfind("invalid maxStaleValues: ", 0), 0u) << bad_stale->body;
  // The tenant's max_search_duration (1h) instead of the frontend's 168h.
  const std::string two_hours =
      "start=" + std::to_string(now - 7200) + "&end=" + std::to_string(now);
  const std::string expected = "range specified by start and end exceeds 1h0m0s. received start="
                               + std::to_string(now - 7200) + " end=" + std::to_string(now);
  for (const std::string path :
       {"/api/search?", "/api/v2/search/tags?", "/api/v2/search/tag/name/values?"}) {
    auto r = http_->Get(path + two_hours);
    EXPECT_EQ(r->status, 400) << path;
    EXPECT_EQ(r->body, expected) << path;
  }

  Start("querier:\n  search:\n    query_timeout: 1ns\n");
  Push(MakeTrace({.seed = 1, .spans = 2, .service = "svc", .start_unix_nano = start}));
  for (const std::string path :
       {"/api/search", "/api/v2/search/tags", "/api/v2/search/tag/resource.service.name/values"}) {
    auto r = http_->Get(path);
    EXPECT_EQ(r->status, 500) << path;
    EXPECT_EQ(r->body, "context deadline exceeded") << path;
  }
  Start("query_frontend:\n  api_timeout: 1ns\n");
  auto r = http_->Get("/api/search");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "unable to process request in the configured timeout");
}

// tempopb.StreamingQuerier on the gRPC port, called by a real gRPC client: Grafana's streaming
// search and its Save & test (`{}`, limit 1, the last 15 minutes), the tag calls, errors with
// the HTTP texts and Tempo's codes.
TEST_F(SearchTest, StreamingQuerierOverGrpc) {
  Start();
  int64_t now = NowSeconds();
  uint64_t start = static_cast<uint64_t>(now - 60) * 1'000'000'000;
  Push(MakeTrace({.seed = 7, .spans = 3, .service = "checkout", .start_unix_nano = start}));
  Push(MakeTrace({.seed = 8, .spans = 2, .service = "cart", .start_unix_nano = start}));
  auto stub = tempopb::StreamingQuerier::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(proc_->port("grpc")), grpc::InsecureChannelCredentials()));
  // Reads a whole stream; returns its status and messages.
  auto read_all = [](auto reader, auto* messages) {
    typename std::remove_pointer_t<decltype(messages)>::value_type m;
    while (reader->Read(&m)) {
      messages->push_back(m);
    }
    return reader->Finish();
  };
  {
    grpc::ClientContext ctx;
    tempopb::SearchRequest req;
    req.set_query("{ resource.service.name = \"checkout\" }");
    req.set_start(static_cast<uint32_t>(now - 900));
    req.set_end(static_cast<uint32_t>(now + 60));
    req.set_limit(20);
    std::vector<tempopb::SearchResponse> got;
    grpc::Status st = read_all(stub->Search(&ctx, req), &got);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_FALSE(got.empty());
    ASSERT_EQ(got.back().traces_size(), 1);
    EXPECT_EQ(got.back().traces(0).traceid(), TrimmedHex(7));
    EXPECT_EQ(got.back().traces(0).rootservicename(), "checkout");
  }
  {  // Grafana's Save & test with streaming on.
    grpc::ClientContext ctx;
    tempopb::SearchRequest req;
    req.set_query("{}");
    req.set_start(static_cast<uint32_t>(now - 900));
    req.set_end(static_cast<uint32_t>(now));
    req.set_limit(1);
    auto reader = stub->Search(&ctx, req);
    tempopb::SearchResponse m;
    EXPECT_TRUE(reader->Read(&m));  // what Grafana checks
    while (reader->Read(&m)) {
    }
    EXPECT_EQ(m.traces_size(), 1);  // the last message is the whole answer
    EXPECT_TRUE(reader->Finish().ok());
  }
  {
    grpc::ClientContext ctx;
    tempopb::SearchRequest req;
    req.set_query("{ .a = }");
    std::vector<tempopb::SearchResponse> got;
    grpc::Status st = read_all(stub->Search(&ctx, req), &got);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(st.error_message().rfind("invalid TraceQL query: parse error at line 1", 0), 0u)
        << st.error_message();
  }
  {
    grpc::ClientContext ctx;
    tempopb::SearchTagsRequest req;
    req.set_scope("resource");
    std::vector<tempopb::SearchTagsV2Response> got;
    grpc::Status st = read_all(stub->SearchTagsV2(&ctx, req), &got);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(got.back().scopes_size(), 1);
    EXPECT_EQ(got.back().scopes(0).name(), "resource");
  }
  {
    grpc::ClientContext ctx;
    tempopb::SearchTagsRequest req;
    std::vector<tempopb::SearchTagsResponse> got;
    grpc::Status st = read_all(stub->SearchTags(&ctx, req), &got);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_GT(got.back().tagnames_size(), 0);
  }
  {
    grpc::ClientContext ctx;
    tempopb::SearchTagValuesRequest req;
    req.set_tagname("resource.service.name");
    req.set_query("{ span.http.status_code >= 200 && span.foo = }");
    std::vector<tempopb::SearchTagValuesV2Response> got;
    grpc::Status st = read_all(stub->SearchTagValuesV2(&ctx, req), &got);
    ASSERT_TRUE(st.ok()) << st.error_message();
    std::set<std::string> values;
    for (const auto& v : got.back().tagvalues()) {
      values.insert(v.value());
    }
    EXPECT_EQ(values, (std::set<std::string>{"cart", "checkout"}));
  }
  {
    grpc::ClientContext ctx;
    tempopb::SearchTagValuesRequest req;
    req.set_tagname("service.name");
    std::vector<tempopb::SearchTagValuesResponse> got;
    grpc::Status st = read_all(stub->SearchTagValues(&ctx, req), &got);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(got.back().tagvalues_size(), 2);
    grpc::ClientContext bad_ctx;
    req.set_tagname("a b");
    std::vector<tempopb::SearchTagValuesV2Response> bad;
    st = read_all(stub->SearchTagValuesV2(&bad_ctx, req), &bad);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(st.error_message().rfind("please provide a valid tagName: ", 0), 0u);
  }
  {  // No TraceQL metrics yet.
    grpc::ClientContext ctx;
    tempopb::QueryRangeRequest req;
    req.set_query("{} | rate()");
    std::vector<tempopb::QueryRangeResponse> got;
    EXPECT_EQ(read_all(stub->MetricsQueryRange(&ctx, req), &got).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
}

}  // namespace
}  // namespace vivace::testing
