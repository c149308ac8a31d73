// Zipkin v2 -> OTLP (the Collector's zipkinv2 ToTranslator at Tempo's pinned version, with its
// default feature gates; docs/receivers.md "Zipkin v2 mapping").

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>

#include <fmt/format.h>

#include "common/hex.h"
#include "receiver/otlp_out.h"
#include "receiver/zipkin.h"
#include "receiver/zipkin_internal.h"

namespace vivace::receiver {
namespace {

constexpr std::string_view kNoServiceName = "OTLPResourceNoServiceName";

Status Bad(std::string_view msg) { return Status::InvalidArgument(std::string(msg)); }

// Splits on '|' like strings.Split.
void Split(std::string_view s, std::vector<std::string_view>* parts) {
  parts->clear();
  size_t start = 0;
  while (true) {
    size_t bar = s.find('|', start);
    if (bar == std::string_view::npos) {
      parts->push_back(s.substr(start));
      return;
    }
    parts->push_back(s.substr(start, bar - start));
    start = bar + 1;
  }
}

std::string_view Join(const std::vector<std::string_view>& parts, size_t from, size_t to) {
  // Parts are consecutive pieces of one string separated by single '|'.
  const char* begin = parts[from].data();
  const char* end = parts[to - 1].data() + parts[to - 1].size();
  return {begin, static_cast<size_t>(end - begin)};
}

// strconv.ParseUint(s, 10, 32).
bool ParseUint32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) {
    return false;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) {
    return false;
  }
  *out = static_cast<uint32_t>(v);
  return true;
}

class V2Translator {
 public:
  V2Translator(ZipkinBatch& batch, const ZipkinOptions& options)
      : b_(batch), options_(options), out_(EstimateBytes(batch)) {}

  Result<std::string> Run(size_t* spans) {
    // Sort keys computed once per span, not per comparison.
    struct Key {
      std::string_view service;
      std::string_view library;
    };

    std::vector<Key> keys(b_.spans.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      keys[i] = {ServiceName(b_.spans[i]), Library(b_.spans[i])};
    }
    std::vector<uint32_t> order(b_.spans.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&keys](uint32_t a, uint32_t c) {
      if (keys[a].service != keys[c].service) {
        return keys[a].service < keys[c].service;
      }
      return keys[a].library < keys[c].library;
    });
    bool in_resource = false;
    bool in_scope = false;
    bool scope_new = true;
    std::string_view prev_service;
    std::string_view prev_library;
    for (uint32_t i : order) {
      ZipkinSpan& s = b_.spans[i];
      if (s.null) {
        continue;
      }
      LoadTags(s);
      std::string_view service = ServiceName(s);
      if (service != prev_service) {
        prev_service = service;
        if (in_scope) {
          out_.EndScopeSpans();
          in_scope = false;
        }
        if (in_resource) {
          out_.EndResourceSpans();
        }
        Resource(service);
        out_.BeginResourceSpans(resource_);
        in_resource = true;
        prev_library = {};
        scope_new = true;
      }
      std::string_view library = keys[i].library;
      if (library != prev_library || scope_new) {
        prev_library = library;
        scope_new = false;
        if (in_scope) {
          out_.EndScopeSpans();
        }
        std::string_view name;
        std::string_view version;
        if (!library.empty()) {
          TakeTag(kLibraryName, &name);
          TakeTag(kLibraryVersion, &version);
        }
        out_.BeginScopeSpans(name, version);
        in_scope = true;
      }
      VV_RETURN_IF_ERROR(Span(s));
    }
    if (in_scope) {
      out_.EndScopeSpans();
    }
    if (in_resource) {
      out_.EndResourceSpans();
    }
    *spans = out_.spans();
    return out_.Take();
  }

 private:
  // Roughly the OTLP size (an underestimate costs copies as the buffer doubles, an overestimate
  // zero-fills memory that is not used).
  static size_t EstimateBytes(const ZipkinBatch& b) {
    size_t n = 256 + b.spans.size() * 96;
    for (const ZipkinTag& t : b.tags) {
      n += t.key.size() + t.value.size() + 8;
    }
    for (const ZipkinAnnotation& a : b.annotations) {
      n += a.value.size() + 24;
    }
    return n;
  }

  static std::string_view ServiceName(const ZipkinSpan& s) {
    if (s.null || !s.local.present || s.local.service_name.empty()) {
      return kNoServiceName;
    }
    return s.local.service_name;
  }

  std::string_view Library(const ZipkinSpan& s) const {
    for (uint32_t t = s.tags_begin; t < s.tags_end; ++t) {
      if (b_.tags[t].key == "otel.library.name") {
        return b_.tags[t].value;
      }
    }
    return {};
  }

  // The tags the translator interprets, located once per span (keys are unique per span).
  enum Special {
    kLibraryName,
    kLibraryVersion,
    kNameSource,
    kStatusCode,
    kStatusDescription,
    kError,
    kTraceState,
    kSpanKind,
    kSpecialCount
  };

  static constexpr std::string_view kSpecialKeys[kSpecialCount] = {
      "otel.library.name",        "otel.library.version",
      "otlp.service.name.source", "otel.status_code",
      "otel.status_description",  "error",
      "w3c.tracestate",           "span.kind"};

  // The span's tags as a working copy that the steps below take tags out of.
  void LoadTags(const ZipkinSpan& s) {
    tags_.assign(b_.tags.begin() + s.tags_begin, b_.tags.begin() + s.tags_end);
    removed_.assign(tags_.size(), false);
    special_.fill(-1);
    has_links_ = false;
    for (size_t i = 0; i < tags_.size(); ++i) {
      const std::string_view key = tags_[i].key;
      if (key.empty() || (key[0] != 'o' && key[0] != 'e' && key[0] != 'w' && key[0] != 's')) {
        continue;  // cheap reject: no special key starts otherwise
      }
      if (key.substr(0, 10) == "otlp.link.") {
        has_links_ = true;
        continue;
      }
      for (int k = 0; k < kSpecialCount; ++k) {
        if (key == kSpecialKeys[k]) {
          special_[static_cast<size_t>(k)] = static_cast<int>(i);
          break;
        }
      }
    }
  }

  int FindTag(Special k) const {
    int i = special_[static_cast<size_t>(k)];
    return i >= 0 && !removed_[static_cast<size_t>(i)] ? i : -1;
  }

  int FindTag(std::string_view key) const {
    for (size_t i = 0; i < tags_.size(); ++i) {
      if (!removed_[i] && tags_[i].key == key) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  template <typename K>
  bool TakeTag(K key, std::string_view* value) {
    int i = FindTag(key);
    if (i < 0) {
      return false;
    }
    *value = tags_[static_cast<size_t>(i)].value;
    removed_[static_cast<size_t>(i)] = true;
    return true;
  }

  // populateResourceFromZipkinSpan: the first span of a service run lends its resource tags.
  void Resource(std::string_view service) {
    resource_.Clear();
    if (service == kNoServiceName) {
      return;
    }
    std::string_view key = "service.name";
    std::string_view source;
    if (TakeTag(kNameSource, &source) && !source.empty()) {
      key = source;
    }
    resource_.Put(key, Value::Str(service));
    for (size_t i = 0; i < tags_.size(); ++i) {
      if (removed_[i] || static_cast<int>(i) == special_[kLibraryName]
          || static_cast<int>(i) == special_[kLibraryVersion]
          || !IsNonSpanAttribute(tags_[i].key)) {
        continue;
      }
      resource_.Put(tags_[i].key, Value::Str(tags_[i].value));
      removed_[i] = true;
    }
  }

  Value TagValue(std::string_view v) {
    if (!options_.parse_string_tags || v.empty()) {
      return Value::Str(v);
    }
    // DetermineValueType: ^-?\d+$ int, ^-?\d+\.\d+$ double, ^(true|false)$ bool.
    if (v == "true" || v == "false") {
      return Value::Bool(v == "true");
    }
    size_t i = v[0] == '-' ? 1 : 0;
    size_t digits = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') {
      ++i;
      ++digits;
    }
    if (digits == 0) {
      return Value::Str(v);
    }
    if (i == v.size()) {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec == std::errc::result_out_of_range) {
        n = v[0] == '-' ? INT64_MIN : INT64_MAX;  // ParseInt saturates
      }
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
    std::string text(v);
    return Value::Double(std::strtod(text.c_str(), nullptr));
  }

  // JSON object text -> attributes (jsonMapToAttributeMap): strings, numbers (integral ->
  // int), booleans; other values are left out.
  Status JsonAttributes(std::string_view json, AttrMap* attrs) {
    simdjson::dom::element root;
    if (parser_.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) {
      return Bad("invalid character in attributes JSON");
    }
    simdjson::dom::object o;
    if (root.is_null()) {
      return Status::Ok();
    }
    if (root.get_object().get(o) != simdjson::SUCCESS) {
      return Bad("json: cannot unmarshal attributes into map[string]interface {}");
    }
    for (auto [key, value] : o) {
      std::string_view k = b_.arena.CopyString(key);
      switch (value.type()) {
        case simdjson::dom::element_type::STRING:
          attrs->Put(k, Value::Str(b_.arena.CopyString(value.get_string().value_unsafe())));
          break;
        case simdjson::dom::element_type::BOOL:
          attrs->Put(k, Value::Bool(value.get_bool().value_unsafe()));
          break;
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE: {
          double d = value.get_double().value_unsafe();
          if (std::fmod(d, 1.0) == 0.0) {
            // Go's int64(float64) on amd64 gives the minimum int64 when out of range.
            const bool fits = d >= -9223372036854775808.0 && d < 9223372036854775808.0;
            attrs->Put(k, Value::Int(fits ? static_cast<int64_t>(d) : INT64_MIN));
          } else {
            attrs->Put(k, Value::Double(d));
          }
          break;
        }
        default:
          break;
      }
    }
    return Status::Ok();
  }

  // unmarshalJSON for link IDs: optional quotes, "" = zero, else exactly 2n hex digits.
  template <size_t N>
  static Status LinkId(std::string_view s, uint8_t (&out)[N]) {
    std::memset(out, 0, N);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
      s = s.substr(1, s.size() - 2);
    }
    if (s.empty()) {
      return Status::Ok();
    }
    if (s.size() / 2 != N) {
      return Bad("invalid length for ID");
    }
    if (s.size() % 2 != 0 || !HexDecodeInto(s, out, N)) {
      return Bad(fmt::format("cannot unmarshal ID from string '{}'", s));
    }
    return Status::Ok();
  }

  void SpanStatus(SpanFields* f) {
    std::string_view code;
    if (TakeTag(kStatusCode, &code)) {
      f->has_status = true;
      if (code == "STATUS_CODE_OK" || code == "Ok") {
        f->status_code = 1;
      } else if (code == "STATUS_CODE_ERROR" || code == "Error") {
        f->status_code = 2;
      } else {
        f->status_code = 0;
      }
      std::string_view msg;
      if (TakeTag(kStatusDescription, &msg)) {
        f->status_message = msg;
      }
    }
    int e = FindTag(kError);
    if (e >= 0) {
      f->has_status = true;
      f->status_code = 2;
      if (tags_[static_cast<size_t>(e)].value == "true") {
        removed_[static_cast<size_t>(e)] = true;
      }
    }
  }

  Status Span(const ZipkinSpan& s) {
    SpanFields f;
    PutBigEndian64(s.trace_high, f.trace_id);
    PutBigEndian64(s.trace_low, f.trace_id + 8);
    PutBigEndian64(s.id, f.span_id);
    std::string_view ts;
    if (TakeTag(kTraceState, &ts)) {
      f.trace_state = ts;
    }
    if (s.has_parent && s.parent_id != s.id) {
      PutBigEndian64(s.parent_id, f.parent_span_id);
    }
    f.name = s.name;
    if (s.kind == "CLIENT") {
      f.kind = 3;
    } else if (s.kind == "SERVER") {
      f.kind = 2;
    } else if (s.kind == "PRODUCER") {
      f.kind = 4;
    } else if (s.kind == "CONSUMER") {
      f.kind = 5;
    } else {
      std::string_view k;
      if (TakeTag(kSpanKind, &k) && k == "internal") {
        f.kind = 1;
      }
    }
    SpanStatus(&f);

    // Links from otlp.link.0 .. otlp.link.127 (stop at the first missing index).
    links_.clear();
    for (int n = 0; has_links_ && n < 128; ++n) {
      char key[24];
      auto len = static_cast<size_t>(std::snprintf(key, sizeof(key), "otlp.link.%d", n));
      std::string_view value;
      if (!TakeTag(std::string_view(key, len), &value)) {
        break;
      }
      Split(value, &parts_);
      if (parts_.size() < 5) {
        continue;
      }
      PendingLink link;
      VV_RETURN_IF_ERROR(LinkId(parts_[0], link.trace_id));
      VV_RETURN_IF_ERROR(LinkId(parts_[1], link.span_id));
      link.trace_state = parts_[2];
      link.attrs_json = parts_.size() == 5 ? parts_[3] : Join(parts_, 3, parts_.size() - 1);
      if (!ParseUint32(parts_.back(), &link.dropped)) {
        return Bad(fmt::format("strconv.ParseUint: parsing \"{}\": invalid syntax", parts_.back()));
      }
      links_.push_back(link);
    }

    attrs_.Clear();
    for (size_t i = 0; i < tags_.size(); ++i) {
      if (removed_[i] || IsNonSpanAttribute(tags_[i].key)) {
        continue;
      }
      attrs_.Append(tags_[i].key, TagValue(tags_[i].value));  // tag keys are unique per span
    }
    if (s.local.present) {
      if (s.local.has_ipv4) {
        attrs_.Put("network.local.address", Value::Str(s.local.ipv4));
      }
      if (s.local.has_ipv6) {
        attrs_.Put("network.local.address", Value::Str(s.local.ipv6));
      }
      if (s.local.port > 0) {
        attrs_.Put("net.host.port", Value::Int(s.local.port));
      }
    }
    if (s.remote.present) {
      if (!s.remote.service_name.empty()) {
        attrs_.Put("service.peer.name", Value::Str(s.remote.service_name));
      }
      if (s.remote.has_ipv4) {
        attrs_.Put("network.peer.address", Value::Str(s.remote.ipv4));
      }
      if (s.remote.has_ipv6) {
        attrs_.Put("network.peer.address", Value::Str(s.remote.ipv6));
      }
      if (s.remote.port > 0) {
        attrs_.Put("net.peer.port", Value::Int(s.remote.port));
      }
    }
    if (s.timestamp_absent) {
      f.start_unix_nano = 0;
      f.end_unix_nano = static_cast<uint64_t>(s.duration_nanos);
      attrs_.Put("otel.zipkin.absentField.startTime", Value::Bool(true));
    } else {
      f.start_unix_nano = s.start_unix_nano;
      f.end_unix_nano = s.start_unix_nano + static_cast<uint64_t>(s.duration_nanos);
    }

    // Events (annotations); a value "name|{json attrs}|dropped" carries attributes.
    events_.clear();
    for (uint32_t a = s.annotations_begin; a < s.annotations_end; ++a) {
      const ZipkinAnnotation& ann = b_.annotations[a];
      Split(ann.value, &parts_);
      Ev ev{ann.time_unix_nano, parts_[0], {}, 0, false};
      if (parts_.size() >= 3) {
        ev.has_attrs = true;
        ev.json = parts_.size() == 3 ? parts_[1] : Join(parts_, 1, parts_.size() - 1);
        if (!ParseUint32(parts_.back(), &ev.dropped)) {
          return Bad(
              fmt::format("strconv.ParseUint: parsing \"{}\": invalid syntax", parts_.back()));
        }
      }
      events_.push_back(ev);
    }

    out_.BeginSpan(f, attrs_);
    for (const Ev& ev : events_) {
      event_attrs_.Clear();
      if (ev.has_attrs) {
        VV_RETURN_IF_ERROR(JsonAttributes(ev.json, &event_attrs_));
      }
      out_.Event(ev.time, ev.name, event_attrs_, ev.dropped);
    }
    for (const PendingLink& l : links_) {
      event_attrs_.Clear();
      VV_RETURN_IF_ERROR(JsonAttributes(l.attrs_json, &event_attrs_));
      out_.Link(l.trace_id, l.span_id, l.trace_state, event_attrs_, l.dropped);
    }
    out_.EndSpan(f);
    return Status::Ok();
  }

  struct PendingLink {
    uint8_t trace_id[16];
    uint8_t span_id[8];
    std::string_view trace_state;
    std::string_view attrs_json;
    uint32_t dropped = 0;
  };

  ZipkinBatch& b_;
  const ZipkinOptions& options_;
  OtlpOut out_;
  AttrMap resource_;
  AttrMap attrs_;
  AttrMap event_attrs_;
  std::vector<ZipkinTag> tags_;
  std::vector<bool> removed_;
  std::array<int, kSpecialCount> special_{};
  bool has_links_ = false;
  std::vector<std::string_view> parts_;
  std::vector<PendingLink> links_;
  simdjson::dom::parser parser_;

  // Events of the span being written.
  struct Ev {
    uint64_t time;
    std::string_view name;
    std::string_view json;
    uint32_t dropped;
    bool has_attrs;
  };

  std::vector<Ev> events_;
};

}  // namespace

Result<std::string> TranslateZipkinV2(ZipkinBatch& batch, const ZipkinOptions& options,
                                      size_t* spans) {
  V2Translator t(batch, options);
  return t.Run(spans);
}

}  // namespace vivace::receiver
