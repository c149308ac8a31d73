#pragma once

// Tempo's search result for one trace (TraceSearchMetadata) from the exact evaluator: the
// trace's metadata and one spanset per result of the pipeline, each with its `matched` count,
// its first `spans_per_spanset` spans and its attributes (by() groups, aggregate values).
// Each span lists the fields the query loaded (both passes of its fetch request, select()
// fields included) under their names without scope, except name, duration, trace duration,
// root name, root service, trace ID and span ID, as Tempo does.

#include <optional>

#include "common/status.h"
#include "tempopb/tempo.pb.h"
#include "traceql/eval/evaluator.h"
#include "traceql/eval/trace.h"
#include "traceql/plan.h"

namespace vivace::traceql::eval {

// The metadata of `trace` if sub-query 0 of `query` matches it, else nullopt.
// REQUIRES: `evaluator` was created from `query.query`.
Result<std::optional<tempopb::TraceSearchMetadata>> SearchTrace(const CompiledQuery& query,
                                                                const Evaluator& evaluator,
                                                                const Trace& trace,
                                                                uint32_t spans_per_spanset);

}  // namespace vivace::traceql::eval
