#pragma once

// Traces as Tempo's query API writes them in JSON: the proto3 JSON mapping of tempopb.Trace
// (camelCase names, base64 IDs, enum names, 64-bit integers as strings, zero values omitted),
// with the root array named `resourceSpans` (v2) or `batches` (v1).

#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "tempopb/tempo.pb.h"

namespace vivace::model {

// Writes `{"<root_key>":[ResourceSpans...]}` (or `{}` for an empty trace).
void WriteTraceJson(JsonWriter& w, const tempopb::Trace& trace, std::string_view root_key);
void WriteKeyValueJson(JsonWriter& w, const opentelemetry::proto::common::v1::KeyValue& kv);
void WriteAnyValueJson(JsonWriter& w, const opentelemetry::proto::common::v1::AnyValue& v);

std::string_view SpanKindName(int kind);
std::string_view StatusCodeName(int code);

}  // namespace vivace::model
