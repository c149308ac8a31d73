#pragma once

// One search request made ready to run on many threads at once: the TraceQL query compiled
// (conditions for the columnar scan, the exact evaluator to confirm matches) and the request's
// filters that are not part of the query (time window, trace duration bounds, spans per
// spanset). Immutable; shared by every job of a search.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tempopb/tempo.pb.h"
#include "traceql/eval/evaluator.h"
#include "traceql/eval/trace.h"
#include "traceql/plan.h"

namespace vivace::search {

// The parameters of /api/search after validation (frontend/search_params.h).
struct SearchOptions {
  std::string query;  // TraceQL; the legacy `tags` are turned into TraceQL first
  uint32_t limit = 20;
  uint32_t spans_per_spanset = 3;
  uint32_t min_duration_ms = 0;  // 0 = no bound
  uint32_t max_duration_ms = 0;
  uint32_t start_unix_s = 0;  // both 0: recent data, no time window
  uint32_t end_unix_s = 0;
};

class PreparedSearch {
 public:
  // InvalidArgument with the parser's or validator's message for a bad query, or when the
  // query is a metrics query (which /api/search cannot answer).
  static Result<std::shared_ptr<const PreparedSearch>> Create(const SearchOptions& options);

  const SearchOptions& options() const { return options_; }

  const traceql::CompiledQuery& compiled() const { return compiled_; }

  // Sub-query 0's fetch request: what the columnar scan pushes down.
  const traceql::FetchRequest& fetch() const { return compiled_.requests.front(); }

  // The query can match nothing (`{ false }`): nothing needs to be read.
  bool noop() const { return noop_; }

  // The hint `with(most_recent=true)`: the newest traces of the whole window, not the first
  // found.
  bool most_recent() const { return most_recent_; }

  bool has_window() const { return options_.start_unix_s != 0 || options_.end_unix_s != 0; }

  // Whether data spanning [start_ns, end_ns] may hold traces in the time window.
  bool OverlapsWindow(uint64_t start_ns, uint64_t end_ns) const;
  // Whether durations within [min_ns, max_ns] may pass the duration bounds.
  bool DurationsMayPass(uint64_t min_ns, uint64_t max_ns) const;

  // The trace's search result when it is in the window, within the duration bounds and the
  // query matches it; nullopt otherwise. InvalidArgument when evaluation fails (the query then
  // fails, as in Tempo).
  Result<std::optional<tempopb::TraceSearchMetadata>> Match(
      const traceql::eval::Trace& trace) const;

  // The spans of `trace` in any spanset sub-query 0 yields (ascending; no window or duration
  // check): what tag queries filtered by `q` read from.
  Result<std::vector<uint32_t>> MatchingSpans(const traceql::eval::Trace& trace) const;

 private:
  PreparedSearch() = default;
  SearchOptions options_;
  traceql::CompiledQuery compiled_;
  std::unique_ptr<traceql::eval::Evaluator> evaluator_;
  bool noop_ = false;
  bool most_recent_ = false;
};

}  // namespace vivace::search
