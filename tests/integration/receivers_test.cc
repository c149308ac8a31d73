// The Jaeger (gRPC, thrift HTTP, UDP compact and binary) and Zipkin receivers of the real vivace
// binary on ephemeral loopback ports: each transport's payload is read back through
// /api/v2/traces and compared with what the translator makes of it, bad input is answered as
// Tempo answers it while the server keeps serving, and tenancy follows each transport's rules.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/hex.h"
#include "common/protowire.h"
#include "jaeger/api_v2/collector.grpc.pb.h"
#include "net/content_encoding.h"
#include "receiver/jaeger.h"
#include "receiver/zipkin.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/jaeger_encode.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

constexpr char kAllReceivers[] =
    "    jaeger:\n      protocols:\n"
    "        grpc:\n          endpoint: 127.0.0.1:0\n"
    "        thrift_http:\n          endpoint: 127.0.0.1:0\n"
    "          max_request_body_size: 65536\n"
    "        thrift_compact:\n          endpoint: 127.0.0.1:0\n"
    "          max_packet_size: 2048\n"
    "        thrift_binary:\n          endpoint: 127.0.0.1:0\n"
    "    zipkin:\n      endpoint: 127.0.0.1:0\n";

const std::vector<std::string> kListeners = {
    "jaeger-grpc", "jaeger-thrift-http", "jaeger-thrift-compact", "jaeger-thrift-binary", "zipkin"};

// A batch with a parent and a child span, tags of every type, a log and references.
JBatch RichBatch(int64_t trace_low) {
  JBatch b;
  b.service_name = "jaeger-svc";
  b.process_tags = {JTag::Str("hostname", "box-1"), JTag::Long("pid", 4242)};
  JSpan parent;
  parent.trace_low = trace_low;
  parent.trace_high = 0x0badcafe;
  parent.span_id = 0x1001;
  parent.operation_name = "GET /checkout";
  parent.start_us = 1700000000000000;
  parent.duration_us = 5000;
  parent.tags = {JTag::Str("span.kind", "server"), JTag::Long("http.status_code", 200),
                 JTag::Dbl("ratio", 0.25), JTag::Bool("cached", false),
                 JTag::Bin("blob", std::string("\x00\x01\x02", 3))};
  parent.logs = {{1700000000001000, {JTag::Str("event", "validated"), JTag::Long("items", 3)}}};
  JSpan child;
  child.trace_low = trace_low;
  child.trace_high = 0x0badcafe;
  child.span_id = 0x1002;
  child.parent_span_id = 0x1001;
  child.operation_name = "SELECT";
  child.start_us = 1700000000001000;
  child.duration_us = 2000;
  child.tags = {JTag::Str("span.kind", "client"), JTag::Bool("error", true),
                JTag::Str("otel.status_description", "timeout")};
  child.references = {{1, 77, 78, 79}};  // FOLLOWS_FROM another trace: a link
  b.spans = {parent, child};
  return b;
}

std::string TraceHex(int64_t high, int64_t low) { return HexEncode(Be128(high, low)); }

// The read-back trace, re-encoded, equals the translator's output for a one-trace request.
std::string Canonical(const std::string& otlp) {
  tempopb::Trace t;
  EXPECT_TRUE(t.ParseFromString(otlp));
  return t.SerializeAsString();
}

std::string ExpectedJaeger(const std::string& payload, int kind) {
  receiver::JaegerBatch batch;
  Status s =
      kind == 0 ? receiver::DecodeJaegerThriftBatch(payload, &batch)
      : kind == 1
          ? receiver::DecodeJaegerEmitBatch(payload, receiver::ThriftProtocol::kCompact, &batch)
      : kind == 2
          ? receiver::DecodeJaegerEmitBatch(payload, receiver::ThriftProtocol::kBinary, &batch)
          : receiver::DecodeJaegerProto(payload, &batch);
  EXPECT_TRUE(s.ok()) << s.ToString();
  size_t spans = 0;
  return Canonical(receiver::TranslateJaeger(
      batch, kind == 3 ? receiver::JaegerFlavor::kProto : receiver::JaegerFlavor::kThrift, &spans));
}

void SendUdp(int port, const std::string& datagram) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ssize_t n =
      sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  close(fd);
  ASSERT_EQ(n, static_cast<ssize_t>(datagram.size()));
}

class ReceiversTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(""); }

  void Start(const std::string& extra_yaml) {
    proc_.reset();
    auto p = VivaceProcess::Start(
        {.extra_yaml = extra_yaml, .receivers_yaml = kAllReceivers, .listeners = kListeners});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    proc_ = std::move(p).value();
    http_ = std::make_unique<HttpClient>("127.0.0.1", proc_->http_port());
    jaeger_http_ = std::make_unique<HttpClient>("127.0.0.1", proc_->port("jaeger-thrift-http"));
    zipkin_ = std::make_unique<HttpClient>("127.0.0.1", proc_->port("zipkin"));
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(proc_->port("jaeger-grpc")),
                                       grpc::InsecureChannelCredentials());
    jaeger_grpc_ = jaeger::api_v2::CollectorService::NewStub(channel);
  }

  // The trace as protobuf, or "" when not found (yet).
  std::string GetTrace(const std::string& hex_id, const std::string& tenant = "") {
    std::vector<std::pair<std::string, std::string>> h = {{"Accept", "application/protobuf"}};
    if (!tenant.empty()) {
      h.emplace_back("X-Scope-OrgID", tenant);
    }
    auto r = http_->Get("/api/v2/traces/" + hex_id, h);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r->status != 200) {
      return "";
    }
    tempopb::TraceByIDResponse resp;
    EXPECT_TRUE(resp.ParseFromString(r->body));
    return resp.has_trace() && resp.trace().resourcespans_size() > 0
               ? resp.trace().SerializeAsString()
               : "";
  }

  // UDP has no acknowledgement: polls the query API until the trace is there.
  std::string AwaitTrace(const std::string& hex_id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string t = GetTrace(hex_id);
      if (!t.empty()) {
        return t;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  // Polls /metrics until `metric` (a full series name with labels) reaches `at_least`.
  bool AwaitMetric(const std::string& series, double at_least) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = http_->Get("/metrics");
      if (m.ok()) {
        size_t at = m->body.find(series + " ");
        if (at != std::string::npos
            && std::stod(m->body.substr(at + series.size() + 1)) >= at_least) {
          return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  HttpResult Post(HttpClient& c, const std::string& path, const std::string& body,
                  std::vector<std::pair<std::string, std::string>> headers) {
    auto r = c.Do("POST", path, headers, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : HttpResult{};
  }

  grpc::Status PostSpans(const std::string& request_bytes, const std::string& tenant = "") {
    jaeger::api_v2::PostSpansRequest req;
    EXPECT_TRUE(req.ParseFromString(request_bytes));
    grpc::ClientContext ctx;
    if (!tenant.empty()) {
      ctx.AddMetadata("x-scope-orgid", tenant);
    }
    jaeger::api_v2::PostSpansResponse resp;
    return jaeger_grpc_->PostSpans(&ctx, req, &resp);
  }

  std::unique_ptr<VivaceProcess> proc_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<HttpClient> jaeger_http_;
  std::unique_ptr<HttpClient> zipkin_;
  std::unique_ptr<jaeger::api_v2::CollectorService::Stub> jaeger_grpc_;
};

TEST_F(ReceiversTest, JaegerUdpCompactAndBinary) {
  std::string compact = EncodeEmitBatch(RichBatch(1), true);
  std::string binary = EncodeEmitBatch(RichBatch(2), false);
  SendUdp(proc_->port("jaeger-thrift-compact"), compact);
  SendUdp(proc_->port("jaeger-thrift-binary"), binary);
  EXPECT_EQ(AwaitTrace(TraceHex(0x0badcafe, 1)), ExpectedJaeger(compact, 1));
  EXPECT_EQ(AwaitTrace(TraceHex(0x0badcafe, 2)), ExpectedJaeger(binary, 2));
  EXPECT_TRUE(AwaitMetric(
      "tempo_receiver_accepted_spans{receiver=\"tempo/jaeger_receiver\",transport=\"udp_"
      "thrift_compact\"}",
      2));
}

TEST_F(ReceiversTest, JaegerUdpDropsBadDatagramsAndKeepsServing) {
  const int port = proc_->port("jaeger-thrift-compact");
  SendUdp(port, "definitely not thrift");
  JBatch big = RichBatch(3);
  big.spans[0].tags.push_back(JTag::Str("padding", std::string(4000, 'x')));
  SendUdp(port, EncodeEmitBatch(big, true));  // over max_packet_size (2048)
  // The wrong protocol on each port.
  SendUdp(port, EncodeEmitBatch(RichBatch(4), false));
  SendUdp(proc_->port("jaeger-thrift-binary"), EncodeEmitBatch(RichBatch(5), true));
  std::string good = EncodeEmitBatch(RichBatch(6), true);
  SendUdp(port, good);
  EXPECT_EQ(AwaitTrace(TraceHex(0x0badcafe, 6)), ExpectedJaeger(good, 1));
  EXPECT_TRUE(AwaitMetric(
      "vivace_jaeger_agent_packets_dropped_total{transport=\"udp_thrift_compact\",reason=\"decode_"
      "error\"}",
      2));
  EXPECT_TRUE(AwaitMetric(
      "vivace_jaeger_agent_packets_dropped_total{transport=\"udp_thrift_compact\",reason=\"too_"
      "large\"}",
      1));
  EXPECT_TRUE(AwaitMetric(
      "vivace_jaeger_agent_packets_dropped_total{transport=\"udp_thrift_binary\",reason=\"decode_"
      "error\"}",
      1));
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 3)), "");
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 4)), "");
}

TEST_F(ReceiversTest, JaegerThriftHttp) {
  std::string body = EncodeThriftBatch(RichBatch(10));
  HttpResult ok =
      Post(*jaeger_http_, "/api/traces", body, {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(ok.status, 202);
  EXPECT_EQ(ok.body, "");
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 10)), ExpectedJaeger(body, 0));

  // The other content type, gzip-compressed.
  std::string body11 = EncodeThriftBatch(RichBatch(11));
  HttpResult gz = Post(
      *jaeger_http_, "/api/traces", net::GzipCompress(body11),
      {{"Content-Type", "application/vnd.apache.thrift.binary"}, {"Content-Encoding", "gzip"}});
  EXPECT_EQ(gz.status, 202);
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 11)), ExpectedJaeger(body11, 0));

  HttpResult ct = Post(*jaeger_http_, "/api/traces", body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(ct.status, 400);
  EXPECT_EQ(ct.body, "Unsupported content type: application/json\n");
  HttpResult garbage = Post(*jaeger_http_, "/api/traces", "\x0c\x00\x01garbage",
                            {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.body.rfind("Unable to process request body: ", 0), 0u) << garbage.body;
  HttpResult truncated = Post(*jaeger_http_, "/api/traces", body.substr(0, body.size() / 2),
                              {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(truncated.status, 400);
  HttpResult too_big = Post(*jaeger_http_, "/api/traces", std::string(70000, 'x'),
                            {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(too_big.status, 400);
  HttpClient fresh("127.0.0.1", proc_->port("jaeger-thrift-http"));
  auto get = fresh.Get("/api/traces");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 405);
  // Span id 0: the distributor refuses the whole batch, which Tempo reports as a 500.
  JBatch zero = RichBatch(12);
  zero.spans[1].span_id = 0;
  HttpResult refused = Post(fresh, "/api/traces", EncodeThriftBatch(zero),
                            {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(refused.body.rfind("Cannot submit Jaeger batch: span ids must be 64 bit", 0), 0u)
      << refused.body;
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 12)), "");
  // Still serving.
  std::string body13 = EncodeThriftBatch(RichBatch(13));
  EXPECT_EQ(Post(fresh, "/api/traces", body13, {{"Content-Type", "application/x-thrift"}}).status,
            202);
}

TEST_F(ReceiversTest, JaegerGrpc) {
  std::string req = EncodePostSpans(RichBatch(20));
  grpc::Status s = PostSpans(req);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 20)), ExpectedJaeger(req, 3));

  // A raw call with bytes that are not a PostSpansRequest.
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(proc_->port("jaeger-grpc")),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  grpc::ClientContext ctx;
  grpc::Slice slice(std::string("\x0a\x05\x0a\x03\x0a\x01\xff", 7));
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status bad;
  generic.UnaryCall(&ctx, "/jaeger.api_v2.CollectorService/PostSpans", grpc::StubOptions(), &in,
                    &out, [&](grpc::Status st) {
                      std::lock_guard<std::mutex> lock(mu);
                      bad = st;
                      done = true;
                      cv.notify_all();
                    });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  }
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(bad.error_message().find("error unmarshalling request"), std::string::npos);

  // An invalid span ID keeps the distributor's code.
  JBatch zero = RichBatch(21);
  zero.spans[0].span_id = 0;
  grpc::Status invalid = PostSpans(EncodePostSpans(zero));
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(PostSpans(EncodePostSpans(RichBatch(22))).ok());
}

std::string ZipkinV2Json(const std::string& trace_id) {
  return R"([{"traceId":")" + trace_id
         + R"(","id":"00000000000000a1","name":"get /cart","kind":"SERVER",
    "timestamp":1700000000000000,"duration":3000,
    "localEndpoint":{"serviceName":"cart","ipv4":"10.0.0.7","port":8080},
    "remoteEndpoint":{"serviceName":"web","ipv6":"2001:db8::1"},
    "annotations":[{"timestamp":1700000000000500,"value":"cache miss"}],
    "tags":{"http.method":"GET","http.status_code":"500","error":"true"}},
   {"traceId":")"
         + trace_id + R"(","id":"00000000000000a2","parentId":"00000000000000a1",
    "name":"query","kind":"CLIENT","timestamp":1700000000000800,"duration":1000,
    "localEndpoint":{"serviceName":"cart"},"tags":{"db.system":"redis"}}])";
}

std::string ExpectedZipkinV2(const std::string& body, bool proto) {
  receiver::ZipkinBatch batch;
  Status s =
      proto ? receiver::DecodeZipkinProto(body, &batch) : receiver::DecodeZipkinJson(body, &batch);
  EXPECT_TRUE(s.ok()) << s.ToString();
  size_t spans = 0;
  auto otlp = receiver::TranslateZipkinV2(batch, {}, &spans);
  EXPECT_TRUE(otlp.ok());
  return otlp.ok() ? Canonical(*otlp) : "";
}

TEST_F(ReceiversTest, ZipkinV2JsonAndProto) {
  std::string json = ZipkinV2Json("000000000000000000000000000000b1");
  HttpResult r = Post(*zipkin_, "/api/v2/spans", json, {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(GetTrace("b1"), ExpectedZipkinV2(json, false));

  std::string span;
  protowire::AppendLenField(span, 1, Be128(0, 0xb2));
  protowire::AppendLenField(span, 3, Be64(0xc1));
  protowire::AppendVarintField(span, 4, 3);  // PRODUCER
  protowire::AppendLenField(span, 5, std::string_view("publish"));
  protowire::AppendFixed64Field(span, 6, 1700000000000000);
  protowire::AppendVarintField(span, 7, 10);
  std::string ep;
  protowire::AppendLenField(ep, 1, std::string_view("queue"));
  protowire::AppendLenField(span, 8, ep);
  std::string list;
  protowire::AppendLenField(list, 1, span);
  HttpResult p =
      Post(*zipkin_, "/api/v2/spans", list, {{"Content-Type", "application/x-protobuf"}});
  EXPECT_EQ(p.status, 202);
  EXPECT_EQ(GetTrace("b2"), ExpectedZipkinV2(list, true));

  HttpResult empty = Post(*zipkin_, "/api/v2/spans", "[]", {{"Content-Type", "application/json"}});
  EXPECT_EQ(empty.status, 202);
  HttpResult bad =
      Post(*zipkin_, "/api/v2/spans", "[{\"traceId\":", {{"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(bad.body.empty());
  HttpResult bad_proto =
      Post(*zipkin_, "/api/v2/spans", "\x0a\xff", {{"Content-Type", "application/x-protobuf"}});
  EXPECT_EQ(bad_proto.status, 400);
  HttpResult tag_type =
      Post(*zipkin_, "/api/v2/spans", R"([{"traceId":"b3","id":"1","tags":{"n":1}}])",
           {{"Content-Type", "application/json"}});
  EXPECT_EQ(tag_type.status, 400);
  // Any path is Zipkin v2, gzip is accepted.
  std::string json4 = ZipkinV2Json("000000000000000000000000000000b4");
  HttpResult gz = Post(*zipkin_, "/anything", net::GzipCompress(json4),
                       {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}});
  EXPECT_EQ(gz.status, 202);
  EXPECT_EQ(GetTrace("b4"), ExpectedZipkinV2(json4, false));
}

TEST_F(ReceiversTest, ZipkinV1JsonAndThrift) {
  constexpr char kV1[] = R"([{"traceId":"00000000000000c1","id":"00000000000000d1","name":"rpc",
    "timestamp":1700000000000000,"duration":100,
    "annotations":[{"timestamp":1700000000000000,"value":"sr","endpoint":{"serviceName":"api","ipv4":"10.1.1.1","port":80}},
                   {"timestamp":1700000000000100,"value":"ss","endpoint":{"serviceName":"api","ipv4":"10.1.1.1","port":80}}],
    "binaryAnnotations":[{"key":"http.path","value":"/x"}]}])";
  HttpResult r = Post(*zipkin_, "/api/v1/spans", kV1, {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 202);
  size_t spans = 0;
  auto expected = receiver::TranslateZipkinV1Json(std::string_view(kV1), {}, &spans);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(GetTrace("c1"), Canonical(*expected));

  ThriftWriter w(false);
  w.ListBegin(12, 1);
  w.StructBegin();
  w.Field(10, 1);
  w.I64(0xc2);
  w.Field(11, 3);
  w.String("thrift-op");
  w.Field(10, 4);
  w.I64(0xd2);
  w.Field(15, 6);
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
  w.Field(11, 3);
  w.String("thrift-client");
  w.StructEnd();
  w.StructEnd();
  w.Field(10, 10);
  w.I64(1700000000000000);
  w.Field(10, 11);
  w.I64(50);
  w.StructEnd();
  HttpResult t =
      Post(*zipkin_, "/api/v1/spans", w.out(), {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(t.status, 202);
  auto expected_thrift = receiver::TranslateZipkinV1Thrift(w.out(), &spans);
  ASSERT_TRUE(expected_thrift.ok());
  EXPECT_EQ(GetTrace("c2"), Canonical(*expected_thrift));

  HttpResult bad = Post(*zipkin_, "/api/v1/spans", w.out().substr(0, 20),
                        {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(ReceiversTest, TenancyPerTransport) {
  Start("multitenancy_enabled: true\n");
  std::string body = EncodeThriftBatch(RichBatch(30));
  HttpResult none =
      Post(*jaeger_http_, "/api/traces", body, {{"Content-Type", "application/x-thrift"}});
  EXPECT_EQ(none.status, 500);
  EXPECT_EQ(none.body.rfind("Cannot submit Jaeger batch: ", 0), 0u) << none.body;
  HttpResult with = Post(*jaeger_http_, "/api/traces", body,
                         {{"Content-Type", "application/x-thrift"}, {"X-Scope-OrgID", "team-a"}});
  EXPECT_EQ(with.status, 202);
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 30), "team-a"), ExpectedJaeger(body, 0));
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 30), "team-b"), "");

  std::string json = ZipkinV2Json("000000000000000000000000000000e1");
  HttpResult z = Post(*zipkin_, "/api/v2/spans", json, {{"Content-Type", "application/json"}});
  EXPECT_EQ(z.status, 500);
  EXPECT_EQ(z.body, "\"Internal Server Error\"");
  HttpResult zt = Post(*zipkin_, "/api/v2/spans", json,
                       {{"Content-Type", "application/json"}, {"X-Scope-OrgID", "team-a"}});
  EXPECT_EQ(zt.status, 202);

  std::string req = EncodePostSpans(RichBatch(31));
  EXPECT_EQ(PostSpans(req).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_TRUE(PostSpans(req, "team-a").ok());
  EXPECT_EQ(GetTrace(TraceHex(0x0badcafe, 31), "team-a"), ExpectedJaeger(req, 3));

  // UDP carries no tenant: with multitenancy on every batch is dropped.
  SendUdp(proc_->port("jaeger-thrift-compact"), EncodeEmitBatch(RichBatch(32), true));
  EXPECT_TRUE(AwaitMetric(
      "vivace_jaeger_agent_packets_dropped_total{transport=\"udp_thrift_compact\",reason=\"push_"
      "error\"}",
      1));
}

}  // namespace
}  // namespace vivace::testing
