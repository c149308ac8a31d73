// Tests of vivace-loadgen's flags, histogram, reports and sending loop (with the dry-run
// sender; the network senders are exercised by hand against a server).

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/protowire.h"
#include "loadgen/driver.h"
#include "loadgen/histogram.h"
#include "loadgen/options.h"
#include "loadgen/sender.h"
#include "loadgen/stats.h"

namespace vivace::loadgen {
namespace {

Result<Options> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "vivace-loadgen");
  return ParseOptions(static_cast<int>(args.size()), args.data());
}

TEST(OptionsTest, Defaults) {
  auto o = Parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->protocol, Protocol::kGrpc);
  EXPECT_EQ(o->target, "127.0.0.1:4317");
  EXPECT_EQ(o->duration, std::chrono::seconds(10));
  EXPECT_EQ(o->spans_per_trace, 10);
  EXPECT_EQ(o->total_traces, 0u);
  EXPECT_FALSE(o->id_seed_set);
}

TEST(OptionsTest, ParsesBothSyntaxes) {
  auto o = Parse({"--protocol=http", "--tenant", "t1", "-concurrency=16", "--total-traces", "1000",
                  "--rate=5000.5", "--dry-run", "--report-interval=2s", "--print-trace-ids=/tmp/x",
                  "--id-seed=9", "--compression=gzip"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->protocol, Protocol::kHttp);
  EXPECT_EQ(o->target, "http://127.0.0.1:4318/v1/traces");
  EXPECT_EQ(o->tenant, "t1");
  EXPECT_EQ(o->concurrency, 16);
  EXPECT_EQ(o->total_traces, 1000u);
  EXPECT_EQ(o->duration.count(), 0);  // no default duration with a trace total
  EXPECT_DOUBLE_EQ(o->rate, 5000.5);
  EXPECT_TRUE(o->dry_run);
  EXPECT_EQ(o->report_interval, std::chrono::seconds(2));
  EXPECT_EQ(o->trace_ids_file, "/tmp/x");
  EXPECT_TRUE(o->id_seed_set);
  EXPECT_EQ(o->id_seed, 9u);
  EXPECT_EQ(o->compression, Compression::kGzip);
}

TEST(OptionsTest, NormalizesTargets) {
  EXPECT_EQ(Parse({"--protocol=http", "--target=localhost:9999"})->target,
            "http://localhost:9999/v1/traces");
  EXPECT_EQ(Parse({"--protocol=http", "--target=https://h:1"})->target, "https://h:1/v1/traces");
  EXPECT_EQ(Parse({"--protocol=http", "--target=http://h:1/otlp/v1/traces"})->target,
            "http://h:1/otlp/v1/traces");
  EXPECT_EQ(Parse({"--target=http://h:4317"})->target, "h:4317");
}

TEST(OptionsTest, RejectsBadFlagsWithClearMessages) {
  struct Case {
    std::vector<const char*> args;
    std::string want;
  };

  for (const Case& c : std::vector<Case>{
           {{"--bogus"}, "unknown flag --bogus"},
           {{"--concurrency=0"}, "invalid value \"0\" for --concurrency"},
           {{"--concurrency=abc"}, "invalid value \"abc\" for --concurrency"},
           {{"--spans-per-trace=-1"}, "--spans-per-trace"},
           {{"--protocol=udp"}, "want grpc or http"},
           {{"--duration=soon"}, "--duration"},
           {{"--rate=fast"}, "--rate"},
           {{"--depth"}, "needs a value"},
           {{"--dry-run=yes"}, "takes no value"},
           {{"stray"}, "unexpected argument"},
           {{"--connections=8", "--concurrency=4"}, "exceeds"},
           {{"--depth=1"}, "--depth=1 allows only"},
           {{"--traces-per-request=65536", "--spans-per-trace=100"}, "spans per request"},
       }) {
    auto o = Parse(c.args);
    ASSERT_FALSE(o.ok()) << c.want;
    EXPECT_EQ(o.status().code(), Code::kInvalidArgument);
    EXPECT_NE(o.status().message().find(c.want), std::string_view::npos) << o.status().message();
  }
  auto help = Parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_TRUE(help->help);
  EXPECT_NE(Usage().find("--spans-per-trace"), std::string::npos);
}

TEST(HistogramTest, QuantilesWithinOnePointSixPercent) {
  Histogram h;
  for (uint64_t v = 1; v <= 100000; ++v) {
    h.Record(v * 1000);
  }
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_EQ(h.max(), 100000000u);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    double want = q * 100000 * 1000;
    EXPECT_NEAR(static_cast<double>(h.Quantile(q)), want, want * 0.016) << q;
  }
  EXPECT_EQ(h.Quantile(1.0), 100000000u);
  Histogram small;
  small.Record(5);
  EXPECT_EQ(small.Quantile(0.5), 5u);
  EXPECT_EQ(Histogram().Quantile(0.5), 0u);
  for (uint64_t v : {0ull, 127ull, 128ull, 1000ull, 123456789ull, ~0ull}) {
    size_t b = Histogram::BucketOf(v);
    EXPECT_LE(Histogram::BucketLow(b), v);
  }
}

TEST(StatsTest, CountsAndReportsErrorsByKey) {
  Stats stats;
  EXPECT_FALSE(stats.Record({.ok = true, .wire_bytes = 100}, 2, 20, 100, 1'000'000));
  EXPECT_TRUE(stats.Record({.error = "UNAVAILABLE"}, 2, 20, 100, 2'000'000));
  EXPECT_FALSE(stats.Record({.error = "UNAVAILABLE"}, 2, 20, 100, 3'000'000));
  EXPECT_TRUE(stats.Record({.error = "HTTP_503"}, 2, 20, 100, 4'000'000));
  Totals t = stats.Final();
  EXPECT_EQ(t.requests_ok, 1u);
  EXPECT_EQ(t.requests_failed, 3u);
  EXPECT_EQ(t.spans_ok, 20u);
  EXPECT_EQ(t.spans_failed, 60u);
  EXPECT_EQ(t.errors.at("UNAVAILABLE"), 2u);
  EXPECT_EQ(t.latency.count(), 4u);

  RunInfo info{.protocol = "grpc", .target = "127.0.0.1:4317", .concurrency = 4};
  std::string line = ResultLine(info, t, 2.0, 0.5);
  ASSERT_EQ(line.rfind("RESULT {", 0), 0u) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  for (const char* key : {"\"spans_per_s\":10", "\"bytes_per_s\":50", "\"requests\":4",
                          "\"requests_failed\":3", "\"errors\":{\"HTTP_503\":1,\"UNAVAILABLE\":2}",
                          "\"latency_ms\":{\"p50\":", "\"p99\":", "\"p999\":", "\"cpu_s\":0.5",
                          "\"target\":\"127.0.0.1:4317\""}) {
    EXPECT_NE(line.find(key), std::string::npos) << key << " in " << line;
  }
  std::string table = SummaryTable(info, t, 2.0, 0.5);
  EXPECT_NE(table.find("HTTP_503=1 UNAVAILABLE=2"), std::string::npos) << table;
}

TEST(SenderTest, ReadsRejectedSpansFromPartialSuccess) {
  std::string partial;
  protowire::AppendVarintField(partial, 1, 17);
  protowire::AppendLenField(partial, 2, std::string_view("too old"));
  std::string response;
  protowire::AppendLenField(response, 1, partial);
  EXPECT_EQ(RejectedSpans(response), 17u);
  EXPECT_EQ(RejectedSpans(std::string_view()), 0u);
  EXPECT_EQ(RejectedSpans(std::string_view("\xff\xff")), 0u);
}

// The whole loop in dry-run mode: exact trace totals (with a smaller last request) and the
// acknowledged trace IDs written out.
TEST(DriverTest, SendsExactTraceTotalAndWritesTraceIds) {
  Options o;
  o.dry_run = true;
  o.concurrency = 3;
  o.traces_per_request = 10;
  o.spans_per_trace = 4;
  o.total_traces = 25;
  o.id_seed = 5;
  auto pool = TemplatePool::Build({.seed = 1, .spans_per_trace = 4}, 10, 4, 1 << 20, 5);
  ASSERT_TRUE(pool.ok());
  std::FILE* ids = std::tmpfile();
  ASSERT_NE(ids, nullptr);
  Stats stats;
  Driver driver(o, *pool, &stats, ids);
  auto sender =
      MakeNullSender(o, [&driver](int slot, Outcome out) { driver.OnDone(slot, std::move(out)); });
  std::atomic<bool> stop{false};
  driver.Run(*sender, stop);
  Totals t = stats.Final();
  EXPECT_EQ(t.requests_ok, 3u);
  EXPECT_EQ(t.traces_ok, 25u);
  EXPECT_EQ(t.spans_ok, 100u);

  std::rewind(ids);
  std::set<std::string> lines;
  char buf[64];
  while (std::fgets(buf, sizeof(buf), ids) != nullptr) {
    std::string line(buf);
    ASSERT_EQ(line.size(), 33u);  // 32 hex digits and a newline
    lines.insert(line);
  }
  std::fclose(ids);
  EXPECT_EQ(lines.size(), 25u);
}

TEST(DriverTest, StopsAtDurationAndHonoursRate) {
  Options o;
  o.dry_run = true;
  o.concurrency = 2;
  o.traces_per_request = 1;
  o.spans_per_trace = 10;
  o.duration = std::chrono::milliseconds(300);
  o.rate = 1000;  // spans/s: one 10-span request every 10 ms
  auto pool = TemplatePool::Build({.seed = 1}, 1, 2, 1 << 20);
  ASSERT_TRUE(pool.ok());
  Stats stats;
  Driver driver(o, *pool, &stats, nullptr);
  auto sender =
      MakeNullSender(o, [&driver](int slot, Outcome out) { driver.OnDone(slot, std::move(out)); });
  std::atomic<bool> stop{false};
  double seconds = driver.Run(*sender, stop);
  EXPECT_GE(seconds, 0.29);
  EXPECT_LT(seconds, 5.0);
  Totals t = stats.Final();
  // ~30 requests; generous bounds for a loaded test machine.
  EXPECT_GE(t.requests_ok, 10u);
  EXPECT_LE(t.requests_ok, 32u);
}

}  // namespace
}  // namespace vivace::loadgen
