#pragma once

// Merges blocks into one: the inputs are read as streams sorted by trace ID (one row group of
// each in memory at a time) and merged k-way; a trace found in several inputs is combined span
// by span, deduplicated on (span ID, kind) as Tempo's combiner does. A trace found in one input
// only (nearly all of them) is copied column by column from its decoded row group
// (BlockWriter::Copy), one found in several is rebuilt as protobuf from each and combined. Either
// way the block writer re-encodes every column with fresh dictionaries and recomputes
// promotions and statistics (spec storage.md §6.2, §8.10).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "block/block_writer.h"
#include "common/status.h"

namespace vivace::compactor {

struct MergeOptions {
  // tenant, block_id, bloom and page settings of the output; estimated_traces and
  // compaction_level are set by MergeBlocks (sum of inputs, max input level + 1).
  block::BlockWriterOptions output;
  // The tenant's max_bytes_per_trace: combining stops once a trace is larger (0 = no limit).
  size_t max_bytes_per_trace = 0;
  // When set and true, the merge stops with Cancelled (shutdown).
  const std::atomic<bool>* cancel = nullptr;
};

struct MergeStats {
  backend::BlockMeta output;
  uint64_t traces_read = 0;  // traces over all inputs
  uint64_t traces_written = 0;
  uint64_t objects_combined = 0;  // traces found in more than one input
  uint64_t spans_deduped = 0;
  uint64_t bytes_read = 0;  // of the inputs' data and index objects
  uint64_t spans_read = 0;
  uint64_t otlp_bytes = 0;  // serialized traces rebuilt to be combined
};

// The output's meta.json is written last; after an error the output has no meta.json and the
// caller should clear its objects. REQUIRES: inputs of one tenant, non-empty.
Result<MergeStats> MergeBlocks(backend::RawBackend* backend,
                               const std::vector<backend::BlockMeta>& inputs, MergeOptions options);

}  // namespace vivace::compactor
