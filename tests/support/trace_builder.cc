#include "tests/support/trace_builder.h"

namespace vivace::testing {

using opentelemetry::proto::trace::v1::Span;
using opentelemetry::proto::trace::v1::Status;

std::string TestTraceId(uint64_t seed) {
  std::string id(16, '\0');
  uint64_t a = seed * 0x9E3779B97F4A7C15ULL + 1;
  uint64_t b = (seed + 7) * 0xC2B2AE3D27D4EB4FULL + 3;
  for (int i = 0; i < 8; ++i) {
    id[static_cast<size_t>(i)] = static_cast<char>(a >> (8 * i));
    id[static_cast<size_t>(8 + i)] = static_cast<char>(b >> (8 * i));
  }
  return id;
}

std::string TestSpanId(uint64_t seed) {
  std::string id(8, '\0');
  uint64_t a = seed * 0xD6E8FEB86659FD93ULL + 5;
  for (int i = 0; i < 8; ++i) {
    id[static_cast<size_t>(i)] = static_cast<char>(a >> (8 * i));
  }
  return id;
}

void AppendTrace(ExportRequest* request, const TraceSpec& spec) {
  auto* rs = request->add_resource_spans();
  auto* rattr = rs->mutable_resource()->add_attributes();
  rattr->set_key("service.name");
  rattr->mutable_value()->set_string_value(spec.service);
  auto* ns = rs->mutable_resource()->add_attributes();
  ns->set_key("k8s.namespace.name");
  ns->mutable_value()->set_string_value("prod");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("shop.http");
  ss->mutable_scope()->set_version("1.2.3");
  std::string trace_id = TestTraceId(spec.seed);
  for (int i = 0; i < spec.spans; ++i) {
    Span* s = ss->add_spans();
    s->set_trace_id(trace_id);
    s->set_span_id(TestSpanId(spec.seed * 1000 + static_cast<uint64_t>(i)));
    if (i > 0) {
      s->set_parent_span_id(TestSpanId(spec.seed * 1000 + static_cast<uint64_t>(i - 1)));
    }
    s->set_name(i == 0 ? "GET /checkout" : "step-" + std::to_string(i));
    s->set_kind(i == 0 ? Span::SPAN_KIND_SERVER : Span::SPAN_KIND_INTERNAL);
    s->set_start_time_unix_nano(spec.start_unix_nano + static_cast<uint64_t>(i) * 1000);
    s->set_end_time_unix_nano(spec.start_unix_nano + 1'000'000 - static_cast<uint64_t>(i));
    s->set_flags(0x101);
    auto* a1 = s->add_attributes();
    a1->set_key("http.status_code");
    a1->mutable_value()->set_int_value(200 + i);
    auto* a2 = s->add_attributes();
    a2->set_key("ratio");
    a2->mutable_value()->set_double_value(0.25 * i);
    auto* a3 = s->add_attributes();
    a3->set_key("cached");
    a3->mutable_value()->set_bool_value(i % 2 == 0);
    auto* a4 = s->add_attributes();
    a4->set_key("tags");
    a4->mutable_value()->mutable_array_value()->add_values()->set_string_value("a");
    a4->mutable_value()->mutable_array_value()->add_values()->set_int_value(7);
    auto* a5 = s->add_attributes();
    a5->set_key("blob");
    a5->mutable_value()->set_bytes_value(std::string("\x00\x01\xff", 3));
    auto* a6 = s->add_attributes();
    a6->set_key("nested");
    auto* kv = a6->mutable_value()->mutable_kvlist_value()->add_values();
    kv->set_key("inner");
    kv->mutable_value()->set_string_value("x");
    auto* ev = s->add_events();
    ev->set_name("cache.miss");
    ev->set_time_unix_nano(spec.start_unix_nano + 500);
    auto* eattr = ev->add_attributes();
    eattr->set_key("key");
    eattr->mutable_value()->set_string_value("v");
    if (i == 1) {
      auto* link = s->add_links();
      link->set_trace_id(TestTraceId(spec.seed + 1000));
      link->set_span_id(TestSpanId(spec.seed + 1000));
      link->set_trace_state("k=v");
    }
    if (i == spec.spans - 1 && i > 0) {
      s->mutable_status()->set_code(Status::STATUS_CODE_ERROR);
      s->mutable_status()->set_message("payment declined");
    }
  }
}

ExportRequest MakeTrace(const TraceSpec& spec) {
  ExportRequest r;
  AppendTrace(&r, spec);
  return r;
}

}  // namespace vivace::testing
