#pragma once

// Combines the results of a search's jobs as Tempo's query frontend does: one entry per trace
// ID (a trace found by several jobs is merged: earliest start, longest duration, root names
// filled from whichever part had them, per-service counts the larger of the two, spansets
// matched by their by() attributes keeping the one with more matches), metrics summed. The
// search is done once `limit` distinct traces are held; Final() lists them most recent first,
// with `<root span not yet received>` for traces whose root span was not found (or, with
// `keep_most_recent`, keeps the `limit` most recent traces of all jobs). Thread-safe.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "search/job_deadline.h"
#include "tempopb/tempo.pb.h"

namespace vivace::search {

struct JobMetrics {
  uint64_t inspected_traces = 0;
  uint64_t inspected_bytes = 0;
  uint64_t inspected_spans = 0;
};

class SearchCombiner {
 public:
  // With `keep_most_recent` (the query hint `with(most_recent=true)`) the combiner keeps the
  // `limit` traces that start last instead of the first found, and is never full: every job
  // must run. A `parent` (for a job-local combiner: a cached job's own answer) makes Full() hold
  // once the parent is full too, so that the job stops with the search.
  explicit SearchCombiner(uint32_t limit, bool keep_most_recent = false,
                          const SearchCombiner* parent = nullptr)
      : limit_(limit), keep_most_recent_(keep_most_recent), parent_(parent) {}

  // Adds one trace's result. Returns false once the limit is reached (later traces are dropped
  // unless they merge into one already held).
  bool Add(tempopb::TraceSearchMetadata md);
  // A job finished (completed jobs are counted even after the limit).
  void AddJob(const JobMetrics& m);
  // Set by the frontend before jobs run.
  void SetPlan(uint32_t total_jobs, uint32_t total_blocks, uint64_t total_block_bytes);

  // Whether `limit` distinct traces are held, or the job running on this thread has run out of
  // time (job_deadline.h): outstanding work can stop.
  bool Full() const {
    return full_.load(std::memory_order_relaxed) || (parent_ != nullptr && parent_->Full())
           || JobDeadline::Passed();
  }

  // Whether this combiner itself holds `limit` traces (a parent's state aside).
  bool OwnLimitReached() const { return full_.load(std::memory_order_relaxed); }

  size_t size() const;

  tempopb::SearchResponse Final() const;
  // The traces as held (in the order they were added, no placeholder root names) and the
  // metrics: a job's answer to cache and replay with Add().
  tempopb::SearchResponse Held() const;

 private:
  const uint32_t limit_;
  const bool keep_most_recent_;
  const SearchCombiner* const parent_;
  std::atomic<bool> full_{false};
  mutable std::mutex mu_;
  std::vector<tempopb::TraceSearchMetadata> traces_;
  std::unordered_map<std::string, size_t> by_id_;
  tempopb::SearchMetrics metrics_;
};

// Merges `incoming` into `existing` (same trace ID), as Tempo's CombineSearchResults.
void CombineSearchResults(tempopb::TraceSearchMetadata* existing,
                          const tempopb::TraceSearchMetadata& incoming);

}  // namespace vivace::search
