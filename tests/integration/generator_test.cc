// The metrics-generator in the real binary: in -target=all the distributor feeds it and it
// remote-writes per tenant (checked against an in-process fake receiver, so this runs without
// the Prometheus package; tests/e2e/prometheus uses the real one), and -target=metrics-generator
// starts it alone.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "generator/fake_prometheus.h"
#include "tests/support/http_client.h"
#include "tests/support/trace_builder.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

TEST(GeneratorIntegrationTest, MonolithFeedsTheGeneratorWhichWritesPerTenant) {
  generator::testutil::FakePrometheus prom;
  ASSERT_TRUE(prom.Start().ok());
  VivaceProcess::Options o;
  o.extra_yaml =
      "multitenancy_enabled: true\n"
      "metrics_generator:\n"
      "  registry: {collection_interval: 100ms}\n"
      "  storage:\n"
      "    remote_write: [{url: '" + prom.url() + "', headers: {X-Test: yes}}]\n"
      "overrides:\n"
      "  defaults:\n"
      "    metrics_generator: {processors: [span-metrics-count]}\n";
  auto proc = VivaceProcess::Start(o);
  ASSERT_TRUE(proc.ok()) << proc.status().ToString();

  // Spans must have ended within the ingestion slack (30 s) to count.
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  ExportRequest req = MakeTrace({.seed = 1, .spans = 4, .service = "shop", .start_unix_nano = now});
  HttpClient c("127.0.0.1", (*proc)->port("otlp-http"));
  auto r = c.Do("POST", "/v1/traces",
                {{"Content-Type", "application/x-protobuf"}, {"X-Scope-OrgID", "acme"}},
                req.SerializeAsString());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;

  // Poll the fake receiver until a collection carries all four spans.
  double calls = 0;
  std::string org;
  std::string test_header;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (calls < 4 && std::chrono::steady_clock::now() < deadline) {
    for (const auto& rec : prom.received()) {
      double sum = 0;
      for (const auto& s : rec.request.series) {
        if (s.Label("__name__") == "traces_spanmetrics_calls_total" && !s.samples.empty()) {
          sum += s.samples.back().value;
        }
      }
      if (sum >= calls && sum > 0) {
        calls = sum;
        org = rec.Header("x-scope-orgid");
        test_header = rec.Header("x-test");
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll interval
  }
  EXPECT_EQ(calls, 4) << (*proc)->logs();
  EXPECT_EQ(org, "acme");
  EXPECT_EQ(test_header, "yes");
}

TEST(GeneratorIntegrationTest, MetricsGeneratorTargetRunsAlone) {
  VivaceProcess::Options o;
  o.args = {"-target=metrics-generator"};
  o.otlp = false;
  auto proc = VivaceProcess::Start(o);
  ASSERT_TRUE(proc.ok()) << proc.status().ToString();
  HttpClient http("127.0.0.1", (*proc)->http_port());
  auto services = http.Get("/status/services");
  ASSERT_TRUE(services.ok());
  EXPECT_NE(services->body.find("metrics-generator"), std::string::npos) << services->body;
  EXPECT_EQ(services->body.find("live-store"), std::string::npos) << services->body;
  EXPECT_EQ(http.Get("/api/traces/0123456789abcdef0123456789abcdef")->status, 404)
      << "the generator serves no queries";
}

}  // namespace
}  // namespace vivace::testing
