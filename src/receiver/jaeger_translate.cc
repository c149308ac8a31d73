// Jaeger -> OTLP, as the OpenTelemetry Collector's Jaeger translator does it for Tempo
// (docs/receivers.md, "Jaeger mapping"). Attribute handling goes through AttrMap so that the
// order of operations on tags (kind, then status, then trace state) and the map semantics of
// duplicate keys match.

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "common/base64.h"
#include "receiver/jaeger.h"
#include "receiver/otlp_out.h"

namespace vivace::receiver {
namespace {

constexpr std::string_view kNoServiceName = "OTLPResourceNoServiceName";

class Translator {
 public:
  Translator(const JaegerBatch& batch, JaegerFlavor flavor)
      : b_(batch), flavor_(flavor), out_(EstimateBytes(batch)) {}

  std::string Run(size_t* spans) {
    if (flavor_ == JaegerFlavor::kThrift) {
      Thrift();
    } else {
      Proto();
    }
    *spans = out_.spans();
    return out_.Take();
  }

 private:
  static size_t EstimateBytes(const JaegerBatch& b) {
    return 256 + b.spans.size() * 96 + b.tags.size() * 48 + b.logs.size() * 24;
  }

  Value TagValue(const JaegerTag& t) {
    if (!t.known_type) {
      // The Collector prints the enum with %q: thrift's String() is "<UNSET>" for values
      // outside the enum, protobuf's is the number.
      std::string text = flavor_ == JaegerFlavor::kThrift
                             ? std::string("<Unknown Jaeger TagType \"<UNSET>\">")
                             : fmt::format("<Unknown Jaeger TagType \"{}\">", t.raw_vtype);
      return Value::Str(arena_.CopyString(text));
    }
    switch (t.vtype) {
      case kTagBool:
        return Value::Bool(t.vbool);
      case kTagLong:
        return Value::Int(t.vlong);
      case kTagDouble:
        return Value::Double(t.vdouble);
      case kTagBinary:
        return Value::Bytes(t.vbinary);
      default:
        return Value::Str(t.vstr);
    }
  }

  void PutTags(uint32_t begin, uint32_t end, AttrMap* m, uint32_t skip1 = UINT32_MAX,
               uint32_t skip2 = UINT32_MAX) {
    for (uint32_t i = begin; i < end; ++i) {
      if (i == skip1 || i == skip2) {
        continue;
      }
      m->Put(b_.tags[i].key, TagValue(b_.tags[i]));
    }
  }

  // Resource attributes of a process (jThriftProcessToInternalResource /
  // jProcessToInternalResource).
  void Resource(const JaegerProcess* p, AttrMap* attrs) {
    attrs->Clear();
    if (p == nullptr) {
      return;
    }
    if (flavor_ == JaegerFlavor::kProto && p->service_name == kNoServiceName) {
      return;
    }
    if (!p->service_name.empty()) {
      attrs->Put("service.name", Value::Str(p->service_name));
    }
    PutTags(p->tags_begin, p->tags_end, attrs);
    if (const Value* host = attrs->Get("hostname"); host != nullptr && !attrs->Get("host.name")) {
      Value v = *host;
      attrs->Put("host.name", v);
      attrs->Remove("hostname");
    }
    if (const Value* ver = attrs->Get("jaeger.version");
        ver != nullptr && !attrs->Get("opencensus.exporterversion")) {
      std::string text = "Jaeger-" + std::string(ver->AsStr());
      attrs->Put("opencensus.exporterversion", Value::Str(arena_.CopyString(text)));
      attrs->Remove("jaeger.version");
    }
  }

  static int KindFromTag(std::string_view v) {
    if (v == "client") {
      return 3;
    }
    if (v == "server") {
      return 2;
    }
    if (v == "producer") {
      return 4;
    }
    if (v == "consumer") {
      return 5;
    }
    if (v == "internal") {
      return 1;
    }
    return 0;
  }

  // strconv.ParseInt(s, 10, 64).
  static bool ParseInt(std::string_view s, int64_t* out) {
    if (s.empty() || s.size() > 20) {
      return false;
    }
    std::string buf(s);
    if (buf[0] != '+' && buf[0] != '-' && (buf[0] < '0' || buf[0] > '9')) {
      return false;
    }
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(buf.c_str(), &end, 10);
    if (errno != 0 || end != buf.c_str() + buf.size() || buf == "+" || buf == "-") {
      return false;
    }
    for (size_t i = 1; i < buf.size(); ++i) {
      if (buf[i] < '0' || buf[i] > '9') {
        return false;
      }
    }
    *out = v;
    return true;
  }

  static bool ExtractDescription(AttrMap* attrs, std::string_view* msg) {
    if (const Value* d = attrs->Get("otel.status_description")) {
      *msg = d->AsStr();
      attrs->Remove("otel.status_description");
      return true;
    }
    return false;
  }

  // setInternalSpanStatus.
  static void Status(AttrMap* attrs, SpanFields* span) {
    int32_t code = 0;
    std::string_view message;
    bool exists = false;
    if (const Value* e = attrs->Get("error"); e != nullptr && e->type == ValueType::kBool && e->b) {
      code = 2;
      attrs->Remove("error");
      exists = true;
      if (!ExtractDescription(attrs, &message)) {
        if (const Value* m = attrs->Get("http.status_message")) {
          message = m->AsStr();
        }
      }
    }
    if (const Value* c = attrs->Get("otel.status_code")) {
      if (!exists) {
        exists = true;
        std::string upper(c->AsStr());
        for (char& ch : upper) {
          if (ch >= 'a' && ch <= 'z') {
            ch = static_cast<char>(ch - 'a' + 'A');
          }
        }
        if (upper == "OK") {
          code = 1;
        } else if (upper == "ERROR") {
          code = 2;
        }
        ExtractDescription(attrs, &message);
      }
      attrs->Remove("otel.status_code");
    } else if (const Value* h = attrs->Get("http.status_code"); !exists && h != nullptr) {
      int64_t http = 0;
      bool parsed = false;
      if (h->type == ValueType::kInt) {
        http = h->i;
        parsed = true;
      } else if (h->type == ValueType::kString) {
        parsed = ParseInt(h->s, &http);
      }
      if (parsed) {
        int32_t c2 = 0;
        if (http >= 400 && http < 500 && (span->kind == 3 || span->kind == 2)) {
          c2 = span->kind == 3 ? 2 : 0;
        } else {
          c2 = http >= 100 && http < 399 ? 0 : 2;
        }
        if (c2 != 0) {
          exists = true;
          code = c2;
        }
        if (const Value* m = attrs->Get("http.status_message")) {
          message = m->AsStr();
        }
      }
    }
    if (exists) {
      span->has_status = true;
      span->status_code = code;
      span->status_message = message;
    }
  }

  static void Id128(uint64_t high, uint64_t low, uint8_t (&out)[16]) {
    PutBigEndian64(high, out);
    PutBigEndian64(low, out + 8);
  }

  // The parent: thrift's parentSpanId when set, else (and always for protobuf) the first
  // same-trace CHILD_OF reference, else the first same-trace FOLLOWS_FROM one.
  uint64_t Parent(const JaegerSpan& s) const {
    if (flavor_ == JaegerFlavor::kThrift && s.parent_span_id != 0) {
      return s.parent_span_id;
    }
    const JaegerRef* follows = nullptr;
    for (uint32_t i = s.refs_begin; i < s.refs_end; ++i) {
      const JaegerRef& r = b_.refs[i];
      if (r.trace_high != s.trace_high || r.trace_low != s.trace_low) {
        continue;
      }
      if (r.ref_type == kRefChildOf) {
        return r.span_id;
      }
      if (follows == nullptr && r.ref_type == kRefFollowsFrom) {
        follows = &r;
      }
    }
    return follows != nullptr ? follows->span_id : 0;
  }

  void Span(const JaegerSpan& s, uint32_t skip1, uint32_t skip2) {
    SpanFields f;
    Id128(s.trace_high, s.trace_low, f.trace_id);
    PutBigEndian64(s.span_id, f.span_id);
    f.name = s.operation_name;
    f.start_unix_nano = s.start_unix_nano;
    f.end_unix_nano = s.end_unix_nano;
    const uint64_t parent = Parent(s);
    PutBigEndian64(parent, f.parent_span_id);

    attrs_.Clear();
    PutTags(s.tags_begin, s.tags_end, &attrs_, skip1, skip2);
    if (const Value* k = attrs_.Get("span.kind")) {
      f.kind = KindFromTag(k->AsStr());
      attrs_.Remove("span.kind");
    }
    Status(&attrs_, &f);
    if (flavor_ == JaegerFlavor::kProto) {
      if (const Value* ts = attrs_.Get("w3c.tracestate")) {
        f.trace_state = ts->AsStr();
        attrs_.Remove("w3c.tracestate");
      }
    }
    out_.BeginSpan(f, attrs_);

    for (uint32_t i = s.logs_begin; i < s.logs_end; ++i) {
      const JaegerLog& log = b_.logs[i];
      event_attrs_.Clear();
      std::string_view name;
      PutTags(log.fields_begin, log.fields_end, &event_attrs_);
      if (const Value* n = event_attrs_.Get("event")) {
        name = n->AsStr();
        event_attrs_.Remove("event");
      }
      out_.Event(log.time_unix_nano, name, event_attrs_);
    }

    for (uint32_t i = s.refs_begin; i < s.refs_end; ++i) {
      const JaegerRef& r = b_.refs[i];
      if (r.span_id == parent && r.ref_type == kRefChildOf) {
        continue;
      }
      uint8_t trace[16];
      uint8_t span[8];
      Id128(r.trace_high, r.trace_low, trace);
      PutBigEndian64(r.span_id, span);
      link_attrs_.Clear();
      link_attrs_.Put("opentracing.ref_type",
                      Value::Str(r.ref_type == kRefChildOf ? "child_of" : "follows_from"));
      out_.Link(trace, span, {}, link_attrs_);
    }
    out_.EndSpan(f);
  }

  void Thrift() {
    if (!b_.has_process && b_.spans.empty()) {
      return;
    }
    bool any = false;
    for (const JaegerSpan& s : b_.spans) {
      any = any || !s.blank;
    }
    if (!any) {
      return;  // a resource without spans: nothing reaches the distributor's regroup
    }
    AttrMap resource;
    const JaegerProcess* p = b_.has_process ? &b_.process : nullptr;
    if (p != nullptr && p->service_name.empty() && p->tags_begin == p->tags_end) {
      p = nullptr;
    }
    Resource(p, &resource);
    out_.BeginResourceSpans(resource);
    out_.BeginScopeSpans({}, {});
    for (const JaegerSpan& s : b_.spans) {
      if (!s.blank) {
        Span(s, UINT32_MAX, UINT32_MAX);
      }
    }
    out_.EndScopeSpans();
    out_.EndResourceSpans();
  }

  // Processes are equal when service name and typed tags are (the Collector groups by a hash
  // of exactly these).
  bool SameProcess(const JaegerProcess* a, const JaegerProcess* c) const {
    auto empty = [](const JaegerProcess* p) {
      return p == nullptr || (p->service_name.empty() && p->tags_begin == p->tags_end);
    };
    if (empty(a) || empty(c)) {
      return empty(a) && empty(c);
    }
    if (a->service_name != c->service_name
        || a->tags_end - a->tags_begin != c->tags_end - c->tags_begin) {
      return false;
    }
    for (uint32_t i = 0; i < a->tags_end - a->tags_begin; ++i) {
      const JaegerTag& x = b_.tags[a->tags_begin + i];
      const JaegerTag& y = b_.tags[c->tags_begin + i];
      if (x.key != y.key || x.raw_vtype != y.raw_vtype) {
        return false;
      }
      bool same = true;
      switch (x.vtype) {
        case kTagString:
          same = x.vstr == y.vstr;
          break;
        case kTagBool:
          same = x.vbool == y.vbool;
          break;
        case kTagLong:
          same = x.vlong == y.vlong;
          break;
        case kTagDouble:
          same = std::memcmp(&x.vdouble, &y.vdouble, 8) == 0;
          break;
        case kTagBinary:
          same = x.vbinary == y.vbinary;
          break;
        default:
          break;
      }
      if (!same) {
        return false;
      }
    }
    return true;
  }

  size_t HashProcess(const JaegerProcess* p) const {
    if (p == nullptr || (p->service_name.empty() && p->tags_begin == p->tags_end)) {
      return 0;
    }
    size_t h = std::hash<std::string_view>()(p->service_name);
    for (uint32_t i = p->tags_begin; i < p->tags_end; ++i) {
      h = h * 31 + std::hash<std::string_view>()(b_.tags[i].key);
    }
    return h;
  }

  // Protobuf: spans regrouped by process (first appearance order), then by scope.
  void Proto() {
    struct Group {
      const JaegerProcess* process;
      std::vector<uint32_t> spans;
    };

    std::vector<Group> groups;
    std::unordered_multimap<size_t, size_t> by_hash;
    // Spans of a batch mostly share one process: remember the last one looked up.
    const JaegerProcess* last_process = nullptr;
    size_t last_group = SIZE_MAX;
    auto group_for = [&](const JaegerProcess* p) -> Group& {
      if (p == last_process && last_group != SIZE_MAX) {
        return groups[last_group];
      }
      last_process = p;
      size_t h = HashProcess(p);
      auto range = by_hash.equal_range(h);
      for (auto it = range.first; it != range.second; ++it) {
        if (SameProcess(groups[it->second].process, p)) {
          last_group = it->second;
          return groups[it->second];
        }
      }
      by_hash.emplace(h, groups.size());
      last_group = groups.size();
      groups.push_back({p, {}});
      return groups.back();
    };
    group_for(b_.has_process ? &b_.process : nullptr);
    for (uint32_t i = 0; i < b_.spans.size(); ++i) {
      const JaegerSpan& s = b_.spans[i];
      const JaegerProcess* p = s.process >= 0 ? &b_.processes[static_cast<size_t>(s.process)]
                                              : (b_.has_process ? &b_.process : nullptr);
      group_for(p).spans.push_back(i);
    }
    AttrMap resource;

    struct Member {
      uint32_t span;
      uint32_t skip_name;  // tag index to leave out, or UINT32_MAX
      uint32_t skip_version;
    };

    struct Scope {
      std::string_view name;
      std::string_view version;
      std::vector<Member> spans;
    };

    std::vector<Scope> scopes;
    std::unordered_map<std::string, size_t> scope_index;
    std::string key;
    for (const Group& g : groups) {
      scopes.clear();
      scope_index.clear();
      size_t last_scope = SIZE_MAX;
      for (uint32_t i : g.spans) {
        const JaegerSpan& s = b_.spans[i];
        if (s.blank) {
          continue;
        }
        // getScope: the first otel.scope.name tag (then otel.scope.version) leaves the tags.
        Member m{i, UINT32_MAX, UINT32_MAX};
        std::string_view name;
        std::string_view version;
        for (uint32_t t = s.tags_begin; t < s.tags_end; ++t) {
          if (b_.tags[t].key == "otel.scope.name") {
            name = b_.tags[t].vstr;
            m.skip_name = t;
            break;
          }
        }
        if (m.skip_name != UINT32_MAX) {
          for (uint32_t t = s.tags_begin; t < s.tags_end; ++t) {
            if (b_.tags[t].key == "otel.scope.version") {
              version = b_.tags[t].vstr;
              m.skip_version = t;
              break;
            }
          }
        }
        // Consecutive spans mostly share a scope: check the last one before the index.
        if (last_scope == SIZE_MAX || scopes[last_scope].name != name
            || scopes[last_scope].version != version) {
          key.assign(name);
          key += '\0';
          key.append(version);
          auto [it, inserted] = scope_index.emplace(key, scopes.size());
          if (inserted) {
            scopes.push_back({name, version, {}});
          }
          last_scope = it->second;
        }
        scopes[last_scope].spans.push_back(m);
      }
      if (scopes.empty()) {
        continue;
      }
      Resource(g.process, &resource);
      out_.BeginResourceSpans(resource);
      for (const Scope& sc : scopes) {
        out_.BeginScopeSpans(sc.name, sc.version);
        for (const Member& m : sc.spans) {
          Span(b_.spans[m.span], m.skip_name, m.skip_version);
        }
        out_.EndScopeSpans();
      }
      out_.EndResourceSpans();
    }
  }

  const JaegerBatch& b_;
  JaegerFlavor flavor_;
  OtlpOut out_;
  Arena arena_;
  AttrMap attrs_;
  AttrMap event_attrs_;
  AttrMap link_attrs_;
};

}  // namespace

std::string TranslateJaeger(const JaegerBatch& batch, JaegerFlavor flavor, size_t* spans) {
  Translator t(batch, flavor);
  return t.Run(spans);
}

}  // namespace vivace::receiver
