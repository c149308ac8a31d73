#include "model/wire_json.h"

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/base64.h"
#include "common/hex.h"
#include "common/protowire.h"

namespace vivace::model {
namespace {

using protowire::WireType;

enum class Kind : uint8_t {
  kString,
  kBytes,     // base64
  kId,        // trace/span IDs: base64 or hex
  kMessage,
  kEnum,      // varint with names
  kUint32,    // JSON number
  kInt32,     // JSON number (signed)
  kInt64,     // JSON string
  kFixed64,   // JSON string
  kFixed32,   // JSON number
  kDouble,
  kBool,
};

enum class Names : uint8_t { kNone, kSpanKind, kStatusCode };

struct Desc;

struct Field {
  uint32_t number;
  std::string_view json;
  Kind kind;
  bool repeated;
  const Desc* message;
  Names names;
};

struct Desc {
  const Field* fields;
  size_t count;
  bool oneof;          // AnyValue: write only the last member present
  bool keep_zero;      // AnyValue members are written even when zero (the type is the value)
  int always_object;   // index of a message field written as {} even when absent (-1: none)
};

extern const Desc kAnyValueD;
extern const Desc kKeyValueD;

#define F(n, j, k) \
  Field { n, j, Kind::k, false, nullptr, Names::kNone }
#define R(n, j, k) \
  Field { n, j, Kind::k, true, nullptr, Names::kNone }
#define M(n, j, d) \
  Field { n, j, Kind::kMessage, false, &d, Names::kNone }
#define RM(n, j, d) \
  Field { n, j, Kind::kMessage, true, &d, Names::kNone }
#define E(n, j, names) \
  Field { n, j, Kind::kEnum, false, nullptr, Names::names }

const Field kArrayValueF[] = {RM(1, "values", kAnyValueD)};
const Desc kArrayValueD{kArrayValueF, 1, false, false, -1};
const Field kKvListF[] = {RM(1, "values", kKeyValueD)};
const Desc kKvListD{kKvListF, 1, false, false, -1};
const Field kAnyValueF[] = {
    F(1, "stringValue", kString), F(2, "boolValue", kBool),     F(3, "intValue", kInt64),
    F(4, "doubleValue", kDouble), M(5, "arrayValue", kArrayValueD), M(6, "kvlistValue", kKvListD),
    F(7, "bytesValue", kBytes),   F(8, "stringValueStrindex", kInt32),
};
const Desc kAnyValueD{kAnyValueF, std::size(kAnyValueF), true, true, -1};
const Field kKeyValueF[] = {F(1, "key", kString), M(2, "value", kAnyValueD),
                            F(3, "keyStrindex", kInt32)};
const Desc kKeyValueD{kKeyValueF, std::size(kKeyValueF), false, false, -1};

const Field kEntityRefF[] = {F(1, "schemaUrl", kString), F(2, "type", kString),
                             R(3, "idKeys", kString), R(4, "descriptionKeys", kString)};
const Desc kEntityRefD{kEntityRefF, std::size(kEntityRefF), false, false, -1};
const Field kResourceF[] = {RM(1, "attributes", kKeyValueD), F(2, "droppedAttributesCount", kUint32),
                            RM(3, "entityRefs", kEntityRefD)};
const Desc kResourceD{kResourceF, std::size(kResourceF), false, false, -1};
const Field kScopeF[] = {F(1, "name", kString), F(2, "version", kString),
                         RM(3, "attributes", kKeyValueD), F(4, "droppedAttributesCount", kUint32)};
const Desc kScopeD{kScopeF, std::size(kScopeF), false, false, -1};

const Field kEventF[] = {F(1, "timeUnixNano", kFixed64), F(2, "name", kString),
                         RM(3, "attributes", kKeyValueD), F(4, "droppedAttributesCount", kUint32)};
const Desc kEventD{kEventF, std::size(kEventF), false, false, -1};
const Field kLinkF[] = {F(1, "traceId", kId),       F(2, "spanId", kId),
                        F(3, "traceState", kString), RM(4, "attributes", kKeyValueD),
                        F(5, "droppedAttributesCount", kUint32), F(6, "flags", kFixed32)};
const Desc kLinkD{kLinkF, std::size(kLinkF), false, false, -1};
const Field kStatusF[] = {F(2, "message", kString), E(3, "code", kStatusCode)};
const Desc kStatusD{kStatusF, std::size(kStatusF), false, false, -1};

// Declaration order of the OTLP .proto (what Go's jsonpb follows), not field-number order.
const Field kSpanF[] = {
    F(1, "traceId", kId),
    F(2, "spanId", kId),
    F(3, "traceState", kString),
    F(4, "parentSpanId", kId),
    F(16, "flags", kFixed32),
    F(5, "name", kString),
    E(6, "kind", kSpanKind),
    F(7, "startTimeUnixNano", kFixed64),
    F(8, "endTimeUnixNano", kFixed64),
    RM(9, "attributes", kKeyValueD),
    F(10, "droppedAttributesCount", kUint32),
    RM(11, "events", kEventD),
    F(12, "droppedEventsCount", kUint32),
    RM(13, "links", kLinkD),
    F(14, "droppedLinksCount", kUint32),
    M(15, "status", kStatusD),
};
// Tempo always writes a status object (index of field 15 above).
const Desc kSpanD{kSpanF, std::size(kSpanF), false, false, 15};

const Field kScopeSpansF[] = {M(1, "scope", kScopeD), RM(2, "spans", kSpanD),
                              F(3, "schemaUrl", kString)};
const Desc kScopeSpansD{kScopeSpansF, std::size(kScopeSpansF), false, false, -1};
const Field kResourceSpansF[] = {M(1, "resource", kResourceD), RM(2, "scopeSpans", kScopeSpansD),
                                 F(3, "schemaUrl", kString)};
const Desc kResourceSpansD{kResourceSpansF, std::size(kResourceSpansF), false, false, -1};

#undef F
#undef R
#undef M
#undef RM
#undef E

// One field occurrence found in a message. Trivially constructible so the per-message buffer
// costs nothing to set up.
struct Occurrence {
  uint8_t field;   // index into the Desc's fields (declaration order)
  uint16_t pos;    // position on the wire, for "last one wins"
  uint32_t size;
  uint64_t varint;
  const uint8_t* data;
  ByteView bytes() const { return {data, size}; }
};

// Messages have few fields; occurrences beyond this many (long repeated lists) spill to the heap.
constexpr size_t kInline = 64;
// Far deeper than anything ingest accepts; stops runaway recursion on corrupt data.
constexpr int kMaxDepth = 100;

void WriteMessage(JsonWriter& w, const Desc& d, ByteView bytes, IdEncoding ids,
                  std::string_view root_key, bool is_trace, int depth);

// Base64 and hex need no JSON escaping.
std::string Quoted(std::string s) {
  s.insert(s.begin(), '"');
  s.push_back('"');
  return s;
}

void WriteValue(JsonWriter& w, const Field& f, const Occurrence& o, IdEncoding ids, int depth) {
  switch (f.kind) {
    case Kind::kString:
      // Stored strings are valid UTF-8: ingest repairs them (model/otlp_schema.h).
      w.String(o.bytes().str());
      break;
    case Kind::kBytes:
      w.Raw(Quoted(Base64Encode(o.bytes())));
      break;
    case Kind::kId: {
      // IDs are short: encode on the stack, no escaping needed.
      char buf[2 * 16 + 3];
      size_t len = 0;
      if (ids == IdEncoding::kHex && o.size <= 16) {
        static constexpr char kDigits[] = "0123456789abcdef";
        buf[len++] = '"';
        for (size_t i = 0; i < o.size; ++i) {
          buf[len++] = kDigits[o.data[i] >> 4];
          buf[len++] = kDigits[o.data[i] & 15];
        }
        buf[len++] = '"';
        w.Raw({buf, len});
      } else {
        w.Raw(Quoted(ids == IdEncoding::kHex ? HexEncode(o.bytes()) : Base64Encode(o.bytes())));
      }
      break;
    }
    case Kind::kMessage:
      WriteMessage(w, *f.message, o.bytes(), ids, {}, false, depth + 1);
      break;
    case Kind::kEnum: {
      auto v = static_cast<int32_t>(o.varint);
      std::string_view name =
          f.names == Names::kSpanKind ? SpanKindName(v) : StatusCodeName(v);
      if (name.empty()) {
        w.Int(v);  // unknown enum values print as numbers in proto3 JSON
      } else {
        w.String(name);
      }
      break;
    }
    case Kind::kUint32:
    case Kind::kFixed32:
      w.Uint(static_cast<uint32_t>(o.varint));
      break;
    case Kind::kInt32:
      w.Int(static_cast<int32_t>(o.varint));
      break;
    case Kind::kInt64:
      w.Int64String(static_cast<int64_t>(o.varint));
      break;
    case Kind::kFixed64:
      w.Uint64String(o.varint);
      break;
    case Kind::kDouble: {
      double d = 0;
      std::memcpy(&d, &o.varint, 8);
      w.Double(d);
      break;
    }
    case Kind::kBool:
      w.Bool(o.varint != 0);
      break;
  }
}

bool IsZero(const Field& f, const Occurrence& o) {
  switch (f.kind) {
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kId:
      return o.size == 0;
    case Kind::kMessage:
      return false;  // a present message is written, even when empty
    case Kind::kDouble: {
      double d = 0;
      std::memcpy(&d, &o.varint, 8);
      return d == 0 && !std::signbit(d);
    }
    default:
      return o.varint == 0;
  }
}

WireType WireTypeOf(Kind k) {
  switch (k) {
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kId:
    case Kind::kMessage:
      return WireType::kLen;
    case Kind::kFixed64:
    case Kind::kDouble:
      return WireType::kI64;
    case Kind::kFixed32:
      return WireType::kI32;
    default:
      return WireType::kVarint;
  }
}

void WriteMessage(JsonWriter& w, const Desc& d, ByteView bytes, IdEncoding ids,
                  std::string_view root_key, bool is_trace, int depth) {
  if (depth > kMaxDepth) {
    w.BeginObject();
    w.EndObject();
    return;
  }
  Occurrence inline_occ[kInline];
  std::vector<Occurrence> spill;
  Occurrence* occ = inline_occ;
  size_t n = 0;
  protowire::Reader r(bytes);
  while (r.Next()) {
    for (size_t i = 0; i < d.count; ++i) {
      const Field& f = d.fields[i];
      if (f.number != r.field() || WireTypeOf(f.kind) != r.type()) {
        continue;
      }
      Occurrence o{static_cast<uint8_t>(i), static_cast<uint16_t>(std::min<size_t>(n, 65535)),
                   static_cast<uint32_t>(r.bytes().size()), r.varint(), r.bytes().data()};
      if (n == kInline) {
        spill.assign(inline_occ, inline_occ + kInline);
      }
      if (n >= kInline) {
        spill.push_back(o);
        occ = spill.data();
      } else {
        inline_occ[n] = o;
      }
      ++n;
      break;
    }
  }
  // Stable insertion sort by declaration index: the wire is nearly in that order already.
  for (size_t i = 1; i < n; ++i) {
    Occurrence x = occ[i];
    size_t j = i;
    while (j > 0 && occ[j - 1].field > x.field) {
      occ[j] = occ[j - 1];
      --j;
    }
    occ[j] = x;
  }
  if (d.oneof && n > 1) {
    // Only the member set last counts, as when protobuf parses it.
    size_t last = 0;
    for (size_t k = 1; k < n; ++k) {
      if (occ[k].pos > occ[last].pos) {
        last = k;
      }
    }
    occ[0] = occ[last];
    n = 1;
  }
  w.BeginObject();
  size_t k = 0;
  for (size_t i = 0; i < d.count; ++i) {
    const Field& f = d.fields[i];
    size_t begin = k;
    while (k < n && occ[k].field == i) {
      ++k;
    }
    if (begin == k) {
      if (d.always_object == static_cast<int>(i)) {
        w.Key(f.json);
        w.BeginObject();
        w.EndObject();
      }
      continue;
    }
    if (f.repeated) {
      w.Key(is_trace && f.number == 1 ? root_key : f.json);
      w.BeginArray();
      for (size_t m = begin; m < k; ++m) {
        WriteValue(w, f, occ[m], ids, depth);
      }
      w.EndArray();
      continue;
    }
    // The last occurrence of a singular field wins, as in protobuf.
    const Occurrence& last = occ[k - 1];
    if (d.keep_zero || !IsZero(f, last)) {
      w.Key(f.json);
      WriteValue(w, f, last, ids, depth);
    }
  }
  w.EndObject();
}

const Field kTraceF[] = {Field{1, "resourceSpans", Kind::kMessage, true, &kResourceSpansD,
                               Names::kNone}};
const Desc kTraceD{kTraceF, 1, false, false, -1};

}  // namespace

std::string_view SpanKindName(int kind) {
  switch (kind) {
    case 0:
      return "SPAN_KIND_UNSPECIFIED";
    case 1:
      return "SPAN_KIND_INTERNAL";
    case 2:
      return "SPAN_KIND_SERVER";
    case 3:
      return "SPAN_KIND_CLIENT";
    case 4:
      return "SPAN_KIND_PRODUCER";
    case 5:
      return "SPAN_KIND_CONSUMER";
    default:
      return "";
  }
}

std::string_view StatusCodeName(int code) {
  switch (code) {
    case 0:
      return "STATUS_CODE_UNSET";
    case 1:
      return "STATUS_CODE_OK";
    case 2:
      return "STATUS_CODE_ERROR";
    default:
      return "";
  }
}

void WriteWireJson(JsonWriter& w, WireMessage type, ByteView bytes, IdEncoding ids,
                   std::string_view root_key) {
  switch (type) {
    case WireMessage::kTrace:
      WriteMessage(w, kTraceD, bytes, ids, root_key, true, 0);
      break;
    case WireMessage::kResourceSpans:
      WriteMessage(w, kResourceSpansD, bytes, ids, {}, false, 0);
      break;
    case WireMessage::kResource:
      WriteMessage(w, kResourceD, bytes, ids, {}, false, 0);
      break;
    case WireMessage::kScope:
      WriteMessage(w, kScopeD, bytes, ids, {}, false, 0);
      break;
    case WireMessage::kSpan:
      WriteMessage(w, kSpanD, bytes, ids, {}, false, 0);
      break;
  }
}

}  // namespace vivace::model
