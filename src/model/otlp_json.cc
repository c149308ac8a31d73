#include "model/otlp_json.h"

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/base64.h"
#include "model/otlp_json_scalars.h"
#include "model/otlp_json_wire.h"
#include "model/otlp_schema.h"

namespace vivace::model {
namespace {

using internal::QuoteValue;
using internal::TypeName;
using internal::WireOut;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Bodies up to this size are parsed by a per-thread parser that keeps its buffers (about 15
// bytes of capacity per input byte, touched in proportion to the input); larger ones get a
// temporary parser so that one huge request does not pin memory on every I/O thread.
constexpr size_t kRetainedParserBytes = 4u << 20;

// Fixed depths of the messages below the request (depth 1), for the nesting limit; only
// AnyValue nesting makes messages deeper.
constexpr int kResourceDepth = 3;
constexpr int kScopeDepth = 4;
constexpr int kSpanDepth = 4;
constexpr int kEventDepth = 5;
constexpr int kLinkDepth = 5;

// Bytes reserved for the length of each message (see WireOut): the usual size of its varint.
constexpr int kReserveSmall = 1;  // attributes, values, events, links, status, scope
constexpr int kReserveSpan = 2;   // spans are usually 128 B .. 16 KiB
constexpr int kReserveBatch = 3;  // resource spans and scope spans: 16 KiB .. 2 MiB

// ---------------------------------------------------------------------------------------------
// Field names: each JSON key (lowerCamelCase or snake_case) maps to its protobuf field number.
// The camelCase name is the one used in error messages.

struct FieldName {
  std::string_view camel;
  std::string_view snake;
  uint32_t number;
};

// Keys are short: an inline comparison beats a call to memcmp. REQUIRES: both have n bytes.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  for (; n >= 8; a += 8, b += 8, n -= 8) {
    uint64_t x = 0;
    uint64_t y = 0;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) {
      return false;
    }
  }
  for (; n > 0; ++a, ++b, --n) {
    if (*a != *b) {
      return false;
    }
  }
  return true;
}

template <size_t N>
const FieldName* Find(const FieldName (&fields)[N], std::string_view key) {
  for (const FieldName& f : fields) {
    if ((key.size() == f.camel.size() && SameBytes(key.data(), f.camel.data(), key.size()))
        || (key.size() == f.snake.size() && SameBytes(key.data(), f.snake.data(), key.size()))) {
      return &f;
    }
  }
  return nullptr;
}

// Most frequent keys first.
constexpr FieldName kRequestFields[] = {{"resourceSpans", "resource_spans", 1}};

constexpr FieldName kResourceSpansFields[] = {
    {"scopeSpans", "scope_spans", 2},
    {"resource", "resource", 1},
    {"schemaUrl", "schema_url", 3},
    {"deprecatedScopeSpans", "deprecated_scope_spans", 1000},
};

constexpr FieldName kResourceFields[] = {
    {"attributes", "attributes", 1},
    {"droppedAttributesCount", "dropped_attributes_count", 2},
    {"entityRefs", "entity_refs", 3},
};

constexpr FieldName kEntityRefFields[] = {
    {"schemaUrl", "schema_url", 1},
    {"type", "type", 2},
    {"idKeys", "id_keys", 3},
    {"descriptionKeys", "description_keys", 4},
};

constexpr FieldName kScopeSpansFields[] = {
    {"spans", "spans", 2},
    {"scope", "scope", 1},
    {"schemaUrl", "schema_url", 3},
};

constexpr FieldName kScopeFields[] = {
    {"name", "name", 1},
    {"version", "version", 2},
    {"attributes", "attributes", 3},
    {"droppedAttributesCount", "dropped_attributes_count", 4},
};

constexpr FieldName kSpanFields[] = {
    {"traceId", "trace_id", 1},
    {"spanId", "span_id", 2},
    {"parentSpanId", "parent_span_id", 4},
    {"name", "name", 5},
    {"kind", "kind", 6},
    {"startTimeUnixNano", "start_time_unix_nano", 7},
    {"endTimeUnixNano", "end_time_unix_nano", 8},
    {"attributes", "attributes", 9},
    {"flags", "flags", 16},
    {"status", "status", 15},
    {"events", "events", 11},
    {"links", "links", 13},
    {"traceState", "trace_state", 3},
    {"droppedAttributesCount", "dropped_attributes_count", 10},
    {"droppedEventsCount", "dropped_events_count", 12},
    {"droppedLinksCount", "dropped_links_count", 14},
};

constexpr FieldName kEventFields[] = {
    {"timeUnixNano", "time_unix_nano", 1},
    {"name", "name", 2},
    {"attributes", "attributes", 3},
    {"droppedAttributesCount", "dropped_attributes_count", 4},
};

constexpr FieldName kLinkFields[] = {
    {"traceId", "trace_id", 1},
    {"spanId", "span_id", 2},
    {"traceState", "trace_state", 3},
    {"attributes", "attributes", 4},
    {"droppedAttributesCount", "dropped_attributes_count", 5},
    {"flags", "flags", 6},
};

constexpr FieldName kStatusFields[] = {
    {"code", "code", 3},
    {"message", "message", 2},
};

constexpr FieldName kKeyValueFields[] = {
    {"key", "key", 1},
    {"value", "value", 2},
    {"keyStrindex", "key_strindex", 3},
};

constexpr FieldName kAnyValueFields[] = {
    {"stringValue", "string_value", 1}, {"intValue", "int_value", 3},
    {"boolValue", "bool_value", 2},     {"doubleValue", "double_value", 4},
    {"arrayValue", "array_value", 5},   {"kvlistValue", "kvlist_value", 6},
    {"bytesValue", "bytes_value", 7},   {"stringValueStrindex", "string_value_strindex", 8},
};

// ArrayValue and KeyValueList both have the one field `values`.
constexpr FieldName kValuesFields[] = {{"values", "values", 1}};

constexpr std::string_view kSpanKindNames[] = {
    "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER",
};
constexpr std::string_view kStatusCodeNames[] = {
    "STATUS_CODE_UNSET",
    "STATUS_CODE_OK",
    "STATUS_CODE_ERROR",
};

// ---------------------------------------------------------------------------------------------
// Where a field sits is tracked with a chain of frames on the C++ stack, which costs nothing
// unless an error message is rendered.

struct Path {
  const Path* parent;
  std::string_view key;
  int64_t index;  // -1 when the frame is not an array element
};

std::string RenderPath(const Path* at) {
  std::vector<const Path*> frames;
  for (; at != nullptr; at = at->parent) {
    frames.push_back(at);
  }
  std::string out;
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    if (!out.empty()) {
      out += '.';
    }
    out += (*it)->key;
    if ((*it)->index >= 0) {
      fmt::format_to(std::back_inserter(out), "[{}]", (*it)->index);
    }
  }
  return out;
}

// The field being decoded: its message's name, the field and where the message sits.
struct Ctx {
  const char* msg;
  const FieldName* field;
  const Path* at;
};

// "invalid <msg>.<field><detail> (at <path>)"; `detail` starts with ": ", "[i]: " or " <value>: ".
[[gnu::cold]] Status Invalid(const Ctx& c, std::string_view detail) {
  std::string where = RenderPath(c.at);
  if (where.empty()) {
    return Status::InvalidArgument(fmt::format("invalid {}.{}{}", c.msg, c.field->camel, detail));
  }
  return Status::InvalidArgument(
      fmt::format("invalid {}.{}{} (at {})", c.msg, c.field->camel, detail, where));
}

[[gnu::cold]] Status InvalidValue(const Ctx& c, element v, std::string_view why) {
  return Invalid(c, fmt::format(" {}: {}", QuoteValue(v), why));
}

[[gnu::cold]] Status WrongType(const Ctx& c, element v, const char* expected) {
  return Invalid(c, fmt::format(": expected {}, got {}", expected, TypeName(v.type())));
}

[[gnu::cold]] Status WrongElementType(const Ctx& c, int64_t index, element v,
                                      const char* expected) {
  return Invalid(c, fmt::format("[{}]: expected {}, got {}", index, expected, TypeName(v.type())));
}

[[gnu::cold]] Status TooDeep(const Path* at) {
  return Status::InvalidArgument(
      fmt::format("invalid anyValue: attribute values nest deeper than the maximum message depth "
                  "of {} (at {})",
                  kMaxNestingDepth, RenderPath(at)));
}

// Copies out of simdjson_result temporaries (iterating one directly would dangle).
// REQUIRES: the element has the type asked for.
object AsObject(element v) { return v.get_object().value_unsafe(); }

array AsArray(element v) { return v.get_array().value_unsafe(); }

std::string_view AsString(element v) { return v.get_string().value_unsafe(); }

bool IsNumberOrString(element_type t) {
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE
         || t == element_type::STRING;
}

// ---------------------------------------------------------------------------------------------

// One request's conversion. Every method returns false after recording the error in error_
// (a bool keeps the hot path free of Status construction and destruction).
class Decoder {
 public:
  explicit Decoder(size_t expected) : out_(expected) {}

  bool Request(element root);

  std::string Take() { return out_.Take(); }

  Status TakeError() { return std::move(error_); }

 private:
  bool Fail(Status s) {
    error_ = std::move(s);
    return false;
  }

  template <typename Fn>
  bool Message(element v, const Ctx& c, int reserve, Fn&& fn);
  template <typename Fn>
  bool Repeated(element v, const Ctx& c, int reserve, Fn&& fn);

  bool ResourceSpans(object o, const Path* at);
  bool Resource(object o, const Path* at);
  bool EntityRef(object o, const Path* at);
  bool ScopeSpans(object o, const Path* at);
  bool Scope(object o, const Path* at);
  bool Span(object o, const Path* at);
  bool Event(object o, const Path* at);
  bool Link(object o, const Path* at);
  bool SpanStatus(object o, const Path* at);
  // `depth` is the message depth of the KeyValues.
  bool Attributes(element v, const Ctx& c, int depth);
  bool KeyValue(object o, int depth, const Path* at);
  bool AnyValue(object o, int depth, const Path* at);
  bool ArrayValue(object o, int depth, const Path* at);
  bool KeyValueList(object o, int depth, const Path* at);

  // Scalars. `always` writes zero values too, as oneof members need.
  bool String(element v, const Ctx& c, bool always = false);
  bool RepeatedString(element v, const Ctx& c);
  bool Bytes(element v, const Ctx& c);
  bool Id(element v, const Ctx& c, size_t bytes);
  bool Bool(element v, const Ctx& c);
  // Integers in [min, max] as a varint, fixed32 or fixed64 field.
  enum class IntWire : uint8_t { kVarint, kFixed32, kFixed64 };
  bool Integer(element v, const Ctx& c, int64_t min, uint64_t max, IntWire wire, bool always);
  bool Double(element v, const Ctx& c);
  template <size_t N>
  bool Enum(element v, const Ctx& c, const std::string_view (&names)[N]);

  WireOut out_;
  std::string scratch_;  // base64 decoding
  Status error_;
};

template <typename Fn>
bool Decoder::Message(element v, const Ctx& c, int reserve, Fn&& fn) {
  element_type t = v.type();
  if (t == element_type::NULL_VALUE) {
    return true;
  }
  if (t != element_type::OBJECT) {
    return Fail(WrongType(c, v, "an object"));
  }
  Path here{c.at, c.field->camel, -1};
  WireOut::Mark m = out_.Open(c.field->number, reserve);
  if (!fn(AsObject(v), &here)) {
    return false;
  }
  out_.Close(m);
  return true;
}

template <typename Fn>
bool Decoder::Repeated(element v, const Ctx& c, int reserve, Fn&& fn) {
  element_type t = v.type();
  if (t == element_type::NULL_VALUE) {
    return true;
  }
  if (t != element_type::ARRAY) {
    return Fail(WrongType(c, v, "an array"));
  }
  int64_t index = 0;
  for (element item : AsArray(v)) {
    element_type it = item.type();
    if (it == element_type::OBJECT) {
      Path here{c.at, c.field->camel, index};
      WireOut::Mark m = out_.Open(c.field->number, reserve);
      if (!fn(AsObject(item), &here)) {
        return false;
      }
      out_.Close(m);
    } else if (it == element_type::NULL_VALUE) {
      out_.Close(out_.Open(c.field->number, 1));  // pdata reads null as an empty message
    } else {
      return Fail(WrongElementType(c, index, item, "an object"));
    }
    ++index;
  }
  return true;
}

bool Decoder::Request(element root) {
  element_type t = root.type();
  if (t == element_type::NULL_VALUE) {
    return true;  // pdata reads `null` as an empty request
  }
  if (t != element_type::OBJECT) {
    return Fail(Status::InvalidArgument(
        fmt::format("invalid OTLP/JSON request: expected an object, got {}", TypeName(t))));
  }
  for (auto [key, v] : AsObject(root)) {
    if (const FieldName* f = Find(kRequestFields, key)) {
      if (!Repeated(v, {"request", f, nullptr}, kReserveBatch,
                    [this](object o, const Path* p) { return ResourceSpans(o, p); })) {
        return false;
      }
    }
  }
  return true;
}

bool Decoder::ResourceSpans(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kResourceSpansFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"resourceSpans", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
        ok = Message(v, c, kReserveSmall,
                     [this](object r, const Path* p) { return Resource(r, p); });
        break;
      case 2:
      case 1000:  // legacy instrumentation library spans; the scanner migrates them
        ok = Repeated(v, c, kReserveBatch,
                      [this](object s, const Path* p) { return ScopeSpans(s, p); });
        break;
      case 3:
        ok = String(v, c);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::Resource(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kResourceFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"resource", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
        ok = Attributes(v, c, kResourceDepth + 1);
        break;
      case 2:
        ok = Integer(v, c, 0, UINT32_MAX, IntWire::kVarint, false);
        break;
      case 3:
        ok = Repeated(v, c, kReserveSmall,
                      [this](object e, const Path* p) { return EntityRef(e, p); });
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::EntityRef(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kEntityRefFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"entityRef", f, at};
    if (!(f->number <= 2 ? String(v, c) : RepeatedString(v, c))) {
      return false;
    }
  }
  return true;
}

bool Decoder::ScopeSpans(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kScopeSpansFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"scopeSpans", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
        ok = Message(v, c, kReserveSmall, [this](object s, const Path* p) { return Scope(s, p); });
        break;
      case 2:
        ok = Repeated(v, c, kReserveSpan, [this](object s, const Path* p) { return Span(s, p); });
        break;
      case 3:
        ok = String(v, c);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::Scope(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kScopeFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"scope", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
      case 2:
        ok = String(v, c);
        break;
      case 3:
        ok = Attributes(v, c, kScopeDepth + 1);
        break;
      case 4:
        ok = Integer(v, c, 0, UINT32_MAX, IntWire::kVarint, false);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::Span(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kSpanFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"span", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
        ok = Id(v, c, 16);
        break;
      case 2:
      case 4:
        ok = Id(v, c, 8);
        break;
      case 3:
      case 5:
        ok = String(v, c);
        break;
      case 6:
        ok = Enum(v, c, kSpanKindNames);
        break;
      case 7:
      case 8:
        ok = Integer(v, c, 0, UINT64_MAX, IntWire::kFixed64, false);
        break;
      case 9:
        ok = Attributes(v, c, kSpanDepth + 1);
        break;
      case 10:
      case 12:
      case 14:
        ok = Integer(v, c, 0, UINT32_MAX, IntWire::kVarint, false);
        break;
      case 11:
        ok = Repeated(v, c, kReserveSmall, [this](object e, const Path* p) { return Event(e, p); });
        break;
      case 13:
        ok = Repeated(v, c, kReserveSmall, [this](object l, const Path* p) { return Link(l, p); });
        break;
      case 15:
        ok = Message(v, c, kReserveSmall,
                     [this](object s, const Path* p) { return SpanStatus(s, p); });
        break;
      case 16:
        ok = Integer(v, c, 0, UINT32_MAX, IntWire::kFixed32, false);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::Event(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kEventFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"event", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
        ok = Integer(v, c, 0, UINT64_MAX, IntWire::kFixed64, false);
        break;
      case 2:
        ok = String(v, c);
        break;
      case 3:
        ok = Attributes(v, c, kEventDepth + 1);
        break;
      case 4:
        ok = Integer(v, c, 0, UINT32_MAX, IntWire::kVarint, false);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::Link(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kLinkFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"link", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
        ok = Id(v, c, 16);
        break;
      case 2:
        ok = Id(v, c, 8);
        break;
      case 3:
        ok = String(v, c);
        break;
      case 4:
        ok = Attributes(v, c, kLinkDepth + 1);
        break;
      case 5:
        ok = Integer(v, c, 0, UINT32_MAX, IntWire::kVarint, false);
        break;
      case 6:
        ok = Integer(v, c, 0, UINT32_MAX, IntWire::kFixed32, false);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::SpanStatus(object o, const Path* at) {
  for (auto [key, v] : o) {
    const FieldName* f = Find(kStatusFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"status", f, at};
    if (!(f->number == 3 ? Enum(v, c, kStatusCodeNames) : String(v, c))) {
      return false;
    }
  }
  return true;
}

bool Decoder::Attributes(element v, const Ctx& c, int depth) {
  return Repeated(v, c, kReserveSmall,
                  [this, depth](object o, const Path* p) { return KeyValue(o, depth, p); });
}

bool Decoder::KeyValue(object o, int depth, const Path* at) {
  if (depth > kMaxNestingDepth) {
    return Fail(TooDeep(at));
  }
  for (auto [key, v] : o) {
    const FieldName* f = Find(kKeyValueFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"keyValue", f, at};
    bool ok = true;
    switch (f->number) {
      case 1:
        ok = String(v, c);
        break;
      case 2:
        ok = Message(v, c, kReserveSmall,
                     [this, depth](object a, const Path* p) { return AnyValue(a, depth + 1, p); });
        break;
      case 3:
        ok = Integer(v, c, INT32_MIN, INT32_MAX, IntWire::kVarint, false);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::AnyValue(object o, int depth, const Path* at) {
  if (depth > kMaxNestingDepth) {
    return Fail(TooDeep(at));
  }
  for (auto [key, v] : o) {
    const FieldName* f = Find(kAnyValueFields, key);
    if (f == nullptr) {
      continue;
    }
    Ctx c{"anyValue", f, at};
    bool ok = true;
    // Every field is a oneof member: zero values are written, they carry the value's type.
    switch (f->number) {
      case 1:
        ok = String(v, c, true);
        break;
      case 2:
        ok = Bool(v, c);
        break;
      case 3:
        ok = Integer(v, c, INT64_MIN, INT64_MAX, IntWire::kVarint, true);
        break;
      case 4:
        ok = Double(v, c);
        break;
      case 5:
        ok = Message(v, c, kReserveSmall, [this, depth](object a, const Path* p) {
          return ArrayValue(a, depth + 1, p);
        });
        break;
      case 6:
        ok = Message(v, c, kReserveSmall, [this, depth](object k, const Path* p) {
          return KeyValueList(k, depth + 1, p);
        });
        break;
      case 7:
        ok = Bytes(v, c);
        break;
      case 8:
        ok = Integer(v, c, INT32_MIN, INT32_MAX, IntWire::kVarint, true);
        break;
      default:
        break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool Decoder::ArrayValue(object o, int depth, const Path* at) {
  if (depth > kMaxNestingDepth) {
    return Fail(TooDeep(at));
  }
  for (auto [key, v] : o) {
    if (const FieldName* f = Find(kValuesFields, key)) {
      if (!Repeated(v, {"arrayValue", f, at}, kReserveSmall,
                    [this, depth](object a, const Path* p) { return AnyValue(a, depth + 1, p); })) {
        return false;
      }
    }
  }
  return true;
}

bool Decoder::KeyValueList(object o, int depth, const Path* at) {
  if (depth > kMaxNestingDepth) {
    return Fail(TooDeep(at));
  }
  for (auto [key, v] : o) {
    if (const FieldName* f = Find(kValuesFields, key)) {
      if (!Attributes(v, {"kvlistValue", f, at}, depth + 1)) {
        return false;
      }
    }
  }
  return true;
}

bool Decoder::String(element v, const Ctx& c, bool always) {
  element_type t = v.type();
  if (t == element_type::STRING) {
    std::string_view s = AsString(v);
    if (always || !s.empty()) {
      out_.BytesField(c.field->number, s);
    }
    return true;
  }
  return t == element_type::NULL_VALUE || Fail(WrongType(c, v, "a string"));
}

bool Decoder::RepeatedString(element v, const Ctx& c) {
  element_type t = v.type();
  if (t == element_type::NULL_VALUE) {
    return true;
  }
  if (t != element_type::ARRAY) {
    return Fail(WrongType(c, v, "an array"));
  }
  int64_t index = 0;
  for (element item : AsArray(v)) {
    element_type it = item.type();
    if (it == element_type::STRING) {
      out_.BytesField(c.field->number, AsString(item));
    } else if (it == element_type::NULL_VALUE) {
      out_.BytesField(c.field->number, {});
    } else {
      return Fail(WrongElementType(c, index, item, "a string"));
    }
    ++index;
  }
  return true;
}

bool Decoder::Bytes(element v, const Ctx& c) {
  element_type t = v.type();
  if (t == element_type::NULL_VALUE) {
    return true;
  }
  if (t != element_type::STRING) {
    return Fail(WrongType(c, v, "a base64 string"));
  }
  if (!Base64Decode(AsString(v), &scratch_)) {
    return Fail(InvalidValue(c, v, "not valid base64"));
  }
  out_.BytesField(c.field->number, scratch_);
  return true;
}

bool Decoder::Id(element v, const Ctx& c, size_t bytes) {
  element_type t = v.type();
  if (t == element_type::NULL_VALUE) {
    return true;
  }
  if (t != element_type::STRING) {
    return Fail(WrongType(c, v, "a hex string"));
  }
  std::string_view hex = AsString(v);
  if (hex.size() == 2 * bytes) {
    if (internal::DecodeHex(hex, out_.RawField(c.field->number, bytes), bytes)) {
      return true;
    }
    return Fail(InvalidValue(c, v, "not a hex string"));
  }
  if (hex.empty()) {
    return true;  // an empty ID is an absent one (roots have no parent; Tempo rejects the rest)
  }
  if (hex.size() % 2 != 0 || !internal::IsHex(hex)) {
    return Fail(InvalidValue(c, v, "not a hex string"));
  }
  return Fail(InvalidValue(c, v,
                           fmt::format("must be {} bytes ({} hex digits), got {} bytes", bytes,
                                       2 * bytes, hex.size() / 2)));
}

bool Decoder::Bool(element v, const Ctx& c) {
  element_type t = v.type();
  if (t == element_type::BOOL) {
    out_.VarintField(c.field->number, v.get_bool().value_unsafe() ? 1 : 0);
    return true;
  }
  return t == element_type::NULL_VALUE || Fail(WrongType(c, v, "a boolean"));
}

bool Decoder::Integer(element v, const Ctx& c, int64_t min, uint64_t max, IntWire wire,
                      bool always) {
  element_type t = v.type();
  if (!IsNumberOrString(t)) {
    return t == element_type::NULL_VALUE
           || Fail(WrongType(c, v,
                             min < 0 ? "an integer (number or decimal string)"
                                     : "an unsigned integer (number or decimal string)"));
  }
  uint64_t bits = 0;
  if (const char* err = internal::ReadInteger(v, min, max, &bits)) {
    return Fail(InvalidValue(c, v, err));
  }
  if (bits == 0 && !always) {
    return true;
  }
  switch (wire) {
    case IntWire::kVarint:
      out_.VarintField(c.field->number, bits);
      break;
    case IntWire::kFixed32:
      out_.Fixed32Field(c.field->number, static_cast<uint32_t>(bits));
      break;
    case IntWire::kFixed64:
      out_.Fixed64Field(c.field->number, bits);
      break;
  }
  return true;
}

// Always written: the only double field is AnyValue's, a oneof member.
bool Decoder::Double(element v, const Ctx& c) {
  double d = 0;
  switch (v.type()) {
    case element_type::NULL_VALUE:
      return true;
    case element_type::DOUBLE:
      d = v.get_double().value_unsafe();
      break;
    case element_type::INT64:
      d = static_cast<double>(v.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      d = static_cast<double>(v.get_uint64().value_unsafe());
      break;
    case element_type::STRING:
      if (const char* err = internal::ParseDoubleString(AsString(v), &d)) {
        return Fail(InvalidValue(c, v, err));
      }
      break;
    default:
      return Fail(WrongType(c, v, "a number"));
  }
  uint64_t bits = 0;
  std::memcpy(&bits, &d, 8);
  out_.Fixed64Field(c.field->number, bits);
  return true;
}

// Enums: a number (proto3 enums are open, any int32 is kept) or a value name.
template <size_t N>
bool Decoder::Enum(element v, const Ctx& c, const std::string_view (&names)[N]) {
  element_type t = v.type();
  uint64_t bits = 0;
  if (t == element_type::STRING) {
    std::string_view name = AsString(v);
    size_t i = 0;
    while (i < N && names[i] != name) {
      ++i;
    }
    if (i == N) {
      return Fail(InvalidValue(c, v, "unknown enum name"));
    }
    bits = i;
  } else if (t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE) {
    if (const char* err = internal::ReadInteger(v, INT32_MIN, INT32_MAX, &bits)) {
      return Fail(InvalidValue(c, v, err));
    }
  } else {
    return t == element_type::NULL_VALUE || Fail(WrongType(c, v, "an enum number or name"));
  }
  if (bits != 0) {
    out_.VarintField(c.field->number, bits);
  }
  return true;
}

Result<std::string> Convert(simdjson::dom::parser& parser, ByteView json) {
  if (json.empty()) {
    return internal::JsonSyntaxError(simdjson::EMPTY);  // and no null pointer for simdjson
  }
  element root;
  // realloc_if_needed: the body has no SIMDJSON_PADDING, so simdjson copies it into a padded
  // buffer that the parser keeps between calls.
  simdjson::error_code err = parser.parse(json.data(), json.size(), true).get(root);
  if (err != simdjson::SUCCESS) {
    return internal::JsonSyntaxError(err);
  }
  // OTLP protobuf is usually 40-50% of the size of its JSON.
  Decoder decoder(json.size() / 2 + 64);
  if (!decoder.Request(root)) {
    return decoder.TakeError();
  }
  return decoder.Take();
}

}  // namespace

Result<std::string> OtlpJsonToProtobuf(ByteView json) {
  if (json.size() > kRetainedParserBytes) {
    simdjson::dom::parser parser;
    return Convert(parser, json);
  }
  thread_local simdjson::dom::parser parser;
  return Convert(parser, json);
}

}  // namespace vivace::model
