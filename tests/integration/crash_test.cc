// Durability under crashes: a client pushes traces continuously and records which pushes were
// acknowledged; the server is killed with SIGKILL after a random number of acks, restarted on
// the same data directory, and every acknowledged trace must read back complete (every span,
// no duplicates). Several kill cycles; traces acknowledged in earlier cycles must survive later
// ones too. One run keeps everything in the WAL; the other cuts and flushes blocks every few
// hundred milliseconds (and forces flushes), so kills land mid-flush and mid-block-write.

#include <signal.h>

#include <atomic>
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
      AppendTrace(&req, {.seed = seed, .spans = kSpansPerTrace});
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

// Kill cycles against one data directory. `live_store_yaml` tunes the block lifecycle;
// `force_flushes` also asks for a flush while the clients push.
void RunKillCycles(const std::string& live_store_yaml, bool force_flushes, int cycles) {
  char tmpl[] = "/tmp/vivace-crash-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::mt19937 rng(std::random_device{}());
  std::atomic<uint64_t> next_seed{1};
  Acked acked;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    auto proc = VivaceProcess::Start({.live_store_yaml = live_store_yaml, .data_dir = dir});
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
    EXPECT_EQ((*proc)->StopWith(SIGKILL), 128 + SIGKILL);
    stop = true;
    c1.join();
    c2.join();
  }
  if (force_flushes) {
    // The kills really did happen while blocks were being written.
    EXPECT_GT(CountBlocks(dir + "/blocks"), 0);
  }
  std::filesystem::remove_all(dir);
}

TEST(CrashTest, KillNineNeverLosesAcknowledgedSpans) { RunKillCycles("", false, 5); }

TEST(CrashTest, KillNineDuringBlockFlushesNeverLosesOrDuplicatesSpans) {
  RunKillCycles(
      "  max_trace_idle: 20ms\n"
      "  max_trace_live: 100ms\n"
      "  flush_check_period: 20ms\n"
      "  max_block_duration: 50ms\n"
      "  complete_block_timeout: 200ms\n",
      true, 8);
}

}  // namespace
}  // namespace vivace::testing
