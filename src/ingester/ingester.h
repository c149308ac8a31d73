#pragma once

// The ingester (Tempo 3.x: live-store): per-tenant live traces fed by the distributor, cut to
// the head block when idle or old, head blocks cut into complete blocks. It serves recent data
// to the querier. A background loop sweeps every flush_check_period.
//
// Limits (per tenant, from overrides): max_traces_per_user -> LIVE_TRACES_EXCEEDED discards,
// max_bytes_per_trace -> TRACE_TOO_LARGE discards (both after the push is acknowledged, as
// Tempo does); max_live_traces_bytes -> the push is refused with RESOURCE_EXHAUSTED so the client
// retries later (Tempo blocks the consumer instead). Thread-safe.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/clock.h"
#include "config/config.h"
#include "distributor/trace_sink.h"
#include "ingester/cut_traces.h"
#include "ingester/live_traces.h"
#include "ingester/wal/wal.h"
#include "overrides/overrides.h"

namespace vivace::ingester {

class Ingester final : public distributor::TraceSink {
 public:
  // `wal` may be null (no durability: unit tests, micro-benchmarks); it must outlive the ingester.
  Ingester(const config::LiveStoreConfig& config, const overrides::Overrides* overrides,
           const Clock* clock, wal::Wal* wal = nullptr);
  Ingester(const Ingester&) = delete;
  Ingester& operator=(const Ingester&) = delete;
  ~Ingester() override;

  // Replays the WAL into live traces (before Start). Limits do not apply to replayed data: it
  // was acknowledged.
  Status Replay();
  void Start();
  // Stops the sweep loop. Pushes after Stop are refused with UNAVAILABLE.
  void Stop();

  void PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                  std::function<void(Status)> done) override;

  // The trace's framed fragments (fragments.h) from live traces and blocks; "" if unknown.
  std::string FindTraceById(const std::string& tenant, const model::TraceId& id) const;

  // One sweep: cut idle/old live traces (all of them with `force`) and due head blocks.
  void Sweep(bool force);

  int64_t live_traces() const;
  int64_t live_bytes() const;
  int64_t cut_bytes() const;

 private:
  struct Instance {
    explicit Instance(CutTraces::Options o) : cut(o) {}
    // Orders WAL sequence numbers with the order pushes reach the live traces, so that the
    // truncation watermark never passes data that is not yet in memory.
    std::mutex push_mu;
    uint64_t next_seq = 1;  // guarded by push_mu
    LiveTraces live;
    CutTraces cut;
  };
  Instance* GetOrCreate(const std::string& tenant);
  const Instance* Get(const std::string& tenant) const;
  void Loop();

  config::LiveStoreConfig config_;
  const overrides::Overrides* overrides_;
  const Clock* clock_;
  wal::Wal* wal_;
  mutable std::shared_mutex tenants_mu_;
  std::unordered_map<std::string, std::unique_ptr<Instance>> tenants_;

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;
  std::atomic<bool> accepting_{true};
  std::thread loop_;
};

}  // namespace vivace::ingester
