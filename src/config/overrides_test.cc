#include "config/overrides.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"

namespace vivace::config {
namespace {

using ::testing::HasSubstr;

TEST(OverridesTest, ScopedMainConfig) {
  auto r = LoadFromYaml(
      "overrides:\n"
      "  per_tenant_override_period: 1m\n"
      "  defaults:\n"
      "    ingestion: {rate_strategy: global, max_traces_per_user: 5}\n"
      "    global: {max_bytes_per_trace: 7}\n"
      "    read: {left_pad_trace_ids: true, max_blocks_per_tag_values_query: 9}\n"
      "    compaction: {compaction_disabled: true}\n"
      "    metrics_generator:\n"
      "      processors: [host-info]\n"
      "      remote_write_headers: {Authorization: Bearer x}\n"
      "      processor: {span_metrics: {dimensions: [http.method]}}\n"
      "    storage:\n"
      "      parquet_dedicated_columns: [{name: k8s.pod.name, scope: resource}]\n",
      false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const OverridesConfig& o = r->config.overrides;
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(o.per_tenant_override_period, std::chrono::minutes(1));
  EXPECT_EQ(o.defaults.ingestion_rate_strategy, "global");
  EXPECT_EQ(o.defaults.ingestion_max_traces_per_user, 5);
  EXPECT_EQ(o.defaults.ingestion_rate_limit_bytes, 30'000'000);  // default kept
  EXPECT_EQ(o.defaults.global_max_bytes_per_trace, 7);
  EXPECT_TRUE(o.defaults.read_left_pad_trace_ids);
  EXPECT_EQ(o.defaults.read_max_blocks_per_tag_values_query, 9);
  EXPECT_TRUE(o.defaults.compaction_compaction_disabled);
  EXPECT_EQ(o.defaults.metrics_generator_processors, std::vector<std::string>{"host-info"});
  EXPECT_EQ(o.defaults.metrics_generator_remote_write_headers.at("Authorization"), "Bearer x");
  ASSERT_EQ(o.defaults.storage_parquet_dedicated_columns.size(), 1U);
  EXPECT_EQ(o.defaults.storage_parquet_dedicated_columns[0].scope, "resource");
  EXPECT_EQ(o.defaults.storage_parquet_dedicated_columns[0].type, "string");
}

TEST(OverridesTest, LegacyMainConfigIsMappedWithAWarning) {
  auto r = LoadFromYaml(
      "overrides:\n"
      "  ingestion_rate_strategy: global\n"
      "  ingestion_rate_limit_bytes: 100\n"
      "  ingestion_burst_size_bytes: 200\n"
      "  max_traces_per_user: 3\n"
      "  max_bytes_per_trace: 4\n"
      "  block_retention: 2d\n"
      "  max_search_duration: 1h\n"
      "  metrics_generator_processors: [span-metrics]\n"
      "  metrics_generator_forwarder_queue_size: 10\n"
      "  metrics_generator_processor_span_metrics_dimensions: [a]\n"
      "  parquet_dedicated_columns: [{name: x}]\n"
      "  per_tenant_override_config: /etc/o.yaml\n",
      false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Limits& d = r->config.overrides.defaults;
  EXPECT_EQ(d.ingestion_rate_strategy, "global");
  EXPECT_EQ(d.ingestion_rate_limit_bytes, 100);
  EXPECT_EQ(d.ingestion_burst_size_bytes, 200);
  EXPECT_EQ(d.ingestion_max_traces_per_user, 3);
  EXPECT_EQ(d.global_max_bytes_per_trace, 4);
  EXPECT_EQ(d.compaction_block_retention, std::chrono::hours(48));
  EXPECT_EQ(d.read_max_search_duration, std::chrono::hours(1));
  EXPECT_EQ(d.metrics_generator_processors, std::vector<std::string>{"span-metrics"});
  EXPECT_EQ(d.storage_parquet_dedicated_columns.size(), 1U);
  EXPECT_EQ(r->config.overrides.per_tenant_override_config, "/etc/o.yaml");
  ASSERT_EQ(r->warnings.size(), 1U);
  EXPECT_THAT(r->warnings[0].message, HasSubstr("unscoped overrides are deprecated"));
}

TEST(OverridesTest, MainConfigErrors) {
  auto mixed = LoadFromYaml("overrides:\n  defaults: {}\n  max_traces_per_user: 1\n", false);
  ASSERT_FALSE(mixed.ok());
  EXPECT_THAT(std::string(mixed.status().message()), HasSubstr("cannot be mixed"));
  auto unknown = LoadFromYaml("overrides:\n  max_trace_per_user: 1\n", false);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("unknown key \"overrides.max_trace_per_user\""));
  auto processor = LoadFromYaml(
      "overrides:\n  defaults:\n    metrics_generator: {processors: [spam-metrics]}\n", false);
  ASSERT_FALSE(processor.ok());
}

TEST(OverridesTest, PerTenantEntriesReplaceDefaultsWholesale) {
  Limits defaults;
  defaults.ingestion_rate_strategy = "global";
  defaults.ingestion_rate_limit_bytes = 123;
  defaults.compaction_block_retention = std::chrono::hours(1);
  std::vector<ConfigWarning> warnings;
  auto r = LoadPerTenantOverrides(
      "overrides:\n"
      "  \"tenant-a\":\n"
      "    ingestion: {burst_size_bytes: 12000000, max_traces_per_user: 20000}\n"
      "    compaction: {block_retention: 72h}\n"
      "    metrics_generator: {processors: [span-metrics, local-blocks]}\n"
      "  \"tenant-b\":\n"
      "    ingestion_rate_limit_bytes: 5\n"
      "    max_bytes_per_trace: 6\n"
      "  \"*\":\n"
      "    global: {max_bytes_per_trace: 5000000}\n",
      defaults, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3U);
  const Limits& a = r->at("tenant-a");
  EXPECT_EQ(a.ingestion_burst_size_bytes, 12'000'000);
  EXPECT_EQ(a.ingestion_max_traces_per_user, 20000);
  EXPECT_EQ(a.ingestion_rate_limit_bytes, 0);  // not merged with the defaults
  EXPECT_FALSE(a.ingestion_retry_info_enabled);
  EXPECT_EQ(a.global_max_bytes_per_trace, 0);
  EXPECT_EQ(a.compaction_block_retention, std::chrono::hours(72));
  EXPECT_EQ(a.ingestion_rate_strategy, "global");  // always from the defaults
  EXPECT_EQ(a.metrics_generator_processors, std::vector<std::string>{"span-metrics"});
  const Limits& b = r->at("tenant-b");
  EXPECT_EQ(b.ingestion_rate_limit_bytes, 5);
  EXPECT_EQ(b.global_max_bytes_per_trace, 6);
  EXPECT_EQ(r->at("*").global_max_bytes_per_trace, 5'000'000);
  EXPECT_EQ(warnings.size(), 2U);  // tenant-b legacy, local-blocks

  OverridesConfig o;
  o.defaults = defaults;
  o.per_tenant = *r;
  EXPECT_EQ(&LimitsForTenant(o, "tenant-a"), &o.per_tenant.at("tenant-a"));
  EXPECT_EQ(&LimitsForTenant(o, "other"), &o.per_tenant.at("*"));
  o.per_tenant.erase("*");
  EXPECT_EQ(&LimitsForTenant(o, "other"), &o.defaults);
}

TEST(OverridesTest, PerTenantErrors) {
  Limits defaults;
  for (std::string_view bad :
       {"overrides:\n  t:\n    ingestion: {rate_limit_bytes: lots}\n",
        "overrides:\n  t:\n    ingestion: {rate_limt_bytes: 1}\n", "limits:\n  t: {}\n",
        "overrides: [a]\n", "overrides:\n  t: 5\n", "overrides: {t: {}}\noverrides: {u: {}}\n",
        "overrides:\n  t: [\n"}) {
    auto r = LoadPerTenantOverrides(bad, defaults);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_THAT(std::string(r.status().message()), HasSubstr("line ")) << bad;
    }
  }
  auto empty = LoadPerTenantOverrides("", defaults);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace vivace::config
