#include "config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vivace::config {
namespace {

using ::testing::HasSubstr;

LoadedConfig Load(std::string_view yaml) {
  auto r = LoadFromYaml(yaml, false);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : LoadedConfig{};
}

std::string Error(std::string_view yaml) {
  auto r = LoadFromYaml(yaml, false);
  EXPECT_FALSE(r.ok()) << yaml;
  return r.ok() ? "" : std::string(r.status().message());
}

bool HasWarning(const LoadedConfig& c, std::string_view text) {
  for (const ConfigWarning& w : c.warnings) {
    if (w.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(LoaderTest, NoConfigIsAllDefaults) {
  for (std::string_view empty : {"", "# just a comment\n", "---\n"}) {
    LoadedConfig c = Load(empty);
    EXPECT_TRUE(c.warnings.empty()) << c.warnings.front().message;
    EXPECT_EQ(c.config.target, "all");
    EXPECT_EQ(c.config.server.http_listen_port, 3200);
    EXPECT_EQ(c.config.server.grpc_listen_port, 9095);
    EXPECT_EQ(c.config.live_store.max_trace_idle, std::chrono::seconds(5));
    EXPECT_EQ(c.config.storage.blocklist_poll, std::chrono::minutes(5));
    EXPECT_EQ(c.config.storage.block.version, "vParquet4");
    EXPECT_EQ(c.config.overrides.defaults.ingestion_rate_limit_bytes, 30'000'000);
    EXPECT_TRUE(c.config.distributor.receivers.defaulted);
    EXPECT_EQ(c.config.distributor.receivers.otlp_grpc.endpoint, "localhost:4317");
    EXPECT_EQ(c.config.EffectiveWalPath(), "/var/tempo/live-store/traces");
  }
}

TEST(LoaderTest, UnknownKeyNamesPathAndLine) {
  std::string err = Error(
      "server:\n"
      "  http_listen_port: 3200\n"
      "distributor:\n"
      "  recievers:\n"
      "    otlp: {}\n");
  EXPECT_THAT(err, HasSubstr("failed parsing config"));
  EXPECT_THAT(err, HasSubstr("line 4"));
  EXPECT_THAT(err, HasSubstr("unknown key \"distributor.recievers\""));

  err = Error("storage:\n  trace:\n    backend: local\n    s3:\n      bukket: x\n");
  EXPECT_THAT(err, HasSubstr("line 5"));
  EXPECT_THAT(err, HasSubstr("\"storage.trace.s3.bukket\""));

  EXPECT_THAT(Error("nope: 1\n"), HasSubstr("unknown key \"nope\""));
  EXPECT_THAT(Error("overrides:\n  defaults:\n    ingestion:\n      rate_limt_bytes: 1\n"),
              HasSubstr("unknown key \"overrides.defaults.ingestion.rate_limt_bytes\""));
  EXPECT_THAT(Error("metrics_generator:\n  storage:\n    remote_write:\n      - url: x\n"
                    "        urll: y\n"),
              HasSubstr("\"metrics_generator.storage.remote_write[0].urll\""));
}

TEST(LoaderTest, WrongTypesNamePathAndLine) {
  std::string err = Error("server:\n  http_listen_port: abc\n");
  EXPECT_THAT(err, HasSubstr("line 2"));
  EXPECT_THAT(err, HasSubstr("\"server.http_listen_port\""));
  EXPECT_THAT(err, HasSubstr("integer"));

  EXPECT_THAT(Error("multitenancy_enabled: maybe\n"), HasSubstr("boolean"));
  EXPECT_THAT(Error("storage:\n  trace:\n    blocklist_poll: soon\n"),
              HasSubstr("\"storage.trace.blocklist_poll\""));
  EXPECT_THAT(Error("server: [1, 2]\n"), HasSubstr("expected a map"));
  EXPECT_THAT(Error("query_frontend:\n  url_deny_list: {a: b}\n"), HasSubstr("expected a list"));
  EXPECT_THAT(Error("server:\n  http_listen_port: {a: 1}\n"), HasSubstr("got a map"));
  EXPECT_THAT(Error("server:\n  http_listen_port: 99999999999\n"), HasSubstr("out of range"));
  EXPECT_THAT(Error("- a\n- b\n"), HasSubstr("expected a map"));
  EXPECT_THAT(Error("server:\n  http_listen_port: 1\n  http_listen_port: 2\n"),
              HasSubstr("already set"));
}

TEST(LoaderTest, DurationsAndSizes) {
  LoadedConfig c = Load(
      "live_store:\n"
      "  max_trace_idle: 1m30s\n"
      "  max_block_bytes: 5_000_000\n"
      "overrides:\n"
      "  defaults:\n"
      "    ingestion: {rate_limit_bytes: 15e6}\n"
      "    compaction: {block_retention: 14d}\n"
      "    read: {max_search_duration: 1w}\n");
  EXPECT_EQ(c.config.live_store.max_trace_idle, std::chrono::seconds(90));
  EXPECT_EQ(c.config.live_store.max_block_bytes, 5'000'000);
  EXPECT_EQ(c.config.overrides.defaults.ingestion_rate_limit_bytes, 15'000'000);
  EXPECT_EQ(c.config.overrides.defaults.compaction_block_retention, std::chrono::hours(14 * 24));
  EXPECT_EQ(c.config.overrides.defaults.read_max_search_duration, std::chrono::hours(7 * 24));
  // Days are only valid in the overrides' Prometheus durations.
  EXPECT_THAT(Error("backend_worker:\n  compaction:\n    block_retention: 14d\n"),
              HasSubstr("backend_worker.compaction.block_retention"));
}

TEST(LoaderTest, EmptyValuesKeepDefaults) {
  LoadedConfig c = Load("server:\n  http_listen_port:\nlive_store:\n");
  EXPECT_EQ(c.config.server.http_listen_port, 3200);
}

TEST(LoaderTest, ReceiversFollowTheCollectorLayout) {
  LoadedConfig c = Load(
      "distributor:\n"
      "  receivers:\n"
      "    otlp:\n"
      "      protocols:\n"
      "        grpc:\n"
      "        http:\n"
      "          endpoint: 0.0.0.0:4318\n"
      "          cors: {allowed_origins: ['*']}\n"
      "    jaeger:\n"
      "      protocols:\n"
      "        thrift_compact: {max_packet_size: 1000, workers: 3, queue_size: 7}\n"
      "    zipkin:\n");
  const ReceiversConfig& r = c.config.distributor.receivers;
  EXPECT_FALSE(r.defaulted);
  EXPECT_TRUE(r.otlp_grpc.enabled);
  EXPECT_EQ(r.otlp_grpc.endpoint, "localhost:4317");
  EXPECT_TRUE(r.otlp_http.enabled);
  EXPECT_EQ(r.otlp_http.endpoint, "0.0.0.0:4318");
  EXPECT_FALSE(r.jaeger_grpc.enabled);
  EXPECT_TRUE(r.jaeger_thrift_compact.enabled);
  EXPECT_EQ(r.jaeger_thrift_compact.max_packet_size, 1000);
  EXPECT_EQ(r.jaeger_thrift_compact.workers, 3);
  EXPECT_EQ(r.jaeger_thrift_compact.queue_size, 7);
  EXPECT_TRUE(r.zipkin.enabled);
  EXPECT_EQ(r.zipkin.endpoint, "localhost:9411");

  EXPECT_TRUE(Load("distributor:\n  receivers: {}\n").config.distributor.receivers.defaulted);
  EXPECT_THAT(Error("distributor:\n  receivers:\n    otlp:\n      protocols:\n        grcp:\n"),
              HasSubstr("distributor.receivers.otlp.protocols.grcp"));
}

TEST(LoaderTest, AuthEnabledIsAnAliasOfMultitenancy) {
  LoadedConfig c = Load("auth_enabled: true\nmultitenancy_enabled: false\n");
  EXPECT_TRUE(c.config.multitenancy_enabled);
  EXPECT_TRUE(HasWarning(c, "auth_enabled"));
  EXPECT_FALSE(Load("auth_enabled: false\n").config.multitenancy_enabled);
}

TEST(LoaderTest, Targets) {
  EXPECT_EQ(Load("target: querier\nquerier:\n  frontend_worker:\n    frontend_address: f:9095\n")
                .config.target,
            "querier");
  LoadedConfig ssb = Load("target: scalable-single-binary\n");
  EXPECT_EQ(ssb.config.target, "all");
  EXPECT_TRUE(HasWarning(ssb, "scalable-single-binary"));
  EXPECT_TRUE(HasWarning(Load("target: compactor\n"), "compactor"));
  EXPECT_THAT(Error("target: everything\n"), HasSubstr("unrecognised module name"));
  EXPECT_THAT(Error("target: querier\n"), HasSubstr("frontend_address"));
}

TEST(LoaderTest, ValidationErrors) {
  EXPECT_THAT(Error("server:\n  http_listen_port: -1\n"), HasSubstr("invalid port"));
  EXPECT_THAT(Error("server:\n  grpc_listen_port: 70000\n"), HasSubstr("invalid port"));
  EXPECT_THAT(Error("server:\n  log_level: loud\n"), HasSubstr("log level"));
  EXPECT_THAT(Error("server:\n  log_format: xml\n"), HasSubstr("log format"));
  EXPECT_THAT(Error("storage:\n  trace:\n    block:\n      version: vParquet9\n"),
              HasSubstr("is not a valid block version"));
  EXPECT_THAT(Error("storage:\n  trace:\n    backend: ftp\n"), HasSubstr("unknown backend"));
  EXPECT_THAT(Error("http_api_prefix: tempo\n"), HasSubstr("must start with /"));
  EXPECT_THAT(Error("overrides:\n  defaults:\n    ingestion: {rate_strategy: both}\n"),
              HasSubstr("rate_strategy"));
  EXPECT_THAT(Error("cache:\n  caches:\n    - roles: [bloom]\n      memcached: {}\n"
                    "    - roles: [bloom]\n      redis: {}\n"),
              HasSubstr("more than one cache"));
  EXPECT_THAT(Error("storage:\n  trace:\n    block:\n      parquet_dedicated_columns:\n"
                    "        - {name: a, type: float}\n"),
              HasSubstr("invalid type"));
}

TEST(LoaderTest, OldBlockVersionsAreMappedWithAWarning) {
  LoadedConfig c = Load("storage:\n  trace:\n    block:\n      version: vParquet2\n");
  EXPECT_EQ(c.config.storage.block.version, "vParquet3");
  EXPECT_TRUE(HasWarning(c, "vParquet2"));
  EXPECT_EQ(Load("storage:\n  trace:\n    block:\n      version: vParquet5\n")
                .config.storage.block.version,
            "vParquet5");
}

TEST(LoaderTest, ConfigWarnings) {
  LoadedConfig c = Load(
      "live_store:\n  complete_block_timeout: 1m\n"
      "distributor:\n  log_received_spans: {enabled: true}\n"
      "storage:\n  trace:\n    blocklist_poll_concurrency: 0\n"
      "query_frontend:\n  rf1_after: 1h\n"
      "block_builder:\n  partitions_per_instance: 1\n  assigned_partitions: {a: [0]}\n");
  EXPECT_TRUE(HasWarning(c, "live_store.complete_block_timeout < storage.trace.blocklist_poll"));
  EXPECT_TRUE(HasWarning(c, "Span logging is enabled"));
  EXPECT_TRUE(HasWarning(c, "blocklist_poll_concurrency"));
  EXPECT_TRUE(HasWarning(c, "rf1_after"));
  EXPECT_TRUE(HasWarning(c, "assigned_partitions"));
  EXPECT_EQ(c.config.storage.blocklist_poll_concurrency, 50);
  EXPECT_TRUE(HasWarning(Load("target: distributor\n"), "Local backend"));
}

TEST(LoaderTest, LiveStoreWinsOver2xIngesterKeys) {
  LoadedConfig c = Load(
      "ingester:\n  trace_idle_period: 10s\n  max_block_duration: 5m\n"
      "live_store:\n  max_trace_idle: 3s\n");
  EXPECT_EQ(c.config.live_store.max_trace_idle, std::chrono::seconds(3));
  EXPECT_EQ(c.config.live_store.max_block_duration, std::chrono::minutes(5));
  EXPECT_EQ(c.warnings.size(), 2U);
}

TEST(LoaderTest, CompactionBlocksMergeByPriority) {
  LoadedConfig c = Load(
      "compactor:\n  compaction: {block_retention: 48h, compaction_window: 2h, "
      "max_block_bytes: 10}\n"
      "backend_scheduler:\n  provider:\n    compaction:\n      compaction: {compaction_window: "
      "3h}\n"
      "backend_worker:\n  compaction: {max_block_bytes: 20}\n");
  EXPECT_EQ(c.config.compaction.block_retention, std::chrono::hours(48));
  EXPECT_EQ(c.config.compaction.compaction_window, std::chrono::hours(3));
  EXPECT_EQ(c.config.compaction.max_block_bytes, 20);
  EXPECT_EQ(c.warnings.size(), 1U);
}

TEST(LoaderTest, WalPaths) {
  LoadedConfig c = Load("storage:\n  trace:\n    wal: {path: /data/wal}\n");
  EXPECT_TRUE(c.config.storage.wal_path_set);
  EXPECT_FALSE(c.config.live_store.wal_path_set);
  EXPECT_EQ(c.config.EffectiveWalPath(), "/data/wal");
  c = Load("storage:\n  trace:\n    wal: {path: /data/wal}\nlive_store:\n  wal: {path: /ls}\n");
  EXPECT_TRUE(c.config.live_store.wal_path_set);
  EXPECT_EQ(c.config.EffectiveWalPath(), "/ls");
}

TEST(LoaderTest, LegacyStorageCacheIsTranslated) {
  LoadedConfig c = Load(
      "storage:\n  trace:\n    cache: memcached\n"
      "    memcached: {addresses: 'dns+memcached:11211', timeout: 500ms}\n"
      "    search: {cache_control: {footer: true}}\n");
  ASSERT_EQ(c.config.cache.caches.size(), 1U);
  const CacheEntry& e = c.config.cache.caches[0];
  EXPECT_TRUE(e.has_memcached);
  EXPECT_EQ(e.memcached.addresses, "dns+memcached:11211");
  EXPECT_EQ(e.memcached.timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(e.roles, (std::vector<std::string>{"bloom", "trace-id-index", "parquet-footer"}));
  EXPECT_TRUE(HasWarning(c, "storage.trace.cache is deprecated"));
}

TEST(LoaderTest, EnvExpansion) {
  auto lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "PORT") {
      return "4000";
    }
    return std::nullopt;
  };
  auto r = LoadFromYaml("server:\n  http_listen_port: ${PORT}\n  grpc_listen_port: ${G:-9000}\n",
                        true, lookup);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.server.http_listen_port, 4000);
  EXPECT_EQ(r->config.server.grpc_listen_port, 9000);
  // Without expansion the text is used verbatim.
  auto verbatim = LoadFromYaml("http_api_prefix: /${X}\n", false, lookup);
  ASSERT_TRUE(verbatim.ok());
  EXPECT_EQ(verbatim->config.http_api_prefix, "/${X}");
  auto bad = LoadFromYaml("http_api_prefix: ${X\n", true, lookup);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("failed to expand env vars"));
}

TEST(LoaderTest, HostileInputsAreErrors) {
  EXPECT_THAT(Error(std::string(5000, '[')), HasSubstr("nested"));
  EXPECT_THAT(Error(std::string(5000, '{')), HasSubstr("nested"));
  EXPECT_FALSE(LoadFromYaml("a: [\n", false).ok());
  EXPECT_FALSE(LoadFromYaml("a: 'unterminated\n", false).ok());
  EXPECT_FALSE(LoadFromYaml(std::string("server: \0\x01\xff", 11), false).ok());
  // Aliases are fine (no expansion), and a self-referencing alias does not loop.
  std::string aliases = "x: &a [1, 2]\n";
  EXPECT_FALSE(LoadFromYaml(aliases + "y: *a\n", false).ok());
  LoadedConfig c = Load("server: &s {http_listen_port: 1234}\ninternal_server: *s\n");
  EXPECT_EQ(c.config.internal_server.http_listen_port, 1234);
}

}  // namespace
}  // namespace vivace::config
