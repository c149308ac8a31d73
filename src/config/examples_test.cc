// The example files of the spec (§2.16, §2.17, §2.18) and config/local.yaml: they must load,
// with the values and warnings an operator expects. The same files seed the fuzzer corpus.

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"

namespace vivace::config {
namespace {

using ::testing::UnorderedElementsAre;

std::string ReadSourceFile(const std::string& rel) {
  const char* root = std::getenv("VV_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
  std::string path = std::string(root != nullptr ? root : ".") + "/" + rel;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Messages(const LoadedConfig& c) {
  std::vector<std::string> out;
  for (const ConfigWarning& w : c.warnings) {
    out.push_back(w.message);
  }
  return out;
}

TEST(ExamplesTest, ExampleAMonolithic) {
  auto r = LoadFromYaml(ReadSourceFile("fuzz/corpus/config/example_a.yaml"), false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = r->config;
  EXPECT_TRUE(r->warnings.empty()) << r->warnings.front().message;
  EXPECT_EQ(c.target, "all");
  EXPECT_TRUE(c.stream_over_http_enabled);
  EXPECT_TRUE(c.distributor.receivers.otlp_grpc.enabled);
  EXPECT_EQ(c.distributor.receivers.otlp_grpc.endpoint, "0.0.0.0:4317");
  EXPECT_EQ(c.distributor.receivers.otlp_http.endpoint, "0.0.0.0:4318");
  EXPECT_TRUE(c.distributor.receivers.zipkin.enabled);
  EXPECT_FALSE(c.distributor.receivers.jaeger_grpc.enabled);
  EXPECT_FALSE(c.distributor.receivers.defaulted);
  EXPECT_EQ(c.EffectiveWalPath(), "/data/tempo/live-store");
  EXPECT_EQ(c.storage.local_path, "/data/tempo/blocks");
  EXPECT_EQ(c.storage.wal_path, "/data/tempo/wal");
  EXPECT_EQ(c.compaction.block_retention, std::chrono::hours(168));
  EXPECT_EQ(c.metrics_generator.registry_external_labels.at("source"), "tempo");
  ASSERT_EQ(c.metrics_generator.storage_remote_write.size(), 1U);
  EXPECT_EQ(c.metrics_generator.storage_remote_write[0].url, "http://prometheus:9090/api/v1/write");
  EXPECT_TRUE(c.metrics_generator.storage_remote_write[0].send_exemplars);
  EXPECT_EQ(c.overrides.defaults.ingestion_rate_limit_bytes, 20'000'000);
  EXPECT_EQ(c.overrides.defaults.ingestion_burst_size_bytes, 30'000'000);
  EXPECT_EQ(c.overrides.defaults.metrics_generator_processors,
            (std::vector<std::string>{"span-metrics", "service-graphs"}));
}

TEST(ExamplesTest, ExampleBMicroservices) {
  auto lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "KAFKA_PASSWORD") {
      return "hunter2";
    }
    return std::nullopt;
  };
  auto r = LoadFromYaml(ReadSourceFile("fuzz/corpus/config/example_b.yaml"), true, lookup);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = r->config;
  EXPECT_TRUE(r->warnings.empty()) << r->warnings.front().message;
  EXPECT_TRUE(c.multitenancy_enabled);
  EXPECT_EQ(c.ingest_kafka.address, "kafka.tracing.svc:9092");
  EXPECT_EQ(c.ingest_kafka.sasl_password, "hunter2");
  EXPECT_EQ(c.live_store.complete_block_timeout, std::chrono::minutes(30));
  EXPECT_EQ(c.querier.frontend_address, "query-frontend-headless.tracing.svc:9095");
  EXPECT_EQ(c.query_frontend.search.target_bytes_per_job, 52428800);
  EXPECT_EQ(c.backend_worker.backend_scheduler_addr, "backend-scheduler.tracing.svc:9095");
  EXPECT_EQ(c.compaction.block_retention, std::chrono::hours(720));
  ASSERT_EQ(c.cache.caches.size(), 3U);
  EXPECT_TRUE(c.cache.caches[0].has_memcached);
  EXPECT_EQ(c.cache.caches[0].memcached.timeout, std::chrono::milliseconds(200));
  EXPECT_EQ(c.cache.caches[1].memcached.max_item_size, 4194304);
  EXPECT_TRUE(c.cache.caches[2].has_redis);
  EXPECT_EQ(c.cache.caches[2].redis.ttl, std::chrono::minutes(10));
  EXPECT_EQ(c.storage.backend, "s3");
  EXPECT_EQ(c.storage.s3.bucket, "tempo-traces");
  EXPECT_EQ(c.storage.s3.region, "eu-west-1");
  EXPECT_EQ(c.overrides.per_tenant_override_config, "/etc/tempo-runtime/overrides.yaml");
  EXPECT_EQ(c.overrides.defaults.ingestion_rate_strategy, "global");
  EXPECT_EQ(c.overrides.defaults.global_max_bytes_per_trace, 10'000'000);
}

TEST(ExamplesTest, Tempo2xFileLoadsWithOneWarningPerKey) {
  auto r = LoadFromYaml(ReadSourceFile("fuzz/corpus/config/tempo_2x.yaml"), false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = r->config;
  EXPECT_EQ(c.live_store.max_trace_idle, std::chrono::seconds(10));
  EXPECT_EQ(c.live_store.max_block_duration, std::chrono::minutes(5));
  EXPECT_EQ(c.compaction.block_retention, std::chrono::hours(48));
  EXPECT_EQ(c.compaction.compacted_block_retention, std::chrono::hours(1));
  EXPECT_EQ(c.storage.block.version, "vParquet3");
  EXPECT_EQ(c.EffectiveWalPath(), "/var/tempo/wal");
  EXPECT_TRUE(c.distributor.receivers.otlp_grpc.enabled);
  EXPECT_TRUE(c.distributor.receivers.otlp_http.enabled);
  EXPECT_TRUE(c.distributor.receivers.jaeger_thrift_http.enabled);
  EXPECT_EQ(c.overrides.defaults.global_max_bytes_per_trace, 5'000'000);
  EXPECT_EQ(c.overrides.defaults.metrics_generator_processors,
            (std::vector<std::string>{"service-graphs", "span-metrics"}));
  EXPECT_THAT(
      Messages(*r),
      UnorderedElementsAre(
          "\"ingester.trace_idle_period\" is a Tempo 2.x setting, mapped to "
          "\"live_store.max_trace_idle\"",
          "\"ingester.max_block_duration\" is a Tempo 2.x setting, mapped to "
          "\"live_store.max_block_duration\"",
          "\"ingester.lifecycler\" is a Tempo 2.x setting, ignored",
          "\"compactor.compaction\" is a Tempo 2.x setting, mapped to "
          "\"backend_worker.compaction\"",
          "\"metrics_generator.traces_storage\" is a Tempo 2.x setting, ignored",
          "\"metrics_generator.processor.local_blocks\" is a Tempo 2.x setting, ignored",
          "\"query_frontend.search.query_ingesters_until\" is a Tempo 2.x setting, ignored",
          "\"storage.trace.wal.v2_encoding\" is a Tempo 2.x setting, ignored",
          "\"storage.trace.block.v2_encoding\" is a Tempo 2.x setting, ignored",
          "Inline, unscoped overrides are deprecated",
          "overrides.defaults.metrics_generator.processors: processor \"local-blocks\" is a "
          "Tempo 2.x processor, ignored"));
}

TEST(ExamplesTest, LocalYamlLoadsWithoutWarnings) {
  auto r = LoadFromYaml(ReadSourceFile("config/local.yaml"), false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->warnings.empty()) << r->warnings.front().message;
  const Config& c = r->config;
  EXPECT_EQ(c.target, "all");
  EXPECT_TRUE(c.distributor.receivers.otlp_grpc.enabled);
  EXPECT_EQ(c.distributor.receivers.otlp_grpc.endpoint, "localhost:4317");
  EXPECT_TRUE(c.distributor.receivers.otlp_http.enabled);
  EXPECT_EQ(c.distributor.receivers.otlp_http.endpoint, "localhost:4318");
  EXPECT_EQ(c.storage.backend, "local");
  EXPECT_EQ(c.storage.local_path, "./data/blocks");
  EXPECT_EQ(c.storage.wal_path, "./data/wal");
  EXPECT_EQ(c.EffectiveWalPath(), "./data/live-store");
}

}  // namespace
}  // namespace vivace::config
