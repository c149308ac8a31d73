#pragma once

// Where one tenant's traces go once they are cut from the live traces: a head block that
// collects them, cut into an immutable complete block after max_block_duration or
// max_block_bytes; complete blocks stay queryable for complete_block_timeout.
//
// This implementation keeps the blocks in memory, within a byte budget (the oldest complete
// block is dropped first when it is exceeded): durability — the WAL, the block format on disk,
// flushing to the backend — is the storage layer's job and replaces this class behind the same
// interface. Thread-safe.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "ingester/live_traces.h"
#include "model/trace_id.h"
#include "model/trace_map.h"

namespace vivace::ingester {

class CutTraces {
 public:
  struct Options {
    int64_t max_block_bytes = 52'428'800;
    int64_t max_block_duration_ns = 30'000'000'000;
    int64_t complete_block_timeout_ns = 1'200'000'000'000;
    int64_t memory_budget_bytes = 250'000'000;  // head + complete blocks
  };
  explicit CutTraces(Options options) : options_(options) {}

  void Append(const model::TraceId& id, LiveTrace&& trace, int64_t now_ns);
  // Cuts the head block when due (or when `force`), and drops expired or over-budget blocks.
  // Returns the number of blocks cut.
  int Maintain(int64_t now_ns, bool force);
  // Appends the trace's framed fragments from every block to `out`; false if in none.
  bool Find(const model::TraceId& id, std::string* out) const;

  int64_t bytes() const;
  size_t complete_blocks() const;
  // The smallest WAL sequence of data held here that no flushed block contains yet
  // (UINT64_MAX if none). The WAL keeps every record at or above it.
  uint64_t min_unflushed_seq() const;

 private:
  struct Block {
    model::TraceMap<std::string> traces;  // framed fragments per trace
    int64_t bytes = 0;
    uint64_t min_seq = UINT64_MAX;
    int64_t created_ns = 0;
    int64_t completed_ns = 0;
  };

  Options options_;
  mutable std::mutex mu_;
  std::unique_ptr<Block> head_;
  std::deque<std::shared_ptr<const Block>> complete_;  // oldest first
  int64_t complete_bytes_ = 0;
  // Blocks are not written to storage yet: data dropped from memory stays unflushed, so the
  // WAL must keep it (it is replayed after a restart).
  uint64_t dropped_min_seq_ = UINT64_MAX;
};

}  // namespace vivace::ingester
