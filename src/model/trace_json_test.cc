#include "model/trace_json.h"

#include <gtest/gtest.h>

#include "common/hex.h"

namespace vivace::model {
namespace {

TEST(TraceJsonTest, MatchesTempoShape) {
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
  s->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  s->set_start_time_unix_nano(1684778327699392724);
  s->set_end_time_unix_nano(1684778328256392724);
  auto* code = s->add_attributes();
  code->set_key("http.status_code");
  code->mutable_value()->set_int_value(500);
  auto* d = s->add_attributes();
  d->set_key("d");
  d->mutable_value()->set_double_value(0.5);
  s->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  std::string out;
  JsonWriter w(&out);
  WriteTraceJson(w, t, "batches");
  EXPECT_EQ(out,
            R"({"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop-backend"}}]},)"
            R"("scopeSpans":[{"scope":{"name":"shop.http"},"spans":[{"traceId":"Lz4M7neuXcnBet42iesuVA==",)"
            R"("spanId":"Vj1iPHZRT44=","name":"update-billing","kind":"SPAN_KIND_SERVER",)"
            R"("startTimeUnixNano":"1684778327699392724","endTimeUnixNano":"1684778328256392724",)"
            R"("attributes":[{"key":"http.status_code","value":{"intValue":"500"}},)"
            R"({"key":"d","value":{"doubleValue":0.5}}],"status":{"code":"STATUS_CODE_ERROR"}}]}]}]})");
}

TEST(TraceJsonTest, EmptyTraceIsEmptyObject) {
  std::string out;
  JsonWriter w(&out);
  WriteTraceJson(w, tempopb::Trace(), "resourceSpans");
  EXPECT_EQ(out, "{}");
}

}  // namespace
}  // namespace vivace::model
