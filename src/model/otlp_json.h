#pragma once

// OTLP/JSON ingest: converts the JSON form of an ExportTraceServiceRequest (what OpenTelemetry
// SDKs POST to /v1/traces with Content-Type application/json) into the protobuf wire encoding of
// the same request. Everything downstream (ScanExportRequest in model/regroup.h, the WAL, blocks)
// works on protobuf bytes, so JSON is translated once at the edge.
//
// The decoder is as lenient as the OpenTelemetry Collector's pdata unmarshaler that Tempo uses
// (spec/ingest.md §2.6): lowerCamelCase and snake_case keys, unknown keys skipped, `null` = absent,
// hex trace/span IDs, enums as numbers or names, 64-bit integers as strings or numbers, 32-bit
// integers and doubles as numbers or numeric strings, legacy `deprecatedScopeSpans` (field 1000).
// Fields are written proto3 style (zero scalars omitted, except oneof members of AnyValue).
//
//   VV_ASSIGN_OR_RETURN(std::string proto, OtlpJsonToProtobuf(body));
//   VV_ASSIGN_OR_RETURN(ScannedRequest scan, ScanExportRequest(proto, options));
//
// Thread-safe. Each thread keeps one JSON parser for bodies up to a few MiB, so steady-state
// decoding allocates only the output string.

#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::model {

// Decodes OTLP/JSON into protobuf-encoded ExportTraceServiceRequest bytes.
// Returns InvalidArgument for malformed JSON, wrong value types, bad IDs or enum names,
// out-of-range numbers and attribute values nested deeper than kMaxNestingDepth; the message
// names the offending field and where it sits, e.g.
//   invalid span.traceId "zz": not a hex string (at resourceSpans[0].scopeSpans[0].spans[3])
Result<std::string> OtlpJsonToProtobuf(ByteView json);

}  // namespace vivace::model
