// vivace-cli in-process: the command-line grammar, backend choice, formatting, and every
// command against blocks written into a temporary local bucket.

#include "cli/cli.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "backend/block_store.h"
#include "backend/local_backend.h"
#include "block/block_format.h"
#include "block/block_writer.h"
#include "cli/args.h"
#include "cli/backend_options.h"
#include "cli/format.h"
#include "common/hex.h"
#include "tests/support/trace_builder.h"

namespace vivace::cli {
namespace {

using testing::ExportRequest;

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

RunResult RunCli(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  RunResult r;
  r.code = Run(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

size_t CountOf(const std::string& text, std::string_view part) {
  size_t n = 0;
  for (size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) {
    ++n;
  }
  return n;
}

// ---- grammar and formatting --------------------------------------------------------------------

TEST(CliArgsTest, TokenizesTempoStyleFlags) {
  FlagSpec config{.name = "config-file", .short_name = 'c', .value_name = "<path>"};
  FlagSpec flag{.name = "include-compacted"};
  FlagSpec columns{.name = "columns"};
  FlagSpec column{.name = "column", .value_name = "<name>", .repeated = true};
  std::vector<const FlagSpec*> known = {&config, &flag, &columns, &column};

  auto p = Tokenize({"list", "-c", "a.yaml", "blocks", "--include-compacted", "t", "--no-columns",
                     "--column=span.", "--column", "trace.", "--", "--x"},
                    known);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->words(), (std::vector<std::string>{"list", "blocks", "t", "--x"}));
  EXPECT_EQ(p->Get("config-file"), "a.yaml");
  EXPECT_TRUE(p->Bool("include-compacted"));
  EXPECT_FALSE(p->Bool("columns", true));
  EXPECT_EQ(p->All("column"), (std::vector<std::string>{"span.", "trace."}));

  auto eq = Tokenize({"--config-file=b.yaml", "--include-compacted=false"}, known);
  ASSERT_TRUE(eq.ok());
  EXPECT_EQ(eq->Get("config-file"), "b.yaml");
  EXPECT_FALSE(eq->Bool("include-compacted", true));

  EXPECT_EQ(Tokenize({"--nope"}, known).status().message(), "unknown flag --nope");
  EXPECT_EQ(Tokenize({"--no-config-file"}, known).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(Contains(std::string(Tokenize({"-c"}, known).status().message()), "needs a value"));
  EXPECT_TRUE(
      Contains(std::string(Tokenize({"--include-compacted=maybe"}, known).status().message()),
               "true or false"));
}

TEST(CliFormatTest, SizesPercentsAndTables) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(999), "999 B");
  EXPECT_EQ(HumanBytes(1500), "1.5 kB");
  EXPECT_EQ(HumanBytes(999'999), "1.0 MB");
  EXPECT_EQ(HumanBytes(77'187), "77.2 kB");
  EXPECT_EQ(Percent(1, 3), "33.3%");
  EXPECT_EQ(Percent(1, 0), "-");
  EXPECT_EQ(FormatUnixSeconds(1'700'000'000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(FormatSeconds(3600), "1h0m0s");

  TextTable t({"NAME", "N"}, "lr");
  t.AddRow({"a", "1"});
  t.AddRow({"longer", "100"});
  t.SetFooter({"total", "101"});
  std::ostringstream out;
  t.Print(out, "  ");
  EXPECT_EQ(out.str(),
            "  NAME      N\n"
            "  a         1\n"
            "  longer  100\n"
            "\n"
            "  total   101\n");
}

TEST(CliBackendTest, ChoosesLikeTempoCli) {
  auto tokens = [](const std::vector<std::string>& args) {
    FlagSpec config{.name = "config-file", .short_name = 'c', .value_name = "<path>"};
    FlagSpec backend{.name = "backend", .value_name = "<name>"};
    FlagSpec bucket{.name = "bucket", .value_name = "<path>"};
    FlagSpec user{.name = "s3-user", .value_name = "<user>"};
    FlagSpec pass{.name = "s3-pass", .value_name = "<password>"};
    FlagSpec endpoint{.name = "s3-endpoint", .value_name = "<host>"};
    return *Tokenize(args, {&config, &backend, &bucket, &user, &pass, &endpoint});
  };
  EXPECT_EQ(ChooseBackend(tokens({})).status().code(), Code::kInvalidArgument);
  auto bucket_only = ChooseBackend(tokens({"--bucket=/tmp"}));
  ASSERT_TRUE(bucket_only.ok());
  EXPECT_EQ(bucket_only->backend, "local");
  EXPECT_EQ(bucket_only->bucket, "/tmp");

  auto s3 = ChooseBackend(tokens({"--backend=s3", "--bucket=traces", "--s3-user=ak", "--s3-pass=sk",
                                  "--s3-endpoint=127.0.0.1:9000"}));
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3->storage.s3.bucket, "traces");
  EXPECT_EQ(s3->storage.s3.endpoint, "127.0.0.1:9000");
  EXPECT_EQ(s3->storage.s3.access_key, "ak");
  EXPECT_TRUE(OpenBackend(*s3).ok());  // opening does not connect
  auto gcs = OpenBackend(*ChooseBackend(tokens({"--backend=gcs", "--bucket=traces"})));
  ASSERT_FALSE(gcs.ok());  // no service-account key here
  EXPECT_TRUE(Contains(std::string(gcs.status().message()), "GOOGLE_APPLICATION_CREDENTIALS"));
  EXPECT_EQ(ChooseBackend(tokens({"--backend=ftp"})).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OpenBackend({"local", "/nonexistent/vivace-cli"}).status().code(), Code::kNotFound);

  std::string dir = ::testing::TempDir() + "/vivace-cli-config";
  std::filesystem::create_directories(dir);
  std::string file = dir + "/tempo.yaml";
  std::ofstream(file) << "storage:\n  trace:\n    backend: local\n    local:\n      path: " << dir
                      << "\n";
  auto from_file = ChooseBackend(tokens({"-c", file}));
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->backend, "local");
  EXPECT_EQ(from_file->bucket, dir);
  auto overridden = ChooseBackend(tokens({"-c", file, "--backend=gcs"}));
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->backend, "gcs");
  std::ofstream(file) << "storage:\n  trace:\n    nonsense: 1\n";
  EXPECT_TRUE(Contains(std::string(ChooseBackend(tokens({"-c", file})).status().message()),
                       "failed to parse config file"));
  EXPECT_TRUE(
      Contains(std::string(ChooseBackend(tokens({"-c", dir + "/absent.yaml"})).status().message()),
               "failed to read config file"));
}

TEST(CliTest, HelpAndUsageErrors) {
  RunResult top = RunCli({"--help"});
  EXPECT_EQ(top.code, kExitOk);
  for (const char* cmd : {"list tenants", "list blocks <tenant-id>", "list block <tenant-id>",
                          "query blocks <trace-id> <tenant-id>", "verify block", "verify tenant",
                          "dump trace", "gen index", "view index", "--config-file", "--bucket"}) {
    EXPECT_TRUE(Contains(top.out, cmd)) << cmd;
  }
  EXPECT_EQ(RunCli({}).code, kExitUsage);
  RunResult group = RunCli({"help", "list"});
  EXPECT_EQ(group.code, kExitOk);
  EXPECT_TRUE(Contains(group.out, "vivace-cli list blocks <tenant-id>"));
  RunResult cmd = RunCli({"query", "blocks", "-h"});
  EXPECT_EQ(cmd.code, kExitOk);
  EXPECT_TRUE(Contains(cmd.out, "Usage: vivace-cli query blocks <trace-id> <tenant-id>"));
  EXPECT_TRUE(Contains(cmd.out, "--format=<v1|v2|otlp>"));

  RunResult unknown = RunCli({"frobnicate"});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_TRUE(Contains(unknown.err, "unknown command \"frobnicate\""));
  EXPECT_EQ(RunCli({"list"}).code, kExitUsage);
  EXPECT_EQ(RunCli({"list", "nope"}).code, kExitUsage);
  RunResult args = RunCli({"list", "blocks", "--bucket=/tmp"});
  EXPECT_EQ(args.code, kExitUsage);
  EXPECT_TRUE(Contains(args.err, "takes 1 argument, got 0"));
  RunResult flag = RunCli({"list", "tenants", "--format=v2", "--bucket=/tmp"});
  EXPECT_EQ(flag.code, kExitUsage);
  EXPECT_TRUE(Contains(flag.err, "does not apply"));
  RunResult backend = RunCli({"list", "tenants", "--backend=gcs", "--bucket=b"});
  EXPECT_EQ(backend.code, kExitFailure);
  EXPECT_TRUE(Contains(backend.err, "GOOGLE_APPLICATION_CREDENTIALS"));
  EXPECT_EQ(RunCli({"--version"}).code, kExitOk);
}

// ---- commands over a local bucket ---------------------------------------------------------------

class CliBucketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vivace-cli-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    raw_ = std::make_unique<backend::LocalBackend>(root_);
    // Trace 1 is split over both blocks (spans 0-2 and 3-4), as when it arrived around a cut.
    ExportRequest whole = testing::MakeTrace({.seed = 1, .spans = 5});
    ExportRequest first = whole;
    ExportRequest second = whole;
    auto* first_spans = first.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
    first_spans->DeleteSubrange(3, 2);
    auto* second_spans = second.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
    second_spans->DeleteSubrange(0, 3);
    std::vector<std::pair<uint64_t, ExportRequest>> a = {{1, first}};
    std::vector<std::pair<uint64_t, ExportRequest>> b = {{1, second}};
    for (uint64_t seed = 2; seed <= 40; ++seed) {
      bool even = seed % 2 == 0;
      (even ? a : b)
          .emplace_back(seed, testing::MakeTrace({.seed = seed,
                                                  .spans = static_cast<int>(1 + seed % 4),
                                                  .start_unix_nano = Start(even)}));
    }
    older_ = WriteBlock("t1", a);
    newer_ = WriteBlock("t1", b);
    other_ = WriteBlock("t2", {{99, testing::MakeTrace({.seed = 99})}});
  }

  void TearDown() override { std::filesystem::remove_all(root_); }

  static uint64_t Start(bool older) {
    return older ? 1'700'000'000'000'000'000 : 1'700'000'600'000'000'000;
  }

  backend::BlockId WriteBlock(const std::string& tenant,
                              std::vector<std::pair<uint64_t, ExportRequest>> traces) {
    std::sort(traces.begin(), traces.end(), [](const auto& x, const auto& y) {
      return testing::TestTraceId(x.first) < testing::TestTraceId(y.first);
    });
    block::BlockWriterOptions opts;
    opts.tenant = tenant;
    opts.block_id = backend::BlockId::Random();
    opts.row_group_bytes = 4 << 10;
    block::BlockWriter w(raw_.get(), opts);
    for (const auto& [seed, req] : traces) {
      EXPECT_TRUE(
          w.Add(model::TraceId::FromBytes(testing::TestTraceId(seed)), req.SerializeAsString())
              .ok());
    }
    auto meta = w.Finish();
    EXPECT_TRUE(meta.ok()) << meta.status().ToString();
    return opts.block_id;
  }

  RunResult Cli(std::vector<std::string> args) {
    args.push_back("--bucket=" + root_);
    return RunCli(args);
  }

  std::string Path(const std::string& tenant, const backend::BlockId& id,
                   const std::string& name) const {
    return root_ + "/" + tenant + "/" + id.ToString() + "/" + name;
  }

  std::string root_;
  std::unique_ptr<backend::LocalBackend> raw_;
  backend::BlockId older_;
  backend::BlockId newer_;
  backend::BlockId other_;
};

TEST_F(CliBucketTest, ListsTenantsAndBlocks) {
  RunResult tenants = Cli({"list", "tenants"});
  ASSERT_EQ(tenants.code, kExitOk) << tenants.err;
  EXPECT_TRUE(Contains(tenants.out, "t1"));
  EXPECT_TRUE(Contains(tenants.out, "t2"));
  EXPECT_TRUE(Contains(tenants.out, "2 tenants"));

  RunResult blocks = Cli({"list", "blocks", "t1"});
  ASSERT_EQ(blocks.code, kExitOk) << blocks.err;
  size_t older = blocks.out.find(older_.ToString());
  size_t newer = blocks.out.find(newer_.ToString());
  ASSERT_NE(older, std::string::npos);
  ASSERT_NE(newer, std::string::npos);
  EXPECT_LT(older, newer);  // by start time
  EXPECT_TRUE(Contains(blocks.out, "2 blocks"));
  EXPECT_TRUE(Contains(blocks.out, "vvc1"));
  EXPECT_TRUE(Contains(blocks.out, "tenant index: none"));
  EXPECT_FALSE(Contains(blocks.out, other_.ToString()));

  backend::BlockStore store(*raw_);
  ASSERT_TRUE(store.MarkBlockCompacted("t1", older_).ok());
  RunResult live = Cli({"list", "blocks", "t1"});
  EXPECT_FALSE(Contains(live.out, older_.ToString()));
  EXPECT_TRUE(Contains(live.out, "1 compacted blocks not shown"));
  RunResult all = Cli({"list", "blocks", "t1", "--include-compacted"});
  ASSERT_EQ(all.code, kExitOk);
  EXPECT_TRUE(Contains(all.out, "CMP"));
  size_t row = all.out.find(older_.ToString());
  ASSERT_NE(row, std::string::npos);
  std::string line = all.out.substr(row, all.out.find('\n', row) - row);
  EXPECT_EQ(line.back(), 'Y');

  RunResult unknown = Cli({"list", "blocks", "nobody"});
  EXPECT_EQ(unknown.code, kExitFailure);
  EXPECT_TRUE(Contains(unknown.err, "unknown tenant nobody (tenants: t1, t2)"));
}

TEST_F(CliBucketTest, CompactionSummaryShowsLevelsWindowsAndOutstandingWork) {
  RunResult r = Cli({"list", "compaction-summary", "t1"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_TRUE(Contains(r.out, "LVL")) << r.out;
  EXPECT_TRUE(Contains(r.out, "by compaction window (3600s")) << r.out;
  EXPECT_TRUE(Contains(r.out, "0:2")) << r.out;  // both blocks at level 0, one window
  EXPECT_TRUE(Contains(r.out, "outstanding: ")) << r.out;
  RunResult bad = Cli({"list", "compaction-summary", "t1", "--compaction-window=soon"});
  EXPECT_NE(bad.code, kExitOk);  // a usage error
}

TEST_F(CliBucketTest, ShowsABlocksMetaObjectsAndColumnSizes) {
  RunResult r = Cli({"list", "block", "t1", older_.ToString()});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  for (const char* part : {"meta.json", "totalObjects", "21  (traces)", "bloomShards", "Objects",
                           "data", "index", "bloom-0", "Columns", "span.name", "trace.id",
                           "attr.span.keys", "Tables", "Row groups", "data object: "}) {
    EXPECT_TRUE(Contains(r.out, part)) << part;
  }
  EXPECT_TRUE(Contains(r.err, "row group"));  // progress
  RunResult quiet = Cli({"list", "block", "t1", older_.ToString(), "--no-columns", "-q"});
  ASSERT_EQ(quiet.code, kExitOk);
  EXPECT_FALSE(Contains(quiet.out, "\nColumns ("));
  EXPECT_TRUE(quiet.err.empty());

  RunResult bad_id = Cli({"list", "block", "t1", "not-a-uuid"});
  EXPECT_EQ(bad_id.code, kExitUsage);
  EXPECT_TRUE(Contains(bad_id.err, "invalid block ID \"not-a-uuid\""));
  RunResult absent = Cli({"list", "block", "t1", backend::BlockId::Random().ToString()});
  EXPECT_EQ(absent.code, kExitFailure);
  EXPECT_TRUE(Contains(absent.err, "not found in tenant t1"));

  std::filesystem::remove(Path("t1", older_, "bloom-0"));
  RunResult missing = Cli({"list", "block", "t1", older_.ToString(), "--no-columns"});
  ASSERT_EQ(missing.code, kExitOk);
  EXPECT_TRUE(Contains(missing.out, "missing"));
}

TEST_F(CliBucketTest, QueryCombinesPartsFromEveryBlock) {
  std::string id = HexEncode(ByteView(testing::TestTraceId(1)));
  RunResult r = Cli({"query", "blocks", id, "t1"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_TRUE(r.out.starts_with("{\"batches\":["));
  EXPECT_EQ(CountOf(r.out, "\"kind\":\"SPAN_KIND_"), 5u);  // every span has a kind
  EXPECT_TRUE(Contains(r.err, older_.ToString() + " (live, level 0): 3 spans"));
  EXPECT_TRUE(Contains(r.err, newer_.ToString() + " (live, level 0): 2 spans"));
  EXPECT_TRUE(Contains(r.err, "5 spans from 2 of 2 blocks"));

  RunResult v2 = Cli({"query", "blocks", id, "t1", "--format=v2"});
  ASSERT_EQ(v2.code, kExitOk);
  EXPECT_TRUE(v2.out.starts_with("{\"trace\":{\"resourceSpans\":["));
  RunResult otlp = Cli({"query", "blocks", id, "t1", "--format", "otlp", "-q"});
  ASSERT_EQ(otlp.code, kExitOk);
  EXPECT_TRUE(otlp.out.starts_with("{\"resourceSpans\":["));
  EXPECT_TRUE(Contains(otlp.out, "\"traceId\":\"" + id + "\""));
  EXPECT_TRUE(otlp.err.empty());

  RunResult absent = Cli({"query", "blocks", "abcdef", "t1"});
  EXPECT_EQ(absent.code, kExitFailure);
  EXPECT_TRUE(Contains(absent.err, "not found in 2 blocks of tenant t1"));
  EXPECT_EQ(Cli({"query", "blocks", "xyz", "t1"}).code, kExitUsage);
  EXPECT_EQ(Cli({"query", "blocks", id, "t1", "--format=yaml"}).code, kExitUsage);
}

TEST_F(CliBucketTest, VerifiesAndNamesCorruption) {
  RunResult ok = Cli({"verify", "block", "t1", older_.ToString()});
  ASSERT_EQ(ok.code, kExitOk) << ok.err;
  EXPECT_TRUE(Contains(ok.out, ": ok (")) << ok.out;
  EXPECT_TRUE(Contains(ok.err, "verifying " + older_.ToString() + ": row group"));

  std::string data = Path("t1", newer_, "data");
  {
    std::fstream f(data, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x40);
    f.seekp(100);
    f.write(&c, 1);
  }
  RunResult bad = Cli({"verify", "block", "t1", newer_.ToString()});
  EXPECT_EQ(bad.code, kExitFailure);
  EXPECT_TRUE(Contains(bad.err, "block " + newer_.ToString() + ": data: row group 0")) << bad.err;

  RunResult tenant = Cli({"verify", "tenant", "t1"});
  EXPECT_EQ(tenant.code, kExitFailure);
  EXPECT_TRUE(Contains(tenant.out, "ok      " + older_.ToString()));
  EXPECT_TRUE(Contains(tenant.out, "FAILED  " + newer_.ToString() + "  data: row group 0"));
  EXPECT_TRUE(Contains(tenant.out, "verified 2 blocks of tenant t1: 1 ok, 1 failed"));

  std::filesystem::remove(Path("t1", older_, "index"));
  RunResult no_index = Cli({"verify", "block", "t1", older_.ToString()});
  EXPECT_EQ(no_index.code, kExitFailure);
  EXPECT_TRUE(Contains(no_index.err, "index: object is missing"));
  RunResult gen = Cli({"gen", "index", "t1", older_.ToString()});
  ASSERT_EQ(gen.code, kExitOk) << gen.err;
  EXPECT_TRUE(Contains(gen.out, "wrote index"));
  EXPECT_EQ(Cli({"verify", "block", "t1", older_.ToString()}).code, kExitOk);
  EXPECT_TRUE(Contains(Cli({"gen", "index", "t1", older_.ToString()}).out, "left as is"));
}

TEST_F(CliBucketTest, DumpsATracesColumns) {
  std::string id = HexEncode(ByteView(testing::TestTraceId(1)));
  RunResult r = Cli({"dump", "trace", "t1", older_.ToString(), id});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_TRUE(Contains(r.out, "trace " + id + " in block " + older_.ToString()));
  EXPECT_TRUE(Contains(r.out, "\nspan  rows 0-2 (3 rows)\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"GET /checkout\" \"step-1\" \"step-2\""));
  EXPECT_TRUE(Contains(r.out, HexEncode(ByteView(testing::TestSpanId(1000)))));
  EXPECT_TRUE(Contains(r.out, "attr.span.keys"));
  EXPECT_TRUE(Contains(r.out, "http.status_code"));  // a promoted column name or a generic key

  RunResult filtered = Cli({"dump", "trace", "t1", older_.ToString(), id, "--column=span.name"});
  ASSERT_EQ(filtered.code, kExitOk);
  EXPECT_TRUE(Contains(filtered.out, "span.name"));
  EXPECT_FALSE(Contains(filtered.out, "trace.id"));
  EXPECT_EQ(Cli({"dump", "trace", "t1", older_.ToString(), id, "--column=nope"}).code, kExitUsage);
  RunResult absent =
      Cli({"dump", "trace", "t1", older_.ToString(), HexEncode(ByteView(testing::TestTraceId(3)))});
  EXPECT_EQ(absent.code, kExitFailure);
  EXPECT_TRUE(Contains(absent.err, "is not in block"));
}

TEST_F(CliBucketTest, IndexAndColumnListings) {
  RunResult list = Cli({"list", "index", "t1", older_.ToString()});
  ASSERT_EQ(list.code, kExitOk) << list.err;
  EXPECT_TRUE(Contains(list.out, "Index entries (row groups): "));
  RunResult view = Cli({"view", "index", "t1", older_.ToString()});
  ASSERT_EQ(view.code, kExitOk);
  EXPECT_TRUE(Contains(view.out, "MIN TRACE ID"));
  RunResult column = Cli({"list", "column", "t1", older_.ToString(), "span.name", "--limit=4"});
  ASSERT_EQ(column.code, kExitOk) << column.err;
  EXPECT_TRUE(Contains(column.out, "# row group 0"));
  EXPECT_EQ(CountOf(column.out, "\n\""), 4u);
  RunResult unknown = Cli({"list", "column", "t1", older_.ToString(), "span.nam"});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_TRUE(Contains(unknown.err, "span.name"));
}

TEST_F(CliBucketTest, SurvivesGarbage) {
  // A block directory with a garbage meta.json, and a garbage data object in another.
  std::string junk = root_ + "/t1/" + backend::BlockId::Random().ToString();
  std::filesystem::create_directories(junk);
  std::ofstream(junk + "/meta.json") << "{not json";
  RunResult list = Cli({"list", "blocks", "t1"});
  EXPECT_EQ(list.code, kExitFailure);
  EXPECT_TRUE(Contains(list.err, "warning: block "));
  EXPECT_TRUE(Contains(list.out, older_.ToString()));

  std::ofstream(Path("t2", other_, "data"), std::ios::trunc) << "garbage";
  RunResult verify = Cli({"verify", "block", "t2", other_.ToString()});
  EXPECT_EQ(verify.code, kExitFailure);
  EXPECT_TRUE(Contains(verify.err, "data: object is 7 bytes"));
  RunResult show = Cli({"list", "block", "t2", other_.ToString()});
  EXPECT_EQ(show.code, kExitFailure);
  EXPECT_EQ(Cli({"query", "blocks", "1", "t2"}).code, kExitFailure);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"list", "block", "t2", "", ""},
        {"dump", "trace", "../..", other_.ToString(), "1"},
        {"list", "blocks", "t1/../t2"},
        {"verify", "tenant", "\xff\xfe"}}) {
    RunResult r = Cli(args);
    EXPECT_NE(r.code, kExitOk);
    EXPECT_TRUE(Contains(r.err, "vivace-cli: error: "));
  }
}

}  // namespace
}  // namespace vivace::cli
