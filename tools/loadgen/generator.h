#pragma once

// Synthetic traces for vivace-loadgen: a seeded stream of OTLP export requests that look like
// what OpenTelemetry SDKs in a small web shop would send (see catalog.h). Each trace has a fixed
// number of spans and a fixed maximum depth; services call each other over HTTP, query
// databases and pass messages through queues, with SDK resource attributes, semantic-convention
// span attributes, errors with exception events, and links.
//
// Requests come out with *placeholder* trace IDs and *relative* timestamps: request_template.h
// serializes them once and then stamps real IDs and times into copies at known byte offsets, so
// the sending loop never builds protobuf messages.
//
//   Generator gen({.seed = 7, .spans_per_trace = 10, .depth = 4});
//   ExportRequest req = gen.NextRequest(/*traces=*/5);

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "loadgen/rng.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace vivace::loadgen {

using ExportRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

struct GeneratorOptions {
  uint64_t seed = 1;
  // Spans in every trace (>= 1).
  int spans_per_trace = 10;
  // Levels of nesting in every trace, the root being level 1 (>= 1). A trace with at least
  // `depth` spans reaches exactly this depth (depth 1 counts as 2 when there is more than one
  // span).
  int depth = 4;
  // Probability that a span fails on its own; failures also propagate to callers.
  double error_ratio = 0.05;
};

// Relative timestamps start here (1 ms), so that none is zero: proto3 omits zero-valued
// fields, and every timestamp must be present to be patched later.
inline constexpr uint64_t kTimeOrigin = 1'000'000;

// The placeholder ID of trace `index` of a generated request.
std::string PlaceholderTraceId(uint32_t index);
// The index encoded in a placeholder ID, or -1 if `id` is not one.
int64_t PlaceholderTraceIndex(ByteView id);

// Produces the seeded stream of requests. Not thread-safe.
class Generator {
 public:
  explicit Generator(const GeneratorOptions& options);

  // The next request: `traces` traces of options.spans_per_trace spans each, grouped by
  // resource (service and pod) and instrumentation scope. Trace i has PlaceholderTraceId(i);
  // timestamps are nanoseconds relative to the request (all >= kTimeOrigin), children nested
  // inside their parents. Span IDs are random and unique within a trace.
  ExportRequest NextRequest(int traces);

  const GeneratorOptions& options() const { return options_; }

 private:
  GeneratorOptions options_;
  Rng rng_;
};

}  // namespace vivace::loadgen
