#pragma once

// The ingester (Tempo 3.x: live-store): per-tenant live traces fed by the distributor, cut to
// the head block when idle or old, head blocks cut into complete blocks, which flush workers
// (complete_block_concurrency) write to the backend with retries; a flushed block is served
// from the backend for complete_block_timeout, and the WAL keeps every record until the block
// holding it is flushed. It serves recent data to the querier. A background loop sweeps every
// flush_check_period.
//
// Limits (per tenant, from overrides): max_traces_per_user -> LIVE_TRACES_EXCEEDED discards,
// max_bytes_per_trace -> TRACE_TOO_LARGE discards (both after the push is acknowledged, as
// Tempo does). max_live_traces_bytes is back-pressure, as in Tempo: while live traces (or
// complete blocks waiting for their flush) hold that much, pushes wait, in arrival order, and
// are let in as memory frees (checked every second and after each flush). A push that waited
// 30 s, or that finds a tenth of the limit already waiting, is refused with RESOURCE_EXHAUSTED
// so the client backs off and retries. Thread-safe.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "backend/raw_backend.h"
#include "block/block_writer.h"
#include "blocklist/blocklist.h"
#include "common/clock.h"
#include "config/config.h"
#include "distributor/trace_sink.h"
#include "ingester/cut_traces.h"
#include "ingester/live_traces.h"
#include "ingester/wal/wal.h"
#include "overrides/overrides.h"

namespace vivace::search {
class RecentColumnar;
}

namespace vivace::ingester {

class Ingester final : public distributor::TraceSink {
 public:
  // Where data goes once it leaves memory. None of it is owned; all must outlive the ingester.
  struct Storage {
    backend::RawBackend* backend = nullptr;     // required: complete blocks are written here
    blocklist::Blocklist* blocklist = nullptr;  // optional: flushed blocks are added to it
    wal::Wal* wal = nullptr;                    // null: no durability (unit tests, benches)
    std::string marker_dir;                     // flush markers (block_flush.h); "" = none
    block::BlockWriterOptions block;            // bloom and row-group settings
  };

  Ingester(const config::LiveStoreConfig& config, const overrides::Overrides* overrides,
           const Clock* clock, Storage storage);
  Ingester(const Ingester&) = delete;
  Ingester& operator=(const Ingester&) = delete;
  ~Ingester() override;

  // Removes partial blocks of flushes a crash interrupted, then replays the WAL into live
  // traces (before Start). Limits do not apply to replayed data: it was acknowledged.
  Status Replay();
  void Start();
  // Stops the sweep loop and the flush workers (a flush in progress finishes; blocks not yet
  // flushed are in the WAL and come back at the next start). Pushes after Stop are refused
  // with UNAVAILABLE.
  void Stop();

  void PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                  std::function<void(Status)> done) override;

  // The trace's framed fragments (fragments.h) from live traces and blocks, in memory or
  // flushed; "" if unknown. Adds the IDs of the flushed blocks it searched to
  // `searched_blocks` (the querier skips them in the backend). A flushed block that cannot be
  // read is logged, counted and skipped.
  std::string FindTraceById(const std::string& tenant, const model::TraceId& id,
                            std::vector<backend::BlockId>* searched_blocks = nullptr) const;

  // A tenant's recent data for search: references to the buffers of its live traces, head
  // block and complete blocks not yet flushed (framed fragments; they do not change while
  // held; one trace may have parts in several, in that order), grouped by search bucket
  // (SearchBucket: `bucket_begin[b]` is where bucket b starts in `buffers`; empty when not
  // grouped, as in tests that build RecentData); readers of its flushed blocks still served
  // from here; and the search side's per-tenant cache (null: none).
  static constexpr uint32_t kSearchBuckets = 64;
  static uint32_t SearchBucket(const model::TraceId& id) {
    return static_cast<uint32_t>(model::HashTraceId(id) >> 58);
  }
  struct RecentData {
    std::vector<std::pair<model::TraceId, TraceBufferRef>> buffers;
    std::vector<uint32_t> bucket_begin;
    std::vector<std::shared_ptr<block::BlockReader>> flushed;
    std::shared_ptr<search::RecentColumnar> columnar;
  };
  RecentData SnapshotRecent(const std::string& tenant) const;
  // Orders `data->buffers` by bucket (stable) and sets bucket_begin.
  static void GroupByBucket(RecentData* data);
  // Sets the search side's per-tenant cache that SnapshotRecent hands out: `make` creates it
  // on first use (the ingester only holds it; search/recent_columnar.h says what it is).
  void EnsureSearchCache(
      const std::string& tenant,
      const std::function<std::shared_ptr<search::RecentColumnar>()>& make) const;

  // One sweep: cut idle/old live traces (all of them with `force`) and due head blocks, queue
  // complete blocks for flushing, expire old flushed blocks, truncate the WAL.
  void Sweep(bool force);
  // Cuts everything and waits (up to flush_op_timeout) until every complete block is flushed
  // and the WAL truncated: the `/flush` endpoint. DeadlineExceeded if flushing did not finish.
  Status FlushAll();

  int64_t live_traces() const;
  int64_t live_bytes() const;
  // Bytes of cut traces in memory (head and unflushed complete blocks).
  int64_t cut_bytes() const;
  int64_t unflushed_bytes() const;
  size_t flush_queue_length() const;

  void RetryParkedForTesting() { RetryParked(); }

 private:
  struct Instance {
    explicit Instance(CutTraces::Options o) : cut(o) {}

    // Orders WAL sequence numbers with the order pushes reach the live traces, so that the
    // truncation watermark never passes data that is not yet in memory.
    std::mutex push_mu;
    uint64_t next_seq = 1;  // guarded by push_mu
    LiveTraces live;
    CutTraces cut;
    mutable std::mutex search_mu;
    mutable std::shared_ptr<search::RecentColumnar> search_cache;  // guarded by search_mu
  };

  struct ParkedPush {
    std::string tenant;
    model::RegroupedBatch batch;
    std::function<void(Status)> done;
    int64_t parked_ns = 0;
  };

  static constexpr int64_t kMaxParkNanos = 30'000'000'000;
  // OK, or ResourceExhausted naming the memory limit that is reached.
  Status MemoryPressure() const;
  int64_t MaxParkedBytes() const;
  // Appends a push to the live traces and the WAL.
  void Apply(const std::string& tenant, model::RegroupedBatch batch,
             std::function<void(Status)> done);
  // Lets parked pushes in while memory allows; refuses those parked too long.
  void RetryParked();
  void RefuseParked(const Status& why);

  struct FlushJob {
    std::string tenant;
    Instance* inst;
    std::shared_ptr<const CutTraces::Block> block;
    int attempts = 0;
    int64_t not_before_ns = 0;  // monotonic; retries back off
  };

  Instance* GetOrCreate(const std::string& tenant);
  const Instance* Get(const std::string& tenant) const;
  std::vector<std::pair<std::string, Instance*>> Instances() const;
  void Loop();
  void FlushWorker();
  // Writes one block; on failure requeues it with backoff.
  void Flush(FlushJob job);

  config::LiveStoreConfig config_;
  const overrides::Overrides* overrides_;
  const Clock* clock_;
  Storage storage_;
  wal::Wal* wal_;
  mutable std::shared_mutex tenants_mu_;
  std::unordered_map<std::string, std::unique_ptr<Instance>> tenants_;

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;
  std::atomic<bool> accepting_{true};
  std::thread loop_;

  mutable std::mutex flush_mu_;
  std::condition_variable flush_cv_;       // new job, or stopping
  std::condition_variable flush_idle_cv_;  // a job finished
  std::deque<FlushJob> flush_queue_;       // guarded by flush_mu_
  int flushes_in_flight_ = 0;              // guarded by flush_mu_
  bool flush_stopping_ = false;            // guarded by flush_mu_
  std::vector<std::thread> flush_workers_;

  std::mutex parked_mu_;
  std::deque<ParkedPush> parked_;  // guarded by parked_mu_
  int64_t parked_bytes_ = 0;       // guarded by parked_mu_
};

}  // namespace vivace::ingester
