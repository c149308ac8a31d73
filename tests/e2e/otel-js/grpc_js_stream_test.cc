// End-to-end: the gRPC client grpc-js (pinned in package.json, the service loaded from
// Vivace's proto files) calls tempopb.StreamingQuerier on the real vivace binary as Grafana's
// streaming mode does: a search, Save & test's `{}` search, tag values, a bad query (gRPC
// InvalidArgument with the HTTP text) and a tenant from the metadata.

#include <simdjson.h>
#include <stdio.h>

#include <chrono>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/hex.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tests/support/trace_builder.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using opentelemetry::proto::collector::trace::v1::TraceService;

// The `{"error":...}` line of a call's output, empty when none.
std::string ErrorLine(const std::vector<std::string>& lines) {
  for (const std::string& l : lines) {
    if (l.rfind("{\"error\":", 0) == 0) {
      return l;
    }
  }
  return {};
}

// The JSON lines stream_query.mjs printed.
std::vector<std::string> RunNode(int port, const std::string& method, const std::string& request,
                                 const std::string& tenant = "") {
  std::string cmd = "node " + std::string(VV_E2E_DIR)
                    + "/stream_query.mjs 127.0.0.1:" + std::to_string(port) + " " + VV_PROTO_DIR
                    + " " + method + " '" + request + "' " + tenant + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::vector<std::string> lines;
  if (p == nullptr) {
    return lines;
  }
  char buf[65536];
  while (fgets(buf, sizeof(buf), p) != nullptr) {
    std::string line(buf);
    while (!line.empty() && line.back() == '\n') {
      line.pop_back();
    }
    lines.push_back(line);
  }
  pclose(p);
  return lines;
}

void Push(int port, const ExportRequest& req, const std::string& tenant) {
  auto stub = TraceService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-scope-orgid", tenant);
  ExportTraceServiceResponse resp;
  ASSERT_TRUE(stub->Export(&ctx, req, &resp).ok());
}

TEST(GrpcJsStreamTest, GrafanaStreamingCalls) {
  auto proc = VivaceProcess::Start({.extra_yaml = "multitenancy_enabled: true\n"});
  ASSERT_TRUE(proc.ok()) << proc.status().ToString();
  const int otlp = (*proc)->port("otlp-grpc");
  const int grpc_port = (*proc)->port("grpc");
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const uint64_t start = static_cast<uint64_t>(now - 60) * 1'000'000'000;
  ASSERT_NO_FATAL_FAILURE(Push(
      otlp, MakeTrace({.seed = 5, .spans = 3, .service = "checkout", .start_unix_nano = start}),
      "team-a"));
  const std::string window =
      ",\"start\":" + std::to_string(now - 900) + ",\"end\":" + std::to_string(now + 60);
  simdjson::dom::parser parser;

  auto lines = RunNode(
      grpc_port, "Search",
      "{\"Query\":\"{ resource.service.name = \\\"checkout\\\" }\",\"Limit\":20" + window + "}",
      "team-a");
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines.back(), "{\"end\":true}");
  simdjson::dom::element last = parser.parse(lines[lines.size() - 2]);
  simdjson::dom::array traces = last["message"]["traces"].get_array();
  ASSERT_EQ(traces.size(), 1u) << lines[lines.size() - 2];
  std::string id = HexEncode(TestTraceId(5));
  EXPECT_EQ(std::string_view(traces.at(0)["traceID"].get_string()),
            id.substr(id.find_first_not_of('0')));

  // Save & test: `{}`, limit 1; healthy when the first message (or a clean end) arrives.
  lines = RunNode(grpc_port, "Search", "{\"Query\":\"{}\",\"Limit\":1" + window + "}", "team-a");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().rfind("{\"message\":", 0), 0u) << lines.front();

  lines = RunNode(grpc_port, "SearchTagValuesV2",
                  "{\"tagName\":\"resource.service.name\",\"query\":\"{ span.foo = \"}", "team-a");
  ASSERT_GE(lines.size(), 2u);
  EXPECT_NE(lines[lines.size() - 2].find("\"value\":\"checkout\""), std::string::npos)
      << lines[lines.size() - 2];

  // Another tenant sees nothing; no tenant is refused.
  lines =
      RunNode(grpc_port, "SearchTagValuesV2", "{\"tagName\":\"resource.service.name\"}", "team-b");
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[lines.size() - 2].find("checkout"), std::string::npos);
  lines = RunNode(grpc_port, "Search", "{\"Query\":\"{}\"}");
  EXPECT_EQ(ErrorLine(lines), "{\"error\":{\"code\":16,\"details\":\"no org id\"}}");

  lines = RunNode(grpc_port, "Search", "{\"Query\":\"{ .a = }\"}", "team-a");
  EXPECT_EQ(
      ErrorLine(lines).rfind("{\"error\":{\"code\":3,\"details\":\"invalid TraceQL query: ", 0), 0u)
      << ErrorLine(lines);
}

}  // namespace
}  // namespace vivace::testing
