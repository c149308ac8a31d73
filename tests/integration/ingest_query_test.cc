// End-to-end tests of the real vivace binary on ephemeral loopback ports: push traces over
// OTLP gRPC, HTTP protobuf and HTTP JSON, read them back by ID through the v1 and v2 APIs in
// JSON and protobuf, and compare every field.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "common/base64.h"
#include "google/rpc/status.pb.h"
#include "net/content_encoding.h"
#include "common/hex.h"
#include "common/json_writer.h"
#include "model/wire_json.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/trace_builder.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using opentelemetry::proto::collector::trace::v1::TraceService;

// The request as OTLP/JSON (hex IDs), as SDKs send it.
std::string ToOtlpJson(const ExportRequest& req) {
  std::string out;
  JsonWriter w(&out);
  model::WriteWireJson(w, model::WireMessage::kTrace, req.SerializeAsString(),
                       model::IdEncoding::kHex);
  return out;
}

// The spans of `req` as Tempo returns them for one trace: in one request each ResourceSpans
// holds the spans of one scope, which is how the builder makes them.
tempopb::Trace Expected(const ExportRequest& req) {
  tempopb::Trace t;
  t.ParseFromString(req.SerializeAsString());
  for (auto& rs : *t.mutable_resourcespans()) {
    rs.clear_schema_url();
    for (auto& ss : *rs.mutable_scope_spans()) {
      ss.clear_schema_url();
    }
  }
  return t;
}

class IngestQueryTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(const VivaceProcess::Options& options) {
    proc_.reset();
    auto p = VivaceProcess::Start(options);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    proc_ = std::move(p).value();
    http_ = std::make_unique<HttpClient>("127.0.0.1", proc_->http_port());
    otlp_http_ = std::make_unique<HttpClient>("127.0.0.1", proc_->port("otlp-http"));
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(proc_->port("otlp-grpc")),
                                       grpc::InsecureChannelCredentials());
    stub_ = TraceService::NewStub(channel);
  }

  grpc::Status PushGrpc(const ExportRequest& req, const std::string& tenant = "") {
    grpc::ClientContext ctx;
    if (!tenant.empty()) {
      ctx.AddMetadata("x-scope-orgid", tenant);
    }
    ExportTraceServiceResponse resp;
    return stub_->Export(&ctx, req, &resp);
  }

  HttpResult PushHttp(const std::string& body, const std::string& content_type,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Content-Type", content_type);
    auto r = otlp_http_->Do("POST", "/v1/traces", headers, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResult{};
  }

  tempopb::Trace GetV1Proto(const std::string& hex_id) {
    auto r = http_->Get("/api/traces/" + hex_id, {{"Accept", "application/protobuf"}});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->Header("content-type"), "application/protobuf");
    tempopb::Trace t;
    EXPECT_TRUE(t.ParseFromString(r->body));
    return t;
  }

  std::unique_ptr<VivaceProcess> proc_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<HttpClient> otlp_http_;
  std::unique_ptr<TraceService::Stub> stub_;
};

TEST_F(IngestQueryTest, GrpcPushReadBackEveryField) {
  ExportRequest req = MakeTrace({.seed = 11, .spans = 6});
  ASSERT_TRUE(PushGrpc(req).ok());
  std::string id = HexEncode(TestTraceId(11));
  tempopb::Trace got = GetV1Proto(id);
  EXPECT_EQ(got.SerializeAsString(), Expected(req).SerializeAsString());

  // v2 protobuf: TraceByIDResponse with the same trace and inspected bytes.
  auto r = http_->Get("/api/v2/traces/" + id, {{"Accept", "application/protobuf"}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200);
  tempopb::TraceByIDResponse v2;
  ASSERT_TRUE(v2.ParseFromString(r->body));
  EXPECT_EQ(v2.trace().SerializeAsString(), Expected(req).SerializeAsString());
  EXPECT_GT(v2.metrics().inspectedbytes(), 0u);
  EXPECT_EQ(v2.status(), tempopb::COMPLETE);
}

TEST_F(IngestQueryTest, HttpProtobufAndJsonPushesReadBackAsJson) {
  ExportRequest proto_req = MakeTrace({.seed = 21, .spans = 4, .service = "proto-svc"});
  HttpResult pr = PushHttp(proto_req.SerializeAsString(), "application/x-protobuf");
  EXPECT_EQ(pr.status, 200);
  EXPECT_EQ(pr.Header("content-type"), "application/x-protobuf");
  EXPECT_EQ(pr.body, std::string("\x0a\x00", 2));

  ExportRequest json_req = MakeTrace({.seed = 22, .spans = 4, .service = "json-svc"});
  HttpResult jr = PushHttp(ToOtlpJson(json_req), "application/json; charset=utf-8");
  EXPECT_EQ(jr.status, 200) << jr.body;
  EXPECT_EQ(jr.Header("content-type"), "application/json");
  EXPECT_EQ(jr.body, "{\"partialSuccess\":{}}");

  for (auto [seed, req] : {std::pair{21, &proto_req}, std::pair{22, &json_req}}) {
    std::string id = HexEncode(TestTraceId(static_cast<uint64_t>(seed)));
    // Field by field; a JSON push may carry an empty status object where the protobuf had none.
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equivalent(GetV1Proto(id), Expected(*req)));
    // JSON v1: root key "batches", base64 IDs.
    auto v1 = http_->Get("/api/traces/" + id);
    ASSERT_TRUE(v1.ok());
    EXPECT_EQ(v1->status, 200);
    EXPECT_EQ(v1->Header("content-type"), "application/json");
    std::string expected;
    JsonWriter w(&expected);
    model::WriteWireJson(w, model::WireMessage::kTrace, Expected(*req).SerializeAsString(),
                         model::IdEncoding::kBase64, "batches");
    EXPECT_EQ(v1->body, expected);  // Tempo always writes a status object, so JSON is equal
    EXPECT_NE(v1->body.find(Base64Encode(TestTraceId(static_cast<uint64_t>(seed)))),
              std::string::npos);
    // JSON v2: {"trace":{"resourceSpans":...},"metrics":{...}}
    auto v2 = http_->Get("/api/v2/traces/" + id);
    ASSERT_TRUE(v2.ok());
    EXPECT_EQ(v2->body.rfind("{\"trace\":{\"resourceSpans\":[", 0), 0u) << v2->body;
    EXPECT_NE(v2->body.find("\"metrics\":{\"inspectedBytes\":\""), std::string::npos);
  }
}

TEST_F(IngestQueryTest, GzipBodiesAndPartsCombineAcrossProtocols) {
  ExportRequest first = MakeTrace({.seed = 31, .spans = 3});
  ASSERT_TRUE(PushGrpc(first).ok());
  ExportRequest second = MakeTrace({.seed = 31, .spans = 5});  // 3 duplicates, 2 new spans
  HttpResult r = PushHttp(net::GzipCompress(second.SerializeAsString()), "application/x-protobuf",
                          {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(r.status, 200);
  tempopb::Trace got = GetV1Proto(HexEncode(TestTraceId(31)));
  int spans = 0;
  for (const auto& rs : got.resourcespans()) {
    for (const auto& ss : rs.scope_spans()) {
      spans += ss.spans_size();
    }
  }
  EXPECT_EQ(spans, 5);
}

TEST_F(IngestQueryTest, NotFoundAndBadIds) {
  std::string unknown = HexEncode(TestTraceId(999));
  auto v1 = http_->Get("/api/traces/" + unknown);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->status, 404);
  EXPECT_EQ(v1->body, "");
  EXPECT_FALSE(v1->HasHeader("content-type"));

  auto v2 = http_->Get("/api/v2/traces/" + unknown);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->status, 200);
  EXPECT_EQ(v2->body, "{\"trace\":{},\"metrics\":{}}");
  auto v2p = http_->Get("/api/v2/traces/" + unknown, {{"Accept", "application/protobuf"}});
  ASSERT_TRUE(v2p.ok());
  EXPECT_EQ(v2p->body.substr(0, 2), std::string("\x0a\x00", 2));

  auto bad = http_->Get("/api/traces/12xz");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(bad->body,
            "trace IDs can only contain hex characters: invalid character 'x' at position 3");
  auto range = http_->Get("/api/traces/abc?start=9&end=3");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->body, "http parameter start must be before end. received start=9 end=3");
  auto start = http_->Get("/api/v2/traces/abc?start=x");
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->body, "invalid start: strconv.ParseInt: parsing \"x\": invalid syntax");
  auto mode = http_->Get("/api/traces/abc?mode=sideways");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(mode->body, "invalid value for mode sideways");
}

TEST_F(IngestQueryTest, ShortIdsAreLeftPadded) {
  ExportRequest req = MakeTrace({.seed = 41, .spans = 1});
  std::string id(16, '\0');
  id[15] = '\x2a';
  id[14] = '\x01';
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_trace_id(id);
  ASSERT_TRUE(PushGrpc(req).ok());
  for (std::string hex : {"12a", "012a", "0000000000000000000000000000012A"}) {
    auto r = http_->Get("/api/traces/" + hex);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200) << hex;
  }
}

TEST_F(IngestQueryTest, BadInputGetsClearErrorsAndServerKeepsServing) {
  // gRPC: garbage bytes are not a valid request.
  {
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(proc_->port("otlp-grpc")),
                                       grpc::InsecureChannelCredentials());
    grpc::GenericStub generic(channel);
    grpc::ClientContext ctx;
    grpc::Slice slice(std::string("\xff\xff\xff\xff garbage"));
    grpc::ByteBuffer req(&slice, 1);
    grpc::ByteBuffer resp;
    grpc::CompletionQueue cq;
    grpc::Status status;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    generic.UnaryCall(&ctx, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", {},
                      &req, &resp, [&](grpc::Status s) {
                        std::lock_guard<std::mutex> lock(mu);
                        status = std::move(s);
                        done = true;
                        cv.notify_all();
                      });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("malformed protobuf"), std::string::npos)
        << status.error_message();
  }
  // gRPC: an invalid span ID rejects the request.
  ExportRequest bad_id = MakeTrace({.seed = 51});
  bad_id.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_span_id("abc");
  grpc::Status s = PushGrpc(bad_id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "span ids must be 64 bit and not all zero, received 24 bits");

  std::string good = MakeTrace({.seed = 52}).SerializeAsString();
  // HTTP: garbage and truncated protobuf.
  HttpResult g = PushHttp("\xff\xff\xff not protobuf", "application/x-protobuf");
  EXPECT_EQ(g.status, 400);
  google::rpc::Status st;
  EXPECT_TRUE(st.ParseFromString(g.body));
  EXPECT_EQ(st.code(), 3);
  HttpResult t = PushHttp(good.substr(0, good.size() / 2), "application/x-protobuf");
  EXPECT_EQ(t.status, 400);
  // HTTP: truncated and mistyped JSON, and deep nesting.
  std::string json = ToOtlpJson(MakeTrace({.seed = 53}));
  HttpResult tj = PushHttp(json.substr(0, json.size() / 2), "application/json");
  EXPECT_EQ(tj.status, 400);
  EXPECT_EQ(tj.Header("content-type"), "application/json");
  EXPECT_NE(tj.body.find("\"code\":3"), std::string::npos) << tj.body;
  EXPECT_EQ(PushHttp("{\"resourceSpans\":5}", "application/json").status, 400);
  EXPECT_EQ(PushHttp(std::string(10000, '[') + std::string(10000, ']'), "application/json").status,
            400);
  // Wrong content type, wrong method, unknown encoding.
  HttpResult ct = PushHttp(good, "text/plain");
  EXPECT_EQ(ct.status, 415);
  EXPECT_EQ(ct.body,
            "415 unsupported media type, supported: [application/json, application/x-protobuf]");
  auto get = otlp_http_->Get("/v1/traces");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->body, "405 method not allowed, supported: [POST]");
  EXPECT_EQ(PushHttp(good, "application/x-protobuf", {{"Content-Encoding", "br"}}).status, 400);
  // Oversize body (default limit 20 MiB), announced with Expect: 100-continue as curl does: the
  // answer comes before any of the body is sent.
  {
    HttpClient raw("127.0.0.1", proc_->port("otlp-http"));
    auto big = raw.Raw(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        "Content-Length: 22020096\r\nExpect: 100-continue\r\n\r\n");
    ASSERT_TRUE(big.ok()) << big.status().ToString();
    EXPECT_EQ(big->status, 400);
    google::rpc::Status big_status;
    ASSERT_TRUE(big_status.ParseFromString(big->body));
    EXPECT_EQ(big_status.message(), "http: request body too large");
  }
  // A body over the limit sent without waiting is also refused (the connection may be reset
  // while the client is still writing, as with any server that stops reading).
  auto big2 = otlp_http_->Do("POST", "/v1/traces", {{"Content-Type", "application/x-protobuf"}},
                             std::string(21 * 1024 * 1024, 'x'));
  EXPECT_TRUE(!big2.ok() || big2->status == 400);

  // Still serving.
  EXPECT_TRUE(PushGrpc(MakeTrace({.seed = 54})).ok());
  EXPECT_EQ(PushHttp(good, "application/x-protobuf").status, 200);
  EXPECT_EQ(GetV1Proto(HexEncode(TestTraceId(52))).resourcespans_size(), 1);
}

TEST_F(IngestQueryTest, MultitenancyAndRateLimits) {
  Start({.extra_yaml = "multitenancy_enabled: true\n"
                       "overrides:\n  defaults:\n    ingestion:\n"
                       "      rate_limit_bytes: 1000\n      burst_size_bytes: 1000\n"});
  ExportRequest req = MakeTrace({.seed = 61, .spans = 2});
  // No tenant: rejected.
  EXPECT_EQ(PushGrpc(req).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(PushHttp(req.SerializeAsString(), "application/x-protobuf").status, 401);
  // Tenant a stores; tenant b does not see it.
  ASSERT_TRUE(PushGrpc(req, "team-a").ok());
  std::string id = HexEncode(TestTraceId(61));
  auto no_org = http_->Get("/api/traces/" + id);
  ASSERT_TRUE(no_org.ok());
  EXPECT_EQ(no_org->status, 401);
  EXPECT_EQ(no_org->body, "no org id");
  EXPECT_EQ(http_->Get("/api/traces/" + id, {{"X-Scope-OrgID", "team-a"}})->status, 200);
  EXPECT_EQ(http_->Get("/api/traces/" + id, {{"X-Scope-OrgID", "team-b"}})->status, 404);
  EXPECT_EQ(http_->Get("/api/traces/" + id, {{"X-Scope-OrgID", "team-b|team-a"}})->status, 200);

  // A request larger than the burst is rate limited: 429 + Retry-After over HTTP,
  // RESOURCE_EXHAUSTED with RetryInfo over gRPC.
  ExportRequest big = MakeTrace({.seed = 62, .spans = 20});
  HttpResult r = PushHttp(big.SerializeAsString(), "application/x-protobuf",
                          {{"X-Scope-OrgID", "team-a"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("retry-after"), "5");
  google::rpc::Status st;
  ASSERT_TRUE(st.ParseFromString(r.body));
  EXPECT_EQ(st.code(), 8);
  EXPECT_EQ(st.message().rfind("RATE_LIMITED: batch size (", 0), 0u);
  ASSERT_EQ(st.details_size(), 1);
  EXPECT_EQ(st.details(0).type_url(), "type.googleapis.com/google.rpc.RetryInfo");
  grpc::Status gs = PushGrpc(big, "team-a");
  EXPECT_EQ(gs.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_FALSE(gs.error_details().empty());
}

TEST_F(IngestQueryTest, OperationalEndpoints) {
  auto echo = http_->Get("/api/echo");
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ(echo->status, 200);
  EXPECT_EQ(echo->body, "echo\n");
  auto ready = http_->Get("/ready");
  EXPECT_EQ(ready->body, "ready\n");
  auto build = http_->Get("/api/status/buildinfo");
  EXPECT_EQ(build->status, 200);
  EXPECT_NE(build->body.find("\"version\":\"3.0.3\""), std::string::npos) << build->body;
  auto services = http_->Get("/status/services");
  EXPECT_NE(services->body.find("distributor"), std::string::npos);
  EXPECT_NE(services->body.find("Running"), std::string::npos);
  auto endpoints = http_->Get("/status/endpoints");
  EXPECT_NE(endpoints->body.find("/api/v2/traces/{traceID}"), std::string::npos);
  auto config = http_->Get("/status/config");
  EXPECT_EQ(config->body.rfind("---\n", 0), 0u);
  EXPECT_NE(config->body.find("http_listen_port"), std::string::npos);
  auto bad_mode = http_->Get("/status/config?mode=bogus");
  EXPECT_EQ(bad_mode->status, 500);
  EXPECT_EQ(bad_mode->body, "unknown value for mode query parameter");
  EXPECT_EQ(http_->Get("/status/nope")->status, 404);
  EXPECT_EQ(http_->Get("/nope")->status, 404);
  // OTLP push is not served on the API port.
  EXPECT_EQ(http_->Do("POST", "/v1/traces", {{"Content-Type", "application/x-protobuf"}}, "")->status,
            404);

  ASSERT_TRUE(PushGrpc(MakeTrace({.seed = 71, .spans = 3})).ok());
  auto metrics = http_->Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("tempo_distributor_spans_received_total{tenant=\"single-tenant\"} 3"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("tempo_request_duration_seconds_bucket{method=\"GET\",route=\"ready\""),
            std::string::npos);
  EXPECT_NE(metrics->body.find("process_resident_memory_bytes"), std::string::npos);
  EXPECT_NE(metrics->body.find("tempo_build_info{"), std::string::npos);
  EXPECT_NE(metrics->body.find(
                "tempo_receiver_accepted_spans{receiver=\"tempo/otlp_receiver\",transport=\"grpc\"} 3"),
            std::string::npos);

  // The exposition passes Prometheus' own linter (promtool comes with scripts/install-deps).
  std::string path = proc_->data_dir() + "/metrics.txt";
  {
    std::ofstream(path) << metrics->body;
  }
  std::string cmd = "promtool check metrics < " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
    out.append(buf, n);
  }
  EXPECT_EQ(pclose(p), 0) << out;
}

TEST_F(IngestQueryTest, SigtermShutsDownCleanly) {
  Start({.args = {"-log.level=debug"}});
  ASSERT_TRUE(PushGrpc(MakeTrace({.seed = 81})).ok());
  EXPECT_EQ(proc_->StopWith(SIGTERM), 0);
  EXPECT_NE(proc_->logs().find("Tempo stopped"), std::string::npos) << proc_->logs();
}

}  // namespace
}  // namespace vivace::testing
