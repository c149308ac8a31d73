#pragma once

// Builders for OTLP test data (Tempo's MakeTrace idea): deterministic traces with nested spans,
// attributes of every type, events, links and errors.

#include <cstdint>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace vivace::testing {

using ExportRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// 16 bytes from a seed (never all zero).
std::string TestTraceId(uint64_t seed);
// 8 bytes from a seed (never all zero).
std::string TestSpanId(uint64_t seed);

struct TraceSpec {
  uint64_t seed = 1;
  int spans = 5;
  std::string service = "shop-backend";
  uint64_t start_unix_nano = 1'700'000'000'000'000'000;
};

// One trace: a root span and `spans - 1` nested children, every attribute type, an event, a
// link, and an error status on the last span.
ExportRequest MakeTrace(const TraceSpec& spec);
// Appends the spans of `spec` to `request` as a new ResourceSpans.
void AppendTrace(ExportRequest* request, const TraceSpec& spec);

}  // namespace vivace::testing
