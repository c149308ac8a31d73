#pragma once

// The invariant every receiver fuzzer checks on a translated request: the distributor's wire
// scanner accepts the OTLP bytes a translator produced and finds exactly the number of spans
// the translator reported. When every string is valid UTF-8 (protobuf's proto3 parser rejects
// the others, which the scanner instead repairs), the bytes must also parse as an
// ExportTraceServiceRequest and re-serialise to themselves: canonical encoding, as pdata
// writes it.

#include <cstdlib>
#include <string>

#include "common/bytes.h"
#include "model/regroup.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace vivace::fuzz {

inline void CheckTranslated(const std::string& otlp, size_t spans) {
  auto scan = model::ScanExportRequest(ByteView(otlp), {});
  if (!scan.ok() || scan->span_count() != spans) {
    std::abort();
  }
  if (scan->findings().invalid_utf8) {
    return;
  }
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest req;
  if (!req.ParseFromString(otlp)) {
    std::abort();
  }
  size_t n = 0;
  for (const auto& rs : req.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      n += static_cast<size_t>(ss.spans_size());
    }
  }
  if (n != spans || req.SerializeAsString() != otlp) {
    std::abort();
  }
}

}  // namespace vivace::fuzz
