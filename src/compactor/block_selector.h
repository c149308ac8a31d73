#pragma once

// Which blocks to compact together: Tempo's time-window selector (spec storage.md §6.1), with
// its grouping, ordering and limits, so a Vivace compactor and a Tempo one pick alike.
//
// A block's window is endTime / compaction_window. Blocks of the last 24 h (the active period)
// group by level and window, smallest first; older blocks group by window only, lowest level
// first. The window straddling the 24 h boundary is left alone. A job is the first contiguous
// run, within one group and one format, of min_inputs..max_inputs blocks whose summed objects
// and bytes stay within the limits.

#include <cstdint>
#include <string>
#include <vector>

#include "backend/block_meta.h"

namespace vivace::compactor {

struct SelectorOptions {
  int64_t window_seconds = 3600;  // compaction_window
  int64_t max_objects = 6'000'000;
  uint64_t max_bytes = 107'374'182'400;
  size_t min_inputs = 2;
  size_t max_inputs = 4;
  uint32_t max_level = 0;  // blocks at this level are not compacted again; 0 = no limit
};

struct CompactionJob {
  std::vector<backend::BlockMeta> inputs;
  // Tempo's job hash ("<tenant>-<level>-<window>-<rf>", or "<tenant>-<window>-<rf>" outside the
  // active period): what shards jobs across compactors.
  std::string hash;
};

class BlockSelector {
 public:
  BlockSelector(const std::vector<backend::BlockMeta>& blocks, SelectorOptions options,
                int64_t now_unix_s);

  // The next job, or one with no inputs when nothing is left to compact.
  CompactionJob Next();

 private:
  struct Entry {
    const backend::BlockMeta* meta;
    std::string group;
    std::string order;
    std::string hash;
  };

  SelectorOptions options_;
  std::vector<Entry> entries_;
  size_t cursor_ = 0;
};

}  // namespace vivace::compactor
