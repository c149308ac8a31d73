// Zipkin v1 -> OTLP (the Collector's zipkinv1 translators: JSON and Thrift; docs/receivers.md
// "Zipkin v1 mapping"). Both encodings decode into the same intermediate spans; spans are then
// grouped into one ResourceSpans per local endpoint, in order of first appearance.

#include <simdjson.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "common/base64.h"
#include "common/hex.h"
#include "receiver/otlp_out.h"
#include "receiver/thrift.h"
#include "receiver/zipkin.h"
#include "receiver/zipkin_internal.h"

namespace vivace::receiver {
namespace {

using thrift::ReadStruct;
using thrift::TType;

constexpr std::string_view kUnknownService = "unknown-service";

Status Bad(std::string_view msg) { return Status::InvalidArgument(std::string(msg)); }

struct V1Endpoint {
  std::string_view service;
  std::string_view ipv4;
  std::string_view ipv6;
  int32_t port = 0;
};

struct V1Annotation {
  int64_t timestamp = 0;
  std::string_view value;
  int32_t endpoint = -1;  // index into V1Batch::endpoints, -1 = none
};

struct V1BinaryAnnotation {
  std::string_view key;
  Value value;
  std::string_view text;  // the value as text (the `lc` local component)
  int32_t endpoint = -1;
  bool host_present = false;
};

struct V1Span {
  uint8_t trace_id[16] = {};
  uint8_t span_id[8] = {};
  uint8_t parent_id[8] = {};
  std::string_view name;
  bool has_timestamp = false;
  int64_t timestamp = 0;
  int64_t duration = 0;
  uint32_t ann_begin = 0, ann_end = 0;
  uint32_t bin_begin = 0, bin_end = 0;
};

struct V1Batch {
  bool thrift = false;
  std::vector<V1Span> spans;
  std::vector<V1Annotation> annotations;
  std::vector<V1BinaryAnnotation> binary;
  std::vector<V1Endpoint> endpoints;
  Arena arena;
};

uint64_t EpochMicrosToNanos(int64_t us) { return us <= 0 ? 0 : static_cast<uint64_t>(us) * 1000; }

// ---------------------------------------------------------------------------------------------
// Translation shared by both encodings.

class V1Translator {
 public:
  explicit V1Translator(const V1Batch& b) : b_(b), out_(256 + b.spans.size() * 160) {}

  std::string Run(size_t* spans) {
    // Group spans by their endpoint (service-ipv4-ipv6-port), first appearance order.
    std::vector<V1Endpoint> group_eps;
    std::vector<std::vector<uint32_t>> groups;
    std::unordered_map<std::string, size_t> index;
    for (uint32_t i = 0; i < b_.spans.size(); ++i) {
      V1Endpoint ep = LocalEndpoint(b_.spans[i]);
      std::string key = fmt::format("{}-{}-{}-{}", ep.service, ep.ipv4, ep.ipv6, ep.port);
      auto [it, inserted] = index.emplace(key, groups.size());
      if (inserted) {
        group_eps.push_back(ep);
        groups.emplace_back();
      }
      groups[it->second].push_back(i);
    }
    AttrMap resource;
    for (size_t g = 0; g < groups.size(); ++g) {
      const V1Endpoint& ep = group_eps[g];
      resource.Clear();
      resource.Put("service.name", Value::Str(ep.service));
      if (!ep.ipv4.empty() || !ep.ipv6.empty() || ep.port != 0) {
        if (!ep.ipv4.empty()) {
          resource.Put("ipv4", Value::Str(ep.ipv4));
        }
        if (!ep.ipv6.empty()) {
          resource.Put("ipv6", Value::Str(ep.ipv6));
        }
        if (ep.port != 0) {
          resource.Put("port", Value::Str(arena_.CopyString(std::to_string(ep.port))));
        }
      }
      out_.BeginResourceSpans(resource);
      out_.BeginScopeSpans({}, {});
      for (uint32_t i : groups[g]) {
        Span(b_.spans[i]);
      }
      out_.EndScopeSpans();
      out_.EndResourceSpans();
    }
    *spans = out_.spans();
    return out_.Take();
  }

 private:
  static bool IsCore(std::string_view v) {
    return v == "cs" || v == "cr" || v == "ms" || v == "mr" || v == "ss" || v == "sr";
  }

  // The endpoint of the first core annotation with a service name; else unknown-service, then
  // the binary annotations' fallback.
  V1Endpoint LocalEndpoint(const V1Span& s) const {
    for (uint32_t a = s.ann_begin; a < s.ann_end; ++a) {
      const V1Annotation& ann = b_.annotations[a];
      if (ann.value.empty() || !IsCore(ann.value) || ann.endpoint < 0) {
        continue;
      }
      const V1Endpoint& ep = b_.endpoints[static_cast<size_t>(ann.endpoint)];
      if (!ep.service.empty()) {
        return ep;
      }
    }
    V1Endpoint unknown;
    unknown.service = kUnknownService;
    std::string_view fallback = FallbackService(s);
    if (!fallback.empty()) {
      unknown.service = fallback;
    }
    return unknown;
  }

  std::string_view FallbackService(const V1Span& s) const {
    std::string_view fallback;
    std::string_view local_component;
    for (uint32_t i = s.bin_begin; i < s.bin_end; ++i) {
      const V1BinaryAnnotation& ba = b_.binary[i];
      if (ba.endpoint >= 0) {
        std::string_view svc = b_.endpoints[static_cast<size_t>(ba.endpoint)].service;
        // JSON keeps the last non-empty host service; thrift takes any present host's.
        if (b_.thrift ? ba.host_present : !svc.empty()) {
          fallback = svc;
        }
      }
      if (ba.key == "lc") {
        local_component = ba.text;
      }
    }
    return fallback.empty() ? local_component : fallback;
  }

  // attribToStatusCode: int or decimal string within int32.
  static bool StatusInt(const Value& v, int32_t* out) {
    int64_t n = 0;
    if (v.type == ValueType::kInt) {
      n = v.i;
    } else if (v.type == ValueType::kString) {
      std::string_view s = v.s;
      if (s.empty()) {
        return false;
      }
      size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
      if (i == s.size() || s.size() > 20) {
        return false;
      }
      bool neg = s[0] == '-';
      uint64_t u = 0;
      for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') {
          return false;
        }
        u = u * 10 + static_cast<uint64_t>(s[i] - '0');
        if (u > (uint64_t{1} << 40)) {
          return false;  // far outside int32 either way
        }
      }
      n = neg ? -static_cast<int64_t>(u) : static_cast<int64_t>(u);
    } else {
      return false;
    }
    if (n > INT32_MAX || n < INT32_MIN) {
      return false;
    }
    *out = static_cast<int32_t>(n);
    return true;
  }

  struct SourceStatus {
    bool has_code = false;
    int32_t code = 0;
    std::string_view message;
  };

  void Span(const V1Span& s) {
    SpanFields f;
    std::memcpy(f.trace_id, s.trace_id, 16);
    std::memcpy(f.span_id, s.span_id, 8);
    std::memcpy(f.parent_span_id, s.parent_id, 8);
    f.name = s.name;

    // Annotations: kind from the first core one, times from the earliest and latest, events
    // for the others.
    bool kind_set = false;
    int64_t early = INT64_MAX;
    int64_t late = INT64_MIN;
    events_.clear();
    for (uint32_t a = s.ann_begin; a < s.ann_end; ++a) {
      const V1Annotation& ann = b_.annotations[a];
      if (ann.value.empty()) {
        continue;
      }
      bool core = IsCore(ann.value);
      if (!kind_set && core) {
        kind_set = true;
        if (ann.value == "cs" || ann.value == "cr") {
          f.kind = 3;
        } else if (ann.value == "ms") {
          f.kind = 4;
        } else if (ann.value == "mr") {
          f.kind = 5;
        } else {
          f.kind = 2;
        }
      }
      uint64_t ts = EpochMicrosToNanos(ann.timestamp);
      if (ann.timestamp < early) {
        early = ann.timestamp;
        f.start_unix_nano = ts;
      }
      if (ann.timestamp > late) {
        late = ann.timestamp;
        f.end_unix_nano = ts;
      }
      if (!core) {
        events_.push_back({ts, ann.value});
      }
    }

    // Binary annotations -> attributes, with the status tags mapped and taken out.
    attrs_.Clear();
    SourceStatus census;
    SourceStatus otel;
    SourceStatus http;
    bool error_tag = false;
    for (uint32_t i = s.bin_begin; i < s.bin_end; ++i) {
      const V1BinaryAnnotation& ba = b_.binary[i];
      std::string_view key = ba.key == "lc" ? std::string_view("component") : ba.key;
      const Value& v = ba.value;
      int32_t code = 0;
      if (key == "census.status_code") {
        if (StatusInt(v, &code)) {
          census.has_code = true;
          census.code = code == 0 ? 1 : 2;
        }
        continue;
      }
      if (key == "census.status_description" || key == "opencensus.status_description") {
        census.message = v.AsStr();
        continue;
      }
      if (key == "otel.status_code") {
        if (StatusInt(v, &code)) {
          otel.has_code = true;
          otel.code = code;
        }
        continue;
      }
      if (key == "otel.status_description") {
        otel.message = v.AsStr();
        continue;
      }
      if (key == "error") {
        error_tag = true;
        continue;
      }
      if (key == "http.status_code" && StatusInt(v, &code)) {
        http.has_code = true;
        http.code = code >= 100 && code < 400 ? 0 : 2;
      }
      if (key == "http.status_message") {
        http.message = v.AsStr();
      }
      attrs_.Put(key, v);
    }
    if (census.has_code) {
      f.has_status = true;
      f.status_code = census.code;
      f.status_message = census.message;
    } else if (otel.has_code) {
      f.has_status = true;
      f.status_code = otel.code;
      f.status_message = otel.message;
    } else if (error_tag) {
      f.has_status = true;
      f.status_code = 2;
      f.status_message = !census.message.empty() ? census.message : otel.message;
    } else if (http.has_code) {
      f.has_status = true;
      f.status_code = http.code;
      f.status_message = http.message;
    }

    if (s.has_timestamp) {
      f.start_unix_nano = EpochMicrosToNanos(s.timestamp);
      f.end_unix_nano = EpochMicrosToNanos(static_cast<int64_t>(
          static_cast<uint64_t>(s.timestamp) + static_cast<uint64_t>(s.duration)));
    }
    if (!b_.thrift && f.start_unix_nano == 0) {
      // setTimestampsIfUnset: JSON spans without any time get "now".
      auto now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
      f.start_unix_nano = now;
      f.end_unix_nano = now;
      attrs_.Put("otel.zipkin.absentField.startTime", Value::Bool(true));
    }

    out_.BeginSpan(f, attrs_);
    for (const auto& [time, name] : events_) {
      empty_.Clear();
      out_.Event(time, name, empty_);
    }
    out_.EndSpan(f);
  }

  const V1Batch& b_;
  OtlpOut out_;
  Arena arena_;
  AttrMap attrs_;
  AttrMap empty_;
  std::vector<std::pair<uint64_t, std::string_view>> events_;
};

// ---------------------------------------------------------------------------------------------
// v1 JSON.

Status TypeError(std::string_view field, std::string_view want) {
  return Status::InvalidArgument(fmt::format(
      "zipkinv1: json: cannot unmarshal into Go struct field jsonSpan.{} of type {}", field, want));
}

class V1JsonDecoder {
 public:
  V1JsonDecoder(V1Batch* out, const ZipkinOptions& options) : out_(out), options_(options) {}

  Status Root(simdjson::dom::element root) {
    if (root.is_null()) {
      return Status::Ok();
    }
    simdjson::dom::array arr;
    if (root.get_array().get(arr) != simdjson::SUCCESS) {
      return Bad("zipkinv1: json: cannot unmarshal into Go value of type []*zipkinv1.jsonSpan");
    }
    for (simdjson::dom::element e : arr) {
      VV_RETURN_IF_ERROR(Span(e));
    }
    return Status::Ok();
  }

 private:
  std::string_view Copy(std::string_view s) { return out_->arena.CopyString(s); }

  static Status Str(simdjson::dom::element v, std::string_view field, std::string_view* out) {
    if (v.is_null()) {
      return Status::Ok();
    }
    if (v.get_string().get(*out) != simdjson::SUCCESS) {
      return TypeError(field, "string");
    }
    return Status::Ok();
  }

  template <typename T>
  static Status Int(simdjson::dom::element v, std::string_view field, T* out) {
    if (v.is_null()) {
      return Status::Ok();
    }
    int64_t n = 0;
    if (v.type() != simdjson::dom::element_type::INT64 || v.get_int64().get(n) != simdjson::SUCCESS
        || n < std::numeric_limits<T>::min() || n > std::numeric_limits<T>::max()) {
      return TypeError(field, sizeof(T) == 8 ? "int64" : "int32");
    }
    *out = static_cast<T>(n);
    return Status::Ok();
  }

  Status Endpoint(simdjson::dom::element v, int32_t* index) {
    if (v.is_null()) {
      return Status::Ok();
    }
    simdjson::dom::object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) {
      return TypeError("endpoint", "zipkinv1.endpoint");
    }
    V1Endpoint ep;
    for (auto [key, value] : o) {
      std::string_view s;
      if (KeyIs(key, "serviceName")) {
        VV_RETURN_IF_ERROR(Str(value, "serviceName", &s));
        ep.service = Copy(s);
      } else if (KeyIs(key, "ipv4")) {
        VV_RETURN_IF_ERROR(Str(value, "ipv4", &s));
        ep.ipv4 = Copy(s);
      } else if (KeyIs(key, "ipv6")) {
        VV_RETURN_IF_ERROR(Str(value, "ipv6", &s));
        ep.ipv6 = Copy(s);
      } else if (KeyIs(key, "port")) {
        VV_RETURN_IF_ERROR(Int(value, "port", &ep.port));
      }
    }
    *index = static_cast<int32_t>(out_->endpoints.size());
    out_->endpoints.push_back(ep);
    return Status::Ok();
  }

  Value ParsedValue(std::string_view v) const {
    if (!options_.parse_string_tags) {
      return Value::Str(v);
    }
    if (v == "true" || v == "false") {
      return Value::Bool(v == "true");
    }
    size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
    size_t digits = 0;
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
      ++digits;
    }
    if (digits == 0) {
      return Value::Str(v);
    }
    std::string text(v);
    if (i == v.size()) {
      errno = 0;
      long long n = std::strtoll(text.c_str(), nullptr, 10);  // saturates like ParseInt
      return Value::Int(n);
    }
    if (v[i] != '.') {
      return Value::Str(v);
    }
    size_t frac = 0;
    for (++i; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
      ++frac;
    }
    if (frac == 0 || i != v.size()) {
      return Value::Str(v);
    }
    return Value::Double(std::strtod(text.c_str(), nullptr));
  }

  static Status Hex(std::string_view s, uint8_t* out, size_t n, std::string_view what, bool trace) {
    if (trace ? (s.size() != 16 && s.size() != 32) : s.size() != 16) {
      return Bad(fmt::format("zipkinV1 span {}: {}", what,
                             trace ? "hex traceId span has wrong length (expected 16 or 32)"
                                   : "hex Id has wrong length (expected 16)"));
    }
    std::memset(out, 0, n);
    size_t bytes = s.size() / 2;
    if (!HexDecodeInto(s, out + (n - bytes), bytes)) {
      return Bad(fmt::format("zipkinV1 span {}: encoding/hex: invalid byte", what));
    }
    bool zero = true;
    for (size_t i = 0; i < n; ++i) {
      zero = zero && out[i] == 0;
    }
    if (zero) {
      return Bad(
          fmt::format("zipkinV1 span {}: {}", what, trace ? "traceId is zero" : "ID is zero"));
    }
    return Status::Ok();
  }

  Status Span(simdjson::dom::element e) {
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      return Bad("zipkinv1: json: cannot unmarshal into Go value of type zipkinv1.jsonSpan");
    }
    V1Span s;
    std::string_view trace_id;
    std::string_view id;
    std::string_view parent;
    s.ann_begin = s.ann_end = static_cast<uint32_t>(out_->annotations.size());
    s.bin_begin = s.bin_end = static_cast<uint32_t>(out_->binary.size());
    for (auto [key, value] : o) {
      std::string_view str;
      if (KeyIs(key, "traceId")) {
        VV_RETURN_IF_ERROR(Str(value, "traceId", &trace_id));
      } else if (KeyIs(key, "id")) {
        VV_RETURN_IF_ERROR(Str(value, "id", &id));
      } else if (KeyIs(key, "parentId")) {
        VV_RETURN_IF_ERROR(Str(value, "parentId", &parent));
      } else if (KeyIs(key, "name")) {
        VV_RETURN_IF_ERROR(Str(value, "name", &str));
        s.name = Copy(str);
      } else if (KeyIs(key, "timestamp")) {
        VV_RETURN_IF_ERROR(Int(value, "timestamp", &s.timestamp));
      } else if (KeyIs(key, "duration")) {
        VV_RETURN_IF_ERROR(Int(value, "duration", &s.duration));
      } else if (KeyIs(key, "debug")) {
        bool b = false;
        if (!value.is_null() && value.get_bool().get(b) != simdjson::SUCCESS) {
          return TypeError("debug", "bool");
        }
      } else if (KeyIs(key, "annotations")) {
        VV_RETURN_IF_ERROR(Annotations(value, &s));
      } else if (KeyIs(key, "binaryAnnotations")) {
        VV_RETURN_IF_ERROR(BinaryAnnotations(value, &s));
      }
    }
    VV_RETURN_IF_ERROR(Hex(trace_id, s.trace_id, 16, "traceId", true));
    VV_RETURN_IF_ERROR(Hex(id, s.span_id, 8, "id", false));
    if (!parent.empty()) {
      VV_RETURN_IF_ERROR(Hex(parent, s.parent_id, 8, "parentId", false));
    }
    s.has_timestamp = s.timestamp != 0;
    out_->spans.push_back(s);
    return Status::Ok();
  }

  Status Annotations(simdjson::dom::element v, V1Span* s) {
    if (v.is_null()) {
      return Status::Ok();
    }
    simdjson::dom::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) {
      return TypeError("annotations", "[]*zipkinv1.annotation");
    }
    s->ann_begin = static_cast<uint32_t>(out_->annotations.size());
    for (simdjson::dom::element a : arr) {
      if (a.is_null()) {
        continue;  // nil annotations are skipped
      }
      simdjson::dom::object o;
      if (a.get_object().get(o) != simdjson::SUCCESS) {
        return TypeError("annotations", "zipkinv1.annotation");
      }
      V1Annotation ann;
      for (auto [key, value] : o) {
        std::string_view str;
        if (KeyIs(key, "timestamp")) {
          VV_RETURN_IF_ERROR(Int(value, "timestamp", &ann.timestamp));
        } else if (KeyIs(key, "value")) {
          VV_RETURN_IF_ERROR(Str(value, "value", &str));
          ann.value = Copy(str);
        } else if (KeyIs(key, "endpoint")) {
          VV_RETURN_IF_ERROR(Endpoint(value, &ann.endpoint));
        }
      }
      out_->annotations.push_back(ann);
    }
    s->ann_end = static_cast<uint32_t>(out_->annotations.size());
    return Status::Ok();
  }

  Status BinaryAnnotations(simdjson::dom::element v, V1Span* s) {
    if (v.is_null()) {
      return Status::Ok();
    }
    simdjson::dom::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) {
      return TypeError("binaryAnnotations", "[]*zipkinv1.binaryAnnotation");
    }
    s->bin_begin = static_cast<uint32_t>(out_->binary.size());
    for (simdjson::dom::element a : arr) {
      simdjson::dom::object o;
      if (a.get_object().get(o) != simdjson::SUCCESS) {
        return TypeError("binaryAnnotations", "zipkinv1.binaryAnnotation");
      }
      V1BinaryAnnotation ba;
      for (auto [key, value] : o) {
        std::string_view str;
        if (KeyIs(key, "key")) {
          VV_RETURN_IF_ERROR(Str(value, "key", &str));
          ba.key = Copy(str);
        } else if (KeyIs(key, "value")) {
          VV_RETURN_IF_ERROR(Str(value, "value", &str));
          ba.text = Copy(str);
        } else if (KeyIs(key, "endpoint")) {
          VV_RETURN_IF_ERROR(Endpoint(value, &ba.endpoint));
          ba.host_present = ba.endpoint >= 0;
        }
      }
      ba.value = ParsedValue(ba.text);
      out_->binary.push_back(ba);
    }
    s->bin_end = static_cast<uint32_t>(out_->binary.size());
    return Status::Ok();
  }

  V1Batch* out_;
  const ZipkinOptions& options_;
};

// ---------------------------------------------------------------------------------------------
// v1 thrift (zipkincore.thrift): a binary-protocol list<Span>.

class V1ThriftDecoder {
 public:
  V1ThriftDecoder(thrift::BinaryReader& r, V1Batch* out) : r_(r), out_(out) {}

  bool List() {
    TType elem = TType::kStop;
    uint32_t n = 0;
    if (!r_.ListBegin(&elem, &n)) {
      return false;
    }
    for (uint32_t i = 0; i < n; ++i) {
      if (!Span()) {
        return false;
      }
    }
    return true;
  }

 private:
  template <typename F>
  bool ListOf(F&& read) {
    TType elem = TType::kStop;
    uint32_t n = 0;
    if (!r_.ListBegin(&elem, &n)) {
      return false;
    }
    for (uint32_t i = 0; i < n; ++i) {
      if (elem != TType::kStruct ? !r_.Skip(elem) : !read()) {
        return false;
      }
    }
    return true;
  }

  bool Endpoint(int32_t* index) {
    V1Endpoint ep;
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      if (id == 1 && t == TType::kI32) {
        int32_t v = 0;
        if (!r_.ReadI32(&v)) {
          return false;
        }
        if (v != 0) {
          auto u = static_cast<uint32_t>(v);
          ep.ipv4 = out_->arena.CopyString(
              fmt::format("{}.{}.{}.{}", u >> 24, (u >> 16) & 0xff, (u >> 8) & 0xff, u & 0xff));
        }
        return true;
      }
      if (id == 2 && t == TType::kI16) {
        int16_t p = 0;
        if (!r_.ReadI16(&p)) {
          return false;
        }
        ep.port = p;
        return true;
      }
      if (id == 3 && t == TType::kString) {
        return r_.ReadString(&ep.service);
      }
      if (id == 4 && t == TType::kString) {
        std::string_view raw;
        if (!r_.ReadString(&raw)) {
          return false;
        }
        ep.ipv6 = raw.empty() ? std::string_view() : out_->arena.CopyString(FormatIp(raw));
        return true;
      }
      return r_.Skip(t);
    });
    *index = static_cast<int32_t>(out_->endpoints.size());
    out_->endpoints.push_back(ep);
    return ok;
  }

  bool Annotation() {
    V1Annotation ann;
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      if (id == 1 && t == TType::kI64) {
        return r_.ReadI64(&ann.timestamp);
      }
      if (id == 2 && t == TType::kString) {
        return r_.ReadString(&ann.value);
      }
      if (id == 3 && t == TType::kStruct) {
        return Endpoint(&ann.endpoint);
      }
      return r_.Skip(t);
    });
    out_->annotations.push_back(ann);
    return ok;
  }

  static uint64_t Big(std::string_view b, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      v = v << 8 | static_cast<uint8_t>(b[i]);
    }
    return v;
  }

  bool BinaryAnnotation() {
    V1BinaryAnnotation ba;
    std::string_view raw;
    int32_t type = 0;
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      if (id == 1 && t == TType::kString) {
        return r_.ReadString(&ba.key);
      }
      if (id == 2 && t == TType::kString) {
        return r_.ReadString(&raw);
      }
      if (id == 3 && t == TType::kI32) {
        return r_.ReadI32(&type);
      }
      if (id == 4 && t == TType::kStruct) {
        ba.host_present = true;
        return Endpoint(&ba.endpoint);
      }
      return r_.Skip(t);
    });
    ba.text = raw;
    auto too_short = [&]() { ba.value = Value::Str("<not enough bytes representing the number>"); };
    switch (type) {
      case 0:  // BOOL
        ba.value = Value::Bool(raw.size() == 1 && raw[0] == 1);
        break;
      case 1:  // BYTES
        ba.value = Value::Str(out_->arena.CopyString(Base64Encode(raw)));
        break;
      case 2:  // I16
        if (raw.size() < 2) {
          too_short();
        } else {
          ba.value = Value::Int(static_cast<int64_t>(Big(raw, 2)));
        }
        break;
      case 3:  // I32
        if (raw.size() < 4) {
          too_short();
        } else {
          ba.value = Value::Int(static_cast<int64_t>(Big(raw, 4)));
        }
        break;
      case 4:  // I64
        if (raw.size() < 8) {
          too_short();
        } else {
          ba.value = Value::Int(static_cast<int64_t>(Big(raw, 8)));
        }
        break;
      case 5: {  // DOUBLE
        if (raw.size() < 8) {
          too_short();
        } else {
          uint64_t bits = Big(raw, 8);
          double d = 0;
          std::memcpy(&d, &bits, 8);
          ba.value = Value::Double(d);
        }
        break;
      }
      case 6:  // STRING
        ba.value = Value::Str(raw);
        break;
      default:
        ba.value = Value::Str(out_->arena.CopyString(
            fmt::format("<unknown zipkin v1 binary annotation type ({})>", type)));
        break;
    }
    out_->binary.push_back(ba);
    return ok;
  }

  bool Span() {
    V1Span s;
    int64_t trace_low = 0;
    int64_t trace_high = 0;
    int64_t id = 0;
    int64_t parent = 0;
    bool has_parent = false;
    s.ann_begin = s.ann_end = static_cast<uint32_t>(out_->annotations.size());
    s.bin_begin = s.bin_end = static_cast<uint32_t>(out_->binary.size());
    bool ok = ReadStruct(r_, [&](TType t, int16_t fid) {
      switch (fid) {
        case 1:
        case 4:
        case 5:
        case 10:
        case 11:
        case 12:
          if (t != TType::kI64) {
            break;
          }
          if (fid == 1) {
            return r_.ReadI64(&trace_low);
          }
          if (fid == 4) {
            return r_.ReadI64(&id);
          }
          if (fid == 5) {
            has_parent = true;
            return r_.ReadI64(&parent);
          }
          if (fid == 10) {
            s.has_timestamp = true;
            return r_.ReadI64(&s.timestamp);
          }
          if (fid == 11) {
            return r_.ReadI64(&s.duration);
          }
          return r_.ReadI64(&trace_high);
        case 3:
          if (t == TType::kString) {
            return r_.ReadString(&s.name);
          }
          break;
        case 6:
          if (t == TType::kList) {
            s.ann_begin = static_cast<uint32_t>(out_->annotations.size());
            bool ok2 = ListOf([&] { return Annotation(); });
            s.ann_end = static_cast<uint32_t>(out_->annotations.size());
            return ok2;
          }
          break;
        case 8:
          if (t == TType::kList) {
            s.bin_begin = static_cast<uint32_t>(out_->binary.size());
            bool ok2 = ListOf([&] { return BinaryAnnotation(); });
            s.bin_end = static_cast<uint32_t>(out_->binary.size());
            return ok2;
          }
          break;
        default:
          break;
      }
      return r_.Skip(t);
    });
    PutBigEndian64(static_cast<uint64_t>(trace_high), s.trace_id);
    PutBigEndian64(static_cast<uint64_t>(trace_low), s.trace_id + 8);
    PutBigEndian64(static_cast<uint64_t>(id), s.span_id);
    if (has_parent) {
      PutBigEndian64(static_cast<uint64_t>(parent), s.parent_id);
    }
    out_->spans.push_back(s);
    return ok;
  }

  thrift::BinaryReader& r_;
  V1Batch* out_;
};

}  // namespace

Result<std::string> TranslateZipkinV1Json(ByteView body, const ZipkinOptions& options,
                                          size_t* spans) {
  V1Batch batch;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::error_code err = parser.parse(body.data(), body.size(), true).get(root);
  if (err != simdjson::SUCCESS) {
    return Bad(fmt::format("zipkinv1: invalid JSON: {}", simdjson::error_message(err)));
  }
  V1JsonDecoder d(&batch, options);
  VV_RETURN_IF_ERROR(d.Root(root));
  V1Translator t(batch);
  return t.Run(spans);
}

Result<std::string> TranslateZipkinV1Thrift(ByteView body, size_t* spans) {
  V1Batch batch;
  batch.thrift = true;
  thrift::BinaryReader r(body);
  V1ThriftDecoder d(r, &batch);
  if (!d.List()) {
    return Bad(fmt::format("zipkin v1 thrift: {}", r.error()));
  }
  V1Translator t(batch);
  return t.Run(spans);
}

}  // namespace vivace::receiver
