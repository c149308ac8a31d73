// Trace-by-ID latency against a running vivace: pushes `--traces` traces of `--spans` spans
// over OTLP gRPC, then fetches each by ID through /api/v2/traces (protobuf and JSON) over a
// keep-alive connection for `--rounds` rounds and prints p50/p99 in milliseconds, plus a
// `RESULT {...}` line for scripts.
//
//   trace_by_id_latency --otlp=127.0.0.1:4317 --http=127.0.0.1:3200 [--traces=200] [--spans=100]
//
// For backend benchmarks (bench/objstore-bench) the phases can run apart, on the same trace
// IDs: `--seed=N` fixes the IDs, `--phase=push` only pushes, `--phase=query` only queries
// (e.g. a restarted vivace with `--params=?mode=blocks`), and `--proto-only` skips JSON.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "common/hex.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/trace_builder.h"

namespace {

struct Args {
  std::string otlp = "127.0.0.1:4317";
  std::string http = "127.0.0.1:3200";
  int traces = 200;
  int spans = 100;
  int rounds = 5;
  uint64_t seed = 0;  // 0 = from the clock
  std::string phase = "both";
  std::string params;
  bool proto_only = false;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
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
    if (const char* v = val("--otlp=")) {
      a.otlp = v;
    } else if (const char* v2 = val("--http=")) {
      a.http = v2;
    } else if (const char* v3 = val("--traces=")) {
      a.traces = std::atoi(v3);
    } else if (const char* v4 = val("--spans=")) {
      a.spans = std::atoi(v4);
    } else if (const char* v5 = val("--rounds=")) {
      a.rounds = std::atoi(v5);
    } else if (const char* v6 = val("--seed=")) {
      a.seed = std::strtoull(v6, nullptr, 10);
    } else if (const char* v7 = val("--phase=")) {
      a.phase = v7;
    } else if (const char* v8 = val("--params=")) {
      a.params = v8;
    } else if (s == "--proto-only") {
      a.proto_only = true;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  auto stub = opentelemetry::proto::collector::trace::v1::TraceService::NewStub(
      grpc::CreateChannel(a.otlp, grpc::InsecureChannelCredentials()));
  uint64_t base =
      a.seed != 0
          ? a.seed
          : static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  std::vector<std::string> ids;
  for (int t = 0; t < a.traces; ++t) {
    uint64_t seed = base + static_cast<uint64_t>(t);
    ids.push_back(vivace::HexEncode(vivace::testing::TestTraceId(seed)));
    if (a.phase == "query") {
      continue;
    }
    auto req = vivace::testing::MakeTrace({.seed = seed, .spans = a.spans});
    grpc::ClientContext ctx;
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse resp;
    grpc::Status s = stub->Export(&ctx, req, &resp);
    if (!s.ok()) {
      std::fprintf(stderr, "push failed: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  if (a.phase == "push") {
    std::printf("pushed %d traces of %d spans\n", a.traces, a.spans);
    return 0;
  }
  size_t colon = a.http.rfind(':');
  vivace::testing::HttpClient client(a.http.substr(0, colon), std::stoi(a.http.substr(colon + 1)));
  std::vector<double> proto_ms;
  std::vector<double> json_ms;
  size_t bytes = 0;
  for (int r = 0; r < a.rounds; ++r) {
    for (const std::string& id : ids) {
      for (bool proto : {true, false}) {
        if (!proto && a.proto_only) {
          continue;
        }
        auto start = std::chrono::steady_clock::now();
        auto res = client.Get(
            "/api/v2/traces/" + id + a.params,
            proto ? std::vector<std::pair<std::string, std::string>>{{"Accept",
                                                                      "application/protobuf"}}
                  : std::vector<std::pair<std::string, std::string>>{});
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (!res.ok() || res->status != 200) {
          std::fprintf(stderr, "query failed for %s\n", id.c_str());
          return 1;
        }
        bytes = res->body.size();
        (proto ? proto_ms : json_ms).push_back(ms);
      }
    }
  }
  std::printf(
      "trace by id (%d spans, %zu queries each): protobuf p50 %.3f ms p99 %.3f ms | json "
      "p50 %.3f ms p99 %.3f ms (json body %zu bytes)\n",
      a.spans, proto_ms.size(), Percentile(proto_ms, 0.5), Percentile(proto_ms, 0.99),
      Percentile(json_ms, 0.5), Percentile(json_ms, 0.99), bytes);
  std::printf(
      "RESULT {\"spans\":%d,\"queries\":%zu,\"proto_p50_ms\":%.4f,\"proto_p99_ms\":%.4f,"
      "\"json_p50_ms\":%.4f,\"json_p99_ms\":%.4f}\n",
      a.spans, proto_ms.size(), Percentile(proto_ms, 0.5), Percentile(proto_ms, 0.99),
      Percentile(json_ms, 0.5), Percentile(json_ms, 0.99));
  return 0;
}
