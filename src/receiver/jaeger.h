#pragma once

// Jaeger ingest: decoders for the four Jaeger transports' payloads and the translation to OTLP
// that Tempo applies (the OpenTelemetry Collector's Jaeger translator; mapping tables in
// docs/receivers.md).
//
//   thrift Batch (binary, HTTP /api/traces)   --DecodeJaegerThriftBatch--+
//   agent emitBatch (compact/binary, UDP)     --DecodeJaegerEmitBatch----+--> JaegerBatch
//   api_v2 PostSpansRequest (gRPC)            --DecodeJaegerProto--------+        |
//                                                    TranslateJaeger(batch, flavor)
//                                                                 v
//                                          OTLP ExportTraceServiceRequest protobuf
//
// The thrift and protobuf paths of the translator differ (scope, trace state, process
// regrouping, sentinel service name); `JaegerFlavor` selects which one applies.
//
// Decoders keep views into the input buffer, which must outlive the batch. They are total: any
// input yields a batch or InvalidArgument naming what was wrong, never a crash.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::receiver {

struct JaegerTag {
  std::string_view key;
  int32_t vtype = 0;       // thrift TagType (STRING=0, DOUBLE=1, BOOL=2, LONG=3, BINARY=4); proto
                           // ValueType is mapped onto the same numbers at decode
  bool known_type = true;  // false: vtype is outside the IDL enum
  int32_t raw_vtype = 0;   // the value as sent, for the placeholder text
  std::string_view vstr;
  double vdouble = 0;
  bool vbool = false;
  int64_t vlong = 0;
  std::string_view vbinary;
};

inline constexpr int32_t kTagString = 0;
inline constexpr int32_t kTagDouble = 1;
inline constexpr int32_t kTagBool = 2;
inline constexpr int32_t kTagLong = 3;
inline constexpr int32_t kTagBinary = 4;

inline constexpr int32_t kRefChildOf = 0;
inline constexpr int32_t kRefFollowsFrom = 1;

struct JaegerRef {
  int32_t ref_type = 0;
  uint64_t trace_high = 0;
  uint64_t trace_low = 0;
  uint64_t span_id = 0;
};

struct JaegerLog {
  uint64_t time_unix_nano = 0;
  uint32_t fields_begin = 0;  // into JaegerBatch::tags
  uint32_t fields_end = 0;
};

struct JaegerProcess {
  std::string_view service_name;
  uint32_t tags_begin = 0;
  uint32_t tags_end = 0;
};

struct JaegerSpan {
  uint64_t trace_high = 0;
  uint64_t trace_low = 0;
  uint64_t span_id = 0;
  uint64_t parent_span_id = 0;  // thrift only (protobuf expresses parents as references)
  std::string_view operation_name;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  uint32_t refs_begin = 0, refs_end = 0;
  uint32_t tags_begin = 0, tags_end = 0;
  uint32_t logs_begin = 0, logs_end = 0;
  int32_t process = -1;  // protobuf: index into JaegerBatch::processes of its own process
  bool blank = false;    // every field at its zero value: skipped, as the Collector does
};

struct JaegerBatch {
  bool has_process = false;
  JaegerProcess process;                 // Batch.process
  std::vector<JaegerProcess> processes;  // protobuf: Span.process of individual spans
  std::vector<JaegerSpan> spans;
  std::vector<JaegerTag> tags;  // tags of all processes, spans and logs
  std::vector<JaegerRef> refs;
  std::vector<JaegerLog> logs;
};

enum class JaegerFlavor { kThrift, kProto };

// A bare thrift Batch struct in the binary protocol (the Jaeger HTTP /api/traces body).
Status DecodeJaegerThriftBatch(ByteView body, JaegerBatch* out);

enum class ThriftProtocol { kCompact, kBinary };

// An agent UDP datagram: the Agent.emitBatch message (CALL or ONEWAY) in either protocol.
// emitZipkinBatch and other methods are InvalidArgument (dropped by the UDP server).
Status DecodeJaegerEmitBatch(ByteView datagram, ThriftProtocol protocol, JaegerBatch* out);

// A jaeger.api_v2.PostSpansRequest (gRPC CollectorService/PostSpans).
Status DecodeJaegerProto(ByteView request, JaegerBatch* out);

// Translates a decoded batch to an OTLP ExportTraceServiceRequest; `spans` receives the number
// of spans written.
std::string TranslateJaeger(const JaegerBatch& batch, JaegerFlavor flavor, size_t* spans);

}  // namespace vivace::receiver
