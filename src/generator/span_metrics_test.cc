#include "generator/span_metrics.h"

#include <gtest/gtest.h>

#include "generator/test_util.h"

namespace vivace::generator {
namespace {

using testutil::LastValues;
using testutil::TestSpan;

constexpr int64_t kNow = 1'700'000'040'000;

class SpanMetricsTest : public ::testing::Test {
 protected:
  std::map<std::string, double> Process(config::SpanMetricsConfig cfg,
                                        const std::vector<TestSpan>& spans,
                                        SpanMetricsProcessor::Subprocessors sub = {}) {
    RegistryOptions o;
    o.external_labels = {{"__metrics_gen_instance", "h"}};
    registry_ = std::make_unique<Registry>(o);
    auto p = SpanMetricsProcessor::Create(std::move(cfg), sub, registry_.get(), &filtered_);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    (*p)->set_now_ms(kNow);
    SpanReader reader;
    EXPECT_TRUE(reader.Read(testutil::Fragment(spans), **p).ok());
    processor_ = std::move(p).value();
    return LastValues(testutil::CollectAll(*registry_, kNow + 1));
  }

  metrics::Counter filtered_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<SpanMetricsProcessor> processor_;
};

TEST_F(SpanMetricsTest, IntrinsicDimensionsAndTempoNames) {
  TestSpan a{.service = "api", .kind = 2, .name = "GET /users", .status = 2};
  a.duration_ns = 300'000'000;
  TestSpan b = a;
  b.span = 2;
  auto v = Process({}, {a, b});
  const std::string rest =
      "service=\"api\",span_kind=\"SPAN_KIND_SERVER\",span_name=\"GET /users\","
      "status_code=\"STATUS_CODE_ERROR\"";
  const std::string labels = "__metrics_gen_instance=\"h\"," + rest;
  auto bucket = [&rest](const std::string& le) {
    return "traces_spanmetrics_latency_bucket{__metrics_gen_instance=\"h\",le=\"" + le + "\","
           + rest + "}";
  };
  EXPECT_EQ(v["traces_spanmetrics_calls_total{" + labels + "}"], 2);
  EXPECT_EQ(v["traces_spanmetrics_latency_count{" + labels + "}"], 2);
  EXPECT_DOUBLE_EQ(v["traces_spanmetrics_latency_sum{" + labels + "}"], 0.6);
  EXPECT_EQ(v[bucket("0.256")], 0);
  EXPECT_EQ(v[bucket("0.512")], 2);
  EXPECT_EQ(v[bucket("16.384")], 2);
  EXPECT_EQ(v[bucket("+Inf")], 2);
  EXPECT_GT(v["traces_spanmetrics_size_total{" + labels + "}"], 80);
  // 14 default buckets + +Inf, count and sum; calls; size.
  EXPECT_EQ(registry_->active_series(), 17U + 2U);
}

TEST_F(SpanMetricsTest, DimensionsMappingsAndCollisions) {
  config::SpanMetricsConfig cfg;
  cfg.intrinsic_span_kind = false;
  cfg.intrinsic_status_code = false;
  cfg.intrinsic_status_message = true;
  cfg.dimensions = {"http.method", "env", "status_code", "missing"};
  cfg.dimension_mappings = {{"route", {"http.route", "nope", "http.method"}, "|"}};
  TestSpan s{.service = "api", .name = "op", .status_message = "bad"};
  s.attrs = {
      {"http.method", "GET"}, {"http.route", "/x"}, {"env", "span-level"}, {"status_code", "500"}};
  s.resource_attrs = {{"env", "prod"}};  // resource attributes win
  auto v = Process(cfg, {s}, {.count = true, .latency = false, .size = false});
  ASSERT_EQ(v.size(), 1U);
  EXPECT_EQ(v.begin()->first,
            "traces_spanmetrics_calls_total{__metrics_gen_instance=\"h\",__status_code=\"500\","
            "env=\"prod\",http_method=\"GET\",route=\"/x|GET\",service=\"api\",span_name=\"op\","
            "status_message=\"bad\"}");
}

TEST_F(SpanMetricsTest, TargetInfoJobAndInstance) {
  config::SpanMetricsConfig cfg;
  cfg.enable_target_info = true;
  cfg.intrinsic_span_kind = cfg.intrinsic_status_code = cfg.intrinsic_span_name = false;
  cfg.target_info_excluded_dimensions = {"host.arch"};
  TestSpan s{.service = "api"};
  s.resource_attrs = {{"service.namespace", "shop"},
                      {"service.instance.id", "pod-1"},
                      {"k8s.pod.name", "pod-1"},
                      {"host.arch", "amd64"},
                      {"1bad", "x"}};
  auto v = Process(cfg, {s}, {.count = true, .latency = false, .size = false});
  EXPECT_EQ(v["traces_spanmetrics_calls_total{__metrics_gen_instance=\"h\",instance=\"pod-1\","
              "job=\"shop/api\",service=\"api\"}"],
            1);
  EXPECT_EQ(v["traces_target_info{__metrics_gen_instance=\"h\",instance=\"pod-1\",job=\"shop/api\","
              "k8s_pod_name=\"pod-1\"}"],
            1);
}

TEST_F(SpanMetricsTest, FilteredSpansAreCountedNotMeasured) {
  config::SpanMetricsConfig cfg;
  config::FilterPolicy p;
  p.exclude = {"strict", {{"kind", "SPAN_KIND_INTERNAL"}}};
  cfg.filter_policies = {p};
  auto v = Process(cfg, {{.service = "a", .kind = 1}, {.service = "a", .kind = 2}},
                   {.count = true, .latency = false, .size = false});
  EXPECT_EQ(v.size(), 1U);
  EXPECT_EQ(filtered_.Value(), 1);
}

TEST_F(SpanMetricsTest, SpanMultiplierFromTraceState) {
  config::SpanMetricsConfig cfg;
  cfg.enable_tracestate_span_multiplier = true;
  TestSpan s{.service = "a"};
  s.trace_state = "vendor=x,ot=th:8";  // threshold 0x80000000000000: 50% sampled
  auto v = Process(cfg, {s}, {.count = true, .latency = false, .size = false});
  ASSERT_EQ(v.size(), 1U);
  EXPECT_DOUBLE_EQ(v.begin()->second, 2.0);
}

TEST_F(SpanMetricsTest, SpansWithInvalidUtf8LabelsAreSkipped) {
  metrics::Counter invalid;
  RegistryOptions o;
  registry_ = std::make_unique<Registry>(o);
  auto p = SpanMetricsProcessor::Create({}, {}, registry_.get(), &filtered_);
  ASSERT_TRUE(p.ok());
  (*p)->set_invalid_utf8_counter(&invalid);
  SpanReader reader;
  TestSpan bad{.service = "api", .name = std::string("GET \xc3\x28")};
  TestSpan good{.service = "api", .name = "GET /ok \xc3\xa9"};
  ASSERT_TRUE(reader.Read(testutil::Fragment({bad, good}), **p).ok());
  auto v = LastValues(testutil::CollectAll(*registry_, kNow + 1));
  size_t calls = 0;
  for (const auto& [k, val] : v) {
    calls += k.rfind("traces_spanmetrics_calls_total", 0) == 0;
    EXPECT_EQ(k.find("\xc3\x28"), std::string::npos) << k;
  }
  EXPECT_EQ(calls, 1U);
  EXPECT_EQ(invalid.Value(), 1);
}

}  // namespace
}  // namespace vivace::generator
