#include "generator/span_reader.h"

#include <charconv>
#include <cstring>

#include "common/protowire.h"

namespace vivace::generator {
namespace {

using protowire::Reader;
using protowire::WireType;

// Arrays and kvlists nest; stringifying stops at this depth (fragments are validated to 64).
constexpr int kMaxStringifyDepth = 16;

Status Malformed(std::string_view what) {
  return Status::InvalidArgument(std::string("malformed trace fragment: bad ") + std::string(what));
}

double AsDouble(uint64_t bits) {
  double d = 0;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool ReadAttribute(ByteView kv, Attribute* out) {
  Reader r(kv);
  *out = Attribute{};
  while (r.Next()) {
    if (r.type() != WireType::kLen) {
      continue;
    }
    if (r.field() == 1) {
      out->key = r.bytes().str();
    } else if (r.field() == 2) {
      out->value = r.bytes();
    }
  }
  return r.ok();
}

void AppendDouble(double v, std::string* out) {
  char buf[400];  // fixed notation of DBL_MAX needs 309 digits
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (res.ec == std::errc()) {
    out->append(buf, res.ptr);
  }
}

void AppendStringifiedDepth(ByteView any_value, std::string* out, int depth) {
  AnyValue v = ParseAnyValue(any_value);
  switch (v.type) {
    case AnyValue::Type::kString:
      out->append(v.str);
      break;
    case AnyValue::Type::kBool:
      out->append(v.bool_value ? "true" : "false");
      break;
    case AnyValue::Type::kInt: {
      char buf[24];
      auto res = std::to_chars(buf, buf + sizeof buf, v.int_value);
      out->append(buf, res.ptr);
      break;
    }
    case AnyValue::Type::kDouble:
      AppendDouble(v.double_value, out);
      break;
    case AnyValue::Type::kArray:
    case AnyValue::Type::kKvList: {
      bool array = v.type == AnyValue::Type::kArray;
      out->push_back(array ? '[' : '{');
      if (depth < kMaxStringifyDepth) {
        Reader r(v.nested);
        while (r.Next()) {
          if (r.field() != 1 || r.type() != WireType::kLen) {
            continue;
          }
          if (array) {
            AppendStringifiedDepth(r.bytes(), out, depth + 1);
          } else {
            Attribute kv;
            if (ReadAttribute(r.bytes(), &kv)) {
              out->append(kv.key);
              out->push_back(':');
              AppendStringifiedDepth(kv.value, out, depth + 1);
            }
          }
        }
      }
      out->push_back(array ? ']' : '}');
      break;
    }
    case AnyValue::Type::kBytes:
    case AnyValue::Type::kEmpty:
      break;
  }
}

}  // namespace

std::string_view SpanKindName(int32_t kind) {
  static constexpr std::string_view kNames[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL",
                                                "SPAN_KIND_SERVER",      "SPAN_KIND_CLIENT",
                                                "SPAN_KIND_PRODUCER",    "SPAN_KIND_CONSUMER"};
  static constexpr std::string_view kNumbers[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  if (kind >= 0 && kind < 6) {
    return kNames[kind];
  }
  // Go's String() of an unknown enum value is its number; only single digits are kept static.
  return kind >= 0 && kind < 10 ? kNumbers[kind] : std::string_view("UNKNOWN");
}

std::string_view StatusCodeName(int32_t code) {
  static constexpr std::string_view kNames[] = {"STATUS_CODE_UNSET", "STATUS_CODE_OK",
                                                "STATUS_CODE_ERROR"};
  if (code >= 0 && code < 3) {
    return kNames[code];
  }
  return "UNKNOWN";
}

AnyValue ParseAnyValue(ByteView any_value) {
  AnyValue v;
  Reader r(any_value);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        if (r.type() == WireType::kLen) {
          v.type = AnyValue::Type::kString;
          v.str = r.bytes().str();
        }
        break;
      case 2:
        if (r.type() == WireType::kVarint) {
          v.type = AnyValue::Type::kBool;
          v.bool_value = r.varint() != 0;
        }
        break;
      case 3:
        if (r.type() == WireType::kVarint) {
          v.type = AnyValue::Type::kInt;
          v.int_value = static_cast<int64_t>(r.varint());
        }
        break;
      case 4:
        if (r.type() == WireType::kI64) {
          v.type = AnyValue::Type::kDouble;
          v.double_value = AsDouble(r.varint());
        }
        break;
      case 5:
      case 6:
        if (r.type() == WireType::kLen) {
          v.type = r.field() == 5 ? AnyValue::Type::kArray : AnyValue::Type::kKvList;
          v.nested = r.bytes();
        }
        break;
      case 7:
        if (r.type() == WireType::kLen) {
          v.type = AnyValue::Type::kBytes;
          v.str = r.bytes().str();
        }
        break;
      default:
        break;
    }
  }
  if (!r.ok()) {
    return AnyValue{};
  }
  return v;
}

void AppendStringified(ByteView any_value, std::string* out) {
  AppendStringifiedDepth(any_value, out, 0);
}

const Attribute* FindAttribute(const std::vector<Attribute>& attrs, std::string_view key) {
  for (const Attribute& a : attrs) {
    if (a.key == key) {
      return &a;
    }
  }
  return nullptr;
}

void SpanView::ReadAttributes() const {
  attributes_.clear();
  attributes_read_ = true;
  Reader r(raw);
  while (r.Next()) {
    if (r.field() == 9 && r.type() == WireType::kLen) {
      Attribute a;
      if (!ReadAttribute(r.bytes(), &a)) {
        return;
      }
      attributes_.push_back(a);
    }
  }
}

Status SpanReader::Read(ByteView trace, SpanVisitor& visitor) {
  Reader r(trace);
  while (r.Next()) {
    if (r.field() == 1 && r.type() == WireType::kLen) {
      VV_RETURN_IF_ERROR(ReadResourceSpans(r.bytes(), visitor));
    }
  }
  return r.ok() ? Status::Ok() : Malformed("trace");
}

Status SpanReader::ReadResourceSpans(ByteView rs, SpanVisitor& visitor) {
  ResourceView& res = resource_;
  ++res.generation;
  res.attributes.clear();
  res.service_name.clear();
  res.has_service_name = false;
  res.service_namespace.clear();
  res.instance_id.clear();
  bool has_namespace = false;
  bool has_instance = false;

  // The resource comes first in every encoder's output, but the wire allows any order: find
  // it before visiting spans.
  Reader r(rs);
  while (r.Next()) {
    if (r.field() != 1 || r.type() != WireType::kLen) {
      continue;
    }
    Reader rr(r.bytes());
    while (rr.Next()) {
      if (rr.field() != 1 || rr.type() != WireType::kLen) {
        continue;
      }
      Attribute a;
      if (!ReadAttribute(rr.bytes(), &a)) {
        return Malformed("resource attribute");
      }
      res.attributes.push_back(a);
      if (a.key == "service.name" && !res.has_service_name) {
        AppendStringified(a.value, &res.service_name);
        res.has_service_name = true;
      } else if (a.key == "service.namespace" && !has_namespace) {
        AppendStringified(a.value, &res.service_namespace);
        has_namespace = true;
      } else if (a.key == "service.instance.id" && !has_instance) {
        AppendStringified(a.value, &res.instance_id);
        has_instance = true;
      }
    }
    if (!rr.ok()) {
      return Malformed("resource");
    }
  }
  if (!r.ok()) {
    return Malformed("resource spans");
  }

  Reader spans(rs);
  while (spans.Next()) {
    if (spans.field() != 2 || spans.type() != WireType::kLen) {
      continue;
    }
    Reader ss(spans.bytes());
    while (ss.Next()) {
      if (ss.field() == 2 && ss.type() == WireType::kLen) {
        VV_RETURN_IF_ERROR(ReadSpan(ss.bytes(), visitor));
      }
    }
    if (!ss.ok()) {
      return Malformed("scope spans");
    }
  }
  return Status::Ok();
}

Status SpanReader::ReadSpan(ByteView bytes, SpanVisitor& visitor) {
  SpanView& s = span_;
  s.Reset(bytes);
  s.trace_id = s.span_id = s.parent_span_id = ByteView();
  s.trace_state = s.name = s.status_message = std::string_view();
  s.kind = s.status_code = 0;
  s.start_unix_nano = s.end_unix_nano = 0;
  s.size = bytes.size();
  Reader r(bytes);
  while (r.Next()) {
    const bool len = r.type() == WireType::kLen;
    switch (r.field()) {
      case 1:
        if (len) {
          s.trace_id = r.bytes();
        }
        break;
      case 2:
        if (len) {
          s.span_id = r.bytes();
        }
        break;
      case 3:
        if (len) {
          s.trace_state = r.bytes().str();
        }
        break;
      case 4:
        if (len) {
          s.parent_span_id = r.bytes();
        }
        break;
      case 5:
        if (len) {
          s.name = r.bytes().str();
        }
        break;
      case 6:
        if (r.type() == WireType::kVarint) {
          s.kind = static_cast<int32_t>(r.varint());
        }
        break;
      case 7:
        if (r.type() == WireType::kI64) {
          s.start_unix_nano = r.varint();
        }
        break;
      case 8:
        if (r.type() == WireType::kI64) {
          s.end_unix_nano = r.varint();
        }
        break;
      case 15:
        if (len) {
          Reader st(r.bytes());
          while (st.Next()) {
            if (st.field() == 2 && st.type() == WireType::kLen) {
              s.status_message = st.bytes().str();
            } else if (st.field() == 3 && st.type() == WireType::kVarint) {
              s.status_code = static_cast<int32_t>(st.varint());
            }
          }
          if (!st.ok()) {
            return Malformed("span status");
          }
        }
        break;
      default:
        break;
    }
  }
  if (!r.ok()) {
    return Malformed("span");
  }
  visitor.OnSpan(resource_, s);
  return Status::Ok();
}

}  // namespace vivace::generator
