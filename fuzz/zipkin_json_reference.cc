// The Zipkin v2 JSON decoder as it was before the single-pass one (src/receiver/zipkin_json.cc):
// simdjson's DOM, then a walk over the tree. Kept as the fuzzer's reference: both must agree on
// every input (zipkin_json_fuzzer.cc). Not product code.

#include "fuzz/zipkin_json_reference.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "common/hex.h"
#include "receiver/otlp_out.h"
#include "receiver/zipkin_internal.h"

namespace vivace::fuzz {
namespace {

using namespace vivace::receiver;

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr size_t kRetainedParserBytes = 4u << 20;

Status Bad(std::string_view msg) { return Status::InvalidArgument(std::string(msg)); }

Status TypeError(std::string_view field, std::string_view want) {
  return Status::InvalidArgument(fmt::format(
      "json: cannot unmarshal into Go struct field SpanModel.{} of type {}", field, want));
}

class JsonDecoder {
 public:
  explicit JsonDecoder(ZipkinBatch* out) : out_(out) {}

  Status Root(element root) {
    if (root.is_null()) {
      return Status::Ok();
    }
    simdjson::dom::array spans;
    if (root.get_array().get(spans) != simdjson::SUCCESS) {
      return Bad("json: cannot unmarshal into Go value of type []*model.SpanModel");
    }
    for (element e : spans) {
      ZipkinSpan s;
      if (e.is_null()) {
        s.null = true;
      } else {
        VV_RETURN_IF_ERROR(Span(e, &s));
      }
      out_->spans.push_back(s);
    }
    return Status::Ok();
  }

 private:
  std::string_view Copy(std::string_view s) { return out_->arena.CopyString(s); }

  // Reads a JSON string member (null = unset).
  static Status String(element v, std::string_view field, std::string_view* out, bool* set) {
    if (v.is_null()) {
      return Status::Ok();
    }
    if (v.get_string().get(*out) != simdjson::SUCCESS) {
      return TypeError(field, "string");
    }
    *set = true;
    return Status::Ok();
  }

  static Status Int64(element v, std::string_view field, int64_t* out) {
    if (v.is_null()) {
      return Status::Ok();
    }
    if (v.type() != element_type::INT64 || v.get_int64().get(*out) != simdjson::SUCCESS) {
      return TypeError(field, "int64");
    }
    return Status::Ok();
  }

  Status Endpoint(element v, std::string_view field, ZipkinEndpoint* ep) {
    if (v.is_null()) {
      return Status::Ok();
    }
    object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) {
      return TypeError(field, "model.Endpoint");
    }
    bool set = false;
    for (auto [key, value] : o) {
      std::string_view s;
      if (KeyIs(key, "serviceName")) {
        bool got = false;
        VV_RETURN_IF_ERROR(String(value, "serviceName", &s, &got));
        if (got) {
          ep->service_name = Copy(s);
        }
      } else if (KeyIs(key, "ipv4") || KeyIs(key, "ipv6")) {
        bool v4 = KeyIs(key, "ipv4");
        bool got = false;
        VV_RETURN_IF_ERROR(String(value, key, &s, &got));
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
        *dest = Copy(FormatIp(std::string_view(reinterpret_cast<const char*>(ip), 16)));
        *has = true;
      } else if (KeyIs(key, "port")) {
        int64_t port = 0;
        if (!value.is_null()) {
          if (value.type() != element_type::INT64
              || value.get_int64().get(port) != simdjson::SUCCESS || port < 0 || port > 65535) {
            return TypeError("port", "uint16");
          }
          ep->port = static_cast<uint16_t>(port);
        }
      }
    }
    set = !ep->service_name.empty() || ep->has_ipv4 || ep->has_ipv6 || ep->port != 0;
    ep->present = set;
    return Status::Ok();
  }

  Status Annotations(element v, ZipkinSpan* s) {
    if (v.is_null()) {
      return Status::Ok();
    }
    simdjson::dom::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) {
      return TypeError("annotations", "[]model.Annotation");
    }
    // A repeated key replaces the earlier list, as in Go.
    s->annotations_begin = static_cast<uint32_t>(out_->annotations.size());
    for (element a : arr) {
      object o;
      if (a.get_object().get(o) != simdjson::SUCCESS) {
        if (!a.is_null()) {
          return TypeError("annotations", "model.Annotation");
        }
        return Bad("valid annotation timestamp required");
      }
      int64_t ts = 0;
      ZipkinAnnotation ann;
      for (auto [key, value] : o) {
        if (KeyIs(key, "timestamp")) {
          VV_RETURN_IF_ERROR(Int64(value, "timestamp", &ts));
        } else if (KeyIs(key, "value")) {
          std::string_view str;
          bool got = false;
          VV_RETURN_IF_ERROR(String(value, "value", &str, &got));
          if (got) {
            ann.value = Copy(str);
          }
        }
      }
      if (ts < 1) {
        return Bad("valid annotation timestamp required");
      }
      ann.time_unix_nano = static_cast<uint64_t>(ts) * 1000;
      out_->annotations.push_back(ann);
    }
    s->annotations_end = static_cast<uint32_t>(out_->annotations.size());
    return Status::Ok();
  }

  Status Tags(element v, ZipkinSpan* s) {
    if (v.is_null()) {
      return Status::Ok();
    }
    object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) {
      return TypeError("tags", "map[string]string");
    }
    if (s->tags_end == s->tags_begin) {
      s->tags_begin = s->tags_end = static_cast<uint32_t>(out_->tags.size());
    }
    // A second "tags" object merges into the first (Go decodes into the existing map).
    for (auto [key, value] : o) {
      std::string_view str;
      if (!value.is_null() && value.get_string().get(str) != simdjson::SUCCESS) {
        return TypeError("tags", "string");
      }
      out_->tags.push_back({Copy(key), value.is_null() ? std::string_view() : Copy(str)});
    }
    s->tags_end = static_cast<uint32_t>(out_->tags.size());
    DedupeTags(out_->tags, s->tags_begin, &s->tags_end, &seen_);
    out_->tags.resize(s->tags_end);
    return Status::Ok();
  }

  // zipkin-go's ID.UnmarshalJSON: up to 16 hex digits; "" leaves 0.
  static Status SpanId(element v, std::string_view field, uint64_t* out, bool* set) {
    if (v.is_null()) {
      return Status::Ok();
    }
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) {
      return TypeError(field, "model.ID");
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

  Status TraceId(element v, ZipkinSpan* s) {
    std::string_view str;
    if (v.is_null() || v.get_string().get(str) != simdjson::SUCCESS) {
      if (!v.is_null() && !v.is_string()) {
        return TypeError("traceId", "model.TraceID");
      }
      return Bad("valid traceId required");
    }
    if (str.empty()) {
      return Bad("valid traceId required");
    }
    if (!ParseZipkinTraceId(str, &s->trace_high, &s->trace_low)) {
      return Bad(fmt::format("strconv.ParseUint: parsing \"{}\": invalid traceId", str));
    }
    return Status::Ok();
  }

  Status Span(element e, ZipkinSpan* s) {
    object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      return Bad("json: cannot unmarshal into Go value of type model.SpanModel");
    }
    int64_t ts = 0;
    int64_t duration = 0;
    bool id_set = false;
    s->tags_begin = s->tags_end = static_cast<uint32_t>(out_->tags.size());
    s->annotations_begin = s->annotations_end = static_cast<uint32_t>(out_->annotations.size());
    for (auto [key, value] : o) {
      std::string_view str;
      bool got = false;
      if (KeyIs(key, "traceId")) {
        VV_RETURN_IF_ERROR(TraceId(value, s));
      } else if (KeyIs(key, "id")) {
        VV_RETURN_IF_ERROR(SpanId(value, "id", &s->id, &id_set));
      } else if (KeyIs(key, "parentId")) {
        VV_RETURN_IF_ERROR(SpanId(value, "parentId", &s->parent_id, &s->has_parent));
      } else if (KeyIs(key, "name")) {
        VV_RETURN_IF_ERROR(String(value, "name", &str, &got));
        if (got) {
          s->name = Copy(str);
        }
      } else if (KeyIs(key, "kind")) {
        VV_RETURN_IF_ERROR(String(value, "kind", &str, &got));
        if (got) {
          s->kind = Copy(str);
        }
      } else if (KeyIs(key, "timestamp")) {
        VV_RETURN_IF_ERROR(Int64(value, "timestamp", &ts));
      } else if (KeyIs(key, "duration")) {
        VV_RETURN_IF_ERROR(Int64(value, "duration", &duration));
      } else if (KeyIs(key, "localEndpoint")) {
        s->local = {};
        VV_RETURN_IF_ERROR(Endpoint(value, "localEndpoint", &s->local));
      } else if (KeyIs(key, "remoteEndpoint")) {
        s->remote = {};
        VV_RETURN_IF_ERROR(Endpoint(value, "remoteEndpoint", &s->remote));
      } else if (KeyIs(key, "annotations")) {
        VV_RETURN_IF_ERROR(Annotations(value, s));
      } else if (KeyIs(key, "tags")) {
        VV_RETURN_IF_ERROR(Tags(value, s));
      } else if (KeyIs(key, "debug") || KeyIs(key, "shared")) {
        bool b = false;
        if (!value.is_null() && value.get_bool().get(b) != simdjson::SUCCESS) {
          return TypeError(key, "bool");
        }
      }
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

  ZipkinBatch* out_;
  KeyIndex seen_;  // DedupeTags scratch
};

Status Parse(simdjson::dom::parser& parser, ByteView body, ZipkinBatch* out) {
  element root;
  simdjson::error_code err = parser.parse(body.data(), body.size(), true).get(root);
  if (err != simdjson::SUCCESS) {
    return Bad(fmt::format("invalid JSON: {}", simdjson::error_message(err)));
  }
  JsonDecoder d(out);
  return d.Root(root);
}

}  // namespace

Status DecodeZipkinJsonReference(ByteView body, ZipkinBatch* out) {
  if (body.size() > kRetainedParserBytes) {
    simdjson::dom::parser parser;
    return Parse(parser, body, out);
  }
  thread_local simdjson::dom::parser parser;
  return Parse(parser, body, out);
}

}  // namespace vivace::fuzz
