#include "generator/host_info.h"

#include <gtest/gtest.h>

#include "generator/test_util.h"

namespace vivace::generator {
namespace {

using testutil::TestSpan;

constexpr int64_t kNow = 1'700'000'040'000;

std::map<std::string, double> RunHostInfo(config::HostInfoConfig cfg, const std::vector<TestSpan>& spans) {
  Registry registry(RegistryOptions{});
  metrics::Counter invalid;
  HostInfoProcessor p(std::move(cfg), &registry, &invalid);
  p.set_now_ms(kNow);
  SpanReader reader;
  EXPECT_TRUE(reader.Read(testutil::Fragment(spans), p).ok());
  return testutil::LastValues(testutil::CollectAll(registry, kNow + 1));
}

TEST(HostInfoTest, FirstIdentifierOfEachResource) {
  TestSpan node{.service = "a", .resource_attrs = {{"host.id", "h-1"}, {"k8s.node.name", "n-1"}}};
  TestSpan host{.service = "b", .resource_attrs = {{"host.id", "h-2"}}};
  TestSpan none{.service = "c"};
  auto v = RunHostInfo({}, {node, host, none, host});
  ASSERT_EQ(v.size(), 2U);
  EXPECT_EQ(v["traces_host_info{grafana_host_id=\"n-1\",host_source=\"k8s.node.name\"}"], 1);
  EXPECT_EQ(v["traces_host_info{grafana_host_id=\"h-2\",host_source=\"host.id\"}"], 1);
}

TEST(HostInfoTest, ConfiguredIdentifiersAndMetricName) {
  config::HostInfoConfig cfg;
  cfg.host_identifiers = {"host.name"};
  cfg.metric_name = "my_hosts";
  TestSpan s{.service = "a", .resource_attrs = {{"host.name", "box"}, {"host.id", "h-1"}}};
  auto v = RunHostInfo(cfg, {s});
  ASSERT_EQ(v.size(), 1U);
  EXPECT_EQ(v["my_hosts{grafana_host_id=\"box\",host_source=\"host.name\"}"], 1);
}

}  // namespace
}  // namespace vivace::generator
