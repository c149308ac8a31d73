#include "search/prepared_search.h"

#include <algorithm>

#include "traceql/eval/search.h"
#include "traceql/hints.h"

namespace vivace::search {
namespace {
constexpr uint64_t kNanosPerSecond = 1'000'000'000;
constexpr uint64_t kNanosPerMilli = 1'000'000;
}  // namespace

Result<std::shared_ptr<const PreparedSearch>> PreparedSearch::Create(const SearchOptions& options) {
  std::shared_ptr<PreparedSearch> p(new PreparedSearch());
  p->options_ = options;
  std::string_view text = options.query;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    text = "{}";  // an empty query finds every trace, as Tempo's
  }
  auto compiled = traceql::Compile(text);
  if (!compiled.ok()) {
    return Status::InvalidArgument("invalid TraceQL query: "
                                   + std::string(compiled.status().message()));
  }
  p->compiled_ = std::move(compiled).value();
  if (p->compiled_.query.is_metrics() || p->compiled_.query.single() == nullptr
      || p->compiled_.requests.empty()) {
    return Status::InvalidArgument(
        "invalid TraceQL query: metrics queries are not supported by search, use "
        "/api/metrics/query_range");
  }
  p->noop_ = traceql::IsNoop(p->compiled_.query);
  p->most_recent_ =
      traceql::HintBool(p->compiled_.query, traceql::kHintMostRecent, false).value_or(false);
  VV_ASSIGN_OR_RETURN(p->evaluator_, traceql::eval::Evaluator::Create(p->compiled_.query));
  return std::shared_ptr<const PreparedSearch>(std::move(p));
}

bool PreparedSearch::OverlapsWindow(uint64_t start_ns, uint64_t end_ns) const {
  if (!has_window()) {
    return true;
  }
  uint64_t window_start = uint64_t{options_.start_unix_s} * kNanosPerSecond;
  // The end second is inclusive: a trace starting within it is in the window.
  uint64_t window_end = (uint64_t{options_.end_unix_s} + 1) * kNanosPerSecond;
  return start_ns < window_end && end_ns >= window_start;
}

bool PreparedSearch::DurationsMayPass(uint64_t min_ns, uint64_t max_ns) const {
  if (options_.min_duration_ms != 0 && max_ns / kNanosPerMilli < options_.min_duration_ms) {
    return false;
  }
  if (options_.max_duration_ms != 0 && min_ns / kNanosPerMilli > options_.max_duration_ms) {
    return false;
  }
  return true;
}

Result<std::optional<tempopb::TraceSearchMetadata>> PreparedSearch::Match(
    const traceql::eval::Trace& trace) const {
  using Out = std::optional<tempopb::TraceSearchMetadata>;
  if (noop_ || trace.spans.empty()) {
    return Out();
  }
  if (!OverlapsWindow(trace.start_unix_nano, trace.end_unix_nano)) {
    return Out();
  }
  uint64_t duration = trace.end_unix_nano - trace.start_unix_nano;
  if (!DurationsMayPass(duration, duration)) {
    return Out();
  }
  return traceql::eval::SearchTrace(compiled_, *evaluator_, trace, options_.spans_per_spanset);
}

Result<std::vector<uint32_t>> PreparedSearch::MatchingSpans(
    const traceql::eval::Trace& trace) const {
  std::vector<uint32_t> spans;
  if (noop_ || trace.spans.empty()) {
    return spans;
  }
  VV_ASSIGN_OR_RETURN(std::vector<traceql::eval::Spanset> sets, evaluator_->Evaluate(trace));
  for (const auto& ss : sets) {
    spans.insert(spans.end(), ss.spans.begin(), ss.spans.end());
  }
  std::sort(spans.begin(), spans.end());
  spans.erase(std::unique(spans.begin(), spans.end()), spans.end());
  return spans;
}

}  // namespace vivace::search
