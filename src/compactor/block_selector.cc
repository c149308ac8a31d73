#include "compactor/block_selector.h"

#include <algorithm>

#include <fmt/format.h>

namespace vivace::compactor {

namespace {

constexpr int64_t kActivePeriodSeconds = 24 * 3600;

int64_t WindowOf(int64_t unix_s, int64_t window_seconds) { return unix_s / window_seconds; }

}  // namespace

BlockSelector::BlockSelector(const std::vector<backend::BlockMeta>& blocks,
                             SelectorOptions options, int64_t now_unix_s)
    : options_(options) {
  options_.window_seconds = std::max<int64_t>(options_.window_seconds, 1);
  const int64_t current = WindowOf(now_unix_s, options_.window_seconds);
  const int64_t boundary = WindowOf(now_unix_s - kActivePeriodSeconds, options_.window_seconds);
  for (const backend::BlockMeta& b : blocks) {
    const int64_t w = WindowOf(b.end_time, options_.window_seconds);
    if (w == boundary) {
      // Blocks move from the active to the inactive grouping in this window; two compactors
      // could otherwise take the same block under the two groupings.
      continue;
    }
    if (options_.max_level > 0 && b.compaction_level >= options_.max_level) {
      continue;
    }
    const int64_t age = current - w;
    Entry e{&b, "", "", ""};
    // Hex widths as Tempo's %016X, so that string order is numeric order.
    if (w > boundary) {
      e.group = fmt::format("A-{}-{:016X}-{}", b.compaction_level, static_cast<uint64_t>(age),
                            b.replication_factor);
      e.order = fmt::format("{:016X}-{}", static_cast<uint64_t>(b.total_objects), b.format);
      e.hash = fmt::format("{}-{}-{}-{}", b.tenant_id, b.compaction_level, w,
                           b.replication_factor);
    } else {
      e.group = fmt::format("B-{:016X}-{}", static_cast<uint64_t>(age), b.replication_factor);
      e.order = fmt::format("{}-{:016X}-{}", b.compaction_level,
                            static_cast<uint64_t>(b.total_objects), b.format);
      e.hash = fmt::format("{}-{}-{}", b.tenant_id, w, b.replication_factor);
    }
    entries_.push_back(std::move(e));
  }
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.group != b.group ? a.group < b.group : a.order < b.order;
  });
}

CompactionJob BlockSelector::Next() {
  while (cursor_ < entries_.size()) {
    // From each start, the longest run that stays compatible and within limits.
    size_t start = cursor_;
    size_t len = 0;
    for (; start < entries_.size(); ++start) {
      const Entry& first = entries_[start];
      int64_t objects = first.meta->total_objects;
      uint64_t bytes = first.meta->size;
      size_t n = 1;
      for (size_t j = start + 1; j < entries_.size(); ++j) {
        const Entry& e = entries_[j];
        objects += e.meta->total_objects;
        bytes += e.meta->size;
        if (e.group != first.group || e.meta->format != first.meta->format
            || e.meta->dedicated_columns != first.meta->dedicated_columns
            || n + 1 > options_.max_inputs || objects > options_.max_objects
            || bytes > options_.max_bytes) {
          break;
        }
        ++n;
      }
      if (n > 1) {
        len = n;
        break;
      }
    }
    // Entries looked at are not considered again, whether or not they made a job.
    cursor_ = start + len;
    if (len >= std::max<size_t>(options_.min_inputs, 2)) {
      CompactionJob job;
      job.hash = entries_[start].hash;
      for (size_t i = start; i < start + len; ++i) {
        job.inputs.push_back(*entries_[i].meta);
      }
      return job;
    }
  }
  return {};
}

}  // namespace vivace::compactor
