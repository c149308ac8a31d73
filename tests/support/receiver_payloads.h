#pragma once

// The same spans in every ingest format, for the receiver benchmarks: an OTLP request (e.g. from
// the loadgen's generator) rewritten the way Jaeger and Zipkin clients would send it.
//
//  - Jaeger: one Batch per ResourceSpans (service.name -> Process.serviceName, other resource
//    attributes -> process tags), or merged by process as a client would batch them; attributes,
//    kind (span.kind), scope (otel.scope.*), error status (error=true, otel.status_description)
//    become tags; events -> logs; parent and links
//    -> references. Times in µs.
//  - Zipkin v2: one span per OTLP span with localEndpoint.serviceName, string tags (attributes,
//    resource attributes, otel.library.*, otel.status_code/error), events -> annotations.
//
// Array and kvlist attributes, which neither format has, become their debug strings. Header-only.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/hex.h"
#include "common/json_writer.h"
#include "common/protowire.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "tests/support/jaeger_encode.h"

namespace vivace::testing {

namespace receiver_payloads_internal {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::trace::v1::Span;

inline int64_t Be64At(const std::string& id, size_t at) {
  uint64_t v = 0;
  for (size_t i = at; i < at + 8 && i < id.size(); ++i) {
    v = v << 8 | static_cast<uint8_t>(id[i]);
  }
  return static_cast<int64_t>(v);
}

inline JTag TagOf(const std::string& key, const AnyValue& v) {
  switch (v.value_case()) {
    case AnyValue::kBoolValue:
      return JTag::Bool(key, v.bool_value());
    case AnyValue::kIntValue:
      return JTag::Long(key, v.int_value());
    case AnyValue::kDoubleValue:
      return JTag::Dbl(key, v.double_value());
    case AnyValue::kBytesValue:
      return JTag::Bin(key, v.bytes_value());
    case AnyValue::kStringValue:
      return JTag::Str(key, v.string_value());
    default:
      return JTag::Str(key, v.ShortDebugString());
  }
}

inline std::string StringOf(const AnyValue& v) {
  switch (v.value_case()) {
    case AnyValue::kBoolValue:
      return v.bool_value() ? "true" : "false";
    case AnyValue::kIntValue:
      return std::to_string(v.int_value());
    case AnyValue::kDoubleValue:
      return std::to_string(v.double_value());
    case AnyValue::kStringValue:
      return v.string_value();
    default:
      return v.ShortDebugString();
  }
}

inline const char* KindName(int kind) {
  switch (kind) {
    case Span::SPAN_KIND_SERVER:
      return "server";
    case Span::SPAN_KIND_CLIENT:
      return "client";
    case Span::SPAN_KIND_PRODUCER:
      return "producer";
    case Span::SPAN_KIND_CONSUMER:
      return "consumer";
    case Span::SPAN_KIND_INTERNAL:
      return "internal";
    default:
      return nullptr;
  }
}

}  // namespace receiver_payloads_internal

using OtlpRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// One Jaeger Batch per ResourceSpans.
inline std::vector<JBatch> ToJaegerBatches(const OtlpRequest& req) {
  namespace in = receiver_payloads_internal;
  std::vector<JBatch> out;
  for (const auto& rs : req.resource_spans()) {
    JBatch b;
    for (const auto& kv : rs.resource().attributes()) {
      if (kv.key() == "service.name") {
        b.service_name = kv.value().string_value();
      } else {
        b.process_tags.push_back(in::TagOf(kv.key(), kv.value()));
      }
    }
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& s : ss.spans()) {
        JSpan j;
        j.trace_high = in::Be64At(s.trace_id(), 0);
        j.trace_low = in::Be64At(s.trace_id(), 8);
        j.span_id = in::Be64At(s.span_id(), 0);
        j.parent_span_id = in::Be64At(s.parent_span_id(), 0);
        j.operation_name = s.name();
        j.start_us = static_cast<int64_t>(s.start_time_unix_nano() / 1000);
        j.duration_us =
            static_cast<int64_t>((s.end_time_unix_nano() - s.start_time_unix_nano()) / 1000);
        for (const auto& kv : s.attributes()) {
          j.tags.push_back(in::TagOf(kv.key(), kv.value()));
        }
        if (const char* k = in::KindName(s.kind())) {
          j.tags.push_back(JTag::Str("span.kind", k));
        }
        if (!ss.scope().name().empty()) {
          j.tags.push_back(JTag::Str("otel.scope.name", ss.scope().name()));
          j.tags.push_back(JTag::Str("otel.scope.version", ss.scope().version()));
        }
        if (s.status().code() == 2) {
          j.tags.push_back(JTag::Bool("error", true));
          j.tags.push_back(JTag::Str("otel.status_description", s.status().message()));
        }
        for (const auto& e : s.events()) {
          JLog log{static_cast<int64_t>(e.time_unix_nano() / 1000), {JTag::Str("event", e.name())}};
          for (const auto& kv : e.attributes()) {
            log.fields.push_back(in::TagOf(kv.key(), kv.value()));
          }
          j.logs.push_back(std::move(log));
        }
        for (const auto& l : s.links()) {
          j.references.push_back({1, in::Be64At(l.trace_id(), 8), in::Be64At(l.trace_id(), 0),
                                  in::Be64At(l.span_id(), 0)});
        }
        b.spans.push_back(std::move(j));
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

// Jaeger clients batch the spans of their own process: the per-resource batches of all the
// requests merged by process and cut into batches of `spans_per_batch` spans.
inline std::vector<JBatch> MergeJaegerBatches(const std::vector<OtlpRequest>& reqs,
                                              size_t spans_per_batch) {
  std::map<std::string, JBatch> by_process;
  std::vector<JBatch> out;
  for (const OtlpRequest& req : reqs) {
    for (JBatch& b : ToJaegerBatches(req)) {
      std::string key = b.service_name;
      for (const JTag& t : b.process_tags) {
        key += '\0' + t.key + '=' + t.str + std::to_string(t.lng);
      }
      JBatch& acc = by_process[key];
      if (acc.spans.empty()) {
        acc.service_name = b.service_name;
        acc.process_tags = b.process_tags;
      }
      for (JSpan& s : b.spans) {
        acc.spans.push_back(std::move(s));
        if (acc.spans.size() == spans_per_batch) {
          out.push_back(acc);
          acc.spans.clear();
        }
      }
    }
  }
  for (auto& [key, acc] : by_process) {
    if (!acc.spans.empty()) {
      out.push_back(std::move(acc));
    }
  }
  return out;
}

namespace receiver_payloads_internal {

// The fields of a Zipkin v2 span, shared by the JSON and proto encoders.
template <typename F>
void ForEachZipkinSpan(const OtlpRequest& req, F&& f) {
  for (const auto& rs : req.resource_spans()) {
    std::string service;
    std::vector<std::pair<std::string, std::string>> resource_tags;
    for (const auto& kv : rs.resource().attributes()) {
      if (kv.key() == "service.name") {
        service = kv.value().string_value();
      } else {
        resource_tags.emplace_back(kv.key(), StringOf(kv.value()));
      }
    }
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& s : ss.spans()) {
        std::vector<std::pair<std::string, std::string>> tags = resource_tags;
        for (const auto& kv : s.attributes()) {
          tags.emplace_back(kv.key(), StringOf(kv.value()));
        }
        if (!ss.scope().name().empty()) {
          tags.emplace_back("otel.library.name", ss.scope().name());
          tags.emplace_back("otel.library.version", ss.scope().version());
        }
        if (s.status().code() == 2) {
          tags.emplace_back("otel.status_code", "ERROR");
          tags.emplace_back("error", s.status().message());
        }
        f(service, s, tags);
      }
    }
  }
}

}  // namespace receiver_payloads_internal

// A Zipkin v2 JSON array of every span of the request.
inline std::string ToZipkinJson(const OtlpRequest& req) {
  namespace in = receiver_payloads_internal;
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  in::ForEachZipkinSpan(req, [&](const std::string& service, const in::Span& s,
                                 const std::vector<std::pair<std::string, std::string>>& tags) {
    w.BeginObject();
    w.Key("traceId");
    w.String(HexEncode(s.trace_id()));
    w.Key("id");
    w.String(HexEncode(s.span_id()));
    if (!s.parent_span_id().empty()) {
      w.Key("parentId");
      w.String(HexEncode(s.parent_span_id()));
    }
    w.Key("name");
    w.String(s.name());
    const char* kinds[] = {nullptr, nullptr, "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
    if (s.kind() >= 2 && s.kind() <= 5) {
      w.Key("kind");
      w.String(kinds[s.kind()]);
    }
    w.Key("timestamp");
    w.Uint(s.start_time_unix_nano() / 1000);
    w.Key("duration");
    w.Uint((s.end_time_unix_nano() - s.start_time_unix_nano()) / 1000);
    w.Key("localEndpoint");
    w.BeginObject();
    w.Key("serviceName");
    w.String(service);
    w.EndObject();
    if (s.events_size() > 0) {
      w.Key("annotations");
      w.BeginArray();
      for (const auto& e : s.events()) {
        w.BeginObject();
        w.Key("timestamp");
        w.Uint(e.time_unix_nano() / 1000);
        w.Key("value");
        w.String(e.name());
        w.EndObject();
      }
      w.EndArray();
    }
    w.Key("tags");
    w.BeginObject();
    for (const auto& [k, v] : tags) {
      w.Key(k);
      w.String(v);
    }
    w.EndObject();
    w.EndObject();
  });
  w.EndArray();
  return out;
}

// A Zipkin proto3 ListOfSpans of every span of the request.
inline std::string ToZipkinProto(const OtlpRequest& req) {
  namespace in = receiver_payloads_internal;
  std::string list;
  in::ForEachZipkinSpan(req, [&](const std::string& service, const in::Span& s,
                                 const std::vector<std::pair<std::string, std::string>>& tags) {
    std::string span;
    protowire::AppendLenField(span, 1, s.trace_id());
    if (!s.parent_span_id().empty()) {
      protowire::AppendLenField(span, 2, s.parent_span_id());
    }
    protowire::AppendLenField(span, 3, s.span_id());
    const int kinds[] = {0, 0, 2, 1, 3, 4};  // OTLP kind -> zipkin proto Kind
    if (s.kind() >= 2 && s.kind() <= 5) {
      protowire::AppendVarintField(span, 4, static_cast<uint64_t>(kinds[s.kind()]));
    }
    protowire::AppendLenField(span, 5, s.name());
    protowire::AppendFixed64Field(span, 6, s.start_time_unix_nano() / 1000);
    protowire::AppendVarintField(span, 7,
                                 (s.end_time_unix_nano() - s.start_time_unix_nano()) / 1000);
    std::string ep;
    protowire::AppendLenField(ep, 1, service);
    protowire::AppendLenField(span, 8, ep);
    for (const auto& e : s.events()) {
      std::string a;
      protowire::AppendFixed64Field(a, 1, e.time_unix_nano() / 1000);
      protowire::AppendLenField(a, 2, e.name());
      protowire::AppendLenField(span, 10, a);
    }
    for (const auto& [k, v] : tags) {
      std::string entry;
      protowire::AppendLenField(entry, 1, k);
      protowire::AppendLenField(entry, 2, v);
      protowire::AppendLenField(span, 11, entry);
    }
    protowire::AppendLenField(list, 1, span);
  });
  return list;
}

}  // namespace vivace::testing
