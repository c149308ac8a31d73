#include "frontend/search_json.h"

#include <algorithm>
#include <vector>

#include "common/json_writer.h"

namespace vivace::frontend {
namespace {

namespace otlp_common = opentelemetry::proto::common::v1;

void WriteAnyValue(JsonWriter& w, const otlp_common::AnyValue& v) {
  w.BeginObject();
  switch (v.value_case()) {
    case otlp_common::AnyValue::kStringValue:
      w.Key("stringValue");
      w.String(v.string_value());
      break;
    case otlp_common::AnyValue::kIntValue:
      w.Key("intValue");
      w.Int64String(v.int_value());
      break;
    case otlp_common::AnyValue::kDoubleValue:
      w.Key("doubleValue");
      w.Double(v.double_value());
      break;
    case otlp_common::AnyValue::kBoolValue:
      w.Key("boolValue");
      w.Bool(v.bool_value());
      break;
    case otlp_common::AnyValue::kArrayValue:
      w.Key("arrayValue");
      w.BeginObject();
      if (v.array_value().values_size() > 0) {
        w.Key("values");
        w.BeginArray();
        for (const auto& x : v.array_value().values()) {
          WriteAnyValue(w, x);
        }
        w.EndArray();
      }
      w.EndObject();
      break;
    default:
      break;  // search results hold no other kinds
  }
  w.EndObject();
}

void WriteAttributes(JsonWriter& w,
                     const google::protobuf::RepeatedPtrField<otlp_common::KeyValue>& attrs) {
  if (attrs.empty()) {
    return;
  }
  w.Key("attributes");
  w.BeginArray();
  for (const auto& kv : attrs) {
    w.BeginObject();
    w.Key("key");
    w.String(kv.key());
    w.Key("value");
    WriteAnyValue(w, kv.value());
    w.EndObject();
  }
  w.EndArray();
}

void WriteSpanSet(JsonWriter& w, const tempopb::SpanSet& ss) {
  w.BeginObject();
  if (ss.spans_size() > 0) {
    w.Key("spans");
    w.BeginArray();
    for (const tempopb::Span& s : ss.spans()) {
      w.BeginObject();
      if (!s.spanid().empty()) {
        w.Key("spanID");
        w.String(s.spanid());
      }
      if (!s.name().empty()) {
        w.Key("name");
        w.String(s.name());
      }
      if (s.starttimeunixnano() != 0) {
        w.Key("startTimeUnixNano");
        w.Uint64String(s.starttimeunixnano());
      }
      if (s.durationnanos() != 0) {
        w.Key("durationNanos");
        w.Uint64String(s.durationnanos());
      }
      WriteAttributes(w, s.attributes());
      w.EndObject();
    }
    w.EndArray();
  }
  if (ss.matched() != 0) {
    w.Key("matched");
    w.Uint(ss.matched());
  }
  WriteAttributes(w, ss.attributes());
  w.EndObject();
}

void WriteTrace(JsonWriter& w, const tempopb::TraceSearchMetadata& t) {
  w.BeginObject();
  auto str = [&w](const char* key, const std::string& v) {
    if (!v.empty()) {
      w.Key(key);
      w.String(v);
    }
  };
  str("traceID", t.traceid());
  str("rootServiceName", t.rootservicename());
  str("rootTraceName", t.roottracename());
  if (t.starttimeunixnano() != 0) {
    w.Key("startTimeUnixNano");
    w.Uint64String(t.starttimeunixnano());
  }
  if (t.durationms() != 0) {
    w.Key("durationMs");
    w.Uint(t.durationms());
  }
  if (t.has_spanset()) {
    w.Key("spanSet");
    WriteSpanSet(w, t.spanset());
  }
  if (t.spansets_size() > 0) {
    w.Key("spanSets");
    w.BeginArray();
    for (const auto& ss : t.spansets()) {
      WriteSpanSet(w, ss);
    }
    w.EndArray();
  }
  if (!t.servicestats().empty()) {
    std::vector<const std::string*> services;
    for (const auto& [name, stats] : t.servicestats()) {
      services.push_back(&name);
    }
    std::sort(services.begin(), services.end(),
              [](const std::string* a, const std::string* b) { return *a < *b; });
    w.Key("serviceStats");
    w.BeginObject();
    for (const std::string* name : services) {
      const tempopb::ServiceStats& s = t.servicestats().at(*name);
      w.Key(*name);
      w.BeginObject();
      if (s.spancount() != 0) {
        w.Key("spanCount");
        w.Uint(s.spancount());
      }
      if (s.errorcount() != 0) {
        w.Key("errorCount");
        w.Uint(s.errorcount());
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
}

void WriteMetrics(JsonWriter& w, const tempopb::SearchMetrics& m) {
  w.BeginObject();
  if (m.inspectedtraces() != 0) {
    w.Key("inspectedTraces");
    w.Uint(m.inspectedtraces());
  }
  if (m.inspectedbytes() != 0) {
    w.Key("inspectedBytes");
    w.Uint64String(m.inspectedbytes());
  }
  if (m.totalblocks() != 0) {
    w.Key("totalBlocks");
    w.Uint(m.totalblocks());
  }
  if (m.completedjobs() != 0) {
    w.Key("completedJobs");
    w.Uint(m.completedjobs());
  }
  if (m.totaljobs() != 0) {
    w.Key("totalJobs");
    w.Uint(m.totaljobs());
  }
  if (m.totalblockbytes() != 0) {
    w.Key("totalBlockBytes");
    w.Uint64String(m.totalblockbytes());
  }
  if (m.inspectedspans() != 0) {
    w.Key("inspectedSpans");
    w.Uint64String(m.inspectedspans());
  }
  w.EndObject();
}

}  // namespace

std::string SearchResponseJson(const tempopb::SearchResponse& response) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("traces");
  w.BeginArray();
  for (const auto& t : response.traces()) {
    WriteTrace(w, t);
  }
  w.EndArray();
  w.Key("metrics");
  WriteMetrics(w, response.metrics());
  w.EndObject();
  return out;
}

}  // namespace vivace::frontend
