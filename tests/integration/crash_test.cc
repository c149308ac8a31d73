// Durability under crashes: a client pushes traces continuously and records which pushes were
// acknowledged; the server is killed with SIGKILL after a random number of acks, restarted on
// the same data directory, and every acknowledged trace must read back complete (every span,
// no duplicates). Several kill cycles; traces acknowledged in earlier cycles must survive later
// ones too. One run keeps everything in the WAL; the other cuts and flushes blocks every few
// hundred milliseconds (and forces flushes), so kills land mid-flush and mid-block-write.

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
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

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using opentelemetry::proto::collector::trace::v1::TraceService;

constexpr int kSpansPerTrace = 3;
constexpr int kTracesPerPush = 4;

struct Acked {
  std::mutex mu;
  std::vector<uint64_t> seeds;  // trace seeds whose push was acknowledged
};

// Pushes until `stop`; seeds are unique across cycles (`next_seed`). Returns after the server
// stops answering.
void PushLoop(int port, std::atomic<uint64_t>* next_seed, Acked* acked, std::atomic<int>* acks,
              std::atomic<bool>* stop) {
  auto stub = TraceService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  while (!stop->load()) {
    ExportRequest req;
    std::vector<uint64_t> seeds;
    for (int t = 0; t < kTracesPerPush; ++t) {
      uint64_t seed = next_seed->fetch_add(1);
      seeds.push_back(seed);
      // Current timestamps: retention judges blocks by their traces' end time.
      AppendTrace(&req, {.seed = seed,
                         .spans = kSpansPerTrace,
                         .start_unix_nano = static_cast<uint64_t>(
                             std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count())});
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ExportTraceServiceResponse resp;
    if (stub->Export(&ctx, req, &resp).ok()) {
      std::lock_guard<std::mutex> lock(acked->mu);
      acked->seeds.insert(acked->seeds.end(), seeds.begin(), seeds.end());
      acks->fetch_add(1);
    }
  }
}

int SpanCount(const tempopb::Trace& t) {
  int n = 0;
  for (const auto& rs : t.resourcespans()) {
    for (const auto& ss : rs.scope_spans()) {
      n += ss.spans_size();
    }
  }
  return n;
}

size_t CountOccurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

int CountBlocks(const std::string& blocks_dir) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(blocks_dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == "meta.json") {
      ++n;
    }
  }
  return n;
}

// Partial blocks (a directory without meta.json or meta.compacted.json) under the blocks dir.
int CountPartialBlocks(const std::string& blocks_dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& tenant : std::filesystem::directory_iterator(blocks_dir, ec)) {
    for (const auto& block : std::filesystem::directory_iterator(tenant.path(), ec)) {
      if (block.is_directory() && block.path().filename().string().size() == 36
          && !std::filesystem::is_empty(block.path(), ec)
          && !std::filesystem::exists(block.path() / "meta.json")
          && !std::filesystem::exists(block.path() / "meta.compacted.json")) {
        ++n;
        std::string objects;
        for (const auto& f : std::filesystem::directory_iterator(block.path(), ec)) {
          objects += " " + f.path().filename().string();
        }
        std::printf("partial block %s:%s\n", block.path().c_str(), objects.c_str());
      }
    }
  }
  return n;
}

struct KillOptions {
  std::string live_store_yaml{};
  std::string extra_yaml{};
  bool force_flushes = false;
  int cycles = 5;
  // After the cycles: one more start must leave no partial block or journal behind, and some
  // blocks must have been compacted.
  bool check_compaction = false;
};

int CountJournals(const std::string& blocks_dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& tenant : std::filesystem::directory_iterator(blocks_dir, ec)) {
    for (const auto& j :
         std::filesystem::directory_iterator(tenant.path() / "vivace-compaction", ec)) {
      (void)j;
      ++n;
    }
  }
  return n;
}

int CountCompactedBlocks(const std::string& blocks_dir) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(blocks_dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == "meta.compacted.json") {
      ++n;
    }
  }
  return n;
}

// Kill cycles against one data directory. `live_store_yaml` tunes the block lifecycle;
// `force_flushes` also asks for a flush while the clients push.
void RunKillCycles(const KillOptions& o) {
  const std::string& live_store_yaml = o.live_store_yaml;
  const bool force_flushes = o.force_flushes;
  const int cycles = o.cycles;
  char tmpl[] = "/tmp/vivace-crash-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::mt19937 rng(std::random_device{}());
  std::atomic<uint64_t> next_seed{1};
  Acked acked;
  size_t resolved_finished = 0;
  size_t resolved_removed = 0;
  size_t compactions = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    auto proc = VivaceProcess::Start(
        {.extra_yaml = o.extra_yaml, .live_store_yaml = live_store_yaml, .data_dir = dir});
    ASSERT_TRUE(proc.ok()) << proc.status().ToString();
    // Everything acknowledged so far is readable, exactly once.
    {
      HttpClient http("127.0.0.1", (*proc)->http_port());
      std::vector<uint64_t> seeds;
      {
        std::lock_guard<std::mutex> lock(acked.mu);
        seeds = acked.seeds;
      }
      for (uint64_t seed : seeds) {
        auto r = http.Get("/api/traces/" + HexEncode(TestTraceId(seed)),
                          {{"Accept", "application/protobuf"}});
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r->status, 200) << "acknowledged trace " << seed << " lost in cycle " << cycle;
        tempopb::Trace t;
        ASSERT_TRUE(t.ParseFromString(r->body));
        ASSERT_EQ(SpanCount(t), kSpansPerTrace) << "trace " << seed;
      }
    }
    // Push from two clients and kill the server after a random number of acks.
    std::atomic<bool> stop{false};
    std::atomic<int> acks{0};
    int kill_after = std::uniform_int_distribution<int>(5, 150)(rng);
    int port = (*proc)->port("otlp-grpc");
    std::thread c1(PushLoop, port, &next_seed, &acked, &acks, &stop);
    std::thread c2(PushLoop, port, &next_seed, &acked, &acks, &stop);
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    bool flushed = false;
    while (acks.load() < kill_after && std::chrono::steady_clock::now() < give_up) {
      if (force_flushes && !flushed && acks.load() >= kill_after / 2) {
        HttpClient http("127.0.0.1", (*proc)->http_port());
        auto r = http.Do("GET", "/flush");
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->status, 204);
        flushed = true;
      }
      std::this_thread::yield();
    }
    ASSERT_GE(acks.load(), kill_after) << "pushes were not acknowledged; logs:\n"
                                       << (*proc)->logs();
    {
      const std::string logs = (*proc)->logs();
      resolved_finished += CountOccurrences(logs, "finished interrupted compaction");
      resolved_removed += CountOccurrences(logs, "removed output of interrupted");
      compactions += CountOccurrences(logs, "compaction complete");
    }
    EXPECT_EQ((*proc)->StopWith(SIGKILL), 128 + SIGKILL);
    stop = true;
    c1.join();
    c2.join();
  }
  if (force_flushes) {
    // The kills really did happen while blocks were being written.
    EXPECT_GT(CountBlocks(dir + "/blocks"), 0);
  }
  if (o.check_compaction) {
    // One compaction cycle only (the one at start, which resolves every journal the kills
    // left and then compacts): with later cycles running, a new job's journal and partial
    // output could be on disk whenever the directory is looked at.
    auto proc = VivaceProcess::Start(
        {.extra_yaml = "backend_worker:\n  compaction:\n    compaction_cycle: 24h\n",
         .live_store_yaml = live_store_yaml,
         .data_dir = dir});
    ASSERT_TRUE(proc.ok()) << proc.status().ToString();
    {
      // Retention runs at the end of the first cycle and counts itself.
      HttpClient http("127.0.0.1", (*proc)->http_port());
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while (std::chrono::steady_clock::now() < give_up) {
        auto m = http.Get("/metrics");
        ASSERT_TRUE(m.ok());
        const std::string key = "\ntempodb_retention_duration_seconds_count ";
        const size_t at = m->body.find(key);
        if (at != std::string::npos && std::atof(m->body.c_str() + at + key.size()) >= 1) {
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling, not timing
      }
    }
    EXPECT_EQ(CountJournals(dir + "/blocks"), 0) << (*proc)->logs();
    {
      // Blocks of flushes interrupted by the kills are deleted at start; a block without
      // meta.json seen now is one the ingester is still writing (it flushes the replayed WAL
      // while the compaction cycle runs), so wait for it to finish.
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (CountPartialBlocks(dir + "/blocks") != 0
             && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling, not timing
      }
    }
    EXPECT_EQ(CountPartialBlocks(dir + "/blocks"), 0) << (*proc)->logs();
    EXPECT_GT(CountCompactedBlocks(dir + "/blocks"), 0) << "nothing was compacted";
    HttpClient http("127.0.0.1", (*proc)->http_port());
    std::lock_guard<std::mutex> lock(acked.mu);
    for (uint64_t seed : acked.seeds) {
      auto r = http.Get("/api/traces/" + HexEncode(TestTraceId(seed)),
                        {{"Accept", "application/protobuf"}});
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->status, 200) << "acknowledged trace " << seed << " lost";
      tempopb::Trace t;
      ASSERT_TRUE(t.ParseFromString(r->body));
      ASSERT_EQ(SpanCount(t), kSpansPerTrace) << "trace " << seed;
    }
    const std::string logs = (*proc)->logs();
    resolved_finished += CountOccurrences(logs, "finished interrupted compaction");
    resolved_removed += CountOccurrences(logs, "removed output of interrupted");
    std::printf(
        "%d kill cycles: %zu compactions completed, interrupted ones resolved at restart: %zu "
        "finished, %zu undone\n",
        cycles, compactions, resolved_finished, resolved_removed);
  }
  std::filesystem::remove_all(dir);
}

constexpr const char* kFastBlocks =
    "  max_trace_idle: 20ms\n"
    "  max_trace_live: 100ms\n"
    "  flush_check_period: 20ms\n"
    "  max_block_duration: 50ms\n"
    "  complete_block_timeout: 200ms\n";

TEST(CrashTest, KillNineNeverLosesAcknowledgedSpans) { RunKillCycles({.cycles = 5}); }

TEST(CrashTest, KillNineDuringBlockFlushesNeverLosesOrDuplicatesSpans) {
  RunKillCycles({.live_store_yaml = kFastBlocks,
                 .extra_yaml = "backend_worker:\n  compaction:\n    compaction_cycle: 1h\n",
                 .force_flushes = true,
                 .cycles = 8});
}

// Blocks are cut every 50 ms and compacted every 20 ms, so kills land between any two of a
// compaction's object writes; every restart must resolve the interrupted job (finish it or
// remove its partial output) and queries must still return every span exactly once.
TEST(CrashTest, KillNineDuringCompactionNeverLosesOrDuplicatesSpans) {
  RunKillCycles({.live_store_yaml = kFastBlocks,
                 .extra_yaml = "backend_worker:\n  compaction:\n    compaction_cycle: 20ms\n",
                 .force_flushes = true,
                 .cycles = 8,
                 .check_compaction = true});
}

}  // namespace
}  // namespace vivace::testing
