#include "generator/generator.h"

#include <gtest/gtest.h>

#include "config/loader.h"
#include "generator/fake_prometheus.h"
#include "generator/test_util.h"
#include "model/regroup.h"

namespace vivace::generator {
namespace {

using testutil::FakePrometheus;
using testutil::TestSpan;

model::RegroupedBatch Batch(const std::vector<TestSpan>& spans) {
  std::string body = testutil::Fragment(spans);
  auto scan = model::ScanExportRequest(body, {});
  EXPECT_TRUE(scan.ok());
  return scan->Regroup();
}

class GeneratorTest : public ::testing::Test {
 protected:
  void Start(const std::string& overrides_yaml) {
    ASSERT_TRUE(prom_.Start().ok());
    auto loaded = config::LoadFromYaml(
        "multitenancy_enabled: true\n"
        "metrics_generator:\n"
        "  registry: {external_labels: {cluster: test}, inject_tenant_id_as: tenant}\n"
        "  storage:\n"
        "    remote_write: [{url: '"
            + prom_.url() + "'}]\n" + overrides_yaml,
        false);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    config_ = loaded->config;
    overrides_ = std::make_unique<overrides::Overrides>(config_.overrides);
    gen_ = std::make_unique<Generator>(config_, overrides_.get(), &clock_,
                                       GeneratorOptions{.hostname = "gen-1"});
    ASSERT_TRUE(gen_->Start().ok());
  }

  void TearDown() override {
    if (gen_) {
      gen_->Stop();
    }
    prom_.Stop();
  }

  void Push(const std::string& tenant, const std::vector<TestSpan>& spans) {
    Status got;
    gen_->PushTraces(tenant, Batch(spans), [&got](Status s) { got = s; });
    EXPECT_TRUE(got.ok());
  }

  std::map<std::string, double> Collect() {
    gen_->DrainForTesting();
    gen_->CollectNowForTesting();
    EXPECT_TRUE(gen_->WaitRemoteWriteIdleForTesting(std::chrono::seconds(30)));
    std::map<std::string, double> out;
    for (const auto& r : prom_.received()) {
      for (const auto& [k, v] : testutil::LastValues(r.request.series)) {
        out[k + "@" + r.Header("x-scope-orgid")] = v;
      }
    }
    return out;
  }

  FakeClock clock_{1'700'000'040'000'000'000};
  FakePrometheus prom_;
  config::Config config_;
  std::unique_ptr<overrides::Overrides> overrides_;
  std::unique_ptr<Generator> gen_;
};

TEST_F(GeneratorTest, SpanMetricsAndServiceGraphsReachRemoteWritePerTenant) {
  Start(
      "overrides:\n"
      "  defaults:\n"
      "    metrics_generator: {processors: [span-metrics-count, service-graphs-request]}\n");
  const uint64_t now = 1'700'000'040'000'000'000;
  TestSpan client{.service = "frontend", .kind = 3, .trace = 1, .span = 10, .start = now};
  TestSpan server{.service = "api", .kind = 2, .trace = 1, .span = 11, .parent = 10, .start = now};
  Push("acme", {client, server});
  EXPECT_TRUE(gen_->TenantEnabled("acme"));
  auto v = Collect();
  const std::string ext = "__metrics_gen_instance=\"gen-1\",cluster=\"test\",";
  EXPECT_EQ(v["traces_spanmetrics_calls_total{" + ext
              + "service=\"api\",span_kind=\"SPAN_KIND_SERVER\",span_name=\"op\","
                "status_code=\"STATUS_CODE_UNSET\",tenant=\"acme\"}@acme"],
            1);
  EXPECT_EQ(v["traces_service_graph_request_total{__metrics_gen_instance=\"gen-1\","
              "client=\"frontend\",cluster=\"test\",server=\"api\",tenant=\"acme\"}@acme"],
            1);
  for (const auto& [k, val] : v) {
    EXPECT_EQ(k.find("latency"), std::string::npos) << k;  // only the count subprocessor
  }
}

TEST_F(GeneratorTest, SpansOutsideTheIngestionSlackAreDiscarded) {
  Start(
      "overrides:\n"
      "  defaults:\n"
      "    metrics_generator: {processors: [span-metrics-count]}\n");
  const uint64_t now = 1'700'000'040'000'000'000;
  TestSpan old{.service = "a", .start = now - 120'000'000'000};  // ended 2 minutes ago
  TestSpan fresh{.service = "b", .start = now - 1'000'000'000};
  Push("t", {old, fresh});
  auto v = Collect();
  int a = 0;
  int b = 0;
  for (const auto& [k, val] : v) {
    a += k.find("service=\"a\"") != std::string::npos;
    b += k.find("service=\"b\"") != std::string::npos;
  }
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 1);
}

TEST_F(GeneratorTest, TenantsWithoutProcessorsAreNotEnabled) {
  Start(
      "overrides:\n"
      "  defaults:\n"
      "    metrics_generator: {processors: []}\n");
  EXPECT_FALSE(gen_->TenantEnabled("x"));
}

}  // namespace
}  // namespace vivace::generator
