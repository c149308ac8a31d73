// End-to-end: real Jaeger and Zipkin client libraries (installed by install-peers.sh) send a
// nested trace to the real vivace binary over each of their transports; the trace is read back
// through /api/v2/traces and checked field by field against Tempo's mapping of what the client
// sent (docs/receivers.md):
//   jaeger-client 3.19.0     UDP Agent.emitBatch, thrift binary (6832) and POST /api/traces (14268)
//   python3-thrift           UDP Agent.emitBatch, thrift compact (6831), from jaeger-client's IDL
//   zipkin-js 0.22.0         Zipkin v2 JSON (9411)
//   OTel exporter-zipkin     Zipkin v2 JSON (9411)
//   @grpc/grpc-js            jaeger.api_v2 CollectorService/PostSpans (14250); Jaeger ships no
//                            gRPC client library, so a generic one sends Vivace's own protos

#include <stdio.h>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "common/hex.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/vivace_process.h"

namespace vivace::testing {
namespace {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::trace::v1::Span;
using opentelemetry::proto::trace::v1::Status;
using KeyValues = google::protobuf::RepeatedPtrField<KeyValue>;

constexpr char kReceivers[] =
    "    jaeger:\n      protocols:\n"
    "        grpc:\n          endpoint: 127.0.0.1:0\n"
    "        thrift_http:\n          endpoint: 127.0.0.1:0\n"
    "        thrift_compact:\n          endpoint: 127.0.0.1:0\n"
    "        thrift_binary:\n          endpoint: 127.0.0.1:0\n"
    "    zipkin:\n      endpoint: 127.0.0.1:0\n";

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

struct Sent {
  std::string trace_id, root, child, grandchild;
};

Result<Sent> RunSender(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) {
    return vivace::Status::Internal("popen failed");
  }
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
    out.append(buf, n);
  }
  int rc = pclose(p);
  static const std::regex kIds(
      R"re(\{"traceId": ?"([0-9a-f]{32})", ?"root": ?"([0-9a-f]{16})", ?"child": ?"([0-9a-f]{16})", ?"grandchild": ?"([0-9a-f]{16})"\})re");
  std::smatch m;
  if (rc != 0 || !std::regex_search(out, m, kIds)) {
    return vivace::Status::Internal("sender failed: " + cmd + "\n" + out);
  }
  return Sent{m[1], m[2], m[3], m[4]};
}

const AnyValue* Attr(const KeyValues& kvs, const std::string& key) {
  for (const KeyValue& kv : kvs) {
    if (kv.key() == key) {
      return &kv.value();
    }
  }
  return nullptr;
}

std::string Str(const KeyValues& kvs, const std::string& key) {
  const AnyValue* v = Attr(kvs, key);
  return v != nullptr && v->value_case() == AnyValue::kStringValue ? v->string_value()
                                                                   : "<absent or not a string>";
}

// The spans of a trace by name, with the resource and scope each came with.
struct Received {
  std::map<std::string, Span> spans;
  std::map<std::string, KeyValues> resource;
  std::map<std::string, std::string> scope;
};

class JaegerZipkinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Exists(std::string(VV_E2E_DIR) + "/node_modules/jaeger-client")
        || !Exists(std::string(VV_E2E_DIR) + "/node_modules/zipkin")
        || !Exists(std::string(VV_E2E_DIR) + "/node_modules/@opentelemetry/exporter-zipkin")) {
      GTEST_SKIP() << "jaeger-client / zipkin npm packages not installed under " << VV_E2E_DIR
                   << " (install-peers.sh could not run npm ci)";
    }
    auto p = VivaceProcess::Start(
        {.receivers_yaml = kReceivers,
         .listeners = {"jaeger-grpc", "jaeger-thrift-http", "jaeger-thrift-compact",
                       "jaeger-thrift-binary", "zipkin"}});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    proc_ = std::move(p).value();
  }

  std::string Node(const std::string& mode, const std::string& target) {
    return "node " + std::string(VV_E2E_DIR) + "/send.cjs " + mode + " " + target;
  }

  std::string Url(const std::string& listener, const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(proc_->port(listener)) + path;
  }

  // Polls until the trace has `spans` spans: UDP is never acknowledged and clients may send a
  // trace in several batches.
  Received Await(const std::string& trace_id, size_t spans) {
    HttpClient http("127.0.0.1", proc_->http_port());
    Received got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = http.Get("/api/v2/traces/" + trace_id, {{"Accept", "application/protobuf"}});
      EXPECT_TRUE(r.ok());
      tempopb::TraceByIDResponse resp;
      if (r.ok() && r->status == 200 && resp.ParseFromString(r->body)) {
        got = {};
        for (const auto& rs : resp.trace().resourcespans()) {
          for (const auto& ss : rs.scope_spans()) {
            for (const Span& s : ss.spans()) {
              EXPECT_EQ(HexEncode(s.trace_id()), trace_id) << s.name();
              got.spans[s.name()] = s;
              got.resource[s.name()] = rs.resource().attributes();
              got.scope[s.name()] = ss.scope().name();
            }
          }
        }
        if (got.spans.size() >= spans) {
          return got;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "trace " << trace_id << " did not arrive with " << spans << " spans";
    return got;
  }

  std::unique_ptr<VivaceProcess> proc_;
};

void ExpectTimes(const Span& s) {
  EXPECT_GT(s.start_time_unix_nano(), 1600000000000000000u) << s.name();
  EXPECT_GE(s.end_time_unix_nano(), s.start_time_unix_nano()) << s.name();
  EXPECT_EQ(s.start_time_unix_nano() % 1000, 0u) << s.name() << ": µs precision";
  EXPECT_EQ(s.end_time_unix_nano() % 1000, 0u) << s.name();
}

// jaeger-client: process tags become the resource (hostname -> host.name, jaeger.version ->
// opencensus.exporterversion); span.kind, error and the parent are interpreted, every other tag
// keeps its thrift type (numbers are DOUBLE in this client); references other than the parent
// become links.
void CheckJaegerClient(const Received& got, const Sent& sent, const std::string& service) {
  ASSERT_EQ(got.spans.size(), 3u);
  for (const auto& [name, resource] : got.resource) {
    EXPECT_EQ(Str(resource, "service.name"), service);
    EXPECT_EQ(Str(resource, "deployment.environment"), "e2e");
    ASSERT_NE(Attr(resource, "build.number"), nullptr);
    EXPECT_DOUBLE_EQ(Attr(resource, "build.number")->double_value(), 42);
    EXPECT_EQ(Str(resource, "opencensus.exporterversion"), "Jaeger-Node-3.19.0");
    EXPECT_NE(Attr(resource, "host.name"), nullptr);
    EXPECT_NE(Attr(resource, "ip"), nullptr);
    EXPECT_EQ(Attr(resource, "hostname"), nullptr);
    EXPECT_EQ(Attr(resource, "jaeger.version"), nullptr);
    EXPECT_EQ(got.scope.at(name), "");
  }
  const Span& root = got.spans.at("GET /checkout");
  const Span& child = got.spans.at("charge");
  const Span& grand = got.spans.at("db.query");
  EXPECT_EQ(HexEncode(root.span_id()), sent.root);
  EXPECT_TRUE(root.parent_span_id().empty());
  EXPECT_EQ(root.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(Attr(root.attributes(), "span.kind"), nullptr);
  EXPECT_EQ(Str(root.attributes(), "http.method"), "GET");
  EXPECT_DOUBLE_EQ(Attr(root.attributes(), "http.status_code")->double_value(), 200);
  EXPECT_DOUBLE_EQ(Attr(root.attributes(), "ratio")->double_value(), 0.5);
  EXPECT_TRUE(Attr(root.attributes(), "cached")->bool_value());
  EXPECT_EQ(Attr(root.attributes(), "blob")->bytes_value(), std::string("\x00\x01\x02", 3));
  EXPECT_EQ(Str(root.attributes(), "w3c.tracestate"), "vendor=1");  // thrift: stays an attribute
  EXPECT_TRUE(root.trace_state().empty());
  EXPECT_EQ(Str(root.attributes(), "sampler.type"), "const");
  // A DOUBLE http.status_code is not interpreted: no status.
  EXPECT_EQ(root.status().code(), Status::STATUS_CODE_UNSET);
  ASSERT_EQ(root.events_size(), 1);
  EXPECT_EQ(root.events(0).name(), "validated");
  EXPECT_DOUBLE_EQ(Attr(root.events(0).attributes(), "items")->double_value(), 3);
  EXPECT_GE(root.events(0).time_unix_nano(), root.start_time_unix_nano());

  EXPECT_EQ(HexEncode(child.span_id()), sent.child);
  EXPECT_EQ(HexEncode(child.parent_span_id()), sent.root);
  EXPECT_EQ(child.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(child.status().code(), Status::STATUS_CODE_ERROR);
  EXPECT_EQ(child.status().message(), "");
  EXPECT_EQ(Attr(child.attributes(), "error"), nullptr);
  EXPECT_EQ(Str(child.attributes(), "peer.service"), "payments");
  EXPECT_EQ(child.links_size(), 0);  // its CHILD_OF reference is the parent
  ASSERT_EQ(child.events_size(), 1);
  EXPECT_EQ(child.events(0).name(), "retry");
  EXPECT_DOUBLE_EQ(Attr(child.events(0).attributes(), "attempt")->double_value(), 2);

  EXPECT_EQ(HexEncode(grand.span_id()), sent.grandchild);
  EXPECT_EQ(HexEncode(grand.parent_span_id()), sent.child);
  EXPECT_EQ(grand.kind(), Span::SPAN_KIND_INTERNAL);
  EXPECT_EQ(Str(grand.attributes(), "db.system"), "postgresql");
  ASSERT_EQ(grand.links_size(), 1);
  EXPECT_EQ(HexEncode(grand.links(0).trace_id()), sent.trace_id);
  EXPECT_EQ(HexEncode(grand.links(0).span_id()), sent.root);
  EXPECT_EQ(Str(grand.links(0).attributes(), "opentracing.ref_type"), "follows_from");
  for (const Span* s : {&root, &child, &grand}) {
    ExpectTimes(*s);
  }
}

TEST_F(JaegerZipkinTest, JaegerClientUdpThriftBinary) {
  auto sent = RunSender(Node("jaeger-udp", std::to_string(proc_->port("jaeger-thrift-binary"))));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  // 64-bit trace IDs are left-padded with zeros.
  EXPECT_EQ(sent->trace_id.substr(0, 16), "0000000000000000");
  CheckJaegerClient(Await(sent->trace_id, 3), *sent, "jaeger-udp");
}

TEST_F(JaegerZipkinTest, JaegerClientThriftHttp) {
  auto sent = RunSender(Node("jaeger-http", Url("jaeger-thrift-http", "/api/traces")));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_NE(sent->trace_id.substr(0, 16), "0000000000000000");  // 128-bit
  CheckJaegerClient(Await(sent->trace_id, 3), *sent, "jaeger-http");
}

TEST_F(JaegerZipkinTest, PythonThriftCompactUdp) {
  const std::string gen = std::string(VV_E2E_DIR) + "/py-gen";
  if (!Exists(gen + "/agent") || !Exists("/usr/bin/python3")) {
    GTEST_SKIP() << "thrift-compiler / python3-thrift or the generated classes missing (" << gen
                 << ")";
  }
  auto sent = RunSender("/usr/bin/python3 " + std::string(VV_E2E_DIR) + "/compact.py " + gen + " "
                        + std::to_string(proc_->port("jaeger-thrift-compact")));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  Received got = Await(sent->trace_id, 3);
  ASSERT_EQ(got.spans.size(), 3u);
  const KeyValues& resource = got.resource.at("GET /checkout");
  ASSERT_EQ(resource.size(), 3);
  EXPECT_EQ(resource[0].key(), "service.name");
  EXPECT_EQ(resource[0].value().string_value(), "thrift-compact");
  EXPECT_EQ(resource[1].key(), "host.name");
  EXPECT_EQ(resource[1].value().string_value(), "box-7");
  EXPECT_EQ(resource[2].key(), "opencensus.exporterversion");
  EXPECT_EQ(resource[2].value().string_value(), "Jaeger-Python-4.8.0");

  const Span& root = got.spans.at("GET /checkout");
  const Span& child = got.spans.at("charge");
  const Span& grand = got.spans.at("db.query");
  EXPECT_EQ(HexEncode(root.span_id()), sent->root);
  EXPECT_EQ(root.kind(), Span::SPAN_KIND_SERVER);
  // Every thrift tag type keeps its type.
  EXPECT_EQ(Str(root.attributes(), "http.method"), "GET");
  EXPECT_EQ(Attr(root.attributes(), "http.status_code")->int_value(), 503);
  EXPECT_DOUBLE_EQ(Attr(root.attributes(), "ratio")->double_value(), 0.5);
  EXPECT_TRUE(Attr(root.attributes(), "cached")->bool_value());
  EXPECT_EQ(Attr(root.attributes(), "blob")->bytes_value(), std::string("\x00\x01\x02", 3));
  // A SERVER span with a 5xx http.status_code is an error; the tag stays.
  EXPECT_EQ(root.status().code(), Status::STATUS_CODE_ERROR);
  ASSERT_EQ(root.events_size(), 1);
  EXPECT_EQ(root.events(0).name(), "validated");
  EXPECT_EQ(Attr(root.events(0).attributes(), "items")->int_value(), 3);
  EXPECT_EQ(root.events(0).time_unix_nano() - root.start_time_unix_nano(), 100000u);
  EXPECT_EQ(root.end_time_unix_nano() - root.start_time_unix_nano(), 5000000u);

  EXPECT_EQ(HexEncode(child.parent_span_id()), sent->root);
  EXPECT_EQ(child.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(child.status().code(), Status::STATUS_CODE_ERROR);
  EXPECT_EQ(child.status().message(), "card declined");
  EXPECT_EQ(child.attributes_size(), 0);  // span.kind, error, otel.status_description consumed
  EXPECT_EQ(child.start_time_unix_nano() - root.start_time_unix_nano(), 200000u);
  ASSERT_EQ(child.events_size(), 1);
  EXPECT_EQ(Attr(child.events(0).attributes(), "attempt")->int_value(), 2);

  // No parentSpanId: the first CHILD_OF reference is the parent, FOLLOWS_FROM a link.
  EXPECT_EQ(HexEncode(grand.parent_span_id()), sent->child);
  EXPECT_EQ(grand.kind(), Span::SPAN_KIND_PRODUCER);
  ASSERT_EQ(grand.links_size(), 1);
  EXPECT_EQ(HexEncode(grand.links(0).span_id()), sent->root);
  EXPECT_EQ(Str(grand.links(0).attributes(), "opentracing.ref_type"), "follows_from");
}

TEST_F(JaegerZipkinTest, ZipkinJsV2Json) {
  auto sent = RunSender(Node("zipkin-js", Url("zipkin", "/api/v2/spans")));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  Received got = Await(sent->trace_id, 3);
  ASSERT_EQ(got.spans.size(), 3u);
  for (const auto& [name, resource] : got.resource) {
    ASSERT_EQ(resource.size(), 1) << name;
    EXPECT_EQ(Str(resource, "service.name"), "zipkin-js-svc");
  }
  const Span& root = got.spans.at("get /checkout");  // zipkin-js lower-cases names
  const Span& child = got.spans.at("charge");
  const Span& grand = got.spans.at("db.query");
  EXPECT_EQ(HexEncode(root.span_id()), sent->root);
  EXPECT_TRUE(root.parent_span_id().empty());
  EXPECT_EQ(root.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(Str(root.attributes(), "http.method"), "GET");
  EXPECT_EQ(Str(root.attributes(), "http.status_code"), "200");  // Zipkin tags are strings
  EXPECT_EQ(root.status().code(), Status::STATUS_CODE_UNSET);
  ASSERT_EQ(root.events_size(), 1);
  EXPECT_EQ(root.events(0).name(), "validated");

  EXPECT_EQ(HexEncode(child.parent_span_id()), sent->root);
  EXPECT_EQ(child.kind(), Span::SPAN_KIND_CLIENT);
  // Any `error` tag makes the span an error; only "true" would leave the attributes.
  EXPECT_EQ(child.status().code(), Status::STATUS_CODE_ERROR);
  EXPECT_EQ(Str(child.attributes(), "error"), "card declined");
  ASSERT_EQ(child.events_size(), 1);
  EXPECT_EQ(child.events(0).name(), "retry");

  EXPECT_EQ(HexEncode(grand.parent_span_id()), sent->child);
  EXPECT_EQ(grand.kind(), Span::SPAN_KIND_UNSPECIFIED);
  EXPECT_EQ(Str(grand.attributes(), "db.system"), "postgresql");
  for (const Span* s : {&root, &child, &grand}) {
    ExpectTimes(*s);
  }
}

TEST_F(JaegerZipkinTest, OtelExporterZipkin) {
  auto sent = RunSender(Node("otel-zipkin", Url("zipkin", "/api/v2/spans")));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  Received got = Await(sent->trace_id, 3);
  ASSERT_EQ(got.spans.size(), 3u);
  // The exporter sends resource attributes as tags of every span; the translator moves the
  // resource keys of the first span to the resource and drops them from the others.
  for (const auto& [name, resource] : got.resource) {
    EXPECT_EQ(Str(resource, "service.name"), "otel-zipkin-svc") << name;
    EXPECT_EQ(Str(resource, "deployment.environment"), "e2e") << name;
    EXPECT_EQ(got.scope.at(name), "");
  }
  const Span& root = got.spans.at("GET /checkout");
  const Span& child = got.spans.at("charge");
  const Span& grand = got.spans.at("db.query");
  for (const Span* s : {&root, &child, &grand}) {
    EXPECT_EQ(Attr(s->attributes(), "service.name"), nullptr) << s->name();
    EXPECT_EQ(Attr(s->attributes(), "deployment.environment"), nullptr) << s->name();
    EXPECT_EQ(Attr(s->attributes(), "otel.status_code"), nullptr) << s->name();
    ExpectTimes(*s);
  }
  EXPECT_EQ(HexEncode(root.span_id()), sent->root);
  EXPECT_EQ(root.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(Str(root.attributes(), "http.request.method"), "GET");
  EXPECT_EQ(Str(root.attributes(), "http.response.status_code"), "200");
  EXPECT_EQ(Str(root.attributes(), "ratio"), "0.5");
  EXPECT_EQ(Str(root.attributes(), "cached"), "true");
  ASSERT_EQ(root.events_size(), 1);
  EXPECT_EQ(root.events(0).name(), "validated");

  EXPECT_EQ(HexEncode(child.parent_span_id()), sent->root);
  EXPECT_EQ(child.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(child.status().code(), Status::STATUS_CODE_ERROR);
  EXPECT_EQ(Str(child.attributes(), "error"), "card declined");

  EXPECT_EQ(HexEncode(grand.parent_span_id()), sent->child);
  EXPECT_EQ(grand.kind(), Span::SPAN_KIND_UNSPECIFIED);  // INTERNAL has no Zipkin kind
  EXPECT_EQ(Str(grand.attributes(), "db.system"), "postgresql");
}

TEST_F(JaegerZipkinTest, GrpcJsJaegerPostSpans) {
  auto sent =
      RunSender(Node("jaeger-grpc", "127.0.0.1:" + std::to_string(proc_->port("jaeger-grpc")) + " "
                                        + VV_PROTO_DIR));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  Received got = Await(sent->trace_id, 3);
  ASSERT_EQ(got.spans.size(), 3u);
  const Span& root = got.spans.at("GET /checkout");
  const Span& child = got.spans.at("charge");
  const Span& grand = got.spans.at("db.query");
  // Protobuf path: spans regrouped by process, scope and trace state from tags.
  for (const char* name : {"GET /checkout", "charge"}) {
    EXPECT_EQ(Str(got.resource.at(name), "service.name"), "jaeger-grpc");
    EXPECT_EQ(Str(got.resource.at(name), "host.name"), "grpc-box");
  }
  EXPECT_EQ(Str(got.resource.at("db.query"), "service.name"), "postgres");
  EXPECT_EQ(Str(got.resource.at("db.query"), "db.version"), "16");
  EXPECT_EQ(got.scope.at("GET /checkout"), "checkout-lib");
  EXPECT_EQ(got.scope.at("charge"), "");
  EXPECT_EQ(root.trace_state(), "vendor=1");
  EXPECT_EQ(Attr(root.attributes(), "w3c.tracestate"), nullptr);
  EXPECT_EQ(Attr(root.attributes(), "otel.scope.name"), nullptr);
  EXPECT_EQ(root.kind(), Span::SPAN_KIND_SERVER);
  EXPECT_EQ(Attr(root.attributes(), "http.status_code")->int_value(), 200);
  EXPECT_EQ(root.status().code(), Status::STATUS_CODE_UNSET);
  EXPECT_EQ(Attr(root.attributes(), "blob")->bytes_value(), std::string("\x00\x01\x02", 3));
  // Nanosecond times are kept exactly.
  EXPECT_EQ(root.start_time_unix_nano() % 1000000, 123456u);
  EXPECT_EQ(root.end_time_unix_nano() - root.start_time_unix_nano(), 5000500u);
  ASSERT_EQ(root.events_size(), 1);
  EXPECT_EQ(root.events(0).time_unix_nano() - root.start_time_unix_nano(), 1000u);
  EXPECT_EQ(Attr(root.events(0).attributes(), "items")->int_value(), 3);

  EXPECT_EQ(HexEncode(child.parent_span_id()), sent->root);
  EXPECT_EQ(child.kind(), Span::SPAN_KIND_CLIENT);
  EXPECT_EQ(child.status().code(), Status::STATUS_CODE_ERROR);
  EXPECT_EQ(child.status().message(), "card declined");
  EXPECT_EQ(child.links_size(), 0);

  // References: the CHILD_OF one is the parent even when a FOLLOWS_FROM comes first.
  EXPECT_EQ(HexEncode(grand.parent_span_id()), sent->child);
  ASSERT_EQ(grand.links_size(), 1);
  EXPECT_EQ(HexEncode(grand.links(0).span_id()), sent->root);
  EXPECT_EQ(Str(grand.links(0).attributes(), "opentracing.ref_type"), "follows_from");
}

}  // namespace
}  // namespace vivace::testing
