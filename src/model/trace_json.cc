#include "model/trace_json.h"

#include "common/base64.h"

namespace vivace::model {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::InstrumentationScope;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::resource::v1::Resource;
using opentelemetry::proto::trace::v1::ResourceSpans;
using opentelemetry::proto::trace::v1::ScopeSpans;
using opentelemetry::proto::trace::v1::Span;

namespace {

void Base64Field(JsonWriter& w, std::string_view key, const std::string& bytes) {
  if (bytes.empty()) {
    return;
  }
  w.Key(key);
  w.String(Base64Encode(bytes));
}

void StringField(JsonWriter& w, std::string_view key, const std::string& s) {
  if (!s.empty()) {
    w.Key(key);
    w.String(s);
  }
}

void UintField(JsonWriter& w, std::string_view key, uint64_t v) {
  if (v != 0) {
    w.Key(key);
    w.Uint(v);
  }
}

void Uint64Field(JsonWriter& w, std::string_view key, uint64_t v) {
  if (v != 0) {
    w.Key(key);
    w.Uint64String(v);
  }
}

template <typename Repeated>
void Attributes(JsonWriter& w, const Repeated& attrs) {
  if (attrs.empty()) {
    return;
  }
  w.Key("attributes");
  w.BeginArray();
  for (const KeyValue& kv : attrs) {
    WriteKeyValueJson(w, kv);
  }
  w.EndArray();
}

void EnumField(JsonWriter& w, std::string_view key, int value, std::string_view name) {
  if (value == 0) {
    return;
  }
  w.Key(key);
  if (name.empty()) {
    w.Int(value);  // unknown enum values print as numbers in proto3 JSON
  } else {
    w.String(name);
  }
}

void WriteResource(JsonWriter& w, const Resource& r) {
  w.BeginObject();
  Attributes(w, r.attributes());
  UintField(w, "droppedAttributesCount", r.dropped_attributes_count());
  if (!r.entity_refs().empty()) {
    w.Key("entityRefs");
    w.BeginArray();
    for (const auto& e : r.entity_refs()) {
      w.BeginObject();
      StringField(w, "schemaUrl", e.schema_url());
      StringField(w, "type", e.type());
      for (auto [key, list] : {std::pair{"idKeys", &e.id_keys()},
                               std::pair{"descriptionKeys", &e.description_keys()}}) {
        if (!list->empty()) {
          w.Key(key);
          w.BeginArray();
          for (const std::string& s : *list) {
            w.String(s);
          }
          w.EndArray();
        }
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteScope(JsonWriter& w, const InstrumentationScope& s) {
  w.BeginObject();
  StringField(w, "name", s.name());
  StringField(w, "version", s.version());
  Attributes(w, s.attributes());
  UintField(w, "droppedAttributesCount", s.dropped_attributes_count());
  w.EndObject();
}

void WriteSpan(JsonWriter& w, const Span& s) {
  w.BeginObject();
  Base64Field(w, "traceId", s.trace_id());
  Base64Field(w, "spanId", s.span_id());
  StringField(w, "traceState", s.trace_state());
  Base64Field(w, "parentSpanId", s.parent_span_id());
  UintField(w, "flags", s.flags());
  StringField(w, "name", s.name());
  EnumField(w, "kind", s.kind(), SpanKindName(s.kind()));
  Uint64Field(w, "startTimeUnixNano", s.start_time_unix_nano());
  Uint64Field(w, "endTimeUnixNano", s.end_time_unix_nano());
  Attributes(w, s.attributes());
  UintField(w, "droppedAttributesCount", s.dropped_attributes_count());
  if (!s.events().empty()) {
    w.Key("events");
    w.BeginArray();
    for (const Span::Event& e : s.events()) {
      w.BeginObject();
      Uint64Field(w, "timeUnixNano", e.time_unix_nano());
      StringField(w, "name", e.name());
      Attributes(w, e.attributes());
      UintField(w, "droppedAttributesCount", e.dropped_attributes_count());
      w.EndObject();
    }
    w.EndArray();
  }
  UintField(w, "droppedEventsCount", s.dropped_events_count());
  if (!s.links().empty()) {
    w.Key("links");
    w.BeginArray();
    for (const Span::Link& l : s.links()) {
      w.BeginObject();
      Base64Field(w, "traceId", l.trace_id());
      Base64Field(w, "spanId", l.span_id());
      StringField(w, "traceState", l.trace_state());
      Attributes(w, l.attributes());
      UintField(w, "droppedAttributesCount", l.dropped_attributes_count());
      UintField(w, "flags", l.flags());
      w.EndObject();
    }
    w.EndArray();
  }
  UintField(w, "droppedLinksCount", s.dropped_links_count());
  // Tempo always writes a status object, empty when unset.
  w.Key("status");
  w.BeginObject();
  StringField(w, "message", s.status().message());
  EnumField(w, "code", s.status().code(), StatusCodeName(s.status().code()));
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string_view SpanKindName(int kind) {
  switch (kind) {
    case 0:
      return "SPAN_KIND_UNSPECIFIED";
    case 1:
      return "SPAN_KIND_INTERNAL";
    case 2:
      return "SPAN_KIND_SERVER";
    case 3:
      return "SPAN_KIND_CLIENT";
    case 4:
      return "SPAN_KIND_PRODUCER";
    case 5:
      return "SPAN_KIND_CONSUMER";
    default:
      return "";
  }
}

std::string_view StatusCodeName(int code) {
  switch (code) {
    case 0:
      return "STATUS_CODE_UNSET";
    case 1:
      return "STATUS_CODE_OK";
    case 2:
      return "STATUS_CODE_ERROR";
    default:
      return "";
  }
}

void WriteAnyValueJson(JsonWriter& w, const AnyValue& v) {
  w.BeginObject();
  switch (v.value_case()) {
    case AnyValue::kStringValue:
      w.Key("stringValue");
      w.String(v.string_value());
      break;
    case AnyValue::kBoolValue:
      w.Key("boolValue");
      w.Bool(v.bool_value());
      break;
    case AnyValue::kIntValue:
      w.Key("intValue");
      w.Int64String(v.int_value());
      break;
    case AnyValue::kDoubleValue:
      w.Key("doubleValue");
      w.Double(v.double_value());
      break;
    case AnyValue::kArrayValue:
      w.Key("arrayValue");
      w.BeginObject();
      if (!v.array_value().values().empty()) {
        w.Key("values");
        w.BeginArray();
        for (const AnyValue& e : v.array_value().values()) {
          WriteAnyValueJson(w, e);
        }
        w.EndArray();
      }
      w.EndObject();
      break;
    case AnyValue::kKvlistValue:
      w.Key("kvlistValue");
      w.BeginObject();
      if (!v.kvlist_value().values().empty()) {
        w.Key("values");
        w.BeginArray();
        for (const KeyValue& e : v.kvlist_value().values()) {
          WriteKeyValueJson(w, e);
        }
        w.EndArray();
      }
      w.EndObject();
      break;
    case AnyValue::kBytesValue:
      w.Key("bytesValue");
      w.String(Base64Encode(v.bytes_value()));
      break;
    case AnyValue::kStringValueStrindex:
      w.Key("stringValueStrindex");
      w.Int(v.string_value_strindex());
      break;
    case AnyValue::VALUE_NOT_SET:
      break;
  }
  w.EndObject();
}

void WriteKeyValueJson(JsonWriter& w, const KeyValue& kv) {
  w.BeginObject();
  StringField(w, "key", kv.key());
  if (kv.has_value()) {
    w.Key("value");
    WriteAnyValueJson(w, kv.value());
  }
  if (kv.key_strindex() != 0) {
    w.Key("keyStrindex");
    w.Int(kv.key_strindex());
  }
  w.EndObject();
}

void WriteTraceJson(JsonWriter& w, const tempopb::Trace& trace, std::string_view root_key) {
  w.BeginObject();
  if (!trace.resourcespans().empty()) {
    w.Key(root_key);
    w.BeginArray();
    for (const ResourceSpans& rs : trace.resourcespans()) {
      w.BeginObject();
      if (rs.has_resource()) {
        w.Key("resource");
        WriteResource(w, rs.resource());
      }
      if (!rs.scope_spans().empty()) {
        w.Key("scopeSpans");
        w.BeginArray();
        for (const ScopeSpans& ss : rs.scope_spans()) {
          w.BeginObject();
          if (ss.has_scope()) {
            w.Key("scope");
            WriteScope(w, ss.scope());
          }
          if (!ss.spans().empty()) {
            w.Key("spans");
            w.BeginArray();
            for (const Span& s : ss.spans()) {
              WriteSpan(w, s);
            }
            w.EndArray();
          }
          StringField(w, "schemaUrl", ss.schema_url());
          w.EndObject();
        }
        w.EndArray();
      }
      StringField(w, "schemaUrl", rs.schema_url());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace vivace::model
