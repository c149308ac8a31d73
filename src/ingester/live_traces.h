#pragma once

// One tenant's live traces: traces still receiving spans, held in memory until they have been
// idle for max_trace_idle or alive for max_trace_live, then cut (handed to the head block).
// Sharded by trace-ID hash, each shard an open-addressing map under its own mutex, so pushes
// for different traces rarely contend. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "common/bytes.h"
#include "ingester/trace_buffer.h"
#include "model/trace_id.h"
#include "model/trace_map.h"

namespace vivace::ingester {

struct LiveTrace {
  OwnedTraceBuffer data;  // framed fragments (fragments.h)
  uint32_t spans = 0;
  uint32_t payload_bytes = 0;  // protobuf bytes, without framing (what max_bytes_per_trace limits)
  uint64_t first_seq = 0;       // WAL sequence of its first fragment (0 = not logged)
  int64_t first_append_ns = 0;  // monotonic
  int64_t last_append_ns = 0;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
};

enum class AppendResult { kOk, kNewTrace, kTooManyTraces, kTraceTooLarge };

class LiveTraces {
 public:
  struct Limits {
    int64_t max_traces = 0;          // 0 = unlimited
    int64_t max_bytes_per_trace = 0;  // 0 = unlimited
  };

  // Appends one push's fragment of trace `id`; `seq` is the push's WAL sequence.
  AppendResult Append(const model::TraceId& id, ByteView fragment, uint32_t spans,
                      uint64_t start_unix_nano, uint64_t end_unix_nano, int64_t now_ns,
                      const Limits& limits, uint64_t seq = 0);

  // Removes every trace idle for at least `idle_ns` or alive for at least `live_ns` (all of
  // them when `all`), passing each to `cut`. Called without holding other locks. Returns the
  // smallest first_seq among the traces that stay live (UINT64_MAX if none).
  uint64_t Cut(int64_t now_ns, int64_t idle_ns, int64_t live_ns, bool all,
               const std::function<void(const model::TraceId&, LiveTrace&&)>& cut);

  // Appends the trace's framed fragments to `out`; false if it is not live.
  bool Find(const model::TraceId& id, std::string* out) const;
  // Calls fn(id, trace) for every live trace, one shard locked at a time (search takes
  // references to the buffers: they do not change once the shard is unlocked).
  void ForEach(const std::function<void(const model::TraceId&, const LiveTrace&)>& fn) const;

  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  int64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::mutex mu;
    model::TraceMap<LiveTrace> traces;
  };
  Shard& ShardFor(const model::TraceId& id);
  const Shard& ShardFor(const model::TraceId& id) const;

  std::array<Shard, kShards> shards_;
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> bytes_{0};
};

}  // namespace vivace::ingester
