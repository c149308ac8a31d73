#pragma once

// Span multipliers for sampled traces (Tempo's processor util GetSpanMultiplier): counts and
// histogram observations are scaled by 1/sampling-probability, taken from the W3C tracestate
// OpenTelemetry threshold (`ot=th:<hex>`) when enabled, else from a configured attribute holding
// the sampling ratio (span attributes first, then resource attributes).

#include <string_view>

#include "generator/span_reader.h"

namespace vivace::generator {

// 2^56 / (2^56 - threshold) for a valid `th` value in `trace_state`, else 0.
double MultiplierFromTraceState(std::string_view trace_state);

double SpanMultiplier(std::string_view ratio_key, bool use_trace_state,
                      const ResourceView& resource, const SpanView& span);

}  // namespace vivace::generator
