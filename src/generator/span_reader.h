#pragma once

// Reading spans for the metrics-generator straight from the wire bytes of the trace fragments
// the distributor hands over (serialized tempopb.Trace: repeated ResourceSpans in field 1, the
// same layout as OTLP TracesData). No message objects are built: each span is presented as a
// SpanView of views into the fragment, and attribute lists as (key, AnyValue bytes) pairs, so
// processors pay only for the fields they read.
//
//   SpanReader reader;
//   Status s = reader.Read(fragment, visitor);  // visitor.OnSpan(resource, span) per span
//
// Fragments were validated by the distributor's schema walker, but the reader is total anyway:
// malformed bytes end the walk with InvalidArgument (spans before the fault were visited).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::generator {

// OTLP Span.SpanKind and Status.StatusCode values.
enum SpanKind : int32_t {
  kSpanKindUnspecified = 0,
  kSpanKindInternal = 1,
  kSpanKindServer = 2,
  kSpanKindClient = 3,
  kSpanKindProducer = 4,
  kSpanKindConsumer = 5,
};

enum StatusCode : int32_t { kStatusUnset = 0, kStatusOk = 1, kStatusError = 2 };

// Tempo's names ("SPAN_KIND_SERVER", "STATUS_CODE_ERROR"); unknown values as their number.
std::string_view SpanKindName(int32_t kind);
std::string_view StatusCodeName(int32_t code);

// One KeyValue: `value` is the AnyValue message bytes.
struct Attribute {
  std::string_view key;
  ByteView value;
};

// A decoded AnyValue (scalars only; arrays and kvlists keep their bytes).
struct AnyValue {
  enum class Type : uint8_t { kEmpty, kString, kBool, kInt, kDouble, kArray, kKvList, kBytes };
  Type type = Type::kEmpty;
  std::string_view str;  // kString, kBytes
  int64_t int_value = 0;
  double double_value = 0;
  bool bool_value = false;
  ByteView nested;  // kArray, kKvList
};

AnyValue ParseAnyValue(ByteView any_value);

// Appends Tempo's StringifyAnyValue: strings as is, integers in decimal, doubles in the
// shortest fixed notation, booleans as true/false, arrays "[v1v2]", kvlists "{k:v}", bytes "".
void AppendStringified(ByteView any_value, std::string* out);

// The first attribute named `key`, or nullptr.
const Attribute* FindAttribute(const std::vector<Attribute>& attrs, std::string_view key);

struct ResourceView {
  // Changes with every ResourceSpans read, so processors can do per-resource work once.
  uint64_t generation = 0;
  std::vector<Attribute> attributes;
  // Stringified service.name / service.namespace / service.instance.id (first occurrence).
  std::string service_name;
  bool has_service_name = false;
  std::string service_namespace;
  std::string instance_id;
};

struct SpanView {
  ByteView trace_id;
  ByteView span_id;
  ByteView parent_span_id;
  std::string_view trace_state;
  std::string_view name;
  std::string_view status_message;
  int32_t kind = 0;
  int32_t status_code = 0;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  size_t size = 0;  // encoded Span message bytes (Tempo's span.Size())
  ByteView raw;     // the encoded Span message

  // The span's attributes, read from `raw` on first use: most spans are measured without
  // looking at any (the default span-metrics labels are intrinsics), and reading them is the
  // larger part of walking a span. A malformed attribute ends the list.
  const std::vector<Attribute>& attributes() const {
    if (!attributes_read_) {
      ReadAttributes();
    }
    return attributes_;
  }

  void Reset(ByteView span_bytes) {
    raw = span_bytes;
    attributes_read_ = false;
  }

  double DurationSeconds() const {
    return start_unix_nano < end_unix_nano
               ? static_cast<double>(end_unix_nano - start_unix_nano) / 1e9
               : 0.0;
  }

 private:
  void ReadAttributes() const;
  mutable std::vector<Attribute> attributes_;
  mutable bool attributes_read_ = false;
};

class SpanVisitor {
 public:
  virtual ~SpanVisitor() = default;
  // Called for every span, in wire order. The views live until the call returns.
  virtual void OnSpan(const ResourceView& resource, const SpanView& span) = 0;
};

// Walks fragments. Keeps its scratch vectors between calls so steady-state reading does not
// allocate. Not thread-safe: one reader per thread.
class SpanReader {
 public:
  Status Read(ByteView trace, SpanVisitor& visitor);

 private:
  Status ReadResourceSpans(ByteView rs, SpanVisitor& visitor);
  Status ReadSpan(ByteView span, SpanVisitor& visitor);

  ResourceView resource_;
  SpanView span_;
};

}  // namespace vivace::generator
