#pragma once

// Builds an eval::Trace from a serialized tempopb.Trace (a combined trace as the query path
// produces it: TraceAssembler::SerializeProto). Attribute values keep their OTLP type; kinds
// the language cannot query (bytes, key-value lists, mixed or empty arrays) are left out, as
// Tempo's storage does.

#include "common/bytes.h"
#include "common/status.h"
#include "traceql/eval/trace.h"

namespace vivace::traceql::eval {

// DataLoss if the bytes are not a tempopb.Trace.
Result<Trace> TraceFromProto(ByteView tempopb_trace);

}  // namespace vivace::traceql::eval
