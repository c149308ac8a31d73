#include "receiver/zipkin.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "common/protowire.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "tests/support/jaeger_encode.h"

namespace vivace::receiver {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::trace::v1::Span;

const AnyValue* Attr(const google::protobuf::RepeatedPtrField<KeyValue>& kvs,
                     const std::string& key) {
  for (const KeyValue& kv : kvs) {
    if (kv.key() == key) {
      return &kv.value();
    }
  }
  return nullptr;
}

ExportTraceServiceRequest Parse(const Result<std::string>& out) {
  ExportTraceServiceRequest req;
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (out.ok()) {
    EXPECT_TRUE(req.ParseFromString(*out));
    EXPECT_EQ(req.SerializeAsString(), *out);
  }
  return req;
}

Result<std::string> V2Json(std::string_view json, ZipkinOptions options = {}) {
  ZipkinBatch batch;
  VV_RETURN_IF_ERROR(DecodeZipkinJson(json, &batch));
  size_t spans = 0;
  return TranslateZipkinV2(batch, options, &spans);
}

constexpr std::string_view kRichJson = R"([
 {"traceId":"5b8efff798038103d269b633813fc60c","id":"eee19b7ec3c1b174","parentId":"eee19b7ec3c1b173",
  "name":"get /api","kind":"SERVER","timestamp":1700000000000000,"duration":2500,
  "localEndpoint":{"serviceName":"frontend","ipv4":"192.168.99.1","port":8080},
  "remoteEndpoint":{"serviceName":"backend","ipv6":"2001:db8::c001","port":9000},
  "annotations":[{"timestamp":1700000000000100,"value":"wr"},
                 {"timestamp":1700000000000200,"value":"ev|{\"n\":3,\"f\":1.5,\"s\":\"x\",\"b\":true}|2"}],
  "tags":{"http.method":"GET","http.status_code":"200","error":"timeout","host.name":"h1",
          "otel.library.name":"lib","otel.library.version":"9","w3c.tracestate":"a=b",
          "otlp.link.0":"0af7651916cd43dd8448eb211c80319c|b7ad6b7169203331|k=v|{\"l\":1}|4"}}
])";

TEST(ZipkinV2Test, JsonMapping) {
  ExportTraceServiceRequest req = Parse(V2Json(kRichJson));
  ASSERT_EQ(req.resource_spans_size(), 1);
  const auto& rs = req.resource_spans(0);
  EXPECT_EQ(Attr(rs.resource().attributes(), "service.name")->string_value(), "frontend");
  EXPECT_EQ(Attr(rs.resource().attributes(), "host.name")->string_value(), "h1");
  ASSERT_EQ(rs.scope_spans_size(), 1);
  EXPECT_EQ(rs.scope_spans(0).scope().name(), "lib");
  EXPECT_EQ(rs.scope_spans(0).scope().version(), "9");
  const Span& s = rs.scope_spans(0).spans(0);
  EXPECT_EQ(HexEncode(s.trace_id()), "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(HexEncode(s.span_id()), "eee19b7ec3c1b174");
  EXPECT_EQ(HexEncode(s.parent_span_id()), "eee19b7ec3c1b173");
  EXPECT_EQ(s.name(), "get /api");
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(s.trace_state(), "a=b");
  EXPECT_EQ(s.start_time_unix_nano(), 1700000000000000000u);
  EXPECT_EQ(s.end_time_unix_nano(), 1700000000002500000u);
  EXPECT_EQ(s.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(Attr(s.attributes(), "error")->string_value(), "timeout");
  EXPECT_EQ(Attr(s.attributes(), "http.status_code")->string_value(), "200");
  EXPECT_EQ(Attr(s.attributes(), "host.name"), nullptr);
  EXPECT_EQ(Attr(s.attributes(), "otel.library.name"), nullptr);
  EXPECT_EQ(Attr(s.attributes(), "network.local.address")->string_value(), "192.168.99.1");
  EXPECT_EQ(Attr(s.attributes(), "net.host.port")->int_value(), 8080);
  EXPECT_EQ(Attr(s.attributes(), "service.peer.name")->string_value(), "backend");
  EXPECT_EQ(Attr(s.attributes(), "network.peer.address")->string_value(), "2001:db8::c001");
  EXPECT_EQ(Attr(s.attributes(), "net.peer.port")->int_value(), 9000);
  ASSERT_EQ(s.events_size(), 2);
  EXPECT_EQ(s.events(0).name(), "wr");
  EXPECT_EQ(s.events(0).time_unix_nano(), 1700000000000100000u);
  EXPECT_EQ(s.events(1).name(), "ev");
  EXPECT_EQ(s.events(1).dropped_attributes_count(), 2u);
  EXPECT_EQ(Attr(s.events(1).attributes(), "n")->int_value(), 3);
  EXPECT_DOUBLE_EQ(Attr(s.events(1).attributes(), "f")->double_value(), 1.5);
  EXPECT_EQ(Attr(s.events(1).attributes(), "s")->string_value(), "x");
  EXPECT_TRUE(Attr(s.events(1).attributes(), "b")->bool_value());
  ASSERT_EQ(s.links_size(), 1);
  EXPECT_EQ(HexEncode(s.links(0).trace_id()), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(HexEncode(s.links(0).span_id()), "b7ad6b7169203331");
  EXPECT_EQ(s.links(0).trace_state(), "k=v");
  EXPECT_EQ(s.links(0).dropped_attributes_count(), 4u);
  EXPECT_EQ(Attr(s.links(0).attributes(), "l")->int_value(), 1);
}

TEST(ZipkinV2Test, GroupingStatusKindAndDefaults) {
  constexpr std::string_view json = R"([
    {"traceId":"1","id":"2","name":"b1","localEndpoint":{"serviceName":"b"},
     "tags":{"otel.status_code":"STATUS_CODE_OK","otel.status_description":"fine","span.kind":"internal"}},
    {"traceId":"1","id":"3","name":"a1","localEndpoint":{"serviceName":"a"},"tags":{"error":"true"}},
    {"traceId":"1","id":"4","name":"n","duration":7},
    null,
    {"TRACEID":"1","ID":"5","Name":"b2","LocalEndpoint":{"ServiceName":"b"},
     "tags":{"otlp.service.name.source":"svc.key","otel.status_code":"Error"}}
  ])";
  ExportTraceServiceRequest req = Parse(V2Json(json));
  // Sorted by service name: OTLPResourceNoServiceName < a < b.
  ASSERT_EQ(req.resource_spans_size(), 3);
  EXPECT_EQ(req.resource_spans(0).resource().attributes_size(), 0);
  const Span& n = req.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(HexEncode(n.trace_id()), "00000000000000000000000000000001");
  EXPECT_EQ(n.start_time_unix_nano(), 0u);
  EXPECT_EQ(n.end_time_unix_nano(), 7000u);
  EXPECT_TRUE(Attr(n.attributes(), "otel.zipkin.absentField.startTime")->bool_value());
  const Span& a1 = req.resource_spans(1).scope_spans(0).spans(0);
  EXPECT_EQ(a1.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(a1.attributes_size(), 1);  // only the absent-start marker; "error":"true" is consumed
  const auto& b = req.resource_spans(2);
  EXPECT_EQ(b.resource().attributes(0).key(), "service.name");
  ASSERT_EQ(b.scope_spans(0).spans_size(), 2);
  const Span& b1 = b.scope_spans(0).spans(0);
  EXPECT_EQ(b1.kind(), Span::SPAN_KIND_INTERNAL);
  EXPECT_EQ(b1.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_OK);
  EXPECT_EQ(b1.status().message(), "fine");
  const Span& b2 = b.scope_spans(0).spans(1);
  EXPECT_EQ(b2.name(), "b2");
  EXPECT_EQ(b2.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(Attr(b2.attributes(), "otlp.service.name.source"), nullptr);
}

TEST(ZipkinV2Test, ParseStringTags) {
  constexpr std::string_view json = R"([{"traceId":"1","id":"2","timestamp":5,
    "tags":{"i":"-42","d":"3.25","b":"false","s":"1.","big":"99999999999999999999"}}])";
  ExportTraceServiceRequest req = Parse(V2Json(json, {.parse_string_tags = true}));
  const Span& s = req.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(Attr(s.attributes(), "i")->int_value(), -42);
  EXPECT_DOUBLE_EQ(Attr(s.attributes(), "d")->double_value(), 3.25);
  EXPECT_FALSE(Attr(s.attributes(), "b")->bool_value());
  EXPECT_TRUE(Attr(s.attributes(), "b")->has_bool_value());
  EXPECT_EQ(Attr(s.attributes(), "s")->string_value(), "1.");
  EXPECT_EQ(Attr(s.attributes(), "big")->int_value(), INT64_MAX);
}

TEST(ZipkinV2Test, JsonErrors) {
  const char* bad[] = {
      "{",
      "{}",
      R"([{"traceId":"","id":"2"}])",
      R"([{"traceId":"xyz","id":"2"}])",
      R"([{"traceId":"1"}])",
      R"([{"traceId":"1","id":"0"}])",
      R"([{"traceId":"1","id":"12345678901234567"}])",
      R"([{"traceId":"1","id":"2","timestamp":1.5}])",
      R"([{"traceId":"1","id":"2","name":5}])",
      R"([{"traceId":"1","id":"2","tags":{"a":1}}])",
      R"([{"traceId":"1","id":"2","annotations":[{"timestamp":0,"value":"x"}]}])",
      R"([{"traceId":"1","id":"2","localEndpoint":{"ipv4":"1.2.3"}}])",
      R"([{"traceId":"1","id":"2","localEndpoint":{"port":70000}}])",
      R"([{"traceId":"1","id":"2","tags":{"otlp.link.0":"zz|b7ad6b7169203331||{}|0"}}])",
      R"([{"traceId":"1","id":"2","annotations":[{"timestamp":1,"value":"a|notjson|1"}]}])",
      R"([{"traceId":"1","id":"2","annotations":[{"timestamp":1,"value":"a|{}|x"}]}])",
  };
  for (const char* json : bad) {
    auto out = V2Json(json);
    EXPECT_FALSE(out.ok()) << json;
    if (!out.ok()) {
      EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
    }
  }
  // 32+ hex digits with leading zeros in the high part are fine; an empty array is fine.
  EXPECT_TRUE(V2Json(R"([{"traceId":"00000000000000000000000000000000001","id":"2"}])").ok());
  EXPECT_TRUE(V2Json("[]").ok());
  EXPECT_TRUE(V2Json("null").ok());
}

std::string ProtoSpan(bool with_parent) {
  std::string ep;
  protowire::AppendLenField(ep, 1, std::string_view("svc"));
  protowire::AppendLenField(ep, 2, std::string("\x0a\x00\x00\x01", 4));
  protowire::AppendVarintField(ep, 4, 443);
  std::string ann;
  protowire::AppendFixed64Field(ann, 1, 1700000000000100);
  protowire::AppendLenField(ann, 2, std::string_view("cs"));
  std::string tag;
  protowire::AppendLenField(tag, 1, std::string_view("k"));
  protowire::AppendLenField(tag, 2, std::string_view("v"));
  std::string s;
  protowire::AppendLenField(s, 1, testing::Be128(0x0102, 0x0304));
  if (with_parent) {
    protowire::AppendLenField(s, 2, testing::Be64(9));
  }
  protowire::AppendLenField(s, 3, testing::Be64(10));
  protowire::AppendVarintField(s, 4, 1);  // CLIENT
  protowire::AppendLenField(s, 5, std::string_view("call"));
  protowire::AppendFixed64Field(s, 6, 1700000000000000);
  protowire::AppendVarintField(s, 7, 300);
  protowire::AppendLenField(s, 8, ep);
  protowire::AppendLenField(s, 10, ann);
  protowire::AppendLenField(s, 11, tag);
  return s;
}

TEST(ZipkinV2Test, ProtoMapping) {
  std::string list;
  protowire::AppendLenField(list, 1, ProtoSpan(true));
  ZipkinBatch batch;
  ASSERT_TRUE(DecodeZipkinProto(list, &batch).ok());
  size_t spans = 0;
  ExportTraceServiceRequest req = Parse(TranslateZipkinV2(batch, {}, &spans));
  EXPECT_EQ(spans, 1u);
  const auto& rs = req.resource_spans(0);
  EXPECT_EQ(rs.resource().attributes(0).value().string_value(), "svc");
  const Span& s = rs.scope_spans(0).spans(0);
  EXPECT_EQ(HexEncode(s.trace_id()), "00000000000001020000000000000304");
  EXPECT_EQ(HexEncode(s.parent_span_id()), "0000000000000009");
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(s.start_time_unix_nano(), 1700000000000000000u);
  EXPECT_EQ(s.end_time_unix_nano(), 1700000000000300000u);
  EXPECT_EQ(Attr(s.attributes(), "k")->string_value(), "v");
  EXPECT_EQ(Attr(s.attributes(), "network.local.address")->string_value(), "10.0.0.1");
  EXPECT_EQ(Attr(s.attributes(), "net.host.port")->int_value(), 443);
  ASSERT_EQ(s.events_size(), 1);
  EXPECT_EQ(s.events(0).name(), "cs");
}

TEST(ZipkinV2Test, ProtoErrors) {
  std::string eight_byte_trace;
  protowire::AppendLenField(eight_byte_trace, 1, testing::Be64(1));
  protowire::AppendLenField(eight_byte_trace, 3, testing::Be64(2));
  std::string no_id;
  protowire::AppendLenField(no_id, 1, testing::Be128(1, 1));
  std::string bad_utf8;
  protowire::AppendLenField(bad_utf8, 1, testing::Be128(1, 1));
  protowire::AppendLenField(bad_utf8, 3, testing::Be64(2));
  protowire::AppendLenField(bad_utf8, 5, std::string_view("\xff\xfe"));
  for (const std::string& span : {eight_byte_trace, no_id, bad_utf8}) {
    std::string list;
    protowire::AppendLenField(list, 1, span);
    ZipkinBatch batch;
    EXPECT_EQ(DecodeZipkinProto(list, &batch).code(), Code::kInvalidArgument);
  }
  std::string list;
  protowire::AppendLenField(list, 1, ProtoSpan(false));
  for (size_t n = 1; n < list.size(); ++n) {
    ZipkinBatch batch;
    Status s = DecodeZipkinProto(std::string_view(list).substr(0, n), &batch);
    EXPECT_FALSE(s.ok()) << n;
  }
}

TEST(ZipkinV1Test, JsonMapping) {
  constexpr std::string_view json = R"([
    {"traceId":"000000000000000a","id":"000000000000000b","parentId":"000000000000000c","name":"rpc",
     "timestamp":1700000000000000,"duration":100,
     "annotations":[{"timestamp":1700000000000000,"value":"sr","endpoint":{"serviceName":"api","ipv4":"10.1.1.1","port":80}},
                    {"timestamp":1700000000000050,"value":"cache miss"},
                    {"timestamp":1700000000000100,"value":"ss","endpoint":{"serviceName":"api","ipv4":"10.1.1.1","port":80}}],
     "binaryAnnotations":[{"key":"lc","value":"db"},{"key":"http.status_code","value":"503"},
                          {"key":"census.status_code","value":"0"}]},
    {"traceId":"000000000000000a","id":"000000000000000d","name":"local",
     "binaryAnnotations":[{"key":"lc","value":"worker"},{"key":"error","value":"x"}]}
  ])";
  size_t spans = 0;
  ExportTraceServiceRequest req = Parse(TranslateZipkinV1Json(json, {}, &spans));
  EXPECT_EQ(spans, 2u);
  ASSERT_EQ(req.resource_spans_size(), 2);
  const auto& api = req.resource_spans(0).resource().attributes();
  EXPECT_EQ(Attr(api, "service.name")->string_value(), "api");
  EXPECT_EQ(Attr(api, "ipv4")->string_value(), "10.1.1.1");
  EXPECT_EQ(Attr(api, "port")->string_value(), "80");
  const Span& s = req.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(HexEncode(s.trace_id()), "0000000000000000000000000000000a");
  EXPECT_EQ(HexEncode(s.parent_span_id()), "000000000000000c");
  EXPECT_EQ(s.start_time_unix_nano(), 1700000000000000000u);
  EXPECT_EQ(s.end_time_unix_nano(), 1700000000000100000u);
  ASSERT_EQ(s.events_size(), 1);
  EXPECT_EQ(s.events(0).name(), "cache miss");
  EXPECT_EQ(Attr(s.attributes(), "component")->string_value(), "db");
  EXPECT_EQ(Attr(s.attributes(), "census.status_code"), nullptr);
  EXPECT_EQ(s.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_OK);
  // No core annotation: the service comes from `lc`; no times: now + the absent marker.
  const auto& worker = req.resource_spans(1);
  EXPECT_EQ(worker.resource().attributes(0).value().string_value(), "worker");
  const Span& w = worker.scope_spans(0).spans(0);
  EXPECT_EQ(w.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_GT(w.start_time_unix_nano(), 0u);
  EXPECT_TRUE(Attr(w.attributes(), "otel.zipkin.absentField.startTime")->bool_value());
  EXPECT_EQ(Attr(w.attributes(), "error"), nullptr);

  constexpr std::string_view kShortTrace = R"([{"traceId":"1","id":"000000000000000b"}])";
  constexpr std::string_view kZeroId =
      R"([{"traceId":"000000000000000a","id":"0000000000000000"}])";
  EXPECT_FALSE(TranslateZipkinV1Json(kShortTrace, {}, &spans).ok());
  EXPECT_FALSE(TranslateZipkinV1Json(kZeroId, {}, &spans).ok());
}

TEST(ZipkinV1Test, ThriftMapping) {
  testing::ThriftWriter w(false);
  w.ListBegin(12, 1);
  w.StructBegin();
  w.Field(10, 1);
  w.I64(0x0a);
  w.Field(11, 3);
  w.String("op");
  w.Field(10, 4);
  w.I64(0x0b);
  w.Field(15, 6);  // annotations
  w.ListBegin(12, 1);
  w.StructBegin();
  w.Field(10, 1);
  w.I64(1700000000000000);
  w.Field(11, 2);
  w.String("cs");
  w.Field(12, 3);
  w.StructBegin();
  w.Field(8, 1);
  w.I32(0x7f000001);
  w.Field(6, 2);
  w.I16(-1);
  w.Field(11, 3);
  w.String("client-svc");
  w.StructEnd();
  w.StructEnd();
  w.Field(15, 8);  // binary annotations
  w.ListBegin(12, 3);
  for (auto [key, value, type] :
       {std::tuple<const char*, std::string, int>{"flag", std::string("\x01", 1), 0},
        {"n", std::string("\x00\x00\x00\x2a", 4), 3},
        {"short", std::string("\x01", 1), 4}}) {
    w.StructBegin();
    w.Field(11, 1);
    w.String(key);
    w.Field(11, 2);
    w.String(value);
    w.Field(8, 3);
    w.I32(type);
    w.StructEnd();
  }
  w.Field(10, 10);
  w.I64(1700000000000000);
  w.Field(10, 11);
  w.I64(20);
  w.StructEnd();
  size_t spans = 0;
  ExportTraceServiceRequest req = Parse(TranslateZipkinV1Thrift(w.out(), &spans));
  ASSERT_EQ(spans, 1u);
  const auto& res = req.resource_spans(0).resource().attributes();
  EXPECT_EQ(Attr(res, "service.name")->string_value(), "client-svc");
  EXPECT_EQ(Attr(res, "ipv4")->string_value(), "127.0.0.1");
  EXPECT_EQ(Attr(res, "port")->string_value(), "-1");
  const Span& s = req.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(s.end_time_unix_nano(), 1700000000000020000u);
  EXPECT_TRUE(Attr(s.attributes(), "flag")->bool_value());
  EXPECT_EQ(Attr(s.attributes(), "n")->int_value(), 42);
  EXPECT_EQ(Attr(s.attributes(), "short")->string_value(),
            "<not enough bytes representing the number>");
  std::string truncated = w.out().substr(0, w.out().size() - 3);
  EXPECT_FALSE(TranslateZipkinV1Thrift(truncated, &spans).ok());
}

}  // namespace
}  // namespace vivace::receiver
