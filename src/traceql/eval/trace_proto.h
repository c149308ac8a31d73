#pragma once

// Builds an eval::Trace from a serialized tempopb.Trace (a combined trace as the query path
// produces it: TraceAssembler::SerializeProto). Attribute values keep their OTLP type; kinds
// the language cannot query (bytes, key-value lists, mixed or empty arrays) are left out, as
// Tempo's storage does.

#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "traceql/eval/trace.h"

namespace vivace::traceql::eval {

// DataLoss if the bytes are not a tempopb.Trace.
Result<Trace> TraceFromProto(ByteView tempopb_trace);

// The parts of one trace (serialized tempopb.Trace fragments: a live trace's pushes, the trace
// in several blocks) combined as the query path combines them (model::TraceAssembler: spans
// deduplicated, shared client/server span IDs rewritten), then built as above.
Result<Trace> TraceFromParts(const std::vector<ByteView>& tempopb_traces);

}  // namespace vivace::traceql::eval
