// End-to-end: the real OpenTelemetry JS SDK (pinned in package.json) sends a nested trace with
// each of its OTLP exporters (http/json, http/protobuf, gRPC) to the real vivace binary; the
// trace is read back through /api/v2/traces and checked span by span.

#include <stdio.h>

#include <regex>

#include <gtest/gtest.h>

#include "common/hex.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

using opentelemetry::proto::trace::v1::Span;

struct Sent {
  std::string trace_id;
  std::string root;
  std::string child;
  std::string grandchild;
};

// Runs send.mjs (installed next to node_modules in the build tree) and parses its output.
Result<Sent> RunNode(const std::string& exporter, const std::string& url) {
  std::string cmd = "node " + std::string(VV_E2E_DIR) + "/send.mjs " + exporter + " " + url + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return Status::Internal("popen failed");
  }
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
    out.append(buf, n);
  }
  int rc = pclose(p);
  std::smatch m;
  static const std::regex kIds(
      R"re(\{"traceId":"([0-9a-f]{32})","root":"([0-9a-f]{16})","child":"([0-9a-f]{16})","grandchild":"([0-9a-f]{16})"\})re");
  if (rc != 0 || !std::regex_search(out, m, kIds)) {
    return Status::Internal("node sender failed: " + out);
  }
  return Sent{m[1], m[2], m[3], m[4]};
}

const opentelemetry::proto::common::v1::AnyValue* Attr(const Span& s, const std::string& key) {
  for (const auto& kv : s.attributes()) {
    if (kv.key() == key) {
      return &kv.value();
    }
  }
  return nullptr;
}

class OtelJsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OtelJsTest, NestedTraceReadsBack) {
  auto proc = VivaceProcess::Start({});
  ASSERT_TRUE(proc.ok()) << proc.status().ToString();
  const std::string& exporter = GetParam();
  std::string url = exporter == "grpc"
                        ? "http://127.0.0.1:" + std::to_string((*proc)->port("otlp-grpc"))
                        : "http://127.0.0.1:" + std::to_string((*proc)->port("otlp-http")) + "/v1/traces";
  auto sent = RunNode(exporter, url);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();

  HttpClient http("127.0.0.1", (*proc)->http_port());
  auto r = http.Get("/api/v2/traces/" + sent->trace_id, {{"Accept", "application/protobuf"}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200);
  tempopb::TraceByIDResponse resp;
  ASSERT_TRUE(resp.ParseFromString(r->body));
  ASSERT_EQ(resp.trace().resourcespans_size(), 1);
  const auto& rs = resp.trace().resourcespans(0);
  bool service_ok = false;
  for (const auto& kv : rs.resource().attributes()) {
    service_ok = service_ok ||
                 (kv.key() == "service.name" && kv.value().string_value() == "e2e-" + exporter);
  }
  EXPECT_TRUE(service_ok);
  ASSERT_EQ(rs.scope_spans_size(), 1);
  EXPECT_EQ(rs.scope_spans(0).scope().name(), "vivace-e2e");
  EXPECT_EQ(rs.scope_spans(0).scope().version(), "1.2.3");
  std::map<std::string, const Span*> by_name;
  for (const Span& s : rs.scope_spans(0).spans()) {
    by_name[s.name()] = &s;
    EXPECT_EQ(HexEncode(s.trace_id()), sent->trace_id);
    EXPECT_GT(s.end_time_unix_nano(), 0u);
    EXPECT_GE(s.end_time_unix_nano(), s.start_time_unix_nano());
  }
  ASSERT_EQ(by_name.size(), 3u);
  const Span& root = *by_name.at("GET /checkout");
  const Span& child = *by_name.at("charge");
  const Span& grandchild = *by_name.at("db.query");
  EXPECT_EQ(HexEncode(root.span_id()), sent->root);
  EXPECT_TRUE(root.parent_span_id().empty());
  EXPECT_EQ(root.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(HexEncode(child.parent_span_id()), sent->root);
  EXPECT_EQ(child.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(HexEncode(grandchild.parent_span_id()), sent->child);
  EXPECT_EQ(grandchild.kind(), Span::SPAN_KIND_INTERNAL);

  ASSERT_NE(Attr(root, "http.response.status_code"), nullptr);
  EXPECT_EQ(Attr(root, "http.response.status_code")->int_value(), 200);
  EXPECT_EQ(Attr(root, "http.request.method")->string_value(), "GET");
  EXPECT_DOUBLE_EQ(Attr(root, "ratio")->double_value(), 0.5);
  EXPECT_TRUE(Attr(root, "cached")->bool_value());
  ASSERT_EQ(Attr(root, "tags")->array_value().values_size(), 2);
  EXPECT_EQ(Attr(root, "tags")->array_value().values(1).string_value(), "b");

  ASSERT_EQ(child.events_size(), 1);
  EXPECT_EQ(child.events(0).name(), "retry");
  EXPECT_EQ(child.events(0).attributes(0).value().int_value(), 2);
  EXPECT_EQ(child.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(child.status().message(), "card declined");

  // The JSON form of the same trace carries base64 IDs.
  auto json = http.Get("/api/v2/traces/" + sent->trace_id);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->body.find("\"name\":\"charge\""), std::string::npos);
  EXPECT_NE(json->body.find("\"kind\":\"SPAN_KIND_CLIENT\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Exporters, OtelJsTest,
                         ::testing::Values("http-json", "http-proto", "grpc"),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace vivace::testing
