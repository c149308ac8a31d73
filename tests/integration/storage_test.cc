// The real vivace binary's storage path: traces cut into blocks, flushed to the local backend
// (`/flush?wait=true`), and served from those blocks after a restart, identical to what was
// served from memory; the WAL is truncated behind flushed blocks; a corrupt block is skipped
// (logged and counted) while the others keep serving.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/hex.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/trace_builder.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

namespace fs = std::filesystem;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using opentelemetry::proto::collector::trace::v1::TraceService;

std::vector<fs::path> BlockDirs(const std::string& data_dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(data_dir + "/blocks", ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == "meta.json") {
      out.push_back(it->path().parent_path());
    }
  }
  return out;
}

class StorageTest : public ::testing::Test {
 protected:
  void Start(const std::string& dir, const std::string& extra_yaml = "",
             std::vector<std::string> args = {}) {
    proc_.reset();
    VivaceProcess::Options o{.extra_yaml = extra_yaml, .args = std::move(args), .data_dir = dir};
    o.otlp = o.args.empty();  // the -target=... runs here have no receivers
    auto p = VivaceProcess::Start(o);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    proc_ = std::move(p).value();
    http_ = std::make_unique<HttpClient>("127.0.0.1", proc_->http_port());
  }

  void Push(const ExportRequest& req) {
    auto stub = TraceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(proc_->port("otlp-grpc")),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ExportTraceServiceResponse resp;
    ASSERT_TRUE(stub->Export(&ctx, req, &resp).ok());
  }

  void Flush() {
    auto r = http_->Get("/flush?wait=true");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 204) << r->body;
  }

  // The trace as protobuf, "" when not found.
  std::string Get(uint64_t seed, const std::string& params = "") {
    auto r = http_->Get("/api/traces/" + HexEncode(TestTraceId(seed)) + params,
                        {{"Accept", "application/protobuf"}});
    EXPECT_TRUE(r.ok());
    if (r->status == 404) {
      return "";
    }
    EXPECT_EQ(r->status, 200) << r->body;
    return r->body;
  }

  std::string Metrics() {
    auto r = http_->Get("/metrics");
    EXPECT_TRUE(r.ok());
    return r->body;
  }

  std::string dir_ = [] {
    char tmpl[] = "/tmp/vivace-storage-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  std::unique_ptr<VivaceProcess> proc_;
  std::unique_ptr<HttpClient> http_;

  void TearDown() override {
    proc_.reset();
    fs::remove_all(dir_);
  }
};

TEST_F(StorageTest, FlushedTracesAreServedFromBlocksAfterARestart) {
  Start(dir_);
  ExportRequest req = MakeTrace({.seed = 1, .spans = 7});
  AppendTrace(&req, {.seed = 2, .spans = 3, .service = "other"});
  Push(req);
  Push(MakeTrace({.seed = 1, .spans = 9}));  // a second part of trace 1: 7 dupes + 2 new
  std::string live1 = Get(1, "?mode=ingesters");
  std::string live2 = Get(2, "?mode=ingesters");
  ASSERT_NE(live1, "");
  ASSERT_NE(live2, "");
  EXPECT_EQ(Get(1, "?mode=blocks"), "");

  Flush();
  ASSERT_EQ(BlockDirs(dir_).size(), 1u);
  std::string metrics = Metrics();
  EXPECT_NE(metrics.find("tempo_live_store_blocks_completed_total{tenant=\"single-tenant\"} 1"),
            std::string::npos);
  EXPECT_EQ(Get(1, "?mode=blocks"), live1);

  // After a restart nothing is replayed (the WAL was truncated) and the block serves both.
  EXPECT_EQ(proc_->StopWith(SIGTERM), 0);
  Start(dir_);
  EXPECT_EQ(Get(1, "?mode=ingesters"), "");
  EXPECT_EQ(Get(1, "?mode=blocks"), live1);
  EXPECT_EQ(Get(2, "?mode=blocks"), live2);
  EXPECT_EQ(Get(1), live1);
  // Blocks are skipped by time range: the trace started in 2023.
  EXPECT_EQ(Get(1, "?mode=blocks&start=1800000000&end=1800000100"), "");
  EXPECT_EQ(Get(1, "?mode=blocks&start=1600000000&end=1800000000"), live1);
}

TEST_F(StorageTest, CorruptBlockIsSkippedAndOthersKeepServing) {
  Start(dir_);
  Push(MakeTrace({.seed = 5, .spans = 4}));
  Flush();
  Push(MakeTrace({.seed = 5, .spans = 6}));  // the same trace, more spans, in a second block
  Push(MakeTrace({.seed = 6, .spans = 2}));
  Flush();
  std::vector<fs::path> blocks = BlockDirs(dir_);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(proc_->StopWith(SIGTERM), 0);

  // Flip bytes in the middle of every data object's row groups of the first block.
  fs::path first =
      fs::last_write_time(blocks[0] / "meta.json") < fs::last_write_time(blocks[1] / "meta.json")
          ? blocks[0]
          : blocks[1];
  {
    std::fstream f(first / "data", std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekg(0, std::ios::end);
    auto size = static_cast<std::streamoff>(f.tellg());
    for (std::streamoff off = 16; off < size - 64; off += 7) {
      f.seekg(off);
      char c = 0;
      f.read(&c, 1);
      f.seekp(off);
      c = static_cast<char>(c ^ 0x5a);
      f.write(&c, 1);
    }
  }
  Start(dir_);
  // Trace 5's first part is lost with its block, but the second block still answers, and so
  // does trace 6.
  std::string t5 = Get(5, "?mode=blocks");
  EXPECT_NE(t5, "");
  EXPECT_NE(Get(6, "?mode=blocks"), "");
  std::string metrics = Metrics();
  EXPECT_NE(metrics.find("vivace_block_read_failures_total{tenant=\"single-tenant\"}"),
            std::string::npos);
  EXPECT_TRUE(proc_->WaitForLog("skipping unreadable block")) << proc_->logs();
}

}  // namespace
}  // namespace vivace::testing

namespace vivace::testing {
namespace {

int SpanCount(const tempopb::Trace& t) {
  int n = 0;
  for (const auto& rs : t.resourcespans()) {
    for (const auto& ss : rs.scope_spans()) {
      n += ss.spans_size();
    }
  }
  return n;
}

int CountObjects(const std::string& blocks_dir, const std::string& name) {
  int n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(blocks_dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == name) {
      ++n;
    }
  }
  return n;
}

// -target=compactor runs compaction alone on the bucket: the blocks a monolithic process
// flushed are merged, and afterwards every trace still reads back whole.
TEST_F(StorageTest, CompactorTargetCompactsTheBlocksOfAnotherProcess) {
  // No compaction in the monolithic runs (a cycle runs at start, so make it never find work:
  // tenants' compaction disabled), only in the compactor.
  const std::string no_compaction =
      "overrides:\n  defaults:\n    compaction:\n      compaction_disabled: true\n";
  Start(dir_, no_compaction);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Push(MakeTrace({.seed = seed, .spans = 3}));
    Push(MakeTrace({.seed = 100, .spans = static_cast<int>(seed) + 2}));  // in every block
    Flush();
  }
  proc_.reset();
  ASSERT_EQ(CountObjects(dir_ + "/blocks", "meta.json"), 3);

  Start(dir_, "backend_worker:\n  compaction:\n    compaction_cycle: 50ms\n",
        {"-target=compactor"});
  // Done once the job's metrics are out (they follow the marking of the inputs).
  const std::string done = "tempodb_compaction_blocks_total{level=\"1\"} 3";
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Metrics().find(done) == std::string::npos && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling, not timing
  }
  EXPECT_NE(Metrics().find(done), std::string::npos) << proc_->logs();
  EXPECT_EQ(CountObjects(dir_ + "/blocks", "meta.compacted.json"), 3);
  EXPECT_EQ(CountObjects(dir_ + "/blocks", "meta.json"), 1);
  EXPECT_EQ(http_->Get("/api/traces/" + HexEncode(TestTraceId(1)))->status, 404)
      << "the compactor serves no queries";
  proc_.reset();

  Start(dir_, no_compaction);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    tempopb::Trace t;
    ASSERT_TRUE(t.ParseFromString(Get(seed, "?mode=blocks"))) << seed;
    EXPECT_EQ(SpanCount(t), 3) << seed;
  }
  tempopb::Trace all;
  ASSERT_TRUE(all.ParseFromString(Get(100, "?mode=blocks")));
  EXPECT_EQ(SpanCount(all), 5);  // the three parts combined, once each
}

}  // namespace
}  // namespace vivace::testing
