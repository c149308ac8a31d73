// WAL append throughput with fsync: concurrent pushers each append one record (one push) and
// wait for its acknowledgement, which comes only after the group's fdatasync. Measures records
// and bytes per second through group commit for several pusher counts and record sizes.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>

#include <benchmark/benchmark.h>

#include "ingester/wal/wal.h"
#include "ingester/wal/wal_record.h"
#include "model/trace_id.h"

namespace vivace {
namespace {

struct SharedWal {
  std::string dir;
  std::unique_ptr<ingester::wal::Wal> wal;
  std::atomic<uint64_t> seq{1};
};

SharedWal* g_wal = nullptr;
std::mutex g_mu;

void BM_WalAppendSynced(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(g_mu);
    g_wal = new SharedWal;
    char tmpl[] = "/tmp/vivace-walbench-XXXXXX";
    g_wal->dir = mkdtemp(tmpl);
    g_wal->wal = std::make_unique<ingester::wal::Wal>(
        ingester::wal::Wal::Options{.dir = g_wal->dir, .segment_bytes = 64 << 20});
    if (!g_wal->wal->Start().ok()) {
      state.SkipWithError("wal start failed");
    }
  }
  // The other threads wait at the start barrier of the loop until thread 0 has set up.
  std::string fragment(static_cast<size_t>(state.range(0)), 'x');
  model::TraceId id;
  int64_t bytes = 0;
  for (auto _ : state) {
    uint64_t seq = g_wal->seq.fetch_add(1);
    ingester::wal::RecordBuilder b(seq);
    id.bytes[0] = static_cast<uint8_t>(seq);
    b.Add(id, 1, 2, 10, ByteView(fragment));
    std::string record = b.Finish();
    bytes += static_cast<int64_t>(record.size());
    std::promise<Status> done;
    g_wal->wal->Append("bench", std::move(record), seq,
                       [&done](Status s) { done.set_value(std::move(s)); });
    if (!done.get_future().get().ok()) {
      state.SkipWithError("append failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
  if (state.thread_index() == 0) {
    // Every thread has left the loop (the end barrier) before thread 0 gets here.
    std::lock_guard<std::mutex> lock(g_mu);
    g_wal->wal->Stop();
    std::filesystem::remove_all(g_wal->dir);
    delete g_wal;
    g_wal = nullptr;
  }
}

// Record sizes: one small push (8 KiB) and the loadgen's 20-trace push (~86 KiB).
BENCHMARK(BM_WalAppendSynced)
    ->ArgName("record_bytes")
    ->Arg(8 << 10)
    ->Arg(86 << 10)
    ->Threads(1)
    ->Threads(8)
    ->Threads(32)
    ->UseRealTime();

}  // namespace
}  // namespace vivace
