#pragma once

// Serialized OTLP trace messages written as JSON straight from their wire bytes, without
// building protobuf objects: the proto3 JSON mapping as Tempo's query API produces it
// (camelCase names in declaration order, base64 bytes, enum names, 64-bit integers as strings,
// zero values omitted, and a `status` object on every span).
//
// REQUIRES: the bytes passed the ingest walker (model/otlp_schema.h) or were produced by us;
// malformed input is written as far as it parses and never read out of bounds.

#include <string_view>

#include "common/bytes.h"
#include "common/json_writer.h"

namespace vivace::model {

// How trace and span IDs are written: base64 (proto3 JSON, Tempo's query API) or hex (OTLP/JSON,
// what senders use).
enum class IdEncoding { kBase64, kHex };

enum class WireMessage { kTrace, kResourceSpans, kResource, kScope, kSpan };

// Writes one message of type `type` as a JSON object. For kTrace, the repeated field 1 is named
// `root_key` ("resourceSpans" in v2 responses, "batches" in v1).
void WriteWireJson(JsonWriter& w, WireMessage type, ByteView bytes,
                   IdEncoding ids = IdEncoding::kBase64,
                   std::string_view root_key = "resourceSpans");

std::string_view SpanKindName(int kind);
std::string_view StatusCodeName(int code);

}  // namespace vivace::model
