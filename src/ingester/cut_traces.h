#pragma once

// Where one tenant's traces go once they are cut from the live traces: a head block that
// collects them, cut into an immutable complete block after max_block_duration or
// max_block_bytes. A complete block stays in memory (and queryable) until the ingester has
// written it to the backend; from then on it is served from the backend block for
// complete_block_timeout, and its memory is freed. The WAL keeps every record that a block not
// yet flushed depends on (min_unflushed_seq). Thread-safe.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/block_id.h"
#include "block/block_reader.h"
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
  };

  // A block of cut traces; immutable once complete.
  struct Block {
    backend::BlockId id = backend::BlockId::Random();
    model::TraceMap<OwnedTraceBuffer> traces;  // framed fragments per trace
    int64_t bytes = 0;
    uint64_t min_seq = UINT64_MAX;  // smallest WAL sequence of its data
    int64_t created_ns = 0;
    int64_t completed_ns = 0;
  };

  // A complete block once written to the backend.
  struct FlushedBlock {
    std::shared_ptr<block::BlockReader> reader;
    int64_t flushed_ns = 0;
  };

  explicit CutTraces(Options options) : options_(options) {}

  void Append(const model::TraceId& id, LiveTrace&& trace, int64_t now_ns);
  // Completes the head block when due (or when `force` and it is not empty) and returns it
  // for flushing; null when nothing was cut.
  std::shared_ptr<const Block> CutHead(int64_t now_ns, bool force);
  // `block` (returned by CutHead) is in the backend: serve it from `reader`, free its memory.
  void MarkFlushed(const Block* block, std::shared_ptr<block::BlockReader> reader, int64_t now_ns);
  // Forgets flushed blocks older than complete_block_timeout; returns how many.
  int ExpireFlushed(int64_t now_ns);

  // Appends the trace's framed fragments from the blocks still in memory to `out`; false if
  // in none of them.
  bool FindInMemory(const model::TraceId& id, std::string* out) const;
  // For search: references to the head block's traces (framed fragments) and the complete
  // blocks not yet flushed (immutable, shared).
  void SnapshotInMemory(std::vector<std::pair<model::TraceId, TraceBufferRef>>* head,
                        std::vector<std::shared_ptr<const Block>>* complete) const;
  // Readers of the flushed blocks still served from here.
  std::vector<std::shared_ptr<block::BlockReader>> FlushedBlocks() const;

  // Bytes held in memory (head and complete blocks not yet flushed).
  int64_t bytes() const;
  int64_t head_bytes() const;
  // Bytes of complete blocks waiting to be flushed.
  int64_t unflushed_bytes() const;
  size_t unflushed_blocks() const;
  size_t flushed_blocks() const;
  // The smallest WAL sequence of data held here that no flushed block contains yet
  // (UINT64_MAX if none). The WAL keeps every record at or above it.
  uint64_t min_unflushed_seq() const;

 private:
  Options options_;
  mutable std::mutex mu_;
  std::unique_ptr<Block> head_;
  std::vector<std::shared_ptr<const Block>> complete_;  // not yet flushed, oldest first
  int64_t complete_bytes_ = 0;
  std::vector<FlushedBlock> flushed_;  // oldest first
};

}  // namespace vivace::ingester
