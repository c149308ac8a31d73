#include "traceql/eval/trace_proto.h"

#include <optional>

#include "model/trace_assembler.h"
#include "tempopb/tempo.pb.h"

namespace vivace::traceql::eval {
namespace {

namespace otlp_common = opentelemetry::proto::common::v1;
namespace otlp_trace = opentelemetry::proto::trace::v1;

std::optional<Static> Convert(const otlp_common::AnyValue& v) {
  switch (v.value_case()) {
    case otlp_common::AnyValue::kStringValue:
      return Static::String(v.string_value());
    case otlp_common::AnyValue::kIntValue:
      return Static::Int(v.int_value());
    case otlp_common::AnyValue::kDoubleValue:
      return Static::Float(v.double_value());
    case otlp_common::AnyValue::kBoolValue:
      return Static::Bool(v.bool_value());
    case otlp_common::AnyValue::kArrayValue: {
      const auto& values = v.array_value().values();
      if (values.empty()) {
        return std::nullopt;
      }
      auto kind = values[0].value_case();
      for (const auto& e : values) {
        if (e.value_case() != kind) {
          return std::nullopt;  // mixed arrays are not queryable
        }
      }
      switch (kind) {
        case otlp_common::AnyValue::kStringValue: {
          std::vector<std::string> out;
          for (const auto& e : values) {
            out.push_back(e.string_value());
          }
          return Static::StringArray(std::move(out));
        }
        case otlp_common::AnyValue::kIntValue: {
          std::vector<int64_t> out;
          for (const auto& e : values) {
            out.push_back(e.int_value());
          }
          return Static::IntArray(std::move(out));
        }
        case otlp_common::AnyValue::kDoubleValue: {
          std::vector<double> out;
          for (const auto& e : values) {
            out.push_back(e.double_value());
          }
          return Static::FloatArray(std::move(out));
        }
        case otlp_common::AnyValue::kBoolValue: {
          std::vector<bool> out;
          for (const auto& e : values) {
            out.push_back(e.bool_value());
          }
          return Static::BoolArray(std::move(out));
        }
        default:
          return std::nullopt;
      }
    }
    default:
      return std::nullopt;
  }
}

template <typename KeyValues>
Attributes ConvertAll(const KeyValues& kvs) {
  Attributes out;
  out.reserve(static_cast<size_t>(kvs.size()));
  for (const auto& kv : kvs) {
    std::optional<Static> v = Convert(kv.value());
    if (v) {
      out.push_back(KeyValue{kv.key(), std::move(*v)});
    }
  }
  return out;
}

// OTLP numbering to Tempo's: OTLP server=2, client=3; Tempo client=2, server=3.
SpanKind KindOf(int otlp) {
  switch (otlp) {
    case otlp_trace::Span::SPAN_KIND_INTERNAL:
      return SpanKind::kInternal;
    case otlp_trace::Span::SPAN_KIND_SERVER:
      return SpanKind::kServer;
    case otlp_trace::Span::SPAN_KIND_CLIENT:
      return SpanKind::kClient;
    case otlp_trace::Span::SPAN_KIND_PRODUCER:
      return SpanKind::kProducer;
    case otlp_trace::Span::SPAN_KIND_CONSUMER:
      return SpanKind::kConsumer;
    default:
      return SpanKind::kUnspecified;
  }
}

SpanStatus StatusOf(int otlp) {
  switch (otlp) {
    case otlp_trace::Status::STATUS_CODE_OK:
      return SpanStatus::kOk;
    case otlp_trace::Status::STATUS_CODE_ERROR:
      return SpanStatus::kError;
    default:
      return SpanStatus::kUnset;
  }
}

}  // namespace

Result<Trace> TraceFromProto(ByteView tempopb_trace) {
  tempopb::Trace msg;
  if (!msg.ParseFromArray(tempopb_trace.data(), static_cast<int>(tempopb_trace.size()))) {
    return Status::DataLoss("trace is not a valid tempopb.Trace");
  }
  Trace t;
  for (const auto& rs : msg.resourcespans()) {
    Resource& res = t.resources.emplace_back();
    res.attrs = ConvertAll(rs.resource().attributes());
    for (const auto& ss : rs.scope_spans()) {
      Scope& scope = t.scopes.emplace_back();
      scope.name = ss.scope().name();
      scope.version = ss.scope().version();
      scope.attrs = ConvertAll(ss.scope().attributes());
      for (const auto& s : ss.spans()) {
        if (t.trace_id.empty()) {
          t.trace_id = s.trace_id();
        }
        Span& span = t.spans.emplace_back();
        span.span_id = s.span_id();
        span.parent_id = s.parent_span_id();
        span.name = s.name();
        span.kind = KindOf(s.kind());
        span.status = StatusOf(s.status().code());
        span.status_message = s.status().message();
        span.start_unix_nano = s.start_time_unix_nano();
        span.end_unix_nano = s.end_time_unix_nano();
        span.resource = &res;
        span.scope = &scope;
        span.attrs = ConvertAll(s.attributes());
        for (const auto& e : s.events()) {
          span.events.push_back(Event{e.name(), e.time_unix_nano(), ConvertAll(e.attributes())});
        }
        for (const auto& l : s.links()) {
          span.links.push_back(Link{l.trace_id(), l.span_id(), ConvertAll(l.attributes())});
        }
      }
    }
  }
  t.BuildTree();
  return t;
}

Result<Trace> TraceFromParts(const std::vector<ByteView>& tempopb_traces) {
  if (tempopb_traces.size() == 1) {
    return TraceFromProto(tempopb_traces[0]);
  }
  model::TraceAssembler assembler;
  for (ByteView part : tempopb_traces) {
    VV_RETURN_IF_ERROR(assembler.Add(part));
  }
  std::string combined = assembler.SerializeProto();
  return TraceFromProto(ByteView(combined));
}

}  // namespace vivace::traceql::eval
