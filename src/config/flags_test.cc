#include "config/flags.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"

namespace vivace::config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Result<LoadedConfig> RunVivace(std::vector<std::string> args) {
  args.insert(args.begin(), "vivace");
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const std::string& a : args) {
    argv.push_back(a.c_str());
  }
  return LoadFromArgs(static_cast<int>(argv.size()), argv.data());
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(FlagsTest, NoArgumentsIsAllDefaults) {
  auto r = RunVivace({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.server.http_listen_port, 3200);
  EXPECT_TRUE(r->config_file.empty());
  EXPECT_TRUE(r->warnings.empty());
}

TEST(FlagsTest, GoFlagSyntax) {
  auto r = RunVivace({"-server.http-listen-port=4000", "--server.grpc-listen-port", "9999",
                      "-multitenancy.enabled", "--log.level=debug", "-shutdown-delay", "5s",
                      "-config.verify=true"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.server.http_listen_port, 4000);
  EXPECT_EQ(r->config.server.grpc_listen_port, 9999);
  EXPECT_TRUE(r->config.multitenancy_enabled);
  EXPECT_EQ(r->config.server.log_level, "debug");
  EXPECT_EQ(r->config.shutdown_delay, std::chrono::seconds(5));
  EXPECT_TRUE(r->verify_only);
}

TEST(FlagsTest, Errors) {
  auto unknown = RunVivace({"-x"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              StartsWith("flag provided but not defined: -x\nUsage of vivace:\n"));
  auto missing = RunVivace({"-target"});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("flag needs an argument"));
  auto bad_int = RunVivace({"-server.http-listen-port=abc"});
  ASSERT_FALSE(bad_int.ok());
  EXPECT_THAT(std::string(bad_int.status().message()), HasSubstr("invalid value \"abc\""));
  EXPECT_FALSE(RunVivace({"-multitenancy.enabled=maybe"}).ok());
  EXPECT_FALSE(RunVivace({"---x"}).ok());
  auto target = RunVivace({"-target=nonsense"});
  ASSERT_FALSE(target.ok());
  EXPECT_THAT(std::string(target.status().message()), HasSubstr("unrecognised module name"));
  auto missing_file = RunVivace({"-config.file=/nonexistent/vivace.yaml"});
  ASSERT_FALSE(missing_file.ok());
  EXPECT_THAT(std::string(missing_file.status().message()), HasSubstr("failed to read config"));
}

TEST(FlagsTest, HelpAndVersionSkipLoading) {
  for (std::string_view h : {"-h", "-help", "--help"}) {
    auto r = RunVivace({"-config.file=/nonexistent", std::string(h)});
    ASSERT_TRUE(r.ok()) << h;
    EXPECT_TRUE(r->show_help);
  }
  auto v = RunVivace({"-version"});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->show_version);
  std::string usage = Usage();
  EXPECT_THAT(usage, HasSubstr("-config.file string"));
  EXPECT_THAT(usage, HasSubstr("-server.http-listen-port int"));
  EXPECT_THAT(usage, HasSubstr("(default 3200)"));
  EXPECT_THAT(usage, HasSubstr("(default \"info\")"));
}

TEST(FlagsTest, FlagsWinOverTheFileWhereverItIsGiven) {
  std::string file = WriteTemp("flags_test.yaml",
                               "server:\n  http_listen_port: 1111\n  grpc_listen_port: 2222\n"
                               "storage:\n  trace:\n    backend: local\n");
  auto r = RunVivace({"-server.http-listen-port=3333", "-config.file", file,
                      "-storage.trace.wal.path=/w", "-ingester.max-traces-per-user=7",
                      "-distributor.ingestion-rate-limit-bytes=8"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config_file, file);
  EXPECT_EQ(r->config.server.http_listen_port, 3333);
  EXPECT_EQ(r->config.server.grpc_listen_port, 2222);
  EXPECT_TRUE(r->config.storage.wal_path_set);
  EXPECT_EQ(r->config.EffectiveWalPath(), "/w");
  EXPECT_EQ(r->config.overrides.defaults.ingestion_max_traces_per_user, 7);
  EXPECT_EQ(r->config.overrides.defaults.ingestion_rate_limit_bytes, 8);
}

TEST(FlagsTest, ExpandEnvAndPerTenantFile) {
  std::string overrides = WriteTemp("flags_test_overrides.yaml",
                                    "overrides:\n  t1:\n    ingestion: {rate_limit_bytes: 10}\n");
  std::string file =
      WriteTemp("flags_test_env.yaml", "overrides:\n  per_tenant_override_config: " + overrides
                                           + "\nhttp_api_prefix: ${VV_FLAGS_TEST_UNSET:-/tempo}\n");
  auto r = RunVivace({"-config.expand-env=true", "-config.file=" + file});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.http_api_prefix, "/tempo");
  ASSERT_EQ(r->config.overrides.per_tenant.count("t1"), 1U);
  EXPECT_EQ(r->config.overrides.per_tenant.at("t1").ingestion_rate_limit_bytes, 10);

  std::string bad = WriteTemp("flags_test_bad.yaml",
                              "overrides:\n  per_tenant_override_config: /nonexistent/o.yaml\n");
  EXPECT_FALSE(RunVivace({"-config.file=" + bad}).ok());
}

TEST(FlagsTest, DeprecatedAndTempo2xFlagsWarn) {
  auto r = RunVivace({"-mem-ballast-size-mbs=1024", "-auth.enabled",
                      "-ingester.trace-idle-period=9s", "-target=scalable-single-binary"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->config.multitenancy_enabled);
  EXPECT_EQ(r->config.live_store.max_trace_idle, std::chrono::seconds(9));
  EXPECT_EQ(r->config.target, "all");
  EXPECT_EQ(r->warnings.size(), 4U);
}

TEST(FlagsTest, ParsingStopsAtTheFirstNonFlag) {
  auto r = RunVivace({"-log.level=warn", "extra", "-x"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.server.log_level, "warn");
  EXPECT_EQ(r->warnings.size(), 1U);
  auto dashdash = RunVivace({"--", "-x"});
  EXPECT_TRUE(dashdash.ok());
}

}  // namespace
}  // namespace vivace::config
