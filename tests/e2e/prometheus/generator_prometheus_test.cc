// End-to-end: the metrics-generator writes to a real Prometheus (Debian package, remote-write
// receiver on, started here on 127.0.0.1). Vivace receives traces of a small shop
//
//   client --> frontend --> api --> db (postgres)       plus users calling frontend directly
//
// over OTLP/HTTP, and the test reads back from Prometheus with PromQL the exact span-metrics and
// service-graph series and values, the queries Grafana's service graph and APM table run, the
// exemplars, and (second test) that a Prometheus restart loses no sample: the generator's queue
// holds them while Prometheus is down and delivers them in order once it is back.

#include <chrono>
#include <cmath>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "common/hex.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/prometheus_process.h"
#include "tests/support/trace_builder.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

using opentelemetry::proto::trace::v1::ResourceSpans;
using opentelemetry::proto::trace::v1::Span;
using SteadyClock = std::chrono::steady_clock;

constexpr uint64_t kMs = 1'000'000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t NowNanos() { return static_cast<uint64_t>(NowMs()) * kMs; }

ResourceSpans* Resource(ExportRequest* req, const std::string& service) {
  ResourceSpans* rs = req->add_resource_spans();
  auto add = [rs](const std::string& k, const std::string& v) {
    auto* a = rs->mutable_resource()->add_attributes();
    a->set_key(k);
    a->mutable_value()->set_string_value(v);
  };
  add("service.name", service);
  add("service.instance.id", service + "-1");
  add("deployment.environment", "prod");
  rs->add_scope_spans()->mutable_scope()->set_name("shop");
  return rs;
}

Span* AddSpan(ResourceSpans* rs, const std::string& trace_id, const std::string& span_id,
              const std::string& parent, const std::string& name, Span::SpanKind kind,
              uint64_t start, uint64_t duration) {
  Span* s = rs->mutable_scope_spans(0)->add_spans();
  s->set_trace_id(trace_id);
  s->set_span_id(span_id);
  if (!parent.empty()) {
    s->set_parent_span_id(parent);
  }
  s->set_name(name);
  s->set_kind(kind);
  s->set_start_time_unix_nano(start);
  s->set_end_time_unix_nano(start + duration);
  return s;
}

void Attr(Span* s, const std::string& k, const std::string& v) {
  auto* a = s->add_attributes();
  a->set_key(k);
  a->mutable_value()->set_string_value(v);
}

// `checkouts` traces through every service (every fifth with an error in api) and `visits`
// traces that start at frontend (a root server span: the caller is the virtual node "user").
// Returns the hex trace IDs Tempo would put in exemplars.
std::set<std::string> ShopTraffic(ExportRequest* req, uint64_t seed, int checkouts, int visits) {
  std::set<std::string> ids;
  uint64_t base = NowNanos() - 2'000 * kMs;
  for (int i = 0; i < checkouts + visits; ++i) {
    uint64_t n = seed * 1000 + static_cast<uint64_t>(i);
    std::string trace = TestTraceId(n);
    std::string hex = HexEncode(trace);
    ids.insert(hex.substr(hex.find_first_not_of('0')));
    uint64_t s = base + static_cast<uint64_t>(i) * kMs;
    auto id = [n](int k) { return TestSpanId(n * 10 + static_cast<uint64_t>(k)); };
    if (i >= checkouts) {
      AddSpan(Resource(req, "frontend"), trace, id(0), "", "GET /", Span::SPAN_KIND_SERVER, s,
              30 * kMs);
      continue;
    }
    AddSpan(Resource(req, "client"), trace, id(0), "", "GET /checkout", Span::SPAN_KIND_CLIENT, s,
            100 * kMs);
    ResourceSpans* frontend = Resource(req, "frontend");
    Span* b = AddSpan(frontend, trace, id(1), id(0), "GET /checkout", Span::SPAN_KIND_SERVER,
                      s + 5 * kMs, 90 * kMs);
    Attr(b, "http.request.method", "GET");
    AddSpan(frontend, trace, id(2), id(1), "POST /api/orders", Span::SPAN_KIND_CLIENT, s + 10 * kMs,
            60 * kMs);
    ResourceSpans* api = Resource(req, "api");
    Span* d = AddSpan(api, trace, id(3), id(2), "POST /api/orders", Span::SPAN_KIND_SERVER,
                      s + 15 * kMs, 50 * kMs);
    Attr(d, "http.request.method", "POST");
    if (i % 5 == 0) {
      d->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
      d->mutable_status()->set_message("out of stock");
    }
    Span* e = AddSpan(api, trace, id(4), id(3), "INSERT orders", Span::SPAN_KIND_CLIENT,
                      s + 20 * kMs, 20 * kMs);
    Attr(e, "db.system.name", "postgresql");
    Attr(e, "db.namespace", "orders");
    Attr(e, "server.address", "db");
  }
  return ids;
}

class GeneratorPrometheusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PrometheusProcess::Available()) {
      GTEST_SKIP() << PrometheusProcess::kMissing;
    }
  }

  // Starts Prometheus and vivace; `limits` go under overrides.defaults.metrics_generator.
  void Start(const std::string& limits = "") {
    auto prom = PrometheusProcess::Start();
    ASSERT_TRUE(prom.ok()) << prom.status().ToString();
    prom_ = std::move(prom).value();
    VivaceProcess::Options o;
    o.extra_yaml =
        "metrics_generator:\n"
        "  registry:\n"
        "    collection_interval: 1s\n"
        "    external_labels: {source: vivace}\n"
        "  processor:\n"
        "    service_graphs:\n"
        "      wait: 1s\n"
        "    span_metrics:\n"
        "      dimensions: [http.request.method]\n"
        "      enable_target_info: true\n"
        "  storage:\n"
        "    remote_write:\n"
        "      - url: " + prom_->remote_write_url() + "\n"
        "        send_exemplars: true\n"
        "        queue_config: {min_backoff: 50ms, max_backoff: 500ms}\n"
        "overrides:\n"
        "  defaults:\n"
        "    metrics_generator:\n"
        "      processors: [service-graphs, span-metrics]\n" + limits;
    auto v = VivaceProcess::Start(o);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vivace_ = std::move(v).value();
  }

  void Send(const ExportRequest& req) {
    HttpClient c("127.0.0.1", vivace_->port("otlp-http"));
    auto r = c.Do("POST", "/v1/traces", {{"Content-Type", "application/x-protobuf"}},
                  req.SerializeAsString());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // Polls Prometheus until `promql` has the value `want` (the generator collects every second
  // and service-graph edges to virtual nodes complete once `wait` has passed).
  void WaitForValue(const std::string& promql, double want) {
    auto deadline = SteadyClock::now() + std::chrono::seconds(90);
    Result<double> got = Status::NotFound("not queried");
    while (SteadyClock::now() < deadline) {
      got = prom_->Value(promql);
      if (got.ok() && *got == want) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // poll interval
    }
    FAIL() << promql << " never became " << want
           << ", last: " << (got.ok() ? std::to_string(*got) : got.status().ToString())
           << "\nvivace logs:\n"
           << vivace_->logs() << "\nprometheus log:\n"
           << prom_->logs();
  }

  double Value(const std::string& promql) {
    auto v = prom_->Value(promql);
    EXPECT_TRUE(v.ok()) << promql << ": " << v.status().ToString();
    return v.ok() ? *v : -1;
  }

  // (client, server) pairs of a Grafana service-graph query.
  std::set<std::pair<std::string, std::string>> Edges(const std::string& promql) {
    std::set<std::pair<std::string, std::string>> out;
    auto r = prom_->Query(promql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      for (const PromSample& s : *r) {
        EXPECT_GT(s.value, 0) << promql;
        out.emplace(s.labels.at("client"), s.labels.at("server"));
      }
    }
    return out;
  }

  // Sum of every sample of `name` on vivace's own /metrics page.
  double SelfMetric(const std::string& name) {
    HttpClient c("127.0.0.1", vivace_->http_port());
    auto r = c.Get("/metrics");
    if (!r.ok()) {
      return -1;
    }
    double sum = 0;
    std::istringstream in(r->body);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(name, 0) == 0 && (line[name.size()] == '{' || line[name.size()] == ' ')) {
        sum += std::strtod(line.substr(line.rfind(' ') + 1).c_str(), nullptr);
      }
    }
    return sum;
  }

  std::unique_ptr<PrometheusProcess> prom_;
  std::unique_ptr<VivaceProcess> vivace_;
};

TEST_F(GeneratorPrometheusTest, SpanMetricsAndServiceGraphsReachPrometheus) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ExportRequest req;
  std::set<std::string> trace_ids = ShopTraffic(&req, 1, 10, 3);
  int64_t start_s = NowMs() / 1000 - 5;
  Send(req);

  // Every edge, including user -> frontend, which completes when the root span's edge expires.
  WaitForValue("sum(traces_service_graph_request_total)", 33);
  WaitForValue("sum(traces_spanmetrics_calls_total)", 53);

  // Service graph: request counts per edge with Tempo's labels.
  const std::string sg = "traces_service_graph_request_total";
  EXPECT_EQ(Value(sg + R"({client="client",server="frontend",connection_type=""})"), 10);
  EXPECT_EQ(Value(sg + R"({client="frontend",server="api",connection_type=""})"), 10);
  EXPECT_EQ(Value(sg + R"({client="api",server="db",connection_type="database"})"), 10);
  EXPECT_EQ(Value(sg + R"({client="user",server="frontend",connection_type="virtual_node"})"), 3);
  EXPECT_EQ(Value(R"(sum(traces_service_graph_request_failed_total))"), 2);
  EXPECT_EQ(Value(R"(traces_service_graph_request_failed_total{client="frontend",server="api"})"),
            2);
  // Latency histograms: api serves in 50 ms, frontend waits 60 ms, the db call takes 20 ms.
  const std::string server_s = "traces_service_graph_request_server_seconds";
  EXPECT_EQ(Value(server_s + R"(_count{client="frontend",server="api"})"), 10);
  EXPECT_NEAR(Value(server_s + R"(_sum{client="frontend",server="api"})"), 0.5, 1e-9);
  EXPECT_EQ(Value(server_s + R"(_bucket{client="frontend",server="api",le="0.1"})"), 10);
  EXPECT_EQ(Value(server_s + R"(_bucket{client="frontend",server="api",le="+Inf"})"), 10);
  EXPECT_EQ(Value(server_s + R"(_bucket{client="api",server="db",le="0.1"})"), 10);
  EXPECT_NEAR(Value(server_s + R"(_sum{client="api",server="db"})"), 0.2, 1e-9);
  EXPECT_NEAR(Value(server_s + R"(_sum{client="user",server="frontend"})"), 0.09, 1e-9);
  const std::string client_s = "traces_service_graph_request_client_seconds";
  EXPECT_NEAR(Value(client_s + R"(_sum{client="frontend",server="api"})"), 0.6, 1e-9);
  EXPECT_NEAR(Value(client_s + R"(_sum{client="client",server="frontend"})"), 1.0, 1e-9);
  // Every series carries the external labels.
  EXPECT_EQ(
      Value(
          R"(count(traces_service_graph_request_total{source="vivace",__metrics_gen_instance!=""}))"),
      4);

  // Grafana's service graph (Tempo data source): edges, failed edges, latency quantiles.
  using Edge = std::pair<std::string, std::string>;
  const std::set<Edge> all = {
      {"client", "frontend"}, {"frontend", "api"}, {"api", "db"}, {"user", "frontend"}};
  EXPECT_EQ(Edges("sum by (client, server) (rate(traces_service_graph_request_total[5m]))"), all);
  EXPECT_EQ(Edges("sum by (client, server) (rate(traces_service_graph_request_failed_total[5m]))"),
            (std::set<Edge>{{"frontend", "api"}}));
  EXPECT_EQ(Edges("histogram_quantile(0.9, sum by (le, client, server) "
                  "(rate(traces_service_graph_request_server_seconds_bucket[5m])))"),
            all);
  // (Like Tempo, _sum gets no zero sample when a series starts, so its rate() needs a second
  // batch of traffic; the values themselves are there.)
  EXPECT_EQ(Edges("sum by (client, server) (traces_service_graph_request_server_seconds_sum)"),
            all);

  // Span metrics with the intrinsic dimensions, the configured dimension and job/instance.
  const std::string calls = "traces_spanmetrics_calls_total";
  EXPECT_EQ(
      Value(
          calls
          + R"({service="api",span_name="POST /api/orders",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_ERROR",http_request_method="POST",job="api",instance="api-1"})"),
      2);
  EXPECT_EQ(
      Value(
          calls
          + R"({service="api",span_name="POST /api/orders",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"})"),
      8);
  EXPECT_EQ(
      Value(calls + R"({service="client",span_name="GET /checkout",span_kind="SPAN_KIND_CLIENT"})"),
      10);
  EXPECT_EQ(Value(calls + R"({service="frontend",span_name="GET /",span_kind="SPAN_KIND_SERVER"})"),
            3);
  EXPECT_EQ(
      Value(
          calls
          + R"({service="api",span_name="INSERT orders",span_kind="SPAN_KIND_CLIENT",http_request_method=""})"),
      10);
  const std::string latency = "traces_spanmetrics_latency";
  EXPECT_EQ(Value("sum(" + latency
                  + R"(_bucket{service="api",span_kind="SPAN_KIND_SERVER",le="0.032"}))"),
            0);
  EXPECT_EQ(Value("sum(" + latency
                  + R"(_bucket{service="api",span_kind="SPAN_KIND_SERVER",le="0.064"}))"),
            10);
  EXPECT_EQ(Value("sum(" + latency + R"(_count{service="frontend"}))"), 23);
  EXPECT_NEAR(Value("sum(" + latency + R"(_sum{service="client"}))"), 1.0, 1e-9);
  EXPECT_GT(Value(R"(sum(traces_spanmetrics_size_total{service="api"}))"), 20 * 40);
  // target_info: one series per resource, resource attributes as labels.
  EXPECT_EQ(
      Value(
          R"(traces_target_info{job="frontend",instance="frontend-1",deployment_environment="prod"})"),
      1);
  EXPECT_EQ(Value("count(traces_target_info)"), 3);

  // Grafana's APM table queries.
  auto rate = prom_->Query(
      R"(topk(5, sum by (span_name, service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[5m]))))");
  ASSERT_TRUE(rate.ok());
  EXPECT_EQ(rate->size(), 3u);
  auto errors = prom_->Query(
      R"(sum by (span_name, service) (rate(traces_spanmetrics_calls_total{status_code="STATUS_CODE_ERROR"}[5m])))");
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].labels.at("span_name"), "POST /api/orders");

  // Exemplars: trace IDs of the traces sent, on the latency buckets.
  auto ex = prom_->Exemplars(latency + R"(_bucket{service="api"})", start_s, NowMs() / 1000 + 5);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  ASSERT_FALSE(ex->empty());
  for (const PromExemplar& e : *ex) {
    ASSERT_EQ(e.labels.count("traceID"), 1u);
    EXPECT_EQ(trace_ids.count(e.labels.at("traceID")), 1u) << e.labels.at("traceID");
  }
  auto sg_ex = prom_->Exemplars(server_s + "_bucket", start_s, NowMs() / 1000 + 5);
  ASSERT_TRUE(sg_ex.ok());
  EXPECT_FALSE(sg_ex->empty());
}

TEST_F(GeneratorPrometheusTest, PrometheusRestartLosesNoSamples) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ExportRequest first;
  ShopTraffic(&first, 2, 5, 0);
  Send(first);
  WaitForValue("sum(traces_spanmetrics_calls_total)", 25);

  prom_->Stop();
  int64_t down_ms = NowMs();
  double collections = SelfMetric("tempo_metrics_generator_registry_collections_total");
  ExportRequest second;
  ShopTraffic(&second, 3, 5, 0);
  Send(second);
  // Let the generator collect the new counts a few times while Prometheus is down: they wait in
  // the remote-write queue, retried with backoff.
  auto deadline = SteadyClock::now() + std::chrono::seconds(60);
  while (SteadyClock::now() < deadline
         && (SelfMetric("tempo_metrics_generator_spans_received_total") < 50
             || SelfMetric("tempo_metrics_generator_registry_collections_total") < collections + 3
             || SelfMetric("prometheus_remote_storage_samples_retried_total") <= 0)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // poll interval
  }
  ASSERT_GT(SelfMetric("prometheus_remote_storage_samples_retried_total"), 0);
  ASSERT_GT(SelfMetric("prometheus_remote_storage_samples_pending"), 0);
  int64_t up_ms = NowMs();
  ASSERT_TRUE(prom_->Restart().ok()) << prom_->logs();

  WaitForValue("sum(traces_spanmetrics_calls_total)", 50);
  WaitForValue(R"(traces_service_graph_request_total{client="frontend",server="api"})", 10);
  EXPECT_EQ(SelfMetric("prometheus_remote_storage_samples_dropped_total"), 0);
  EXPECT_EQ(SelfMetric("prometheus_remote_storage_samples_failed_total"), 0);

  // The samples collected while Prometheus was down arrived with their own timestamps.
  auto series = prom_->QueryRange(
      R"(traces_spanmetrics_calls_total{service="api",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_UNSET"}[10m])");
  ASSERT_TRUE(series.ok()) << series.status().ToString();
  ASSERT_EQ(series->size(), 1u);
  int during_outage = 0;
  double last = 0;
  for (const auto& [ts, v] : (*series)[0].samples) {
    during_outage += ts > down_ms && ts < up_ms;
    EXPECT_GE(v, last);  // in order, never lower
    last = v;
  }
  EXPECT_GE(during_outage, 3);
  EXPECT_EQ(last, 8);
}

TEST_F(GeneratorPrometheusTest, NativeHistogramsBesideClassicOnes) {
  ASSERT_NO_FATAL_FAILURE(Start("      generate_native_histograms: both\n"));
  ExportRequest req;
  std::set<std::string> trace_ids = ShopTraffic(&req, 4, 10, 0);
  int64_t start_s = NowMs() / 1000 - 5;
  Send(req);
  WaitForValue(R"(sum(histogram_count(traces_spanmetrics_latency{service="api"})))", 20);
  // The native series and the classic ones describe the same observations.
  EXPECT_EQ(Value(R"(sum(traces_spanmetrics_latency_count{service="api"}))"), 20);
  EXPECT_NEAR(
      Value(
          R"(sum(histogram_sum(traces_spanmetrics_latency{service="api",span_kind="SPAN_KIND_SERVER"})))"),
      0.5, 1e-9);
  // 50 ms at schema 3 falls in (2^(-35/8), 2^(-34/8)] = (0.0477, 0.0526]: the median of the
  // api server spans is interpolated inside that bucket.
  double median = Value(
      R"(histogram_quantile(0.5, sum(traces_spanmetrics_latency{service="api",span_kind="SPAN_KIND_SERVER"})))");
  EXPECT_GT(median, 0.0477);
  EXPECT_LE(median, 0.0526);
  WaitForValue(
      R"(histogram_count(traces_service_graph_request_server_seconds{client="frontend",server="api"}))",
      10);
  // Exemplars ride on the native series too.
  auto ex =
      prom_->Exemplars(R"(traces_spanmetrics_latency{service="api"})", start_s, NowMs() / 1000 + 5);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  ASSERT_FALSE(ex->empty());
  for (const PromExemplar& e : *ex) {
    EXPECT_EQ(trace_ids.count(e.labels.at("traceID")), 1u);
  }
}

}  // namespace
}  // namespace vivace::testing
