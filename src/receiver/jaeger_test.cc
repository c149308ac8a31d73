#include "receiver/jaeger.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "tests/support/jaeger_encode.h"

namespace vivace::receiver {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::trace::v1::Span;
using testing::JBatch;
using testing::JLog;
using testing::JRef;
using testing::JSpan;
using testing::JTag;

// ingest.md §3.3: emitBatch, ONEWAY, seqid 1, Batch{process{"svc", [k=v]}, spans [Span{traceIdLow
// 1, spanId 2, "op", flags 1, startTime 1700000000000000, duration 1000}]}.
const char kCompactVector[] =
    "82 81 01 09 65 6d 69 74 42 61 74 63 68 1c 1c 18 03 73 76 63 19 1c 18 01 6b 15 00 18 01 76 00 "
    "00 19 1c 16 02 16 00 16 04 16 00 18 02 6f 70 25 02 16 80 80 f2 81 83 89 85 06 16 d0 0f 00 00 "
    "00";
const char kBinaryVector[] =
    "80 01 00 04 00 00 00 09 65 6d 69 74 42 61 74 63 68 00 00 00 01 0c 00 01 0c 00 01 0b 00 01 00 "
    "00 00 03 73 76 63 0f 00 02 0c 00 00 00 01 0b 00 01 00 00 00 01 6b 08 00 02 00 00 00 00 0b 00 "
    "03 00 00 00 01 76 00 00 0f 00 02 0c 00 00 00 01 0a 00 01 00 00 00 00 00 00 00 01 0a 00 02 00 "
    "00 00 00 00 00 00 00 0a 00 03 00 00 00 00 00 00 00 02 0a 00 04 00 00 00 00 00 00 00 00 0b 00 "
    "05 00 00 00 02 6f 70 08 00 07 00 00 00 01 0a 00 08 00 06 0a 24 18 1e 40 00 0a 00 09 00 00 00 "
    "00 00 00 03 e8 00 00 00";

std::string FromHex(std::string_view spaced) {
  std::string hex;
  for (char c : spaced) {
    if (c != ' ') {
      hex += c;
    }
  }
  std::string out;
  EXPECT_TRUE(HexDecode(hex, &out));
  return out;
}

JBatch VectorBatch() {
  JBatch b;
  b.service_name = "svc";
  b.process_tags = {JTag::Str("k", "v")};
  JSpan s;
  s.trace_low = 1;
  s.span_id = 2;
  s.operation_name = "op";
  s.start_us = 1700000000000000;
  s.duration_us = 1000;
  b.spans.push_back(s);
  return b;
}

ExportTraceServiceRequest Translate(const JaegerBatch& batch, JaegerFlavor flavor,
                                    size_t* spans = nullptr) {
  size_t n = 0;
  std::string out = TranslateJaeger(batch, flavor, &n);
  if (spans != nullptr) {
    *spans = n;
  }
  ExportTraceServiceRequest req;
  EXPECT_TRUE(req.ParseFromString(out));
  // Canonical encoding: exactly what protobuf would write.
  EXPECT_EQ(req.SerializeAsString(), out);
  return req;
}

ExportTraceServiceRequest FromThrift(const JBatch& b) {
  std::string body = testing::EncodeThriftBatch(b);
  JaegerBatch batch;
  Status s = DecodeJaegerThriftBatch(body, &batch);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return Translate(batch, JaegerFlavor::kThrift);
}

ExportTraceServiceRequest FromProto(const JBatch& b) {
  std::string body = testing::EncodePostSpans(b);
  JaegerBatch batch;
  Status s = DecodeJaegerProto(body, &batch);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return Translate(batch, JaegerFlavor::kProto);
}

const AnyValue* Attr(const google::protobuf::RepeatedPtrField<KeyValue>& kvs,
                     const std::string& key) {
  for (const KeyValue& kv : kvs) {
    if (kv.key() == key) {
      return &kv.value();
    }
  }
  return nullptr;
}

std::vector<std::string> Keys(const google::protobuf::RepeatedPtrField<KeyValue>& kvs) {
  std::vector<std::string> keys;
  for (const KeyValue& kv : kvs) {
    keys.push_back(kv.key());
  }
  return keys;
}

void ExpectVectorSpan(const ExportTraceServiceRequest& req) {
  ASSERT_EQ(req.resource_spans_size(), 1);
  const auto& rs = req.resource_spans(0);
  EXPECT_EQ(Keys(rs.resource().attributes()), (std::vector<std::string>{"service.name", "k"}));
  EXPECT_EQ(Attr(rs.resource().attributes(), "service.name")->string_value(), "svc");
  EXPECT_EQ(Attr(rs.resource().attributes(), "k")->string_value(), "v");
  ASSERT_EQ(rs.scope_spans_size(), 1);
  EXPECT_TRUE(rs.scope_spans(0).has_scope());
  EXPECT_EQ(rs.scope_spans(0).scope().name(), "");
  ASSERT_EQ(rs.scope_spans(0).spans_size(), 1);
  const Span& s = rs.scope_spans(0).spans(0);
  EXPECT_EQ(HexEncode(s.trace_id()), "00000000000000000000000000000001");
  EXPECT_EQ(HexEncode(s.span_id()), "0000000000000002");
  EXPECT_TRUE(s.parent_span_id().empty());
  EXPECT_EQ(s.name(), "op");
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_UNSPECIFIED);
  EXPECT_EQ(s.start_time_unix_nano(), 1700000000000000000u);
  EXPECT_EQ(s.end_time_unix_nano(), 1700000000001000000u);
  EXPECT_EQ(s.attributes_size(), 0);
  EXPECT_FALSE(s.has_status());
}

TEST(JaegerThriftTest, SpecCompactVector) {
  std::string bytes = FromHex(kCompactVector);
  ASSERT_EQ(bytes.size(), 63u);
  EXPECT_EQ(testing::EncodeEmitBatch(VectorBatch(), true), bytes);
  JaegerBatch batch;
  ASSERT_TRUE(DecodeJaegerEmitBatch(bytes, ThriftProtocol::kCompact, &batch).ok());
  size_t spans = 0;
  ExpectVectorSpan(Translate(batch, JaegerFlavor::kThrift, &spans));
  EXPECT_EQ(spans, 1u);
}

TEST(JaegerThriftTest, SpecBinaryVector) {
  std::string bytes = FromHex(kBinaryVector);
  ASSERT_EQ(bytes.size(), 163u);
  EXPECT_EQ(testing::EncodeEmitBatch(VectorBatch(), false), bytes);
  JaegerBatch batch;
  ASSERT_TRUE(DecodeJaegerEmitBatch(bytes, ThriftProtocol::kBinary, &batch).ok());
  ExpectVectorSpan(Translate(batch, JaegerFlavor::kThrift));
}

TEST(JaegerThriftTest, SpecHttpBodyIsTheBareBatch) {
  std::string binary = FromHex(kBinaryVector);
  std::string body = binary.substr(24, 138);
  ASSERT_EQ(body.substr(0, 4), std::string("\x0c\x00\x01\x0b", 4));
  EXPECT_EQ(testing::EncodeThriftBatch(VectorBatch()), body);
  JaegerBatch batch;
  ASSERT_TRUE(DecodeJaegerThriftBatch(body, &batch).ok());
  ExpectVectorSpan(Translate(batch, JaegerFlavor::kThrift));
}

TEST(JaegerThriftTest, EnvelopeVariants) {
  std::string binary = FromHex(kBinaryVector);
  // CALL instead of ONEWAY.
  std::string call = binary;
  call[3] = 1;
  JaegerBatch b1;
  EXPECT_TRUE(DecodeJaegerEmitBatch(call, ThriftProtocol::kBinary, &b1).ok());
  // Old non-strict envelope: name length, name, type byte, seqid.
  std::string old = std::string("\x00\x00\x00\x09", 4) + "emitBatch" + std::string("\x04", 1)
                    + std::string("\x00\x00\x00\x01", 4) + binary.substr(21);
  JaegerBatch b2;
  Status s = DecodeJaegerEmitBatch(old, ThriftProtocol::kBinary, &b2);
  EXPECT_TRUE(s.ok()) << s.ToString();
  ExpectVectorSpan(Translate(b2, JaegerFlavor::kThrift));
  // REPLY is not a call.
  std::string reply = binary;
  reply[3] = 2;
  JaegerBatch b3;
  EXPECT_EQ(DecodeJaegerEmitBatch(reply, ThriftProtocol::kBinary, &b3).code(),
            Code::kInvalidArgument);
  // emitZipkinBatch is refused.
  testing::ThriftWriter w(true);
  w.MessageBegin("emitZipkinBatch", 4, 1);
  w.StructBegin();
  w.StructEnd();
  JaegerBatch b4;
  Status z = DecodeJaegerEmitBatch(w.out(), ThriftProtocol::kCompact, &b4);
  EXPECT_NE(z.message().find("emitZipkinBatch"), std::string::npos);
  // The wrong protocol for the port.
  JaegerBatch b5;
  EXPECT_FALSE(DecodeJaegerEmitBatch(binary, ThriftProtocol::kCompact, &b5).ok());
}

TEST(JaegerThriftTest, TruncationAndRequiredFieldsAreErrors) {
  std::string bytes = FromHex(kCompactVector);
  for (size_t n = 0; n < bytes.size() - 1; ++n) {
    JaegerBatch batch;
    EXPECT_FALSE(DecodeJaegerEmitBatch(std::string_view(bytes).substr(0, n),
                                       ThriftProtocol::kCompact, &batch)
                     .ok())
        << n;
  }
  std::string binary = FromHex(kBinaryVector);
  for (size_t n = 0; n < binary.size() - 1; ++n) {
    JaegerBatch batch;
    EXPECT_FALSE(DecodeJaegerEmitBatch(std::string_view(binary).substr(0, n),
                                       ThriftProtocol::kBinary, &batch)
                     .ok())
        << n;
  }
  // A span without operationName (field 5): written by hand.
  testing::ThriftWriter w(false);
  w.StructBegin();
  w.Field(12, 1);
  w.StructBegin();
  w.Field(11, 1);
  w.String("svc");
  w.StructEnd();
  w.Field(15, 2);
  w.ListBegin(12, 1);
  w.StructBegin();
  for (int16_t id : {1, 2, 3, 4, 8, 9}) {
    w.Field(10, id);
    w.I64(1);
  }
  w.Field(8, 7);
  w.I32(1);
  w.StructEnd();
  w.StructEnd();
  JaegerBatch batch;
  Status s = DecodeJaegerThriftBatch(w.out(), &batch);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("required"), std::string::npos) << s.ToString();
  // Huge declared list sizes do not allocate.
  std::string huge = std::string(
      "\x0c\x00\x01\x0b\x00\x01\x00\x00\x00\x01s\x00\x0f\x00\x02\x0c"
      "\x7f\xff\xff\xff",
      20);
  JaegerBatch b2;
  EXPECT_FALSE(DecodeJaegerThriftBatch(huge, &b2).ok());
}

JSpan RichSpan() {
  JSpan s;
  s.trace_high = 0x0102030405060708;
  s.trace_low = static_cast<int64_t>(0xf1f2f3f4f5f6f7f8ull);
  s.span_id = 0x11;
  s.parent_span_id = 0x10;
  s.operation_name = "GET /checkout";
  s.start_us = 1700000000000000;
  s.duration_us = 2500;
  s.tags = {JTag::Str("span.kind", "server"),
            JTag::Str("http.method", "GET"),
            JTag::Long("http.status_code", 503),
            JTag::Dbl("ratio", 0.25),
            JTag::Bool("cached", false),
            JTag::Bin("blob", std::string("\x00\x01\xff", 3)),
            JTag::Bool("error", true),
            JTag::Str("otel.status_description", "boom"),
            JTag::Str("w3c.tracestate", "vendor=1"),
            JTag::Str("otel.scope.name", "lib"),
            JTag::Str("otel.scope.version", "1.2"),
            JTag::Str("http.method", "POST")};
  JLog log;
  log.timestamp_us = 1700000000000500;
  log.fields = {JTag::Str("event", "retry"), JTag::Long("attempt", 2)};
  s.logs = {log, JLog{1700000000000600, {}}};
  s.references = {JRef{0, s.trace_low, s.trace_high, 0x10}, JRef{1, 7, 0, 0x99},
                  JRef{0, s.trace_low, s.trace_high, 0x42}};
  return s;
}

TEST(JaegerTranslateTest, ThriftSpanMapping) {
  JBatch b;
  b.service_name = "checkout";
  b.process_tags = {JTag::Str("hostname", "h1"), JTag::Str("jaeger.version", "Go-2.30"),
                    JTag::Str("ip", "10.0.0.1")};
  b.spans = {RichSpan()};
  ExportTraceServiceRequest req = FromThrift(b);
  ASSERT_EQ(req.resource_spans_size(), 1);
  const auto& res = req.resource_spans(0).resource().attributes();
  EXPECT_EQ(Keys(res), (std::vector<std::string>{"service.name", "ip", "host.name",
                                                 "opencensus.exporterversion"}));
  EXPECT_EQ(Attr(res, "host.name")->string_value(), "h1");
  EXPECT_EQ(Attr(res, "opencensus.exporterversion")->string_value(), "Jaeger-Go-2.30");
  ASSERT_EQ(req.resource_spans(0).scope_spans_size(), 1);
  EXPECT_EQ(req.resource_spans(0).scope_spans(0).scope().name(), "");
  const Span& s = req.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(HexEncode(s.trace_id()), "0102030405060708f1f2f3f4f5f6f7f8");
  EXPECT_EQ(HexEncode(s.span_id()), "0000000000000011");
  EXPECT_EQ(HexEncode(s.parent_span_id()), "0000000000000010");
  EXPECT_EQ(s.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(s.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(s.status().message(), "boom");
  EXPECT_EQ(s.trace_state(), "");  // thrift: w3c.tracestate stays an attribute
  // Duplicate keys keep the first position with the last value; consumed tags are gone.
  EXPECT_EQ(Keys(s.attributes()),
            (std::vector<std::string>{"http.method", "http.status_code", "ratio", "cached", "blob",
                                      "w3c.tracestate", "otel.scope.name", "otel.scope.version"}));
  EXPECT_EQ(Attr(s.attributes(), "http.method")->string_value(), "POST");
  EXPECT_EQ(Attr(s.attributes(), "http.status_code")->int_value(), 503);
  EXPECT_DOUBLE_EQ(Attr(s.attributes(), "ratio")->double_value(), 0.25);
  EXPECT_TRUE(Attr(s.attributes(), "cached")->has_bool_value());
  EXPECT_EQ(Attr(s.attributes(), "blob")->bytes_value(), std::string("\x00\x01\xff", 3));
  ASSERT_EQ(s.events_size(), 2);
  EXPECT_EQ(s.events(0).name(), "retry");
  EXPECT_EQ(s.events(0).time_unix_nano(), 1700000000000500000u);
  EXPECT_EQ(Keys(s.events(0).attributes()), (std::vector<std::string>{"attempt"}));
  EXPECT_EQ(s.events(1).name(), "");
  EXPECT_EQ(s.events(1).attributes_size(), 0);
  // References: the CHILD_OF parent is not a link; the others are, with opentracing.ref_type.
  ASSERT_EQ(s.links_size(), 2);
  EXPECT_EQ(HexEncode(s.links(0).trace_id()), "00000000000000000000000000000007");
  EXPECT_EQ(HexEncode(s.links(0).span_id()), "0000000000000099");
  EXPECT_EQ(s.links(0).attributes(0).value().string_value(), "follows_from");
  EXPECT_EQ(HexEncode(s.links(1).span_id()), "0000000000000042");
  EXPECT_EQ(s.links(1).attributes(0).value().string_value(), "child_of");
}

TEST(JaegerTranslateTest, ProtoSpanMappingDiffers) {
  JBatch b;
  b.service_name = "checkout";
  JSpan s = RichSpan();
  b.spans = {s};
  ExportTraceServiceRequest req = FromProto(b);
  ASSERT_EQ(req.resource_spans_size(), 1);
  ASSERT_EQ(req.resource_spans(0).scope_spans_size(), 1);
  // Protobuf: otel.scope.* become the scope, w3c.tracestate the trace state.
  EXPECT_EQ(req.resource_spans(0).scope_spans(0).scope().name(), "lib");
  EXPECT_EQ(req.resource_spans(0).scope_spans(0).scope().version(), "1.2");
  const Span& out = req.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(out.trace_state(), "vendor=1");
  EXPECT_EQ(Keys(out.attributes()), (std::vector<std::string>{"http.method", "http.status_code",
                                                              "ratio", "cached", "blob"}));
  // The parent comes from the first CHILD_OF reference in the same trace.
  EXPECT_EQ(HexEncode(out.parent_span_id()), "0000000000000010");
  EXPECT_EQ(out.links_size(), 2);
  EXPECT_EQ(out.start_time_unix_nano(), 1700000000000000000u);
  EXPECT_EQ(out.end_time_unix_nano(), 1700000000002500000u);
}

TEST(JaegerTranslateTest, StatusRules) {
  struct Case {
    std::vector<JTag> tags;
    int code;
    std::string message;
    std::vector<std::string> keys;
  };

  std::vector<Case> cases = {
      {{JTag::Str("error", "true")}, 0, "", {"error"}},
      {{JTag::Bool("error", false)}, 0, "", {"error"}},
      {{JTag::Bool("error", true), JTag::Str("http.status_message", "bad")},
       2,
       "bad",
       {"http.status_message"}},
      {{JTag::Str("otel.status_code", "ok"), JTag::Str("otel.status_description", "d")},
       1,
       "d",
       {}},
      {{JTag::Bool("error", true), JTag::Str("otel.status_code", "OK")}, 2, "", {}},
      {{JTag::Str("otel.status_code", "weird")}, 0, "", {}},
      {{JTag::Long("http.status_code", 404), JTag::Str("span.kind", "client")},
       2,
       "",
       {"http.status_code"}},
      {{JTag::Long("http.status_code", 404), JTag::Str("span.kind", "server")},
       -1,
       "",
       {"http.status_code"}},
      {{JTag::Str("http.status_code", "500"), JTag::Str("http.status_message", "oops")},
       2,
       "oops",
       {"http.status_code", "http.status_message"}},
      {{JTag::Long("http.status_code", 399)}, 2, "", {"http.status_code"}},
      {{JTag::Long("http.status_code", 200)}, -1, "", {"http.status_code"}},
      {{JTag::Dbl("http.status_code", 500)}, -1, "", {"http.status_code"}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    JBatch b;
    b.service_name = "s";
    JSpan s;
    s.trace_low = 1;
    s.span_id = 2;
    s.operation_name = "op";
    s.tags = cases[i].tags;
    b.spans = {s};
    ExportTraceServiceRequest req = FromThrift(b);
    const Span& out = req.resource_spans(0).scope_spans(0).spans(0);
    if (cases[i].code < 0) {
      EXPECT_FALSE(out.has_status()) << i;
    } else {
      EXPECT_EQ(static_cast<int>(out.status().code()), cases[i].code) << i;
      EXPECT_EQ(out.status().message(), cases[i].message) << i;
    }
    EXPECT_EQ(Keys(out.attributes()), cases[i].keys) << i;
  }
}

TEST(JaegerTranslateTest, KindsAndUnknownTagType) {
  const std::pair<const char*, Span::SpanKind> kinds[] = {
      {"client", Span::SPAN_KIND_CLIENT},     {"server", Span::SPAN_KIND_SERVER},
      {"producer", Span::SPAN_KIND_PRODUCER}, {"consumer", Span::SPAN_KIND_CONSUMER},
      {"internal", Span::SPAN_KIND_INTERNAL}, {"CLIENT", Span::SPAN_KIND_UNSPECIFIED}};
  for (const auto& [tag, kind] : kinds) {
    JBatch b;
    b.service_name = "s";
    JSpan s;
    s.trace_low = 1;
    s.span_id = 2;
    s.tags = {JTag::Str("span.kind", tag)};
    b.spans = {s};
    const Span& out = FromThrift(b).resource_spans(0).scope_spans(0).spans(0);
    EXPECT_EQ(out.kind(), kind) << tag;
    EXPECT_EQ(out.attributes_size(), 0);
  }
  JBatch b;
  b.service_name = "s";
  JSpan s;
  s.trace_low = 1;
  s.span_id = 2;
  JTag odd = JTag::Str("odd", "x");
  odd.type = 9;
  s.tags = {odd};
  b.spans = {s};
  std::string body = testing::EncodeThriftBatch(b);
  JaegerBatch batch;
  ASSERT_TRUE(DecodeJaegerThriftBatch(body, &batch).ok());
  ExportTraceServiceRequest req = Translate(batch, JaegerFlavor::kThrift);
  EXPECT_EQ(req.resource_spans(0).scope_spans(0).spans(0).attributes(0).value().string_value(),
            "<Unknown Jaeger TagType \"<UNSET>\">");
}

TEST(JaegerTranslateTest, ProtoRegroupsByProcessAndDropsSentinelService) {
  // Batch process "a" for the first span, the second span carries its own process "b", the
  // third its own process equal to "a".
  auto span = [](int64_t id) {
    std::string s;
    protowire::AppendLenField(s, 1, testing::Be128(0, 5));
    protowire::AppendLenField(s, 2, testing::Be64(static_cast<uint64_t>(id)));
    protowire::AppendLenField(s, 3, std::string_view("op"));
    return s;
  };
  auto process = [](const std::string& name) {
    std::string p;
    protowire::AppendLenField(p, 1, name);
    return p;
  };
  std::string batch;
  protowire::AppendLenField(batch, 1, span(1));
  std::string s2 = span(2);
  protowire::AppendLenField(s2, 10, process("b"));
  protowire::AppendLenField(batch, 1, s2);
  std::string s3 = span(3);
  protowire::AppendLenField(s3, 10, process("a"));
  protowire::AppendLenField(batch, 1, s3);
  std::string s4 = span(4);
  protowire::AppendLenField(s4, 10, process("OTLPResourceNoServiceName"));
  protowire::AppendLenField(batch, 1, s4);
  protowire::AppendLenField(batch, 2, process("a"));
  std::string req;
  protowire::AppendLenField(req, 1, batch);
  JaegerBatch decoded;
  ASSERT_TRUE(DecodeJaegerProto(req, &decoded).ok());
  size_t spans = 0;
  ExportTraceServiceRequest out = Translate(decoded, JaegerFlavor::kProto, &spans);
  EXPECT_EQ(spans, 4u);
  ASSERT_EQ(out.resource_spans_size(), 3);
  EXPECT_EQ(out.resource_spans(0).resource().attributes(0).value().string_value(), "a");
  EXPECT_EQ(out.resource_spans(0).scope_spans(0).spans_size(), 2);
  EXPECT_EQ(out.resource_spans(1).resource().attributes(0).value().string_value(), "b");
  EXPECT_EQ(out.resource_spans(2).resource().attributes_size(), 0);
}

TEST(JaegerProtoTest, Errors) {
  // Span IDs must have 8 bytes, trace IDs 16 (or 8).
  auto with_span = [](const std::string& span) {
    std::string batch;
    protowire::AppendLenField(batch, 1, span);
    std::string req;
    protowire::AppendLenField(req, 1, batch);
    return req;
  };
  std::string bad_span_id;
  protowire::AppendLenField(bad_span_id, 2, std::string_view("1234"));
  JaegerBatch b;
  EXPECT_FALSE(DecodeJaegerProto(with_span(bad_span_id), &b).ok());
  std::string short_trace;
  protowire::AppendLenField(short_trace, 1, testing::Be64(7));
  protowire::AppendLenField(short_trace, 2, testing::Be64(1));
  JaegerBatch b2;
  ASSERT_TRUE(DecodeJaegerProto(with_span(short_trace), &b2).ok());
  EXPECT_EQ(b2.spans[0].trace_low, 7u);
  std::string bad_trace;
  protowire::AppendLenField(bad_trace, 1, std::string_view("123456789"));
  JaegerBatch b3;
  EXPECT_FALSE(DecodeJaegerProto(with_span(bad_trace), &b3).ok());
  // Timestamps out of range, wrong wire types, truncation.
  std::string bad_ts;
  std::string ts;
  protowire::AppendVarintField(ts, 2, 2000000000);
  protowire::AppendLenField(bad_ts, 6, ts);
  JaegerBatch b4;
  EXPECT_FALSE(DecodeJaegerProto(with_span(bad_ts), &b4).ok());
  std::string wrong_type;
  protowire::AppendVarintField(wrong_type, 3, 5);
  JaegerBatch b5;
  EXPECT_FALSE(DecodeJaegerProto(with_span(wrong_type), &b5).ok());
  JBatch jb;
  jb.service_name = "s";
  jb.spans = {RichSpan()};
  std::string full = testing::EncodePostSpans(jb);
  for (size_t n = 1; n < full.size(); n += 7) {
    JaegerBatch t;
    EXPECT_FALSE(DecodeJaegerProto(std::string_view(full).substr(0, n), &t).ok()) << n;
  }
}

TEST(JaegerTranslateTest, BlankSpansAreSkipped) {
  JBatch b;
  b.service_name = "s";
  JSpan blank;
  blank.flags = 0;
  JSpan real;
  real.trace_low = 1;
  real.span_id = 1;
  b.spans = {blank, real};
  ExportTraceServiceRequest req = FromThrift(b);
  EXPECT_EQ(req.resource_spans(0).scope_spans(0).spans_size(), 1);
}

}  // namespace
}  // namespace vivace::receiver
