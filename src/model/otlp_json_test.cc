#include "model/otlp_json.h"

#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/hex.h"
#include "common/json_writer.h"
#include "model/otlp_schema.h"
#include "model/regroup.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "tests/support/trace_builder.h"

namespace vivace::model {
namespace {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::trace::v1::Span;
using ::testing::HasSubstr;
using ExportRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// ---------------------------------------------------------------------------------------------
// A test-side OTLP/JSON writer, with the variations senders (and the lenient decoder) use.

struct JsonStyle {
  bool snake = false;          // snake_case keys instead of lowerCamelCase
  bool enum_names = false;     // "SPAN_KIND_SERVER" instead of 2
  bool int64_numbers = false;  // *UnixNano and intValue as JSON numbers instead of strings
  bool int32_strings = false;  // dropped counts and flags as strings
  bool upper_hex = false;      // IDs in upper-case hex
  bool legacy_scope = false;   // deprecatedScopeSpans instead of scopeSpans
};

class OtlpJsonWriter {
 public:
  OtlpJsonWriter(std::string* out, const JsonStyle& style) : w_(out), s_(style) {}

  void Request(const ExportRequest& r) {
    w_.BeginObject();
    Key("resourceSpans", "resource_spans");
    w_.BeginArray();
    for (const auto& rs : r.resource_spans()) {
      w_.BeginObject();
      if (rs.has_resource()) {
        Key("resource", "resource");
        w_.BeginObject();
        Attributes(rs.resource().attributes());
        U32("droppedAttributesCount", "dropped_attributes_count",
            rs.resource().dropped_attributes_count());
        if (!rs.resource().entity_refs().empty()) {
          Key("entityRefs", "entity_refs");
          w_.BeginArray();
          for (const auto& e : rs.resource().entity_refs()) {
            w_.BeginObject();
            Str("schemaUrl", "schema_url", e.schema_url());
            Str("type", "type", e.type());
            Key("idKeys", "id_keys");
            w_.BeginArray();
            for (const auto& k : e.id_keys()) {
              w_.String(k);
            }
            w_.EndArray();
            Key("descriptionKeys", "description_keys");
            w_.BeginArray();
            for (const auto& k : e.description_keys()) {
              w_.String(k);
            }
            w_.EndArray();
            w_.EndObject();
          }
          w_.EndArray();
        }
        w_.EndObject();
      }
      if (s_.legacy_scope) {
        Key("deprecatedScopeSpans", "deprecated_scope_spans");
      } else {
        Key("scopeSpans", "scope_spans");
      }
      w_.BeginArray();
      for (const auto& ss : rs.scope_spans()) {
        ScopeSpans(ss);
      }
      w_.EndArray();
      Str("schemaUrl", "schema_url", rs.schema_url());
      w_.EndObject();
    }
    w_.EndArray();
    w_.EndObject();
  }

 private:
  void Key(std::string_view camel, std::string_view snake) { w_.Key(s_.snake ? snake : camel); }

  void Str(std::string_view camel, std::string_view snake, const std::string& v) {
    if (!v.empty()) {
      Key(camel, snake);
      w_.String(v);
    }
  }

  void Id(std::string_view camel, std::string_view snake, const std::string& id) {
    if (id.empty()) {
      return;
    }
    std::string hex = HexEncode(id);
    if (s_.upper_hex) {
      for (char& c : hex) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    Key(camel, snake);
    w_.String(hex);
  }

  void U32(std::string_view camel, std::string_view snake, uint32_t v) {
    if (v == 0) {
      return;
    }
    Key(camel, snake);
    if (s_.int32_strings) {
      w_.String(std::to_string(v));
    } else {
      w_.Uint(v);
    }
  }

  void U64(std::string_view camel, std::string_view snake, uint64_t v) {
    if (v == 0) {
      return;
    }
    Key(camel, snake);
    if (s_.int64_numbers) {
      w_.Uint(v);
    } else {
      w_.Uint64String(v);
    }
  }

  void Enum(std::string_view key, int v, std::string_view name) {
    if (v == 0) {
      return;
    }
    w_.Key(key);
    if (s_.enum_names) {
      w_.String(name);
    } else {
      w_.Int(v);
    }
  }

  void ScopeSpans(const opentelemetry::proto::trace::v1::ScopeSpans& ss) {
    w_.BeginObject();
    if (ss.has_scope()) {
      Key("scope", "scope");
      w_.BeginObject();
      Str("name", "name", ss.scope().name());
      Str("version", "version", ss.scope().version());
      Attributes(ss.scope().attributes());
      U32("droppedAttributesCount", "dropped_attributes_count",
          ss.scope().dropped_attributes_count());
      w_.EndObject();
    }
    Key("spans", "spans");
    w_.BeginArray();
    for (const Span& span : ss.spans()) {
      WriteSpan(span);
    }
    w_.EndArray();
    Str("schemaUrl", "schema_url", ss.schema_url());
    w_.EndObject();
  }

  void WriteSpan(const Span& s) {
    static constexpr std::string_view kKinds[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL",
                                                  "SPAN_KIND_SERVER",      "SPAN_KIND_CLIENT",
                                                  "SPAN_KIND_PRODUCER",    "SPAN_KIND_CONSUMER"};
    static constexpr std::string_view kCodes[] = {"STATUS_CODE_UNSET", "STATUS_CODE_OK",
                                                  "STATUS_CODE_ERROR"};
    w_.BeginObject();
    Id("traceId", "trace_id", s.trace_id());
    Id("spanId", "span_id", s.span_id());
    Str("traceState", "trace_state", s.trace_state());
    Id("parentSpanId", "parent_span_id", s.parent_span_id());
    U32("flags", "flags", s.flags());
    Str("name", "name", s.name());
    Enum("kind", s.kind(), kKinds[s.kind()]);
    U64("startTimeUnixNano", "start_time_unix_nano", s.start_time_unix_nano());
    U64("endTimeUnixNano", "end_time_unix_nano", s.end_time_unix_nano());
    Attributes(s.attributes());
    U32("droppedAttributesCount", "dropped_attributes_count", s.dropped_attributes_count());
    Key("events", "events");
    w_.BeginArray();
    for (const auto& e : s.events()) {
      w_.BeginObject();
      U64("timeUnixNano", "time_unix_nano", e.time_unix_nano());
      Str("name", "name", e.name());
      Attributes(e.attributes());
      U32("droppedAttributesCount", "dropped_attributes_count", e.dropped_attributes_count());
      w_.EndObject();
    }
    w_.EndArray();
    U32("droppedEventsCount", "dropped_events_count", s.dropped_events_count());
    Key("links", "links");
    w_.BeginArray();
    for (const auto& l : s.links()) {
      w_.BeginObject();
      Id("traceId", "trace_id", l.trace_id());
      Id("spanId", "span_id", l.span_id());
      Str("traceState", "trace_state", l.trace_state());
      Attributes(l.attributes());
      U32("droppedAttributesCount", "dropped_attributes_count", l.dropped_attributes_count());
      U32("flags", "flags", l.flags());
      w_.EndObject();
    }
    w_.EndArray();
    U32("droppedLinksCount", "dropped_links_count", s.dropped_links_count());
    if (s.has_status()) {
      w_.Key("status");
      w_.BeginObject();
      Str("message", "message", s.status().message());
      Enum("code", s.status().code(), kCodes[s.status().code()]);
      w_.EndObject();
    }
    w_.EndObject();
  }

  template <typename Repeated>
  void Attributes(const Repeated& attrs) {
    if (attrs.empty()) {
      return;
    }
    w_.Key("attributes");
    w_.BeginArray();
    for (const KeyValue& kv : attrs) {
      WriteKeyValue(kv);
    }
    w_.EndArray();
  }

  void WriteKeyValue(const KeyValue& kv) {
    w_.BeginObject();
    w_.Key("key");
    w_.String(kv.key());
    if (kv.has_value()) {
      w_.Key("value");
      WriteAnyValue(kv.value());
    }
    w_.EndObject();
  }

  void WriteAnyValue(const AnyValue& v) {
    w_.BeginObject();
    switch (v.value_case()) {
      case AnyValue::kStringValue:
        Key("stringValue", "string_value");
        w_.String(v.string_value());
        break;
      case AnyValue::kBoolValue:
        Key("boolValue", "bool_value");
        w_.Bool(v.bool_value());
        break;
      case AnyValue::kIntValue:
        Key("intValue", "int_value");
        if (s_.int64_numbers) {
          w_.Int(v.int_value());
        } else {
          w_.Int64String(v.int_value());
        }
        break;
      case AnyValue::kDoubleValue:
        Key("doubleValue", "double_value");
        w_.Double(v.double_value());
        break;
      case AnyValue::kArrayValue:
        Key("arrayValue", "array_value");
        w_.BeginObject();
        w_.Key("values");
        w_.BeginArray();
        for (const AnyValue& e : v.array_value().values()) {
          WriteAnyValue(e);
        }
        w_.EndArray();
        w_.EndObject();
        break;
      case AnyValue::kKvlistValue:
        Key("kvlistValue", "kvlist_value");
        w_.BeginObject();
        w_.Key("values");
        w_.BeginArray();
        for (const KeyValue& e : v.kvlist_value().values()) {
          WriteKeyValue(e);
        }
        w_.EndArray();
        w_.EndObject();
        break;
      case AnyValue::kBytesValue:
        Key("bytesValue", "bytes_value");
        w_.String(Base64Encode(v.bytes_value()));
        break;
      default:
        break;
    }
    w_.EndObject();
  }

  JsonWriter w_;
  JsonStyle s_;
};

std::string ToJson(const ExportRequest& r, const JsonStyle& style = {}) {
  std::string out;
  OtlpJsonWriter(&out, style).Request(r);
  return out;
}

ExportRequest Decode(std::string_view json) {
  auto bytes = OtlpJsonToProtobuf(json);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  ExportRequest req;
  if (bytes.ok()) {
    EXPECT_TRUE(req.ParseFromString(*bytes));
  }
  return req;
}

std::string DecodeError(std::string_view json) {
  auto bytes = OtlpJsonToProtobuf(json);
  EXPECT_FALSE(bytes.ok()) << "accepted: " << json.substr(0, 200);
  if (bytes.ok()) {
    return "";
  }
  EXPECT_EQ(bytes.status().code(), Code::kInvalidArgument);
  return std::string(bytes.status().message());
}

// Decodes, checks that the scanner accepts the result, and returns its span count.
uint32_t ScanSpans(std::string_view json) {
  auto bytes = OtlpJsonToProtobuf(json);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (!bytes.ok()) {
    return 0;
  }
  auto scan = ScanExportRequest(*bytes, {});
  EXPECT_TRUE(scan.ok()) << scan.status().ToString();
  if (!scan.ok()) {
    return 0;
  }
  EXPECT_TRUE(scan->id_error().ok()) << scan->id_error().ToString();
  return scan->span_count();
}

void ExpectSameRequest(const ExportRequest& want, const ExportRequest& got) {
  std::string diff;
  google::protobuf::util::MessageDifferencer d;
  d.ReportDifferencesToString(&diff);
  EXPECT_TRUE(d.Compare(want, got)) << diff;
}

// A request exercising every field: the builder's trace plus dropped counts, schema URLs,
// entity refs, scope and link attributes, flags and an unset-status span.
ExportRequest RichRequest() {
  ExportRequest r = testing::MakeTrace({.seed = 3, .spans = 4});
  testing::AppendTrace(&r, {.seed = 4, .spans = 2, .service = "cart"});
  auto* rs = r.mutable_resource_spans(0);
  rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  rs->mutable_resource()->set_dropped_attributes_count(2);
  auto* ref = rs->mutable_resource()->add_entity_refs();
  ref->set_schema_url("https://example.com/s");
  ref->set_type("service");
  ref->add_id_keys("service.name");
  ref->add_id_keys("service.namespace");
  ref->add_description_keys("k8s.namespace.name");
  auto* ss = rs->mutable_scope_spans(0);
  ss->set_schema_url("https://opentelemetry.io/schemas/1.20.0");
  auto* sattr = ss->mutable_scope()->add_attributes();
  sattr->set_key("scope.attr");
  sattr->mutable_value()->set_int_value(-42);
  ss->mutable_scope()->set_dropped_attributes_count(1);
  Span* s = ss->mutable_spans(1);
  s->set_trace_state("vendor=1,other=2");
  s->set_dropped_attributes_count(3);
  s->set_dropped_events_count(4);
  s->set_dropped_links_count(5);
  s->mutable_events(0)->set_dropped_attributes_count(6);
  auto* link = s->mutable_links(0);
  link->set_flags(0x301);
  link->set_dropped_attributes_count(7);
  auto* lattr = link->add_attributes();
  lattr->set_key("link.kind");
  lattr->mutable_value()->set_string_value("follows");
  s->set_kind(Span::SPAN_KIND_CONSUMER);
  ss->mutable_spans(2)->mutable_status()->set_code(
      opentelemetry::proto::trace::v1::Status::STATUS_CODE_OK);
  // Zero values inside a oneof must survive: they carry the attribute's type.
  auto* zero = s->add_attributes();
  zero->set_key("zero.int");
  zero->mutable_value()->set_int_value(0);
  auto* empty_str = s->add_attributes();
  empty_str->set_key("empty.string");
  empty_str->mutable_value()->set_string_value("");
  auto* no_value = s->add_attributes();
  no_value->set_key("no.value");
  auto* empty_any = s->add_attributes();
  empty_any->set_key("empty.any");
  empty_any->mutable_value();
  auto* f = s->add_attributes();
  f->set_key("false");
  f->mutable_value()->set_bool_value(false);
  auto* min = s->add_attributes();
  min->set_key("int.min");
  min->mutable_value()->set_int_value(INT64_MIN);
  auto* big = s->add_attributes();
  big->set_key("long.string");
  big->mutable_value()->set_string_value(std::string(300, 'x'));  // a 2-byte length
  return r;
}

// A request with two spans, the second with `fields` (a JSON object body).
std::string SpanJson(std::string_view fields) {
  return fmt::format(
      R"({{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"name":"a"}},{{{}}}]}}]}}]}})", fields);
}

// ---------------------------------------------------------------------------------------------

TEST(OtlpJsonTest, DecodesSpecExample) {
  // spec/ingest.md §2.6 (from Tempo's pushing-spans-with-http docs).
  constexpr std::string_view kJson =
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"lib","version":"1.0.0"},"spans":[{"traceId":"5B8EFFF798038103D269B633813FC700","spanId":"EEE19B7EC3C1B100","name":"op","startTimeUnixNano":1689969302000000000,"endTimeUnixNano":1689970000000000000,"kind":2}]}]}]})";
  ExportRequest r = Decode(kJson);
  ASSERT_EQ(r.resource_spans_size(), 1);
  const auto& rs = r.resource_spans(0);
  ASSERT_EQ(rs.resource().attributes_size(), 1);
  EXPECT_EQ(rs.resource().attributes(0).key(), "service.name");
  EXPECT_EQ(rs.resource().attributes(0).value().string_value(), "svc");
  ASSERT_EQ(rs.scope_spans_size(), 1);
  EXPECT_EQ(rs.scope_spans(0).scope().name(), "lib");
  EXPECT_EQ(rs.scope_spans(0).scope().version(), "1.0.0");
  ASSERT_EQ(rs.scope_spans(0).spans_size(), 1);
  const Span& s = rs.scope_spans(0).spans(0);
  EXPECT_EQ(HexEncode(s.trace_id()), "5b8efff798038103d269b633813fc700");
  EXPECT_EQ(HexEncode(s.span_id()), "eee19b7ec3c1b100");
  EXPECT_TRUE(s.parent_span_id().empty());
  EXPECT_EQ(s.name(), "op");
  EXPECT_EQ(s.start_time_unix_nano(), 1689969302000000000u);
  EXPECT_EQ(s.end_time_unix_nano(), 1689970000000000000u);
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(ScanSpans(kJson), 1u);
}

TEST(OtlpJsonTest, DecodesJsSdkShape) {
  // What @opentelemetry/exporter-trace-otlp-http 0.223 sends (spec/test-peers.md §8): hex IDs,
  // numeric kind and status code, *UnixNano as strings, intValue as a JSON number, flags 257,
  // zero dropped counts and empty arrays written out, no parentSpanId on the root.
  constexpr std::string_view kJson = R"({"resourceSpans":[{"resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"x"}},
    {"key":"telemetry.sdk.language","value":{"stringValue":"nodejs"}},
    {"key":"telemetry.sdk.version","value":{"stringValue":"2.12.1"}}],"droppedAttributesCount":0},
   "scopeSpans":[{"scope":{"name":"checkout","version":"1.0.0"},"spans":[
    {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"GET /cart",
     "kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000250000000",
     "attributes":[{"key":"http.status_code","value":{"intValue":200}},
                   {"key":"http.route","value":{"stringValue":"/cart"}}],
     "droppedAttributesCount":0,"events":[],"droppedEventsCount":0,
     "status":{"code":0},"links":[],"droppedLinksCount":0,"flags":257},
    {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"1a2b3c4d5e6f7081",
     "parentSpanId":"00f067aa0ba902b7","name":"db","kind":3,
     "startTimeUnixNano":"1700000000010000000","endTimeUnixNano":"1700000000200000000",
     "attributes":[],"droppedAttributesCount":0,
     "events":[{"attributes":[{"key":"exception.message","value":{"stringValue":"boom"}}],
                "name":"exception","timeUnixNano":"1700000000100000000","droppedAttributesCount":0}],
     "droppedEventsCount":0,"status":{"code":2,"message":"boom"},"links":[],
     "droppedLinksCount":0,"flags":257}]}]}]})";
  ExportRequest r = Decode(kJson);
  ASSERT_EQ(r.resource_spans_size(), 1);
  const auto& ss = r.resource_spans(0).scope_spans(0);
  ASSERT_EQ(ss.spans_size(), 2);
  const Span& root = ss.spans(0);
  EXPECT_EQ(HexEncode(root.trace_id()), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(root.parent_span_id().empty());
  EXPECT_EQ(root.flags(), 257u);
  EXPECT_EQ(root.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(root.start_time_unix_nano(), 1700000000000000000u);
  EXPECT_EQ(root.attributes(0).value().int_value(), 200);
  EXPECT_EQ(root.attributes(1).value().string_value(), "/cart");
  EXPECT_TRUE(root.has_status());
  EXPECT_EQ(root.status().code(), 0);
  const Span& child = ss.spans(1);
  EXPECT_EQ(HexEncode(child.parent_span_id()), "00f067aa0ba902b7");
  EXPECT_EQ(child.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(child.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(child.status().message(), "boom");
  ASSERT_EQ(child.events_size(), 1);
  EXPECT_EQ(child.events(0).name(), "exception");
  EXPECT_EQ(child.events(0).time_unix_nano(), 1700000000100000000u);
  EXPECT_EQ(child.events(0).attributes(0).value().string_value(), "boom");
  EXPECT_EQ(ScanSpans(kJson), 2u);
}

class OtlpJsonRoundTripTest : public ::testing::TestWithParam<JsonStyle> {};

TEST_P(OtlpJsonRoundTripTest, RoundTripsEveryField) {
  ExportRequest want = RichRequest();
  std::string json = ToJson(want, GetParam());
  ExportRequest got = Decode(json);
  if (GetParam().legacy_scope) {
    // Legacy field 1000 is emitted as such; the scanner migrates it.
    for (int i = 0; i < got.resource_spans_size(); ++i) {
      auto* rs = got.mutable_resource_spans(i);
      EXPECT_EQ(rs->scope_spans_size(), 0);
      rs->mutable_scope_spans()->Swap(rs->mutable_deprecated_scope_spans());
    }
  }
  ExpectSameRequest(want, got);
  uint32_t spans = 0;
  for (const auto& rs : want.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      spans += static_cast<uint32_t>(ss.spans_size());
    }
  }
  EXPECT_EQ(ScanSpans(json), spans);
  auto bytes = OtlpJsonToProtobuf(json);
  ASSERT_TRUE(bytes.ok());
  auto scan = ScanExportRequest(*bytes, {});
  ASSERT_TRUE(scan.ok());
  RegroupedBatch batch = scan->Regroup();
  EXPECT_EQ(batch.span_count, spans);
  EXPECT_EQ(batch.traces.size(), 2u);
  if (!GetParam().legacy_scope) {
    // Canonical encoding: byte-identical to what protobuf itself writes (same field order).
    EXPECT_EQ(bytes->size(), want.ByteSizeLong());
  }
}

INSTANTIATE_TEST_SUITE_P(Styles, OtlpJsonRoundTripTest,
                         ::testing::Values(JsonStyle{}, JsonStyle{.snake = true},
                                           JsonStyle{.enum_names = true},
                                           JsonStyle{.int64_numbers = true, .int32_strings = true},
                                           JsonStyle{.upper_hex = true},
                                           JsonStyle{.legacy_scope = true},
                                           JsonStyle{.snake = true,
                                                     .enum_names = true,
                                                     .int64_numbers = true,
                                                     .int32_strings = true,
                                                     .upper_hex = true,
                                                     .legacy_scope = true}));

TEST(OtlpJsonTest, RoundTripsLargeRequestThroughTemporaryParser) {
  // Over the per-thread parser's retention limit, with a ScopeSpans longer than 2 MiB (a 4-byte
  // length where 3 were reserved).
  ExportRequest want = testing::MakeTrace({.seed = 9, .spans = 8000});
  std::string json = ToJson(want);
  ASSERT_GT(json.size(), 5u << 20);
  ExpectSameRequest(want, Decode(json));
  EXPECT_EQ(ScanSpans(json), 8000u);
}

TEST(OtlpJsonTest, AcceptsSnakeCaseKeys) {
  constexpr std::string_view kJson = R"({"resource_spans":[{"scope_spans":[{"spans":[
    {"trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"0102030405060708",
     "parent_span_id":"1112131415161718","trace_state":"a=b","start_time_unix_nano":"5",
     "end_time_unix_nano":"6","dropped_attributes_count":1,"dropped_events_count":2,
     "dropped_links_count":3,"attributes":[{"key":"k","value":{"int_value":"7"}},
     {"key":"d","value":{"double_value":1.5}},{"key":"b","value":{"bool_value":true}},
     {"key":"y","value":{"bytes_value":"AQI="}},{"key":"s","value":{"string_value":"v"}},
     {"key":"a","value":{"array_value":{"values":[{"int_value":1}]}}},
     {"key":"l","value":{"kvlist_value":{"values":[{"key":"i","value":{"string_value":"j"}}]}}}],
     "events":[{"time_unix_nano":"9","name":"e","dropped_attributes_count":4}],
     "links":[{"trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"0102030405060709",
               "trace_state":"x=y","dropped_attributes_count":5,"flags":1}]}],
    "schema_url":"s1"}],"schema_url":"s2"}]})";
  ExportRequest r = Decode(kJson);
  EXPECT_EQ(r.resource_spans(0).schema_url(), "s2");
  EXPECT_EQ(r.resource_spans(0).scope_spans(0).schema_url(), "s1");
  const Span& s = r.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(HexEncode(s.parent_span_id()), "1112131415161718");
  EXPECT_EQ(s.trace_state(), "a=b");
  EXPECT_EQ(s.start_time_unix_nano(), 5u);
  EXPECT_EQ(s.end_time_unix_nano(), 6u);
  EXPECT_EQ(s.dropped_attributes_count(), 1u);
  EXPECT_EQ(s.dropped_events_count(), 2u);
  EXPECT_EQ(s.dropped_links_count(), 3u);
  ASSERT_EQ(s.attributes_size(), 7);
  EXPECT_EQ(s.attributes(0).value().int_value(), 7);
  EXPECT_EQ(s.attributes(1).value().double_value(), 1.5);
  EXPECT_TRUE(s.attributes(2).value().bool_value());
  EXPECT_EQ(s.attributes(3).value().bytes_value(), std::string("\x01\x02", 2));
  EXPECT_EQ(s.attributes(4).value().string_value(), "v");
  EXPECT_EQ(s.attributes(5).value().array_value().values(0).int_value(), 1);
  EXPECT_EQ(s.attributes(6).value().kvlist_value().values(0).value().string_value(), "j");
  EXPECT_EQ(s.events(0).time_unix_nano(), 9u);
  EXPECT_EQ(s.events(0).dropped_attributes_count(), 4u);
  EXPECT_EQ(s.links(0).trace_state(), "x=y");
  EXPECT_EQ(s.links(0).dropped_attributes_count(), 5u);
  EXPECT_EQ(s.links(0).flags(), 1u);
}

TEST(OtlpJsonTest, AcceptsEnumNamesAndNumbers) {
  auto span = [](std::string_view kind, std::string_view code) {
    return Decode(fmt::format(R"({{"resourceSpans":[{{"scopeSpans":[{{"spans":[
        {{"kind":{},"status":{{"code":{}}}}}]}}]}}]}})",
                              kind, code))
        .resource_spans(0)
        .scope_spans(0)
        .spans(0);
  };
  EXPECT_EQ(span(R"("SPAN_KIND_UNSPECIFIED")", R"("STATUS_CODE_UNSET")").kind(), 0);
  EXPECT_EQ(span(R"("SPAN_KIND_INTERNAL")", "0").kind(), 1);
  EXPECT_EQ(span(R"("SPAN_KIND_SERVER")", "0").kind(), 2);
  EXPECT_EQ(span(R"("SPAN_KIND_CLIENT")", "0").kind(), 3);
  EXPECT_EQ(span(R"("SPAN_KIND_PRODUCER")", "0").kind(), 4);
  EXPECT_EQ(span(R"("SPAN_KIND_CONSUMER")", "0").kind(), 5);
  EXPECT_EQ(span("0", R"("STATUS_CODE_OK")").status().code(), 1);
  EXPECT_EQ(span("0", R"("STATUS_CODE_ERROR")").status().code(), 2);
  EXPECT_EQ(span("4", "2").kind(), 4);
  // Proto3 enums are open: unknown numbers are kept.
  EXPECT_EQ(static_cast<int>(span("9", "7").kind()), 9);
  EXPECT_EQ(static_cast<int>(span("-1", "0").kind()), -1);
}

TEST(OtlpJsonTest, DecodesEveryAnyValueType) {
  constexpr std::string_view kJson = R"({"resourceSpans":[{"resource":{"attributes":[
    {"key":"s","value":{"stringValue":"héllo \"q\" \u00e9\n"}},
    {"key":"b","value":{"boolValue":false}},
    {"key":"i","value":{"intValue":"-9223372036854775808"}},
    {"key":"i2","value":{"intValue":9223372036854775807}},
    {"key":"i3","value":{"intValue":"+12"}},
    {"key":"i4","value":{"intValue":3e2}},
    {"key":"d","value":{"doubleValue":-2.5e-3}},
    {"key":"d2","value":{"doubleValue":"NaN"}},
    {"key":"d3","value":{"doubleValue":"Infinity"}},
    {"key":"d4","value":{"doubleValue":"-Infinity"}},
    {"key":"d5","value":{"doubleValue":"1.25"}},
    {"key":"d6","value":{"doubleValue":7}},
    {"key":"by","value":{"bytesValue":"AP8+/w=="}},
    {"key":"by2","value":{"bytesValue":"AP8-_w"}},
    {"key":"by3","value":{"bytesValue":""}},
    {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":1},
       {"arrayValue":{"values":[{"boolValue":true},{}]}},
       {"kvlistValue":{"values":[{"key":"deep","value":{"arrayValue":{"values":[{"doubleValue":0}]}}}]}}]}}},
    {"key":"kv","value":{"kvlistValue":{"values":[{"key":"x","value":{"intValue":"5"}},{"key":"empty"}]}}},
    {"key":"emptyarr","value":{"arrayValue":{}}},
    {"key":"emptykv","value":{"kvlistValue":{"values":[]}}},
    {"key":"none","value":{}},
    {"key":"strindex","value":{"stringValueStrindex":3}}]}}]})";
  ExportRequest r = Decode(kJson);
  const auto& a = r.resource_spans(0).resource().attributes();
  ASSERT_EQ(a.size(), 21);
  EXPECT_EQ(a[0].value().string_value(), "héllo \"q\" \u00e9\n");
  EXPECT_EQ(a[1].value().value_case(), AnyValue::kBoolValue);
  EXPECT_FALSE(a[1].value().bool_value());
  EXPECT_EQ(a[2].value().int_value(), INT64_MIN);
  EXPECT_EQ(a[3].value().int_value(), INT64_MAX);
  EXPECT_EQ(a[4].value().int_value(), 12);
  EXPECT_EQ(a[5].value().int_value(), 300);
  EXPECT_EQ(a[6].value().double_value(), -2.5e-3);
  EXPECT_TRUE(std::isnan(a[7].value().double_value()));
  EXPECT_EQ(a[8].value().double_value(), INFINITY);
  EXPECT_EQ(a[9].value().double_value(), -INFINITY);
  EXPECT_EQ(a[10].value().double_value(), 1.25);
  EXPECT_EQ(a[11].value().double_value(), 7.0);
  EXPECT_EQ(a[12].value().bytes_value(), std::string("\x00\xff\x3e\xff", 4));
  EXPECT_EQ(a[13].value().bytes_value(), std::string("\x00\xff\x3e\xff", 4));  // URL-safe
  EXPECT_EQ(a[14].value().value_case(), AnyValue::kBytesValue);
  const auto& arr = a[15].value().array_value().values();
  ASSERT_EQ(arr.size(), 4);
  EXPECT_EQ(arr[0].string_value(), "a");
  EXPECT_EQ(arr[1].int_value(), 1);
  EXPECT_TRUE(arr[2].array_value().values(0).bool_value());
  EXPECT_EQ(arr[2].array_value().values(1).value_case(), AnyValue::VALUE_NOT_SET);
  const auto& deep = arr[3].kvlist_value().values(0);
  EXPECT_EQ(deep.key(), "deep");
  EXPECT_EQ(deep.value().array_value().values(0).value_case(), AnyValue::kDoubleValue);
  EXPECT_EQ(a[16].value().kvlist_value().values(0).value().int_value(), 5);
  EXPECT_FALSE(a[16].value().kvlist_value().values(1).has_value());
  EXPECT_EQ(a[17].value().value_case(), AnyValue::kArrayValue);
  EXPECT_EQ(a[18].value().value_case(), AnyValue::kKvlistValue);
  EXPECT_TRUE(a[19].has_value());
  EXPECT_EQ(a[19].value().value_case(), AnyValue::VALUE_NOT_SET);
  EXPECT_EQ(a[20].value().string_value_strindex(), 3);
}

TEST(OtlpJsonTest, NullMeansAbsentAndUnknownKeysAreSkipped) {
  constexpr std::string_view kJson = R"({"unknown":{"a":[1,{"b":null}]},"resourceSpans":[null,
    {"resource":null,"scopeSpans":[{"scope":null,"spans":[null,{"traceId":null,"name":null,
      "kind":null,"flags":null,"attributes":null,"events":[null],"status":null,
      "startTimeUnixNano":null,"extra":[[[{"x":true}]]],"more":-1.5e300,"str":"s"}],
      "schemaUrl":null,"foo":7}],"bar":false,"deprecatedScopeSpans":null}],"baz":"q"})";
  ExportRequest r = Decode(kJson);
  ASSERT_EQ(r.resource_spans_size(), 2);
  EXPECT_FALSE(r.resource_spans(0).has_resource());
  EXPECT_FALSE(r.resource_spans(1).has_resource());
  const auto& ss = r.resource_spans(1).scope_spans(0);
  EXPECT_FALSE(ss.has_scope());
  ASSERT_EQ(ss.spans_size(), 2);
  const Span& s = ss.spans(1);
  EXPECT_TRUE(s.trace_id().empty());
  EXPECT_FALSE(s.has_status());
  EXPECT_EQ(s.events_size(), 1);
  EXPECT_EQ(Decode("null").resource_spans_size(), 0);
  EXPECT_EQ(Decode("{}").resource_spans_size(), 0);
  EXPECT_EQ(Decode(R"({"resourceSpans":[]})").resource_spans_size(), 0);
}

TEST(OtlpJsonTest, EmptyIdsAreAbsent) {
  Span s = Decode(R"({"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"","spanId":"","parentSpanId":""}]}]}]})")
               .resource_spans(0)
               .scope_spans(0)
               .spans(0);
  EXPECT_TRUE(s.trace_id().empty());
  EXPECT_TRUE(s.span_id().empty());
  // ...which the scanner then rejects with Tempo's message.
  auto bytes = OtlpJsonToProtobuf(
      std::string_view(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{}]}]}]})"));
  ASSERT_TRUE(bytes.ok());
  auto scan = ScanExportRequest(*bytes, {});
  ASSERT_TRUE(scan.ok());
  EXPECT_THAT(std::string(scan->id_error().message()), HasSubstr("trace ids must be 128 bit"));
}

TEST(OtlpJsonTest, AcceptsLenientNumbers) {
  Span s = Decode(R"({"resourceSpans":[{"scopeSpans":[{"spans":[
      {"startTimeUnixNano":1.7e18,"endTimeUnixNano":"18446744073709551615",
       "droppedAttributesCount":"4294967295","droppedEventsCount":2.0,"flags":"257",
       "kind":2.0}]}]}]})")
               .resource_spans(0)
               .scope_spans(0)
               .spans(0);
  EXPECT_EQ(s.start_time_unix_nano(), 1700000000000000000u);
  EXPECT_EQ(s.end_time_unix_nano(), UINT64_MAX);
  EXPECT_EQ(s.dropped_attributes_count(), UINT32_MAX);
  EXPECT_EQ(s.dropped_events_count(), 2u);
  EXPECT_EQ(s.flags(), 257u);
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_SERVER);
  // Leading zeros do not count against the 20-digit limit.
  EXPECT_EQ(Decode(SpanJson(R"("startTimeUnixNano":"000000000000000000000000042")"))
                .resource_spans(0)
                .scope_spans(0)
                .spans(1)
                .start_time_unix_nano(),
            42u);
}

TEST(OtlpJsonTest, LegacyScopeSpansBecomeField1000) {
  constexpr std::string_view kJson = R"({"resourceSpans":[{"deprecated_scope_spans":[{"spans":[
      {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}]}]},
      {"deprecatedScopeSpans":[{"spans":[
      {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060709"}]}]}]})";
  ExportRequest r = Decode(kJson);
  ASSERT_EQ(r.resource_spans_size(), 2);
  EXPECT_EQ(r.resource_spans(0).scope_spans_size(), 0);
  EXPECT_EQ(r.resource_spans(0).deprecated_scope_spans(0).spans_size(), 1);
  EXPECT_EQ(r.resource_spans(1).deprecated_scope_spans(0).spans_size(), 1);
  EXPECT_EQ(ScanSpans(kJson), 2u);
}

TEST(OtlpJsonTest, AcceptsEscapedKeys) {
  // Keys are compared after unescaping, as Go's decoder does.
  Span s = Decode(R"({"resource\u0053pans":[{"scopeSpans":[{"spans":[{"n\u0061me":"x"}]}]}]})")
               .resource_spans(0)
               .scope_spans(0)
               .spans(0);
  EXPECT_EQ(s.name(), "x");
}

// ---------------------------------------------------------------------------------------------
// Errors.

TEST(OtlpJsonTest, RejectsBadIds) {
  EXPECT_EQ(DecodeError(SpanJson(R"("traceId":"zz")")),
            "invalid span.traceId \"zz\": not a hex string "
            "(at resourceSpans[0].scopeSpans[0].spans[1])");
  EXPECT_EQ(DecodeError(SpanJson(R"("traceId":"abcd")")),
            "invalid span.traceId \"abcd\": must be 16 bytes (32 hex digits), got 2 bytes "
            "(at resourceSpans[0].scopeSpans[0].spans[1])");
  EXPECT_THAT(DecodeError(SpanJson(R"("traceId":"0102030405060708090a0b0c0d0e0f1g")")),
              HasSubstr("not a hex string"));
  EXPECT_THAT(DecodeError(SpanJson(R"("traceId":"0102030405060708090a0b0c0d0e0f1")")),
              HasSubstr("not a hex string"));  // odd length
  EXPECT_THAT(DecodeError(SpanJson(R"("spanId":"0102030405060708090a0b0c0d0e0f10")")),
              HasSubstr("invalid span.spanId \"0102030405060708090a0b0c0d0e0f10\": must be 8 "
                        "bytes (16 hex digits), got 16 bytes"));
  EXPECT_THAT(DecodeError(SpanJson(R"("parentSpanId":"01020304")")),
              HasSubstr("invalid span.parentSpanId \"01020304\": must be 8 bytes"));
  // Base64 IDs (the proto3 JSON default) are refused, as by the collector.
  EXPECT_THAT(DecodeError(SpanJson(R"("traceId":"AQIDBAUGBwgJCgsMDQ4PEA==")")),
              HasSubstr("invalid span.traceId"));
  EXPECT_THAT(DecodeError(SpanJson(R"("traceId":5)")),
              HasSubstr("invalid span.traceId: expected a hex string, got a number"));
  EXPECT_THAT(DecodeError(SpanJson(R"("links":[{"traceId":"0102"}])")),
              HasSubstr("invalid link.traceId \"0102\": must be 16 bytes (32 hex digits), got 2 "
                        "bytes (at resourceSpans[0].scopeSpans[0].spans[1].links[0])"));
  EXPECT_THAT(DecodeError(SpanJson(R"("links":[{"spanId":"xx"}])")),
              HasSubstr("invalid link.spanId \"xx\": not a hex string"));
}

TEST(OtlpJsonTest, RejectsUnknownEnumNames) {
  EXPECT_EQ(DecodeError(SpanJson(R"("kind":"SPAN_KIND_BOGUS")")),
            "invalid span.kind \"SPAN_KIND_BOGUS\": unknown enum name "
            "(at resourceSpans[0].scopeSpans[0].spans[1])");
  EXPECT_THAT(DecodeError(SpanJson(R"("kind":"server")")), HasSubstr("unknown enum name"));
  EXPECT_THAT(DecodeError(SpanJson(R"("kind":"2")")), HasSubstr("unknown enum name"));
  EXPECT_THAT(DecodeError(SpanJson(R"("status":{"code":"STATUS_CODE_FAIL"})")),
              HasSubstr("invalid status.code \"STATUS_CODE_FAIL\": unknown enum name "
                        "(at resourceSpans[0].scopeSpans[0].spans[1].status)"));
  EXPECT_THAT(DecodeError(SpanJson(R"("kind":true)")),
              HasSubstr("invalid span.kind: expected an enum number or name, got a boolean"));
  EXPECT_THAT(DecodeError(SpanJson(R"("kind":4294967296)")), HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("kind":1.5)")), HasSubstr("not an integer"));
}

TEST(OtlpJsonTest, RejectsWrongTypes) {
  EXPECT_EQ(DecodeError(R"({"resourceSpans":{}})"),
            "invalid request.resourceSpans: expected an array, got an object");
  EXPECT_EQ(DecodeError(R"({"resourceSpans":[{"scopeSpans":[{"spans":5}]}]})"),
            "invalid scopeSpans.spans: expected an array, got a number "
            "(at resourceSpans[0].scopeSpans[0])");
  EXPECT_EQ(DecodeError(R"({"resourceSpans":[{"scopeSpans":[{"spans":["x"]}]}]})"),
            "invalid scopeSpans.spans[0]: expected an object, got a string "
            "(at resourceSpans[0].scopeSpans[0])");
  EXPECT_EQ(DecodeError(R"({"resourceSpans":[7]})"),
            "invalid request.resourceSpans[0]: expected an object, got a number");
  EXPECT_EQ(DecodeError("[]"), "invalid OTLP/JSON request: expected an object, got an array");
  EXPECT_EQ(DecodeError("\"x\""), "invalid OTLP/JSON request: expected an object, got a string");
  EXPECT_THAT(DecodeError(R"({"resourceSpans":[{"resource":[]}]})"),
              HasSubstr("invalid resourceSpans.resource: expected an object, got an array"));
  EXPECT_THAT(DecodeError(SpanJson(R"("name":5)")),
              HasSubstr("invalid span.name: expected a string, got a number"));
  EXPECT_THAT(DecodeError(SpanJson(R"("status":"error")")),
              HasSubstr("invalid span.status: expected an object, got a string"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[5])")),
              HasSubstr("invalid span.attributes[0]: expected an object, got a number"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"boolValue":"true"}}])")),
              HasSubstr("invalid anyValue.boolValue: expected a boolean, got a string "
                        "(at resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value)"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"intValue":"12a"}}])")),
              HasSubstr("invalid anyValue.intValue \"12a\": not an integer"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"intValue":[]}}])")),
              HasSubstr("expected an integer (number or decimal string), got an array"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"doubleValue":"1.5x"}}])")),
              HasSubstr("invalid anyValue.doubleValue \"1.5x\": not a number"));
  EXPECT_THAT(
      DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"doubleValue":"1e999"}}])")),
      HasSubstr("number out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"bytesValue":"***"}}])")),
              HasSubstr("invalid anyValue.bytesValue \"***\": not valid base64"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"arrayValue":[]}}])")),
              HasSubstr("invalid anyValue.arrayValue: expected an object, got an array"));
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":7}])")),
              HasSubstr("invalid keyValue.key: expected a string, got a number"));
  EXPECT_THAT(DecodeError(R"({"resourceSpans":[{"resource":{"entityRefs":[{"idKeys":[1]}]}}]})"),
              HasSubstr("invalid entityRef.idKeys[0]: expected a string, got a number"));
  EXPECT_THAT(DecodeError(SpanJson(R"("startTimeUnixNano":"abc")")),
              HasSubstr("invalid span.startTimeUnixNano \"abc\": not an integer"));
  EXPECT_THAT(DecodeError(SpanJson(R"("startTimeUnixNano":{})")),
              HasSubstr("invalid span.startTimeUnixNano: expected an unsigned integer"));
  EXPECT_THAT(DecodeError(SpanJson(R"("startTimeUnixNano":1.5)")), HasSubstr("not an integer"));
}

TEST(OtlpJsonTest, RejectsOutOfRangeNumbers) {
  EXPECT_THAT(DecodeError(SpanJson(R"("startTimeUnixNano":-1)")),
              HasSubstr("invalid span.startTimeUnixNano -1: integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("startTimeUnixNano":"-1")")),
              HasSubstr("not an unsigned integer"));
  EXPECT_THAT(DecodeError(SpanJson(R"("endTimeUnixNano":"18446744073709551616")")),
              HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("endTimeUnixNano":"99999999999999999999")")),
              HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("endTimeUnixNano":"184467440737095516150")")),
              HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(
                  R"("attributes":[{"key":"k","value":{"intValue":"-9223372036854775809"}}])")),
              HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("endTimeUnixNano":1e20)")),
              HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("droppedAttributesCount":4294967296)")),
              HasSubstr("invalid span.droppedAttributesCount 4294967296: integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("flags":"4294967296")")), HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(R"("flags":-1)")), HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(
                  R"("attributes":[{"key":"k","value":{"intValue":"9223372036854775808"}}])")),
              HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(
                  R"("attributes":[{"key":"k","value":{"intValue":9223372036854775808}}])")),
              HasSubstr("integer out of range"));
  EXPECT_THAT(DecodeError(SpanJson(
                  R"("attributes":[{"key":"k","value":{"intValue":"99999999999999999999999"}}])")),
              HasSubstr("integer out of range"));
  // Numbers beyond 64 bits are refused by the JSON parser itself.
  EXPECT_EQ(DecodeError(SpanJson(R"("startTimeUnixNano":99999999999999999999999)")),
            "invalid JSON: malformed number, or a number out of the 64-bit range");
  EXPECT_EQ(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":{"doubleValue":1e400}}])")),
            "invalid JSON: malformed number, or a number out of the 64-bit range");
}

TEST(OtlpJsonTest, RejectsMalformedJson) {
  std::string good = SpanJson(R"("traceId":"0102030405060708090a0b0c0d0e0f10")");
  for (size_t cut : {size_t{1}, size_t{10}, good.size() / 2, good.size() - 1}) {
    EXPECT_THAT(DecodeError(good.substr(0, cut)), HasSubstr("invalid JSON")) << cut;
  }
  EXPECT_EQ(DecodeError(""), "invalid JSON: empty body");
  EXPECT_EQ(DecodeError("   \n"), "invalid JSON: empty body");
  EXPECT_THAT(DecodeError("garbage"), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(std::string("\x00\x01\xff\xfe", 4)), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(good + "x"), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(good + "{}"), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(R"({"resourceSpans":[{"a":tru}]})"), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(R"({"resourceSpans":[,]})"), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\x"}]}]}]})"),
              HasSubstr("invalid JSON: malformed string"));
  EXPECT_EQ(DecodeError("{\"a\":\"\xff\"}"), "invalid JSON: invalid UTF-8");
}

TEST(OtlpJsonTest, RejectsDeepJsonWithoutOverflowingTheStack) {
  // A 10,000-deep bare array, balanced and unbalanced.
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(DecodeError(deep), "invalid JSON: nested deeper than 1024 levels");
  EXPECT_THAT(DecodeError(std::string(10000, '[')), HasSubstr("invalid JSON"));
  // The same depth inside an unknown key and inside an attribute value.
  EXPECT_EQ(DecodeError(R"({"x":)" + deep + "}"), "invalid JSON: nested deeper than 1024 levels");
  std::string nested;
  for (int i = 0; i < 10000; ++i) {
    nested += R"({"arrayValue":{"values":[)";
  }
  for (int i = 0; i < 10000; ++i) {
    nested += "]}}";
  }
  EXPECT_EQ(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":)" + nested + "}]")),
            "invalid JSON: nested deeper than 1024 levels");
}

// Attribute values nested `levels` arrays deep, innermost value `leaf`.
std::string NestedArrays(int levels, std::string_view leaf) {
  std::string v;
  for (int i = 0; i < levels; ++i) {
    v += R"({"arrayValue":{"values":[)";
  }
  v += leaf;
  for (int i = 0; i < levels; ++i) {
    v += "]}}";
  }
  return SpanJson(R"("traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",
                     "attributes":[{"key":"k","value":)"
                  + v + "}]");
}

TEST(OtlpJsonTest, BoundsAttributeNesting) {
  // A span attribute's AnyValue is at message depth 6; each array level adds two (ArrayValue,
  // AnyValue), so 29 levels put the innermost AnyValue at exactly kMaxNestingDepth.
  static_assert(kMaxNestingDepth == 64);
  auto ok = OtlpJsonToProtobuf(NestedArrays(29, R"({"stringValue":"leaf"})"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  auto scan = ScanExportRequest(*ok, {});
  EXPECT_TRUE(scan.ok()) << scan.status().ToString();
  // One more message level is refused, by the decoder and by the scanner alike.
  EXPECT_EQ(DecodeError(NestedArrays(29, R"({"arrayValue":{}})")),
            "invalid anyValue: attribute values nest deeper than the maximum message depth of 64 "
            "(at resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value.arrayValue.values[0]"
            ".arrayValue.values[0].arrayValue.values[0].arrayValue.values[0].arrayValue.values[0]"
            ".arrayValue.values[0].arrayValue.values[0].arrayValue.values[0].arrayValue.values[0]"
            ".arrayValue.values[0].arrayValue.values[0].arrayValue.values[0].arrayValue.values[0]"
            ".arrayValue.values[0].arrayValue.values[0].arrayValue.values[0].arrayValue.values[0]"
            ".arrayValue.values[0].arrayValue.values[0].arrayValue.values[0].arrayValue.values[0]"
            ".arrayValue.values[0].arrayValue.values[0].arrayValue.values[0].arrayValue.values[0]"
            ".arrayValue.values[0].arrayValue.values[0].arrayValue.values[0].arrayValue.values[0]"
            ".arrayValue)");
  ExportRequest too_deep = Decode(NestedArrays(29, "{}"));
  AnyValue* v = too_deep.mutable_resource_spans(0)
                    ->mutable_scope_spans(0)
                    ->mutable_spans(1)
                    ->mutable_attributes(0)
                    ->mutable_value();
  for (int i = 0; i < 29; ++i) {
    v = v->mutable_array_value()->mutable_values(0);
  }
  v->mutable_array_value();
  EXPECT_FALSE(ScanExportRequest(too_deep.SerializeAsString(), {}).ok());
  // Deeper still, below simdjson's own limit, and through kvlists.
  EXPECT_THAT(DecodeError(NestedArrays(300, "{}")), HasSubstr("maximum message depth of 64"));
  std::string kv;
  for (int i = 0; i < 40; ++i) {
    kv += R"({"kvlistValue":{"values":[{"key":"k","value":)";
  }
  kv += "{}";
  for (int i = 0; i < 40; ++i) {
    kv += "}]}}";
  }
  EXPECT_THAT(DecodeError(SpanJson(R"("attributes":[{"key":"k","value":)" + kv + "}]")),
              HasSubstr("maximum message depth of 64"));
}

TEST(OtlpJsonTest, ErrorValuesAreShortAndPrintable) {
  std::string long_id(1000, 'z');
  std::string msg = DecodeError(SpanJson(R"("traceId":")" + long_id + R"(")"));
  EXPECT_LT(msg.size(), 200u);
  EXPECT_THAT(msg, HasSubstr("...\""));
  EXPECT_THAT(DecodeError(SpanJson(R"("traceId":"a\nb\"")")), HasSubstr("\"a?b?\""));
}

}  // namespace
}  // namespace vivace::model
