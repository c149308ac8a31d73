#pragma once

// Scanning an OTLP ExportTraceServiceRequest and regrouping its spans by trace ID, at the wire
// level: no message objects are built. Each trace's spans become one serialized tempopb.Trace
// fragment with Tempo's rebatched shape (one ResourceSpans per original ScopeSpans the trace has
// spans in, holding the original resource and scope; schema URLs dropped), the original bytes
// spliced together. Fragments concatenate into a whole trace.
//
//   Result<ScannedRequest> scan = ScanExportRequest(body, {.max_attribute_bytes = 2048});
//   // rate limits use scan->span_count() and scan->proto_size(), then:
//   if (!scan->id_error().ok()) { reject }
//   RegroupedBatch batch = scan->Regroup();

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "model/otlp_schema.h"
#include "model/trace_id.h"
#include "model/trace_map.h"

namespace vivace::model {

// One trace's part of a request.
struct TraceSlice {
  TraceId id;
  uint32_t span_count = 0;
  uint32_t offset = 0;  // of its serialized tempopb.Trace within RegroupedBatch::data
  uint32_t size = 0;
  uint64_t start_unix_nano = 0;  // earliest span start (0 when no span has one)
  uint64_t end_unix_nano = 0;    // latest span end
};

struct RegroupedBatch {
  std::string data;
  std::vector<TraceSlice> traces;
  uint32_t span_count = 0;

  ByteView fragment(const TraceSlice& t) const { return ByteView(data).substr(t.offset, t.size); }
};

// A validated request. Holds views into the caller's buffer, which must outlive it, unless the
// request had to be rewritten (then it owns the rewritten copy).
class ScannedRequest {
 public:
  uint32_t span_count() const { return static_cast<uint32_t>(spans_.size()); }
  // The protobuf size of the (possibly rewritten) request: what Tempo rate-limits on.
  size_t proto_size() const { return request_.size(); }
  const WalkFindings& findings() const { return findings_; }
  // The first invalid trace or span ID (InvalidArgument with Tempo's message), or OK.
  const Status& id_error() const { return id_error_; }
  // Discard reason for id_error(): "invalid_trace_id" or "invalid_span_id".
  const char* id_error_reason() const { return id_error_reason_; }

  // REQUIRES: id_error().ok().
  RegroupedBatch Regroup() const;

 private:
  friend Result<ScannedRequest> ScanExportRequest(ByteView, const WalkOptions&);
  struct Resource {
    ByteView bytes;
    bool present = false;
  };
  struct Scope {
    ByteView bytes;
    bool present = false;
    uint32_t resource = 0;
  };
  struct Span {
    ByteView bytes;
    uint32_t scope = 0;
    uint32_t trace = 0;
    uint64_t start = 0;
    uint64_t end = 0;
  };

  Status Scan(const WalkOptions& options);
  Status ScanResourceSpans(ByteView rs, const WalkOptions& options);
  Status ScanScopeSpans(ByteView ss, uint32_t resource, const WalkOptions& options);
  Status ScanSpan(ByteView span, uint32_t scope, const WalkOptions& options);
  uint32_t TraceIndex(const TraceId& id);

  std::unique_ptr<std::string> rewritten_;
  ByteView request_;
  std::vector<Resource> resources_;
  std::vector<Scope> scopes_;
  std::vector<Span> spans_;
  std::vector<TraceId> trace_ids_;
  std::unique_ptr<TraceMap<uint32_t>> index_;  // built once a request has many traces
  WalkFindings findings_;
  Status id_error_;
  const char* id_error_reason_ = "";
};

// Validates `request` (an ExportTraceServiceRequest / TracesData) and indexes its spans.
// Returns InvalidArgument for malformed bytes; invalid IDs are reported by id_error() so that
// callers can apply Tempo's order (rate limit first, then ID validation).
Result<ScannedRequest> ScanExportRequest(ByteView request, const WalkOptions& options);

}  // namespace vivace::model
