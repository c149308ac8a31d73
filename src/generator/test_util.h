#pragma once

// Helpers for the generator's tests, fuzzer and benchmark: OTLP spans written as trace
// fragments, and collection decoded back into series.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "generator/registry.h"
#include "generator/write_request.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace vivace::generator::testutil {

namespace otlp = opentelemetry::proto;

struct TestSpan {
  std::string service{};
  int kind = 2;  // SPAN_KIND_SERVER
  uint64_t trace = 1;
  uint64_t span = 1;
  uint64_t parent = 0;  // 0 = root
  std::string name = "op";
  int status = 0;
  std::string status_message{};
  uint64_t start = 1'700'000'000'000'000'000;
  uint64_t duration_ns = 1'000'000;
  std::map<std::string, std::string> attrs{};           // span string attributes
  std::map<std::string, std::string> resource_attrs{};  // besides service.name
  std::string trace_state{};
};

inline std::string IdBytes(uint64_t v, size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < 8 && i < n; ++i) {
    out[n - 1 - i] = static_cast<char>(v >> (8 * i));
  }
  return out;
}

inline void SetString(otlp::common::v1::KeyValue* kv, const std::string& k, const std::string& v) {
  kv->set_key(k);
  kv->mutable_value()->set_string_value(v);
}

// One ResourceSpans per span (so each span keeps its own resource), serialized as a
// TracesData / tempopb.Trace fragment (field 1 = resource spans).
inline std::string Fragment(const std::vector<TestSpan>& spans) {
  otlp::collector::trace::v1::ExportTraceServiceRequest req;
  for (const TestSpan& t : spans) {
    auto* rs = req.add_resource_spans();
    if (!t.service.empty()) {
      SetString(rs->mutable_resource()->add_attributes(), "service.name", t.service);
    }
    for (const auto& [k, v] : t.resource_attrs) {
      SetString(rs->mutable_resource()->add_attributes(), k, v);
    }
    auto* s = rs->add_scope_spans()->add_spans();
    s->set_trace_id(IdBytes(t.trace, 16));
    s->set_span_id(IdBytes(t.span, 8));
    if (t.parent != 0) {
      s->set_parent_span_id(IdBytes(t.parent, 8));
    }
    s->set_name(t.name);
    s->set_kind(static_cast<otlp::trace::v1::Span_SpanKind>(t.kind));
    s->set_start_time_unix_nano(t.start);
    s->set_end_time_unix_nano(t.start + t.duration_ns);
    s->mutable_status()->set_code(static_cast<otlp::trace::v1::Status_StatusCode>(t.status));
    s->mutable_status()->set_message(t.status_message);
    s->set_trace_state(t.trace_state);
    for (const auto& [k, v] : t.attrs) {
      SetString(s->add_attributes(), k, v);
    }
  }
  return req.SerializeAsString();
}

class CollectingSink final : public SampleSink {
 public:
  void Add(std::string_view labels, double value, int64_t ts, const ExemplarRef* ex) override {
    builder_.Add(labels, value, ts, ex);
  }

  void AddHistogram(std::string_view labels, const NativeHistogramValue& value, int64_t ts,
                    const ExemplarRef* exemplars, size_t exemplar_count) override {
    builder_.AddHistogram(labels, value, ts, exemplars, exemplar_count);
  }

  std::vector<DecodedSeries> Take() {
    auto r = DecodeWriteRequest(builder_.Take());
    return r.ok() ? std::move(r->series) : std::vector<DecodedSeries>{};
  }

 private:
  WriteRequestBuilder builder_;
};

inline std::vector<DecodedSeries> CollectAll(Registry& registry, int64_t now_ms) {
  CollectingSink sink;
  registry.Collect(now_ms, sink);
  return sink.Take();
}

// "name{a=\"b\",...}" with labels sorted, external labels included.
inline std::string SeriesKey(const DecodedSeries& s) {
  std::string name(s.Label("__name__"));
  std::string out = name + "{";
  bool first = true;
  for (const auto& l : s.labels) {
    if (l.name == "__name__") {
      continue;
    }
    out += (first ? "" : ",") + l.name + "=\"" + l.value + "\"";
    first = false;
  }
  return out + "}";
}

// The last sample value of each series.
inline std::map<std::string, double> LastValues(const std::vector<DecodedSeries>& series) {
  std::map<std::string, double> out;
  for (const auto& s : series) {
    if (!s.samples.empty()) {
      out[SeriesKey(s)] = s.samples.back().value;
    }
  }
  return out;
}

}  // namespace vivace::generator::testutil
