// vivace-cli end to end: blocks written with BlockWriter into a local bucket, then the real
// binary run on it, as an operator would: list, show, query, verify (then corrupt a data
// object and verify again), dump; backend chosen by flags and by a Tempo config file.

#include <fcntl.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "backend/local_backend.h"
#include "block/block_writer.h"
#include "common/hex.h"
#include "tests/support/trace_builder.h"

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX

namespace vivace::testing {
namespace {

struct Output {
  int code = -1;
  std::string out;
  std::string err;
};

std::string CliPath() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing calls setenv
  const char* dir = std::getenv("VV_BINARY_DIR");
  return dir != nullptr ? std::string(dir) + "/tools/cli/vivace-cli" : VV_CLI_BINARY;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs vivace-cli with `args`, stdout and stderr captured through files.
Output RunCli(const std::string& scratch, const std::vector<std::string>& args) {
  std::string out_path = scratch + "/stdout";
  std::string err_path = scratch + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_s = {CliPath()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_s.size() + 1);
  for (std::string& a : argv_s) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  Output o;
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    o.err = "posix_spawn failed for " + argv_s[0];
    return o;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = Slurp(out_path);
  o.err = Slurp(err_path);
  return o;
}

bool Has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class CliIntegrationTest : public ::testing::Test {
 protected:
  static constexpr int kSpans = 6;  // spans of the trace split over both blocks

  void SetUp() override {
    char tmpl[] = "/tmp/vivace-cli-it-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    bucket_ = dir_ + "/blocks";
    backend::LocalBackend local(bucket_);
    // Trace 7 arrived around a block cut: spans 0-3 in the first block, 4-5 in the second.
    ExportRequest whole = MakeTrace({.seed = 7, .spans = kSpans});
    for (const auto& s : whole.resource_spans(0).scope_spans(0).spans()) {
      span_ids_.insert(HexEncode(ByteView(s.span_id())));
    }
    ExportRequest first = whole;
    ExportRequest second = whole;
    first.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()->DeleteSubrange(4, 2);
    second.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()->DeleteSubrange(0, 4);
    std::vector<std::pair<uint64_t, std::string>> a = {{7, first.SerializeAsString()}};
    std::vector<std::pair<uint64_t, std::string>> b = {{7, second.SerializeAsString()}};
    for (uint64_t seed = 100; seed < 400; ++seed) {
      (seed % 2 == 0 ? a : b)
          .emplace_back(seed, MakeTrace({.seed = seed, .spans = static_cast<int>(1 + seed % 6)})
                                  .SerializeAsString());
    }
    first_ = Write(&local, std::move(a));
    second_ = Write(&local, std::move(b));
    trace_ = HexEncode(ByteView(TestTraceId(7)));
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  static backend::BlockId Write(backend::RawBackend* raw,
                                std::vector<std::pair<uint64_t, std::string>> traces) {
    std::sort(traces.begin(), traces.end(), [](const auto& x, const auto& y) {
      return TestTraceId(x.first) < TestTraceId(y.first);
    });
    block::BlockWriterOptions opts;
    opts.tenant = "single-tenant";
    opts.block_id = backend::BlockId::Random();
    opts.row_group_bytes = 32 << 10;  // a few row groups each
    block::BlockWriter w(raw, opts);
    for (const auto& [seed, bytes] : traces) {
      EXPECT_TRUE(w.Add(model::TraceId::FromBytes(TestTraceId(seed)), bytes).ok());
    }
    auto meta = w.Finish();
    EXPECT_TRUE(meta.ok()) << meta.status().ToString();
    EXPECT_GT(meta->total_records, 1u);
    return opts.block_id;
  }

  Output Cli(std::vector<std::string> args) {
    args.emplace_back("--backend=local");
    args.push_back("--bucket=" + bucket_);
    return RunCli(dir_, args);
  }

  std::string dir_;
  std::string bucket_;
  backend::BlockId first_;
  backend::BlockId second_;
  std::string trace_;
  std::set<std::string> span_ids_;
};

TEST_F(CliIntegrationTest, ListsBothBlocks) {
  Output o = Cli({"list", "blocks", "single-tenant"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(Has(o.out, first_.ToString()));
  EXPECT_TRUE(Has(o.out, second_.ToString()));
  EXPECT_TRUE(Has(o.out, "2 blocks"));
  Output tenants = Cli({"list", "tenants"});
  ASSERT_EQ(tenants.code, 0) << tenants.err;
  EXPECT_TRUE(Has(tenants.out, "single-tenant"));
}

TEST_F(CliIntegrationTest, ShowsColumnSizes) {
  Output o = Cli({"list", "block", "single-tenant", first_.ToString()});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(Has(o.out, "vvc1"));
  EXPECT_TRUE(Has(o.out, "\nColumns ("));
  EXPECT_TRUE(Has(o.out, "span.name"));
  EXPECT_TRUE(Has(o.out, "trace.id"));
  EXPECT_TRUE(Has(o.out, "\nRow groups\n"));
  EXPECT_TRUE(Has(o.out, "bloom-0"));
  EXPECT_TRUE(Has(o.err, "row group"));  // progress
}

TEST_F(CliIntegrationTest, QueryFindsEverySpanAcrossBlocks) {
  Output o = Cli({"query", "blocks", trace_, "single-tenant", "--format=otlp"});
  ASSERT_EQ(o.code, 0) << o.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(o.out).get(doc), simdjson::SUCCESS) << o.out;
  std::set<std::string> got;
  simdjson::dom::array batches;
  ASSERT_EQ(doc["resourceSpans"].get(batches), simdjson::SUCCESS);
  for (simdjson::dom::element rs : batches) {
    simdjson::dom::array scopes;
    ASSERT_EQ(rs["scopeSpans"].get(scopes), simdjson::SUCCESS);
    for (simdjson::dom::element ss : scopes) {
      simdjson::dom::array spans;
      ASSERT_EQ(ss["spans"].get(spans), simdjson::SUCCESS);
      for (simdjson::dom::element span : spans) {
        std::string_view id;
        ASSERT_EQ(span["spanId"].get(id), simdjson::SUCCESS);
        got.insert(std::string(id));
        std::string_view trace_id;
        ASSERT_EQ(span["traceId"].get(trace_id), simdjson::SUCCESS);
        EXPECT_EQ(trace_id, trace_);
      }
    }
  }
  EXPECT_EQ(got, span_ids_);
  // Which blocks held parts.
  EXPECT_TRUE(Has(o.err, first_.ToString() + " (live, level 0): 4 spans")) << o.err;
  EXPECT_TRUE(Has(o.err, second_.ToString() + " (live, level 0): 2 spans")) << o.err;

  Output v1 = Cli({"query", "blocks", trace_, "single-tenant"});
  ASSERT_EQ(v1.code, 0) << v1.err;
  EXPECT_TRUE(v1.out.starts_with("{\"batches\":[")) << v1.out.substr(0, 100);
  Output absent = Cli({"query", "blocks", "00000000000000000000000000000001", "single-tenant"});
  EXPECT_EQ(absent.code, 1);
  EXPECT_TRUE(Has(absent.err, "not found"));
}

TEST_F(CliIntegrationTest, VerifyPassesThenNamesACorruptDataObject) {
  Output ok = Cli({"verify", "block", "single-tenant", first_.ToString()});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_TRUE(Has(ok.out, ": ok ("));
  EXPECT_TRUE(Has(ok.err, "row group"));
  Output tenant = Cli({"verify", "tenant", "single-tenant"});
  ASSERT_EQ(tenant.code, 0) << tenant.out << tenant.err;
  EXPECT_TRUE(Has(tenant.out, "2 ok, 0 failed"));

  // Flip one byte in the middle of the second row group's bytes.
  std::string data = bucket_ + "/single-tenant/" + first_.ToString() + "/data";
  auto size = std::filesystem::file_size(data);
  {
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    auto at = static_cast<std::streamoff>(size / 2);
    f.seekg(at);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    f.seekp(at);
    f.write(&c, 1);
  }
  Output bad = Cli({"verify", "block", "single-tenant", first_.ToString()});
  EXPECT_NE(bad.code, 0);
  EXPECT_TRUE(Has(bad.err, "block " + first_.ToString() + ": data: row group ")) << bad.err;
  EXPECT_TRUE(Has(bad.err, "corrupt")) << bad.err;
  Output all = Cli({"verify", "tenant", "single-tenant"});
  EXPECT_NE(all.code, 0);
  EXPECT_TRUE(Has(all.out, "1 ok, 1 failed")) << all.out;
}

TEST_F(CliIntegrationTest, DumpsTheTracesColumns) {
  Output o = Cli({"dump", "trace", "single-tenant", first_.ToString(), trace_});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(Has(o.out, "trace.id"));
  EXPECT_TRUE(Has(o.out, trace_));
  EXPECT_TRUE(Has(o.out, "span.name"));
  EXPECT_TRUE(Has(o.out, "\"GET /checkout\""));
  EXPECT_TRUE(Has(o.out, "span.id"));
}

TEST_F(CliIntegrationTest, ReadsTheBucketFromATempoConfigFile) {
  std::string config = dir_ + "/tempo.yaml";
  std::ofstream(config) << "storage:\n  trace:\n    backend: local\n    local:\n      path: "
                        << bucket_ << "\n";
  Output o = RunCli(dir_, {"list", "blocks", "single-tenant", "--config-file", config});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(Has(o.out, first_.ToString()));
  Output gcs = RunCli(dir_, {"list", "blocks", "single-tenant", "-c", config, "--backend=gcs"});
  EXPECT_EQ(gcs.code, 1);
  EXPECT_TRUE(Has(gcs.err, "GOOGLE_APPLICATION_CREDENTIALS"));  // no key file in tests
  Output bad_id = Cli({"list", "block", "single-tenant", "nope"});
  EXPECT_EQ(bad_id.code, 2);
  EXPECT_TRUE(Has(bad_id.err, "invalid block ID"));
  Output unknown = Cli({"list", "blocks", "someone-else"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_TRUE(Has(unknown.err, "unknown tenant someone-else"));
}

}  // namespace
}  // namespace vivace::testing
