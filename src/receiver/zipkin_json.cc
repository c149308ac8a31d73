// Zipkin v2 JSON decoding (zipkin-go's model, as Tempo's Zipkin receiver reads it): a JSON
// array of span objects. Keys match case-insensitively and unknown keys are ignored, as Go's
// encoding/json does; a value of the wrong JSON type is an error; `null` leaves a field unset.
//
// One pass over the body with JsonReader, straight into the ZipkinBatch: strings stay views into
// the body unless they carry escapes. (Before: simdjson's DOM, then a walk over it, then a copy of
// every string; the fuzzer keeps that decoder as its reference, fuzz/zipkin_json_reference.cc.)

#include <fmt/format.h>

#include "common/hex.h"
#include "receiver/json_reader.h"
#include "receiver/otlp_out.h"
#include "receiver/zipkin.h"
#include "receiver/zipkin_internal.h"

namespace vivace::receiver {
namespace {

using Kind = JsonReader::Kind;

Status Bad(std::string_view msg) { return Status::InvalidArgument(std::string(msg)); }

Status TypeError(std::string_view field, std::string_view want) {
  return Status::InvalidArgument(fmt::format(
      "json: cannot unmarshal into Go struct field SpanModel.{} of type {}", field, want));
}

// The members of a span object, found by length first: a span has a dozen members and most
// of them would otherwise be compared against every name before theirs.
enum class SpanMember {
  kTraceId,
  kId,
  kParentId,
  kName,
  kKind,
  kTimestamp,
  kDuration,
  kLocalEndpoint,
  kRemoteEndpoint,
  kAnnotations,
  kTags,
  kFlag,  // debug, shared
  kOther
};

SpanMember SpanMemberOf(std::string_view key) {
  switch (key.size()) {
    case 2:
      return KeyIs(key, "id") ? SpanMember::kId : SpanMember::kOther;
    case 4:
      return KeyIs(key, "tags")   ? SpanMember::kTags
             : KeyIs(key, "name") ? SpanMember::kName
             : KeyIs(key, "kind") ? SpanMember::kKind
                                  : SpanMember::kOther;
    case 5:
      return KeyIs(key, "debug") ? SpanMember::kFlag : SpanMember::kOther;
    case 6:
      return KeyIs(key, "shared") ? SpanMember::kFlag : SpanMember::kOther;
    case 7:
      return KeyIs(key, "traceId") ? SpanMember::kTraceId : SpanMember::kOther;
    case 8:
      return KeyIs(key, "parentId")   ? SpanMember::kParentId
             : KeyIs(key, "duration") ? SpanMember::kDuration
                                      : SpanMember::kOther;
    case 9:
      return KeyIs(key, "timestamp") ? SpanMember::kTimestamp : SpanMember::kOther;
    case 11:
      return KeyIs(key, "annotations") ? SpanMember::kAnnotations : SpanMember::kOther;
    case 13:
      return KeyIs(key, "localEndpoint") ? SpanMember::kLocalEndpoint : SpanMember::kOther;
    case 14:
      return KeyIs(key, "remoteEndpoint") ? SpanMember::kRemoteEndpoint : SpanMember::kOther;
    default:
      return SpanMember::kOther;
  }
}

class JsonDecoder {
 public:
  JsonDecoder(ByteView body, ZipkinBatch* out)
      : r_(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()), &out->arena),
        out_(out) {}

  Status Root() {
    if (r_.AtEndOfInput()) {
      return Bad("invalid JSON: empty body");
    }
    Kind k = r_.Peek();
    if (k == Kind::kNull) {
      r_.ReadNull();
    } else if (k == Kind::kArray) {
      r_.BeginArray();
      while (r_.NextElement()) {
        ZipkinSpan& s = out_->spans.emplace_back();
        Kind e = r_.Peek();
        if (e == Kind::kNull) {
          s.null = true;
          r_.ReadNull();
        } else if (e == Kind::kObject) {
          VV_RETURN_IF_ERROR(Span(&s));
        } else if (e != Kind::kError) {
          return Bad("json: cannot unmarshal into Go value of type model.SpanModel");
        }
      }
    } else if (k != Kind::kError) {
      return Bad("json: cannot unmarshal into Go value of type []*model.SpanModel");
    }
    if (!r_.Finish()) {
      return Bad(r_.error());
    }
    return Status::Ok();
  }

 private:
  // A syntax error the reader recorded (a failed read).
  Status Syntax() { return Bad(r_.failed() ? r_.error() : "invalid JSON"); }

  // Reads a JSON string member (null = unset).
  Status String(std::string_view field, std::string_view* out, bool* set) {
    Kind k = r_.Peek();
    if (k == Kind::kNull) {
      r_.ReadNull();
      return Status::Ok();
    }
    if (k != Kind::kString) {
      return k == Kind::kError ? Syntax() : TypeError(field, "string");
    }
    if (!r_.ReadString(out)) {
      return Syntax();
    }
    *set = true;
    return Status::Ok();
  }

  Status Int64(std::string_view field, int64_t* out) {
    Kind k = r_.Peek();
    if (k == Kind::kNull) {
      r_.ReadNull();
      return Status::Ok();
    }
    if (k != Kind::kNumber) {
      return k == Kind::kError ? Syntax() : TypeError(field, "int64");
    }
    bool is_int = false;
    if (!r_.ReadNumber(out, &is_int)) {
      return Syntax();
    }
    if (!is_int) {
      return TypeError(field, "int64");
    }
    return Status::Ok();
  }

  Status Endpoint(std::string_view field, ZipkinEndpoint* ep) {
    Kind k = r_.Peek();
    if (k == Kind::kNull) {
      r_.ReadNull();
      return Status::Ok();
    }
    if (k != Kind::kObject) {
      return k == Kind::kError ? Syntax() : TypeError(field, "model.Endpoint");
    }
    r_.BeginObject();
    std::string_view key;
    while (r_.NextMember(&key)) {
      std::string_view s;
      if (KeyIs(key, "serviceName")) {
        bool got = false;
        VV_RETURN_IF_ERROR(String("serviceName", &s, &got));
        if (got) {
          ep->service_name = s;
        }
      } else if (KeyIs(key, "ipv4") || KeyIs(key, "ipv6")) {
        bool v4 = KeyIs(key, "ipv4");
        bool got = false;
        VV_RETURN_IF_ERROR(String(key, &s, &got));
        if (!got) {
          continue;
        }
        std::string_view* dest = v4 ? &ep->ipv4 : &ep->ipv6;
        bool* has = v4 ? &ep->has_ipv4 : &ep->has_ipv6;
        if (s.empty()) {
          *has = false;  // net.IP's UnmarshalText: "" is a nil address
          continue;
        }
        uint8_t ip[16];
        if (!ParseIp(s, ip)) {
          return Bad(fmt::format("invalid IP address: {}", s));
        }
        *dest = out_->arena.CopyString(
            FormatIp(std::string_view(reinterpret_cast<const char*>(ip), 16)));
        *has = true;
      } else if (KeyIs(key, "port")) {
        Kind pk = r_.Peek();
        if (pk == Kind::kNull) {
          r_.ReadNull();
          continue;
        }
        if (pk != Kind::kNumber) {
          return pk == Kind::kError ? Syntax() : TypeError("port", "uint16");
        }
        int64_t port = 0;
        bool is_int = false;
        if (!r_.ReadNumber(&port, &is_int)) {
          return Syntax();
        }
        if (!is_int || port < 0 || port > 65535) {
          return TypeError("port", "uint16");
        }
        ep->port = static_cast<uint16_t>(port);
      } else if (!r_.SkipValue()) {
        return Syntax();
      }
    }
    if (r_.failed()) {
      return Syntax();
    }
    ep->present = !ep->service_name.empty() || ep->has_ipv4 || ep->has_ipv6 || ep->port != 0;
    return Status::Ok();
  }

  Status Annotations(ZipkinSpan* s) {
    Kind k = r_.Peek();
    if (k == Kind::kNull) {
      r_.ReadNull();
      return Status::Ok();
    }
    if (k != Kind::kArray) {
      return k == Kind::kError ? Syntax() : TypeError("annotations", "[]model.Annotation");
    }
    r_.BeginArray();
    // A repeated key replaces the earlier list, as in Go.
    s->annotations_begin = static_cast<uint32_t>(out_->annotations.size());
    while (r_.NextElement()) {
      Kind a = r_.Peek();
      if (a != Kind::kObject) {
        if (a == Kind::kError) {
          return Syntax();
        }
        if (a != Kind::kNull) {
          return TypeError("annotations", "model.Annotation");
        }
        return Bad("valid annotation timestamp required");
      }
      r_.BeginObject();
      int64_t ts = 0;
      ZipkinAnnotation ann;
      std::string_view key;
      while (r_.NextMember(&key)) {
        if (KeyIs(key, "timestamp")) {
          VV_RETURN_IF_ERROR(Int64("timestamp", &ts));
        } else if (KeyIs(key, "value")) {
          std::string_view str;
          bool got = false;
          VV_RETURN_IF_ERROR(String("value", &str, &got));
          if (got) {
            ann.value = str;
          }
        } else if (!r_.SkipValue()) {
          return Syntax();
        }
      }
      if (r_.failed()) {
        return Syntax();
      }
      if (ts < 1) {
        return Bad("valid annotation timestamp required");
      }
      ann.time_unix_nano = static_cast<uint64_t>(ts) * 1000;
      out_->annotations.push_back(ann);
    }
    if (r_.failed()) {
      return Syntax();
    }
    s->annotations_end = static_cast<uint32_t>(out_->annotations.size());
    return Status::Ok();
  }

  Status Tags(ZipkinSpan* s) {
    Kind k = r_.Peek();
    if (k == Kind::kNull) {
      r_.ReadNull();
      return Status::Ok();
    }
    if (k != Kind::kObject) {
      return k == Kind::kError ? Syntax() : TypeError("tags", "map[string]string");
    }
    r_.BeginObject();
    if (s->tags_end == s->tags_begin) {
      s->tags_begin = s->tags_end = static_cast<uint32_t>(out_->tags.size());
    }
    // A second "tags" object merges into the first (Go decodes into the existing map).
    std::string_view key;
    while (r_.NextMember(&key)) {
      Kind v = r_.Peek();
      std::string_view str;
      if (v == Kind::kNull) {
        r_.ReadNull();
      } else if (v == Kind::kString) {
        if (!r_.ReadString(&str)) {
          return Syntax();
        }
      } else {
        return v == Kind::kError ? Syntax() : TypeError("tags", "string");
      }
      out_->tags.push_back({key, str});
    }
    if (r_.failed()) {
      return Syntax();
    }
    s->tags_end = static_cast<uint32_t>(out_->tags.size());
    DedupeTags(out_->tags, s->tags_begin, &s->tags_end, &seen_);
    out_->tags.resize(s->tags_end);
    return Status::Ok();
  }

  // zipkin-go's ID.UnmarshalJSON: up to 16 hex digits; "" leaves 0.
  Status SpanId(std::string_view field, uint64_t* out, bool* set) {
    Kind k = r_.Peek();
    if (k == Kind::kNull) {
      r_.ReadNull();
      return Status::Ok();
    }
    if (k != Kind::kString) {
      return k == Kind::kError ? Syntax() : TypeError(field, "model.ID");
    }
    std::string_view s;
    if (!r_.ReadString(&s)) {
      return Syntax();
    }
    *set = true;
    if (s.empty()) {
      *out = 0;
      return Status::Ok();
    }
    if (!ParseHexUint64(s, out)) {
      return Bad(fmt::format("strconv.ParseUint: parsing \"{}\": invalid {}", s, field));
    }
    return Status::Ok();
  }

  Status TraceId(ZipkinSpan* s) {
    Kind k = r_.Peek();
    if (k != Kind::kString) {
      if (k == Kind::kError) {
        return Syntax();
      }
      if (k != Kind::kNull) {
        return TypeError("traceId", "model.TraceID");
      }
      return Bad("valid traceId required");
    }
    std::string_view str;
    if (!r_.ReadString(&str)) {
      return Syntax();
    }
    if (str.empty()) {
      return Bad("valid traceId required");
    }
    if (!ParseZipkinTraceId(str, &s->trace_high, &s->trace_low)) {
      return Bad(fmt::format("strconv.ParseUint: parsing \"{}\": invalid traceId", str));
    }
    return Status::Ok();
  }

  Status Span(ZipkinSpan* s) {
    r_.BeginObject();
    int64_t ts = 0;
    int64_t duration = 0;
    bool id_set = false;
    s->tags_begin = s->tags_end = static_cast<uint32_t>(out_->tags.size());
    s->annotations_begin = s->annotations_end = static_cast<uint32_t>(out_->annotations.size());
    std::string_view key;
    while (r_.NextMember(&key)) {
      std::string_view str;
      bool got = false;
      switch (SpanMemberOf(key)) {
        case SpanMember::kTraceId:
          VV_RETURN_IF_ERROR(TraceId(s));
          break;
        case SpanMember::kId:
          VV_RETURN_IF_ERROR(SpanId("id", &s->id, &id_set));
          break;
        case SpanMember::kParentId:
          VV_RETURN_IF_ERROR(SpanId("parentId", &s->parent_id, &s->has_parent));
          break;
        case SpanMember::kName:
          VV_RETURN_IF_ERROR(String("name", &str, &got));
          if (got) {
            s->name = str;
          }
          break;
        case SpanMember::kKind:
          VV_RETURN_IF_ERROR(String("kind", &str, &got));
          if (got) {
            s->kind = str;
          }
          break;
        case SpanMember::kTimestamp:
          VV_RETURN_IF_ERROR(Int64("timestamp", &ts));
          break;
        case SpanMember::kDuration:
          VV_RETURN_IF_ERROR(Int64("duration", &duration));
          break;
        case SpanMember::kLocalEndpoint:
          s->local = {};
          VV_RETURN_IF_ERROR(Endpoint("localEndpoint", &s->local));
          break;
        case SpanMember::kRemoteEndpoint:
          s->remote = {};
          VV_RETURN_IF_ERROR(Endpoint("remoteEndpoint", &s->remote));
          break;
        case SpanMember::kAnnotations:
          VV_RETURN_IF_ERROR(Annotations(s));
          break;
        case SpanMember::kTags:
          VV_RETURN_IF_ERROR(Tags(s));
          break;
        case SpanMember::kFlag: {
          Kind k = r_.Peek();
          bool b = false;
          if (k == Kind::kNull) {
            r_.ReadNull();
          } else if (k == Kind::kBool) {
            r_.ReadBool(&b);
          } else {
            return k == Kind::kError ? Syntax() : TypeError(key, "bool");
          }
          break;
        }
        case SpanMember::kOther:
          if (!r_.SkipValue()) {
            return Syntax();
          }
          break;
      }
    }
    if (r_.failed()) {
      return Syntax();
    }
    if (s->id == 0) {
      return Bad("valid span id required");
    }
    if (ts > 0) {
      s->start_unix_nano = static_cast<uint64_t>(ts) * 1000;
    } else {
      s->timestamp_absent = true;
    }
    s->duration_nanos = static_cast<int64_t>(static_cast<uint64_t>(duration) * 1000);
    return Status::Ok();
  }

  JsonReader r_;
  ZipkinBatch* out_;
  KeyIndex seen_;  // DedupeTags scratch
};

}  // namespace

Status DecodeZipkinJson(ByteView body, ZipkinBatch* out) {
  JsonDecoder d(body, out);
  return d.Root();
}

}  // namespace vivace::receiver
