#include "config/generator_config.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace vivace::config {
namespace {

TEST(GeneratorConfigTest, ProcessorBlocksAreBound) {
  auto r = LoadFromYaml(
      "metrics_generator:\n"
      "  registry: {collection_interval: 5s, external_labels: {cluster: c1}}\n"
      "  storage:\n"
      "    path: /tmp/gen\n"
      "    remote_write:\n"
      "      - url: http://127.0.0.1:9090/api/v1/write\n"
      "        queue_config: {capacity: 100, max_shards: 2, min_backoff: 10ms, "
      "retry_on_http_429: true}\n"
      "  processor:\n"
      "    span_metrics:\n"
      "      dimensions: [http.method]\n"
      "      intrinsic_dimensions: {status_message: true, span_kind: false}\n"
      "      histogram_buckets: [0.1, 1]\n"
      "      enable_target_info: true\n"
      "      dimension_mappings: [{name: foo, source_labels: [a, b], join: '-'}]\n"
      "      filter_policies:\n"
      "        - include:\n"
      "            match_type: strict\n"
      "            attributes: [{key: kind, value: SPAN_KIND_SERVER}, {key: span.x, value: 3}]\n"
      "          exclude: {match_type: regex, attributes: [{key: name, value: 'health.*'}]}\n"
      "    service_graphs:\n"
      "      wait: 3s\n"
      "      max_items: 7\n"
      "      dimensions: [env]\n"
      "      enable_virtual_node_label: true\n",
      false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const MetricsGeneratorConfig& g = r->config.metrics_generator;
  EXPECT_EQ(g.registry_collection_interval, std::chrono::seconds(5));
  ASSERT_EQ(g.storage_remote_write.size(), 1U);
  EXPECT_EQ(g.storage_remote_write[0].queue.capacity, 100);
  EXPECT_EQ(g.storage_remote_write[0].queue.max_shards, 2);
  EXPECT_EQ(g.storage_remote_write[0].queue.min_backoff, std::chrono::milliseconds(10));
  EXPECT_TRUE(g.storage_remote_write[0].queue.retry_on_http_429);
  EXPECT_EQ(g.storage_remote_write[0].queue.max_samples_per_send, 2000);
  const SpanMetricsConfig& sm = g.span_metrics;
  EXPECT_EQ(sm.dimensions, std::vector<std::string>{"http.method"});
  EXPECT_TRUE(sm.intrinsic_status_message);
  EXPECT_FALSE(sm.intrinsic_span_kind);
  EXPECT_TRUE(sm.intrinsic_service);
  EXPECT_EQ(sm.histogram_buckets, (std::vector<double>{0.1, 1}));
  EXPECT_TRUE(sm.enable_target_info);
  ASSERT_EQ(sm.dimension_mappings.size(), 1U);
  EXPECT_EQ(sm.dimension_mappings[0].join, "-");
  EXPECT_EQ(sm.dimension_mappings[0].source_labels, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(sm.filter_policies.size(), 1U);
  EXPECT_EQ(sm.filter_policies[0].include.match_type, "strict");
  ASSERT_EQ(sm.filter_policies[0].include.attributes.size(), 2U);
  EXPECT_EQ(sm.filter_policies[0].include.attributes[1].key, "span.x");
  EXPECT_EQ(sm.filter_policies[0].include.attributes[1].value, "3");
  EXPECT_EQ(sm.filter_policies[0].exclude.match_type, "regex");
  const ServiceGraphsConfig& sg = g.service_graphs;
  EXPECT_EQ(sg.wait, std::chrono::seconds(3));
  EXPECT_EQ(sg.max_items, 7);
  EXPECT_EQ(sg.dimensions, std::vector<std::string>{"env"});
  EXPECT_TRUE(sg.enable_virtual_node_label);
  EXPECT_EQ(sg.peer_attributes.size(), 4U);
}

TEST(GeneratorConfigTest, PerTenantProcessorOverrides) {
  auto r = LoadFromYaml(
      "overrides:\n"
      "  defaults:\n"
      "    metrics_generator:\n"
      "      processors: [span-metrics, service-graphs]\n"
      "      processor:\n"
      "        span_metrics:\n"
      "          dimensions: [a]\n"
      "          intrinsic_dimensions: {span_kind: false}\n"
      "          enable_target_info: true\n"
      "        service_graphs:\n"
      "          dimensions: [b]\n"
      "          enable_client_server_prefix: true\n",
      false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Limits& d = r->config.overrides.defaults;
  EXPECT_EQ(d.metrics_generator_span_metrics.dimensions, std::vector<std::string>{"a"});
  EXPECT_TRUE(d.metrics_generator_span_metrics.intrinsic_span_kind_set);
  EXPECT_FALSE(d.metrics_generator_span_metrics.intrinsic_span_kind);
  EXPECT_FALSE(d.metrics_generator_span_metrics.intrinsic_service_set);
  EXPECT_TRUE(d.metrics_generator_span_metrics.enable_target_info_set);
  EXPECT_TRUE(d.metrics_generator_span_metrics.enable_target_info);
  EXPECT_EQ(d.metrics_generator_service_graphs.dimensions, std::vector<std::string>{"b"});
  EXPECT_TRUE(d.metrics_generator_service_graphs.enable_client_server_prefix_set);
}

TEST(GeneratorConfigTest, LegacyFlatOverridesKeepNestedIntrinsicDimensions) {
  auto r = LoadFromYaml(
      "overrides:\n"
      "  metrics_generator_processors: [span-metrics]\n"
      "  metrics_generator_processor_span_metrics_intrinsic_dimensions: {status_message: true}\n"
      "  metrics_generator_processor_service_graphs_dimensions: [x]\n",
      false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Limits& d = r->config.overrides.defaults;
  EXPECT_TRUE(d.metrics_generator_span_metrics.intrinsic_status_message_set);
  EXPECT_TRUE(d.metrics_generator_span_metrics.intrinsic_status_message);
  EXPECT_EQ(d.metrics_generator_service_graphs.dimensions, std::vector<std::string>{"x"});
}

TEST(GeneratorConfigTest, WrongTypesAreRejected) {
  auto r =
      LoadFromYaml("metrics_generator: {processor: {service_graphs: {max_items: lots}}}\n", false);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace vivace::config
