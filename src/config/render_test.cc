#include "config/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"

namespace vivace::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Config Load(std::string_view yaml) {
  auto r = LoadFromYaml(yaml, false);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->config : Config{};
}

TEST(RenderTest, DefaultsUseTempoKeysAndGoDurations) {
  std::string out = RenderYaml(Config{}, RenderMode::kDefaults);
  EXPECT_THAT(out, StartsWith("---\ntarget: all\n"));
  EXPECT_THAT(out, HasSubstr("server:\n  http_listen_network: tcp\n"));
  EXPECT_THAT(out, HasSubstr("  http_listen_address: \"\"\n  http_listen_port: 3200\n"));
  EXPECT_THAT(out, HasSubstr("storage:\n  trace:\n    backend: local\n"));
  EXPECT_THAT(out, HasSubstr("    blocklist_poll: 5m0s\n"));
  EXPECT_THAT(out, HasSubstr("  max_trace_idle: 5s\n"));
  EXPECT_THAT(out, HasSubstr("    block_retention: 336h0m0s\n"));
  EXPECT_THAT(out, HasSubstr("      retry_backoff_initial: 200ms\n"));
  EXPECT_THAT(out, HasSubstr("overrides:\n  defaults:\n    ingestion:\n      rate_strategy: local\n"
                             "      rate_limit_bytes: 30000000\n"));
  EXPECT_THAT(out, HasSubstr("    processors: []\n"));
  EXPECT_THAT(out, HasSubstr("bloom_filter_false_positive: 0.01\n"));
  // Receivers that are not enabled are not shown.
  EXPECT_THAT(out, Not(HasSubstr("receivers:")));
  // Input-only keys (2.x) are never rendered.
  EXPECT_THAT(out, Not(HasSubstr("ingester:")));
  EXPECT_THAT(out, Not(HasSubstr("compactor:")));
  EXPECT_EQ(RenderYaml(Load(""), RenderMode::kFull), out);
}

TEST(RenderTest, DiffShowsOnlyChangedValues) {
  EXPECT_EQ(RenderYaml(Load(""), RenderMode::kDiff), "---\n{}\n");
  Config c = Load(
      "server: {http_listen_port: 3300}\n"
      "distributor:\n  receivers:\n    otlp:\n      protocols:\n        grpc:\n"
      "query_frontend: {url_deny_list: ['^/api/search']}\n"
      "storage:\n  trace:\n    blocklist_poll: 90s\n");
  EXPECT_EQ(RenderYaml(c, RenderMode::kDiff),
            "---\n"
            "server:\n"
            "  http_listen_port: 3300\n"
            "distributor:\n"
            "  receivers:\n"
            "    otlp:\n"
            "      protocols:\n"
            "        grpc:\n"
            "          endpoint: localhost:4317\n"
            "          max_recv_msg_size_mib: 4\n"
            "query_frontend:\n"
            "  url_deny_list:\n"
            "  - ^/api/search\n"
            "storage:\n"
            "  trace:\n"
            "    blocklist_poll: 1m30s\n");
}

TEST(RenderTest, SecretsAreMasked) {
  Config c = Load(
      "storage:\n  trace:\n    backend: s3\n"
      "    s3: {bucket: b, access_key: AKIA, secret_key: s3cr3t, session_token: sessval}\n"
      "    azure: {storage_account_key: azkey, sas_token: sv=1&sig=sassig}\n"
      "ingest:\n  kafka: {sasl_password: kpass}\n"
      "server:\n  http_tls_config: {key: PRIVATE}\n"
      "cache:\n  caches:\n    - roles: [frontend-search]\n      redis: {endpoint: r:6379, "
      "password: rpass}\n"
      "metrics_generator:\n  storage:\n    remote_write:\n      - url: http://p/api/v1/write\n"
      "        headers: {X-Plain: visible}\n"
      "        basic_auth: {username: u, password: bpass}\n"
      "        authorization: {credentials: acred}\n"
      "overrides:\n  defaults:\n    metrics_generator:\n      remote_write_headers: "
      "{Authorization: hsecret}\n");
  for (RenderMode mode : {RenderMode::kFull, RenderMode::kDiff}) {
    std::string out = RenderYaml(c, mode);
    for (std::string_view secret : {"s3cr3t", "sessval", "azkey", "sassig", "kpass", "PRIVATE",
                                    "rpass", "bpass", "acred", "hsecret"}) {
      EXPECT_THAT(out, Not(HasSubstr(secret))) << out;
    }
    EXPECT_THAT(out, HasSubstr("secret_key: \"********\"\n"));
    EXPECT_THAT(out, HasSubstr("access_key: AKIA\n"));
    EXPECT_THAT(out, HasSubstr("password: <secret>\n"));
    EXPECT_THAT(out, HasSubstr("credentials: <secret>\n"));
    EXPECT_THAT(out, HasSubstr("Authorization: <secret>\n"));
    EXPECT_THAT(out, HasSubstr("X-Plain: visible\n"));
    EXPECT_THAT(out, HasSubstr("  - url: http://p/api/v1/write\n"));
  }
  // Empty dskit secrets stay "".
  EXPECT_THAT(RenderYaml(Load(""), RenderMode::kFull), HasSubstr("secret_key: \"\"\n"));
}

TEST(RenderTest, FullRenderLoadsBackToTheSameConfig) {
  Config c = Load(
      "target: all\nhttp_api_prefix: /tempo\n"
      "server: {log_level: debug, http_server_write_timeout: 2m}\n"
      "live_store: {max_block_bytes: 1000}\n"
      "metrics_generator:\n  registry: {external_labels: {'a: b': 'yes', '': x}}\n"
      "query_frontend: {url_deny_list: ['#x', 'true', '123', '']}\n"
      "overrides:\n  defaults:\n    compaction: {block_retention: 1d}\n");
  std::string full = RenderYaml(c, RenderMode::kFull);
  auto again = LoadFromYaml(full, false);
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << full;
  EXPECT_EQ(RenderYaml(again->config, RenderMode::kFull), full);
  EXPECT_EQ(again->config.query_frontend.url_deny_list,
            (std::vector<std::string>{"#x", "true", "123", ""}));
  EXPECT_EQ(again->config.metrics_generator.registry_external_labels.at("a: b"), "yes");
}

TEST(RenderTest, QuoteYamlString) {
  EXPECT_EQ(QuoteYamlString("plain"), "plain");
  EXPECT_EQ(QuoteYamlString(""), "\"\"");
  EXPECT_EQ(QuoteYamlString("true"), "\"true\"");
  EXPECT_EQ(QuoteYamlString("12"), "\"12\"");
  EXPECT_EQ(QuoteYamlString("a: b"), "\"a: b\"");
  EXPECT_EQ(QuoteYamlString("*"), "\"*\"");
  EXPECT_EQ(QuoteYamlString("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
  EXPECT_EQ(QuoteYamlString("localhost:4317"), "localhost:4317");
  EXPECT_EQ(QuoteYamlString("./data/wal"), "./data/wal");
  EXPECT_EQ(QuoteYamlString(".5"), "\".5\"");
  EXPECT_EQ(QuoteYamlString("\xc2\x85"), "\"\\N\"");
}

TEST(RenderTest, OverridesYaml) {
  Limits t;
  t.ingestion_rate_limit_bytes = 5;
  std::string out = RenderOverridesYaml({{"tenant-a", t}});
  EXPECT_THAT(out, StartsWith("---\noverrides:\n  tenant-a:\n    ingestion:\n"));
  EXPECT_THAT(out, HasSubstr("      rate_limit_bytes: 5\n"));
}

}  // namespace
}  // namespace vivace::config
