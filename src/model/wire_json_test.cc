#include "model/wire_json.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "tempopb/tempo.pb.h"

namespace vivace::model {
namespace {

std::string Json(const tempopb::Trace& t, std::string_view root = "batches",
                 IdEncoding ids = IdEncoding::kBase64) {
  std::string out;
  JsonWriter w(&out);
  WriteWireJson(w, WireMessage::kTrace, t.SerializeAsString(), ids, root);
  return out;
}

TEST(WireJsonTest, MatchesTempoShape) {
  tempopb::Trace t;
  auto* rs = t.add_resourcespans();
  auto* a = rs->mutable_resource()->add_attributes();
  a->set_key("service.name");
  a->mutable_value()->set_string_value("shop-backend");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("shop.http");
  auto* s = ss->add_spans();
  std::string id;
  HexDecode("2f3e0cee77ae5dc9c17ade3689eb2e54", &id);
  s->set_trace_id(id);
  HexDecode("563d623c76514f8e", &id);
  s->set_span_id(id);
  s->set_name("update-billing");
  s->set_flags(257);  // field 16 on the wire, written after parentSpanId as declared
  s->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  s->set_start_time_unix_nano(1684778327699392724);
  s->set_end_time_unix_nano(1684778328256392724);
  auto* code = s->add_attributes();
  code->set_key("http.status_code");
  code->mutable_value()->set_int_value(500);
  auto* d = s->add_attributes();
  d->set_key("d");
  d->mutable_value()->set_double_value(0.5);
  auto* z = s->add_attributes();
  z->set_key("zero");
  z->mutable_value()->set_int_value(0);  // typed zero: still written
  s->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(Json(t),
            R"({"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop-backend"}}]},)"
            R"("scopeSpans":[{"scope":{"name":"shop.http"},"spans":[{"traceId":"Lz4M7neuXcnBet42iesuVA==",)"
            R"("spanId":"Vj1iPHZRT44=","flags":257,"name":"update-billing","kind":"SPAN_KIND_SERVER",)"
            R"("startTimeUnixNano":"1684778327699392724","endTimeUnixNano":"1684778328256392724",)"
            R"("attributes":[{"key":"http.status_code","value":{"intValue":"500"}},)"
            R"({"key":"d","value":{"doubleValue":0.5}},{"key":"zero","value":{"intValue":"0"}}],)"
            R"("status":{"code":"STATUS_CODE_ERROR"}}]}]}]})");
}

TEST(WireJsonTest, EmptyStatusIsWrittenAndIdsInHex) {
  tempopb::Trace t;
  auto* s = t.add_resourcespans()->add_scope_spans()->add_spans();
  s->set_span_id(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  s->set_kind(static_cast<opentelemetry::proto::trace::v1::Span::SpanKind>(9));
  EXPECT_EQ(Json(t, "resourceSpans", IdEncoding::kHex),
            R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"0102030405060708","kind":9,)"
            R"("status":{}}]}]}]})");
}

TEST(WireJsonTest, EmptyTraceIsEmptyObject) {
  EXPECT_EQ(Json(tempopb::Trace()), "{}");
}

TEST(WireJsonTest, NestedValuesAndSpecialDoubles) {
  tempopb::Trace t;
  auto* s = t.add_resourcespans()->add_scope_spans()->add_spans();
  auto* kv = s->add_attributes();
  kv->set_key("k");
  auto* arr = kv->mutable_value()->mutable_array_value();
  arr->add_values()->set_double_value(std::numeric_limits<double>::infinity());
  arr->add_values()->set_bytes_value(std::string("\x00\xff", 2));
  auto* inner = arr->add_values()->mutable_kvlist_value()->add_values();
  inner->set_key("b");
  inner->mutable_value()->set_bool_value(false);
  EXPECT_EQ(Json(t),
            R"({"batches":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"arrayValue":)"
            R"({"values":[{"doubleValue":"Infinity"},{"bytesValue":"AP8="},{"kvlistValue":{"values":)"
            R"([{"key":"b","value":{"boolValue":false}}]}}]}}}],"status":{}}]}]}]})");
}

}  // namespace
}  // namespace vivace::model
