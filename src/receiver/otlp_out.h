#pragma once

// Building blocks shared by the Jaeger and Zipkin translators, which turn a decoded request into
// the OTLP ExportTraceServiceRequest protobuf the distributor ingests (docs/receivers.md).
//
//  - Value / AttrMap: attributes with the semantics of the Collector's pcommon.Map, which the
//    translators Tempo uses are written against: putting an existing key replaces its value in
//    place, removing a key keeps the others in order. Reproducing these semantics is what makes
//    duplicate tags, `span.kind`, `error` and friends come out as Tempo stores them.
//  - OtlpOut: writes ResourceSpans / ScopeSpans / Span / Event / Link messages with
//    protowire::WireOut, field by field in field-number order, omitting proto3 defaults as
//    pdata's marshaller does (Resource and InstrumentationScope are always written, as pdata
//    writes them even when empty).
//
// Strings are views: into the request buffer, or into the Arena a translator owns for strings
// it makes (formatted addresses, base64). Not thread-safe; one per request.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/arena.h"
#include "common/wire_out.h"
#include "receiver/key_index.h"

namespace vivace::receiver {

enum class ValueType : uint8_t { kString, kBool, kInt, kDouble, kBytes };

struct Value {
  ValueType type = ValueType::kString;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;  // string or bytes

  static Value Str(std::string_view v) { return {ValueType::kString, false, 0, 0, v}; }

  static Value Bool(bool v) { return {ValueType::kBool, v, 0, 0, {}}; }

  static Value Int(int64_t v) { return {ValueType::kInt, false, v, 0, {}}; }

  static Value Double(double v) { return {ValueType::kDouble, false, 0, v, {}}; }

  static Value Bytes(std::string_view v) { return {ValueType::kBytes, false, 0, 0, v}; }

  // pcommon.Value.Str(): the string, or "" for any other type.
  std::string_view AsStr() const { return type == ValueType::kString ? s : std::string_view(); }
};

// An ordered map of attributes (see the file comment). Lookups are linear for the usual handful
// of keys and switch to a hash index past kIndexThreshold entries, so a request with many
// thousands of tags per span stays linear overall.
class AttrMap {
 public:
  void Clear();
  // Replaces the value of `key` in place, or appends it.
  void Put(std::string_view key, const Value& v);
  // Appends a key the caller knows is not in the map yet (no lookup).
  void Append(std::string_view key, const Value& v);
  const Value* Get(std::string_view key) const;
  // Removes `key` if present; returns whether it was.
  bool Remove(std::string_view key);

  size_t size() const { return live_; }

  bool empty() const { return live_ == 0; }

  template <typename F>
  void ForEach(F&& f) const {
    for (const Entry& e : entries_) {
      if (e.live) {
        f(e.key, e.value);
      }
    }
  }

 private:
  static constexpr size_t kIndexThreshold = 8;

  struct Entry {
    std::string_view key;
    Value value;
    bool live;
  };

  int Find(std::string_view key) const;

  std::vector<Entry> entries_;
  KeyIndex index_;  // filled once entries_ passes kIndexThreshold
  bool indexed_ = false;
  size_t live_ = 0;
};

// Span fields, in OTLP terms; IDs as fixed-size big-endian byte strings (all-zero = absent).
struct SpanFields {
  uint8_t trace_id[16] = {};
  uint8_t span_id[8] = {};
  uint8_t parent_span_id[8] = {};
  std::string_view trace_state;
  std::string_view name;
  int kind = 0;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  bool has_status = false;
  int32_t status_code = 0;
  std::string_view status_message;
};

// Writes one ExportTraceServiceRequest. Call order mirrors the message nesting:
//   BeginResourceSpans(attrs) { BeginScopeSpans(name, version) { BeginSpan(...) {
//     Event(...)* / BeginLink(...)* } EndSpan() }* EndScopeSpans() }* EndResourceSpans()
class OtlpOut {
 public:
  explicit OtlpOut(size_t expected_bytes) : out_(expected_bytes) {}

  void BeginResourceSpans(const AttrMap& resource);
  void EndResourceSpans();
  void BeginScopeSpans(std::string_view name, std::string_view version);
  void EndScopeSpans();
  // Writes the span's fields up to and including its attributes.
  void BeginSpan(const SpanFields& span, const AttrMap& attributes);
  // Events and links follow; then EndSpan writes the status and closes the span.
  void Event(uint64_t time_unix_nano, std::string_view name, const AttrMap& attributes,
             uint32_t dropped_attributes = 0);
  void Link(const uint8_t (&trace_id)[16], const uint8_t (&span_id)[8],
            std::string_view trace_state, const AttrMap& attributes,
            uint32_t dropped_attributes = 0);
  void EndSpan(const SpanFields& span);

  size_t spans() const { return spans_; }

  std::string Take() { return out_.Take(); }

 private:
  void Attributes(uint32_t field, const AttrMap& attrs);

  protowire::WireOut out_;
  protowire::WireOut::Mark rs_{};
  protowire::WireOut::Mark ss_{};
  protowire::WireOut::Mark span_{};
  size_t spans_ = 0;
};

// Big-endian 8-byte form of a 64-bit ID (Jaeger and Zipkin carry IDs as integers).
void PutBigEndian64(uint64_t v, uint8_t* out);

// Go's net.IP.String() for a 4- or 16-byte address: dotted quad for IPv4 and IPv4-mapped IPv6,
// RFC 5952 text otherwise ("?" + hex for other lengths, "<nil>" for none).
std::string FormatIp(std::string_view raw);

// Parses IPv4 dotted-quad or IPv6 text as Go's net.ParseIP does, into 16 bytes (IPv4 as
// IPv4-mapped). Returns false if the text is not an address.
bool ParseIp(std::string_view text, uint8_t (&out)[16]);

}  // namespace vivace::receiver
