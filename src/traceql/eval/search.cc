#include "traceql/eval/search.h"

#include <algorithm>
#include <map>

#include "common/hex.h"
#include "traceql/go_compat.h"

namespace vivace::traceql::eval {
namespace {

namespace otlp_common = opentelemetry::proto::common::v1;

// Static.AsAnyValue: durations as Go duration strings, status/kind/nil as words.
void ToAnyValue(const Static& v, otlp_common::AnyValue* out) {
  switch (v.type()) {
    case StaticType::kInt:
      out->set_int_value(v.int_value());
      break;
    case StaticType::kFloat:
      out->set_double_value(v.float_value());
      break;
    case StaticType::kBool:
      out->set_bool_value(v.bool_value());
      break;
    case StaticType::kDuration:
      out->set_string_value(FormatGoDuration(v.int_value()));
      break;
    case StaticType::kIntArray:
      for (int64_t x : v.int_array()) {
        out->mutable_array_value()->add_values()->set_int_value(x);
      }
      break;
    case StaticType::kFloatArray:
      for (double x : v.float_array()) {
        out->mutable_array_value()->add_values()->set_double_value(x);
      }
      break;
    case StaticType::kStringArray:
      for (const std::string& x : v.string_array()) {
        out->mutable_array_value()->add_values()->set_string_value(x);
      }
      break;
    case StaticType::kBoolArray:
      for (bool x : v.bool_array()) {
        out->mutable_array_value()->add_values()->set_bool_value(x);
      }
      break;
    default:
      out->set_string_value(v.Encode(false));
  }
}

bool ShownOnSpans(const Attribute& a) {
  switch (a.intrinsic) {
    case Intrinsic::kName:
    case Intrinsic::kDuration:
    case Intrinsic::kTraceDuration:
    case Intrinsic::kTraceRootService:
    case Intrinsic::kTraceRootSpan:
    case Intrinsic::kTraceId:
    case Intrinsic::kSpanId:
    case Intrinsic::kSpanStartTime:
    case Intrinsic::kTraceStartTime:
    case Intrinsic::kStructuralDescendant:
    case Intrinsic::kStructuralChild:
    case Intrinsic::kStructuralSibling:
      return false;
    default:
      return true;
  }
}

std::string TrimmedHex(const std::string& id) {
  std::string h = HexEncode(ByteView(id));
  size_t nz = h.find_first_not_of('0');
  return nz == std::string::npos ? std::string() : h.substr(nz);
}

std::string PaddedSpanHex(const std::string& id) {
  std::string h = TrimmedHex(id);
  if (h.size() < 16) {
    h.insert(0, 16 - h.size(), '0');
  }
  return h;
}

}  // namespace

Result<std::optional<tempopb::TraceSearchMetadata>> SearchTrace(const CompiledQuery& query,
                                                                const Evaluator& evaluator,
                                                                const Trace& trace,
                                                                uint32_t spans_per_spanset) {
  VV_ASSIGN_OR_RETURN(std::vector<Spanset> spansets, evaluator.Evaluate(trace));
  if (spansets.empty()) {
    return std::optional<tempopb::TraceSearchMetadata>();
  }
  // The fields the query loads, in the order the request names them, once each.
  std::vector<Attribute> loaded;
  bool name_loaded = false;
  if (!query.requests.empty()) {
    const FetchRequest& req = query.requests[0];
    for (const auto* list : {&req.conditions, &req.second_pass}) {
      for (const Condition& c : *list) {
        name_loaded = name_loaded || c.attribute.intrinsic == Intrinsic::kName;
        if (ShownOnSpans(c.attribute)
            && std::find(loaded.begin(), loaded.end(), c.attribute) == loaded.end()) {
          loaded.push_back(c.attribute);
        }
      }
    }
  }
  tempopb::TraceSearchMetadata md;
  md.set_traceid(TrimmedHex(trace.trace_id));
  md.set_rootservicename(trace.root_service);
  md.set_roottracename(trace.root_name);
  md.set_starttimeunixnano(trace.start_unix_nano);
  md.set_durationms(static_cast<uint32_t>((trace.end_unix_nano - trace.start_unix_nano) / 1000000));
  std::map<std::string, std::pair<uint32_t, uint32_t>> stats;  // service -> spans, errors
  for (const Span& s : trace.spans) {
    std::string service;
    if (s.resource != nullptr) {
      const Static* v = FindAttribute(s.resource->attrs, "service.name");
      if (v != nullptr && v->type() == StaticType::kString) {
        service = v->string_value();
      }
    }
    auto& [count, errors] = stats[service];
    ++count;
    errors += s.status == SpanStatus::kError ? 1 : 0;
  }
  for (const auto& [service, counts] : stats) {
    auto& out = (*md.mutable_servicestats())[service];
    out.set_spancount(counts.first);
    out.set_errorcount(counts.second);
  }
  for (const Spanset& ss : spansets) {
    tempopb::SpanSet* out = md.add_spansets();
    out->set_matched(static_cast<uint32_t>(ss.spans.size()));
    size_t n = std::min<size_t>(ss.spans.size(), spans_per_spanset);
    for (size_t i = 0; i < n; ++i) {
      const Span& s = trace.spans[ss.spans[i]];
      tempopb::Span* span = out->add_spans();
      span->set_spanid(PaddedSpanHex(s.span_id));
      span->set_starttimeunixnano(s.start_unix_nano);
      span->set_durationnanos(s.end_unix_nano - s.start_unix_nano);
      if (name_loaded) {
        span->set_name(s.name);
      }
      for (const Attribute& a : loaded) {
        Static v = FieldValue(trace, s, a);
        if (v.is_nil()) {
          continue;
        }
        auto* kv = span->add_attributes();
        kv->set_key(a.name);
        ToAnyValue(v, kv->mutable_value());
      }
    }
    for (const auto& [name, value] : ss.attributes) {
      auto* kv = out->add_attributes();
      kv->set_key(name);
      ToAnyValue(value, kv->mutable_value());
    }
  }
  *md.mutable_spanset() = md.spansets(0);
  return std::optional<tempopb::TraceSearchMetadata>(std::move(md));
}

}  // namespace vivace::traceql::eval
