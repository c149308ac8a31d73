#include "model/otlp_schema.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "common/protowire.h"

namespace vivace::model {

using protowire::WireType;

enum class Kind : uint8_t { kString, kBytes, kMessage, kVarint, kFixed64, kFixed32 };

// Attribute lists whose KeyValues Tempo truncates (not those nested in arrays or kvlists).
enum class Trunc : uint8_t { kNone, kAttributes };

struct FieldDesc {
  uint32_t number;
  Kind kind;
  const MessageDesc* message;
  Trunc trunc;
  AttributeScope scope;
};

struct MessageDesc {
  const char* name;
  const FieldDesc* fields;
  size_t count;
  // KeyValue and AnyValue get special treatment when reached through a truncating list.
  bool is_key_value;
  bool is_any_value;
};

namespace {

// Forward declarations so the tables can reference each other.
extern const MessageDesc kAnyValue;
extern const MessageDesc kKeyValue;

constexpr auto kR = AttributeScope::kResource;

#define VV_FIELD(n, k) \
  FieldDesc { n, Kind::k, nullptr, Trunc::kNone, kR }
#define VV_MSG(n, m) \
  FieldDesc { n, Kind::kMessage, &m, Trunc::kNone, kR }
#define VV_ATTRS(n, scope) \
  FieldDesc { n, Kind::kMessage, &kKeyValue, Trunc::kAttributes, AttributeScope::scope }

const FieldDesc kArrayValueFields[] = {VV_MSG(1, kAnyValue)};
const MessageDesc kArrayValue{"ArrayValue", kArrayValueFields, 1, false, false};

const FieldDesc kKeyValueListFields[] = {VV_MSG(1, kKeyValue)};
const MessageDesc kKeyValueList{"KeyValueList", kKeyValueListFields, 1, false, false};

const FieldDesc kAnyValueFields[] = {
    VV_FIELD(1, kString),  VV_FIELD(2, kVarint), VV_FIELD(3, kVarint),
    VV_FIELD(4, kFixed64), VV_MSG(5, kArrayValue), VV_MSG(6, kKeyValueList),
    VV_FIELD(7, kBytes),   VV_FIELD(8, kVarint),
};
const MessageDesc kAnyValue{"AnyValue", kAnyValueFields, std::size(kAnyValueFields), false, true};

const FieldDesc kKeyValueFields[] = {VV_FIELD(1, kString), VV_MSG(2, kAnyValue),
                                     VV_FIELD(3, kVarint)};
const MessageDesc kKeyValue{"KeyValue", kKeyValueFields, std::size(kKeyValueFields), true, false};

const FieldDesc kEntityRefFields[] = {VV_FIELD(1, kString), VV_FIELD(2, kString),
                                      VV_FIELD(3, kString), VV_FIELD(4, kString)};
const MessageDesc kEntityRef{"EntityRef", kEntityRefFields, std::size(kEntityRefFields), false,
                             false};

const FieldDesc kResourceFields[] = {VV_ATTRS(1, kResource), VV_FIELD(2, kVarint),
                                     VV_MSG(3, kEntityRef)};
const MessageDesc kResource{"Resource", kResourceFields, std::size(kResourceFields), false, false};

const FieldDesc kScopeFields[] = {VV_FIELD(1, kString), VV_FIELD(2, kString), VV_ATTRS(3, kScope),
                                  VV_FIELD(4, kVarint)};
const MessageDesc kScope{"InstrumentationScope", kScopeFields, std::size(kScopeFields), false,
                         false};

const FieldDesc kEventFields[] = {VV_FIELD(1, kFixed64), VV_FIELD(2, kString), VV_ATTRS(3, kEvent),
                                  VV_FIELD(4, kVarint)};
const MessageDesc kEvent{"Span.Event", kEventFields, std::size(kEventFields), false, false};

const FieldDesc kLinkFields[] = {VV_FIELD(1, kBytes),  VV_FIELD(2, kBytes), VV_FIELD(3, kString),
                                 VV_ATTRS(4, kLink),   VV_FIELD(5, kVarint),
                                 VV_FIELD(6, kFixed32)};
const MessageDesc kLink{"Span.Link", kLinkFields, std::size(kLinkFields), false, false};

const FieldDesc kStatusFields[] = {VV_FIELD(2, kString), VV_FIELD(3, kVarint)};
const MessageDesc kStatus{"Status", kStatusFields, std::size(kStatusFields), false, false};

const FieldDesc kSpanFields[] = {
    VV_FIELD(1, kBytes),    VV_FIELD(2, kBytes),   VV_FIELD(3, kString),  VV_FIELD(4, kBytes),
    VV_FIELD(16, kFixed32), VV_FIELD(5, kString),  VV_FIELD(6, kVarint),  VV_FIELD(7, kFixed64),
    VV_FIELD(8, kFixed64),  VV_ATTRS(9, kSpan),    VV_FIELD(10, kVarint), VV_MSG(11, kEvent),
    VV_FIELD(12, kVarint),  VV_MSG(13, kLink),     VV_FIELD(14, kVarint), VV_MSG(15, kStatus),
};
const MessageDesc kSpan{"Span", kSpanFields, std::size(kSpanFields), false, false};

const FieldDesc kScopeSpansFields[] = {VV_MSG(1, kScope), VV_MSG(2, kSpan), VV_FIELD(3, kString)};
const MessageDesc kScopeSpans{"ScopeSpans", kScopeSpansFields, std::size(kScopeSpansFields), false,
                              false};

const FieldDesc kResourceSpansFields[] = {VV_MSG(1, kResource), VV_MSG(2, kScopeSpans),
                                          VV_FIELD(3, kString), VV_MSG(1000, kScopeSpans)};
const MessageDesc kResourceSpans{"ResourceSpans", kResourceSpansFields,
                                 std::size(kResourceSpansFields), false, false};

const FieldDesc kExportFields[] = {VV_MSG(1, kResourceSpans)};
const MessageDesc kExport{"ExportTraceServiceRequest", kExportFields, 1, false, false};

#undef VV_FIELD
#undef VV_MSG
#undef VV_ATTRS

const FieldDesc* FindField(const MessageDesc& desc, uint32_t number) {
  for (size_t i = 0; i < desc.count; ++i) {
    if (desc.fields[i].number == number) {
      return &desc.fields[i];
    }
  }
  return nullptr;
}

WireType ExpectedWireType(Kind kind) {
  switch (kind) {
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kMessage:
      return WireType::kLen;
    case Kind::kVarint:
      return WireType::kVarint;
    case Kind::kFixed64:
      return WireType::kI64;
    case Kind::kFixed32:
      return WireType::kI32;
  }
  return WireType::kLen;
}

// How strings inside a message are treated while walking it.
struct Ctx {
  const WalkOptions* options;
  WalkFindings* findings;
  // Set when the current KeyValue (or its AnyValue) came directly from a truncating list.
  bool truncate = false;
  AttributeScope scope = AttributeScope::kResource;
};

bool AsciiOnly(ByteView s) {
  const uint8_t* p = s.data();
  size_t n = s.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = 0;
    std::memcpy(&w, p + i, 8);
    if ((w & 0x8080808080808080ULL) != 0) {
      return false;
    }
  }
  for (; i < n; ++i) {
    if (p[i] & 0x80) {
      return false;
    }
  }
  return true;
}

Status Validate(const MessageDesc& desc, ByteView bytes, int depth, Ctx ctx) {
  if (depth > kMaxNestingDepth) {
    return Status::InvalidArgument(
        fmt::format("message nesting exceeds the maximum depth of {}", kMaxNestingDepth));
  }
  protowire::Reader r(bytes);
  while (r.Next()) {
    const FieldDesc* f = FindField(desc, r.field());
    if (f == nullptr) {
      continue;  // unknown fields are kept as they are
    }
    if (r.type() != ExpectedWireType(f->kind)) {
      return Status::InvalidArgument(fmt::format("malformed protobuf: field {} of {} has wire type {}",
                                                 f->number, desc.name, static_cast<int>(r.type())));
    }
    switch (f->kind) {
      case Kind::kString: {
        bool is_trunc_target =
            ctx.truncate && ((desc.is_key_value && f->number == 1) ||
                             (desc.is_any_value && f->number == 1));
        if (is_trunc_target && ctx.options->max_attribute_bytes > 0 &&
            r.bytes().size() > ctx.options->max_attribute_bytes) {
          ctx.findings->truncated[static_cast<int>(ctx.scope)]++;
          // The cut may split a character; the rewrite repairs what it produces.
        } else if (!IsValidUtf8(r.bytes())) {
          ctx.findings->invalid_utf8 = true;
        }
        break;
      }
      case Kind::kMessage: {
        Ctx child = ctx;
        if (f->trunc == Trunc::kAttributes) {
          child.truncate = true;
          child.scope = f->scope;
        } else if (!(desc.is_key_value && f->number == 2)) {
          // Only a KeyValue's own value inherits truncation; arrays and kvlists below do not.
          child.truncate = false;
        }
        VV_RETURN_IF_ERROR(Validate(*f->message, r.bytes(), depth + 1, child));
        break;
      }
      default:
        break;
    }
  }
  if (!r.ok()) {
    return Status::InvalidArgument(fmt::format("malformed protobuf in {}", desc.name));
  }
  return Status::Ok();
}

void Rewrite(const MessageDesc& desc, ByteView bytes, Ctx ctx, std::string* out) {
  protowire::Reader r(bytes);
  const uint8_t* field_start = bytes.data();
  while (r.Next()) {
    const FieldDesc* f = FindField(desc, r.field());
    const uint8_t* field_end = r.position();
    if (f == nullptr || (f->kind != Kind::kString && f->kind != Kind::kMessage)) {
      out->append(reinterpret_cast<const char*>(field_start), field_end - field_start);
      field_start = field_end;
      continue;
    }
    if (f->kind == Kind::kString) {
      ByteView s = r.bytes();
      bool is_trunc_target = ctx.truncate && ((desc.is_key_value && f->number == 1) ||
                                              (desc.is_any_value && f->number == 1));
      size_t limit = ctx.options->max_attribute_bytes;
      if (is_trunc_target && limit > 0 && s.size() > limit) {
        s = s.substr(0, limit);
      }
      std::string clean;
      AppendSanitizedUtf8(clean, s);
      protowire::AppendLenField(*out, f->number, ByteView(clean));
    } else {
      Ctx child = ctx;
      if (f->trunc == Trunc::kAttributes) {
        child.truncate = true;
        child.scope = f->scope;
      } else if (!(desc.is_key_value && f->number == 2)) {
        child.truncate = false;
      }
      std::string sub;
      Rewrite(*f->message, r.bytes(), child, &sub);
      protowire::AppendLenField(*out, f->number, ByteView(sub));
    }
    field_start = field_end;
  }
}

}  // namespace

const char* AttributeScopeName(AttributeScope scope) {
  switch (scope) {
    case AttributeScope::kResource:
      return "resource";
    case AttributeScope::kScope:
      return "scope";
    case AttributeScope::kSpan:
      return "span";
    case AttributeScope::kEvent:
      return "event";
    case AttributeScope::kLink:
      return "link";
    case AttributeScope::kCount:
      break;
  }
  return "unknown";
}

bool WalkFindings::needs_rewrite() const {
  if (invalid_utf8) {
    return true;
  }
  for (uint32_t t : truncated) {
    if (t > 0) {
      return true;
    }
  }
  return false;
}

const MessageDesc& ExportTraceServiceRequestDesc() { return kExport; }
const MessageDesc& ResourceDesc() { return kResource; }
const MessageDesc& ScopeDesc() { return kScope; }
const MessageDesc& SpanDesc() { return kSpan; }

Status ValidateMessage(const MessageDesc& desc, ByteView bytes, int depth,
                       const WalkOptions& options, WalkFindings* findings) {
  Ctx ctx{&options, findings};
  return Validate(desc, bytes, depth, ctx);
}

void RewriteMessage(const MessageDesc& desc, ByteView bytes, const WalkOptions& options,
                    std::string* out) {
  WalkFindings ignored;
  Ctx ctx{&options, &ignored};
  Rewrite(desc, bytes, ctx, out);
}

bool IsValidUtf8(ByteView s) {
  if (AsciiOnly(s)) {
    return true;
  }
  return simdjson::validate_utf8(reinterpret_cast<const char*>(s.data()), s.size());
}

void AppendSanitizedUtf8(std::string& out, ByteView s) {
  const uint8_t* p = s.data();
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    }
    bool valid = len > 0 && i + len <= n;
    for (size_t k = 1; valid && k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) {
        valid = false;
      } else {
        cp = cp << 6 | (p[i + k] & 0x3f);
      }
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if (valid && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
                  (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
                  (cp >= 0xd800 && cp <= 0xdfff))) {
      valid = false;
    }
    if (valid) {
      out.append(reinterpret_cast<const char*>(p + i), len);
      i += len;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
}

}  // namespace vivace::model
