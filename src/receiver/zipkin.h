#pragma once

// Zipkin ingest: decoders for the bodies Tempo's Zipkin receiver accepts and their translation
// to OTLP as the OpenTelemetry Collector's Zipkin translators do it (mapping tables in
// docs/receivers.md).
//
//   v2 JSON array of spans      --DecodeZipkinJson--+
//   v2 proto3 ListOfSpans       --DecodeZipkinProto-+--> ZipkinBatch --TranslateZipkinV2--> OTLP
//   v1 JSON / v1 thrift list    --TranslateZipkinV1Json / TranslateZipkinV1Thrift-------> OTLP
//
// The decoders are total: malformed input yields InvalidArgument with a message naming the
// problem (the HTTP receiver answers it as a 400). Decoded spans keep views into the input
// buffer and into the batch's arena.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/arena.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::receiver {

struct ZipkinEndpoint {
  bool present = false;
  std::string_view service_name;
  bool has_ipv4 = false;
  bool has_ipv6 = false;
  std::string_view ipv4;  // formatted as Go's net.IP.String() does
  std::string_view ipv6;
  uint16_t port = 0;
};

struct ZipkinAnnotation {
  uint64_t time_unix_nano = 0;
  std::string_view value;
};

struct ZipkinTag {
  std::string_view key;
  std::string_view value;
};

struct ZipkinSpan {
  bool null = false;  // a JSON null in the array (skipped)
  uint64_t trace_high = 0;
  uint64_t trace_low = 0;
  uint64_t id = 0;
  bool has_parent = false;
  uint64_t parent_id = 0;
  std::string_view name;
  std::string_view kind;          // "CLIENT", "SERVER", "PRODUCER", "CONSUMER" or anything else
  bool timestamp_absent = false;  // JSON only: no (or a non-positive) timestamp
  uint64_t start_unix_nano = 0;
  int64_t duration_nanos = 0;
  ZipkinEndpoint local;
  ZipkinEndpoint remote;
  uint32_t annotations_begin = 0, annotations_end = 0;
  uint32_t tags_begin = 0, tags_end = 0;  // keys are unique within a span
};

struct ZipkinBatch {
  std::vector<ZipkinSpan> spans;
  std::vector<ZipkinAnnotation> annotations;
  std::vector<ZipkinTag> tags;
  Arena arena;  // unescaped JSON strings, formatted addresses
};

struct ZipkinOptions {
  // `parse_string_tags`: tag values that look like integers, decimals or booleans become typed
  // attributes.
  bool parse_string_tags = false;
};

Status DecodeZipkinJson(ByteView body, ZipkinBatch* out);
Status DecodeZipkinProto(ByteView body, ZipkinBatch* out);

// v2 -> OTLP. InvalidArgument when an `otlp.link.N` tag or an annotation carrying attributes is
// malformed (the Collector fails the whole request then).
Result<std::string> TranslateZipkinV2(ZipkinBatch& batch, const ZipkinOptions& options,
                                      size_t* spans);

// Zipkin v1 (api/v1/spans) straight to OTLP.
Result<std::string> TranslateZipkinV1Json(ByteView body, const ZipkinOptions& options,
                                          size_t* spans);
Result<std::string> TranslateZipkinV1Thrift(ByteView body, size_t* spans);

}  // namespace vivace::receiver
