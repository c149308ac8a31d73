// Per-protocol ingest against a running vivace: sends the same spans (the loadgen's mix, 20
// traces x 10 spans per generated request) as OTLP and as each Jaeger / Zipkin client would,
// flat out from `--concurrency` connections for `--seconds`, and prints a `RESULT {...}` line
// with spans/s. bench/run-bench measures vivace's CPU around each run, which gives the server's
// cost per span of every protocol with the same downstream work (WAL, live traces, blocks).
//
//   receiver_ingest_bench --protocol=jaeger-http --target=127.0.0.1:14268 [--seconds=10]
//
// Protocols: otlp-grpc, otlp-http (protobuf), jaeger-grpc, jaeger-http (thrift binary),
// zipkin-json, zipkin-proto. The UDP transports are left out: without flow control a flat-out
// sender only measures drops.
//
// A pool of `--pool` generated requests (distinct trace IDs) is encoded once and cycled, so
// later rounds append to live traces that already exist; every protocol sees the same pattern.
// Jaeger batches hold the spans of one process, as Jaeger clients send them (~200 per batch).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "jaeger/api_v2/collector.grpc.pb.h"
#include "loadgen/generator.h"
#include "loadgen/request_template.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/receiver_payloads.h"

namespace {

using vivace::testing::OtlpRequest;

struct Args {
  std::string protocol = "otlp-grpc";
  std::string target = "127.0.0.1:4317";
  int seconds = 10;
  int concurrency = 8;
  int pool = 200;
};

struct Body {
  std::string bytes;  // wire bytes (HTTP body, or a serialized gRPC request)
  int64_t spans = 0;
};

std::vector<OtlpRequest> Generate(int n) {
  vivace::loadgen::Generator gen({.seed = 1});
  vivace::loadgen::IdSource ids(static_cast<uint64_t>(std::time(nullptr)));
  std::vector<vivace::loadgen::TraceKey> keys(20);
  const uint64_t now =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  std::vector<OtlpRequest> out;
  uint64_t seq = 0;
  for (int r = 0; r < n; ++r) {
    auto t = vivace::loadgen::MakeTemplate(gen.NextRequest(20));
    for (auto& k : keys) {
      k = ids.Key(seq++);
    }
    std::string bytes(t->size(), '\0');
    t->Instantiate(keys.data(), now, reinterpret_cast<uint8_t*>(bytes.data()));
    out.emplace_back().ParseFromString(bytes);
  }
  return out;
}

int64_t Spans(const OtlpRequest& req) {
  int64_t n = 0;
  for (const auto& rs : req.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      n += ss.spans_size();
    }
  }
  return n;
}

std::vector<Body> Encode(const std::string& protocol, const std::vector<OtlpRequest>& reqs) {
  std::vector<Body> out;
  if (protocol == "jaeger-http" || protocol == "jaeger-grpc") {
    for (const auto& b : vivace::testing::MergeJaegerBatches(reqs, 200)) {
      out.push_back({protocol == "jaeger-http" ? vivace::testing::EncodeThriftBatch(b)
                                               : vivace::testing::EncodePostSpans(b),
                     static_cast<int64_t>(b.spans.size())});
    }
    return out;
  }
  for (const OtlpRequest& req : reqs) {
    if (protocol == "otlp-grpc" || protocol == "otlp-http") {
      out.push_back({req.SerializeAsString(), Spans(req)});
    } else if (protocol == "zipkin-json") {
      out.push_back({vivace::testing::ToZipkinJson(req), Spans(req)});
    } else {
      out.push_back({vivace::testing::ToZipkinProto(req), Spans(req)});
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto val = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      return s.compare(0, n, name) == 0 ? s.c_str() + n : nullptr;
    };
    if (const char* v = val("--protocol=")) {
      a.protocol = v;
    } else if (const char* v2 = val("--target=")) {
      a.target = v2;
    } else if (const char* v3 = val("--seconds=")) {
      a.seconds = std::atoi(v3);
    } else if (const char* v4 = val("--concurrency=")) {
      a.concurrency = std::atoi(v4);
    } else if (const char* v5 = val("--pool=")) {
      a.pool = std::atoi(v5);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  const std::vector<std::string> known = {"otlp-grpc",   "otlp-http",   "jaeger-grpc",
                                          "jaeger-http", "zipkin-json", "zipkin-proto"};
  if (std::find(known.begin(), known.end(), a.protocol) == known.end()) {
    std::fprintf(stderr, "unknown --protocol=%s\n", a.protocol.c_str());
    return 2;
  }
  const std::vector<Body> bodies = Encode(a.protocol, Generate(a.pool));
  // gRPC requests are parsed once; the stubs serialize them per call (as a client library would).
  std::vector<OtlpRequest> otlp;
  std::vector<jaeger::api_v2::PostSpansRequest> jaeger;
  for (const Body& b : bodies) {
    if (a.protocol == "otlp-grpc") {
      otlp.emplace_back().ParseFromString(b.bytes);
    } else if (a.protocol == "jaeger-grpc") {
      jaeger.emplace_back().ParseFromString(b.bytes);
    }
  }
  const size_t colon = a.target.rfind(':');
  const std::string host = a.target.substr(0, colon);
  const int port = std::atoi(a.target.c_str() + colon + 1);
  std::string path = "/v1/traces";
  std::string content_type = "application/x-protobuf";
  if (a.protocol == "jaeger-http") {
    path = "/api/traces";
    content_type = "application/x-thrift";
  } else if (a.protocol == "zipkin-json") {
    path = "/api/v2/spans";
    content_type = "application/json";
  } else if (a.protocol == "zipkin-proto") {
    path = "/api/v2/spans";
  }

  int64_t pool_bytes = 0;
  int64_t pool_spans = 0;
  for (const Body& b : bodies) {
    pool_bytes += static_cast<int64_t>(b.bytes.size());
    pool_spans += b.spans;
  }
  std::atomic<int64_t> spans_ok{0};
  std::atomic<int64_t> errors{0};
  std::atomic<size_t> next{0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a.seconds);
  auto channel = grpc::CreateChannel(a.target, grpc::InsecureChannelCredentials());
  auto worker = [&] {
    auto otlp_stub = opentelemetry::proto::collector::trace::v1::TraceService::NewStub(channel);
    auto jaeger_stub = jaeger::api_v2::CollectorService::NewStub(channel);
    vivace::testing::HttpClient http(host, port);
    while (std::chrono::steady_clock::now() < deadline) {
      const size_t i = next.fetch_add(1) % bodies.size();
      bool ok = false;
      if (a.protocol == "otlp-grpc") {
        grpc::ClientContext ctx;
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse resp;
        ok = otlp_stub->Export(&ctx, otlp[i], &resp).ok();
      } else if (a.protocol == "jaeger-grpc") {
        grpc::ClientContext ctx;
        jaeger::api_v2::PostSpansResponse resp;
        ok = jaeger_stub->PostSpans(&ctx, jaeger[i], &resp).ok();
      } else {
        auto r = http.Do("POST", path, {{"Content-Type", content_type}}, bodies[i].bytes);
        ok = r.ok() && r->status / 100 == 2;
      }
      if (ok) {
        spans_ok += bodies[i].spans;
      } else {
        ++errors;
      }
    }
  };
  std::fprintf(stderr, "start\n");  // run-receiver-bench samples the server's CPU from here
  std::fflush(stderr);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < a.concurrency; ++t) {
    threads.emplace_back(worker);
  }
  for (auto& t : threads) {
    t.join();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%-14s %10.0f spans/s  %lld spans  %lld failed requests\n", a.protocol.c_str(),
              static_cast<double>(spans_ok.load()) / secs, static_cast<long long>(spans_ok.load()),
              static_cast<long long>(errors.load()));
  std::printf(
      "RESULT {\"protocol\":\"%s\",\"spans_ok\":%lld,\"failed_requests\":%lld,\"seconds\":%.3f,"
      "\"spans_per_s\":%.0f,\"body_bytes_per_span\":%.0f,\"spans_per_request\":%.1f}\n",
      a.protocol.c_str(), static_cast<long long>(spans_ok.load()),
      static_cast<long long>(errors.load()), secs, static_cast<double>(spans_ok.load()) / secs,
      static_cast<double>(pool_bytes) / static_cast<double>(pool_spans),
      static_cast<double>(pool_spans) / static_cast<double>(bodies.size()));
  return errors.load() == 0 ? 0 : 1;
}
