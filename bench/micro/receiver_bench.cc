// Receiver hot paths, per protocol: the work from a request body to the distributor's regrouped
// traces on one core — decode + translate to OTLP (Jaeger, Zipkin) + the distributor's wire
// scan and regroup, which OTLP requests (the reference) go through alone. Every protocol carries
// the same spans: the loadgen's default mix, 20 traces x 10 spans per request, converted the way
// Jaeger and Zipkin clients send them (tests/support/receiver_payloads.h). Items are spans.
// (A UDP datagram of 200 such spans would exceed 65,000 bytes; the compact/binary figures are
// the decoders' on the same batches.)

#include <benchmark/benchmark.h>

#include "loadgen/generator.h"
#include "loadgen/request_template.h"
#include "model/regroup.h"
#include "receiver/jaeger.h"
#include "receiver/zipkin.h"
#include "tests/support/receiver_payloads.h"

namespace vivace {
namespace {

enum class Protocol {
  kOtlp,
  kJaegerCompact,  // UDP 6831: Agent.emitBatch, one per Batch
  kJaegerBinary,   // UDP 6832
  kJaegerHttp,     // POST /api/traces: a bare Batch
  kJaegerGrpc,     // PostSpans, one per Batch
  kZipkinJson,
  kZipkinProto,
};

struct Payloads {
  std::vector<std::string> bodies;  // one request's worth
  int64_t spans = 0;
  int64_t bytes = 0;
};

// Requests as vivace-loadgen sends them (real-looking IDs and times).
std::vector<testing::OtlpRequest> LoadgenRequests(int n) {
  loadgen::Generator gen({.seed = 1});
  loadgen::IdSource ids(1);
  std::vector<loadgen::TraceKey> keys(20);
  std::vector<testing::OtlpRequest> out;
  uint64_t seq = 0;
  for (int r = 0; r < n; ++r) {
    auto t = loadgen::MakeTemplate(gen.NextRequest(20));
    for (auto& k : keys) {
      k = ids.Key(seq++);
    }
    std::string bytes(t->size(), '\0');
    t->Instantiate(keys.data(), 1'764'000'000'000'000'000,
                   reinterpret_cast<uint8_t*>(bytes.data()));
    out.emplace_back().ParseFromString(bytes);
  }
  return out;
}

// Ten generated requests (2,000 spans): OTLP and Zipkin bodies of 200 spans each; Jaeger
// batches merged by process as clients send them (up to 200 spans, one process each).
Payloads Make(Protocol p) {
  std::vector<testing::OtlpRequest> reqs = LoadgenRequests(10);
  Payloads out;
  for (const auto& req : reqs) {
    for (const auto& rs : req.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        out.spans += ss.spans_size();
      }
    }
    if (p == Protocol::kOtlp) {
      out.bodies.push_back(req.SerializeAsString());
    } else if (p == Protocol::kZipkinJson) {
      out.bodies.push_back(testing::ToZipkinJson(req));
    } else if (p == Protocol::kZipkinProto) {
      out.bodies.push_back(testing::ToZipkinProto(req));
    }
  }
  if (out.bodies.empty()) {
    for (const testing::JBatch& b : testing::MergeJaegerBatches(reqs, 200)) {
      out.bodies.push_back(p == Protocol::kJaegerCompact  ? testing::EncodeEmitBatch(b, true)
                           : p == Protocol::kJaegerBinary ? testing::EncodeEmitBatch(b, false)
                           : p == Protocol::kJaegerHttp   ? testing::EncodeThriftBatch(b)
                                                          : testing::EncodePostSpans(b));
    }
  }
  for (const std::string& b : out.bodies) {
    out.bytes += static_cast<int64_t>(b.size());
  }
  return out;
}

// What a receiver hands the distributor, then what the distributor does with it.
size_t Ingest(Protocol p, const std::string& body) {
  std::string otlp;
  size_t spans = 0;
  switch (p) {
    case Protocol::kOtlp:
      break;
    case Protocol::kJaegerCompact:
    case Protocol::kJaegerBinary:
    case Protocol::kJaegerHttp:
    case Protocol::kJaegerGrpc: {
      receiver::JaegerBatch batch;
      Status s = p == Protocol::kJaegerHttp ? receiver::DecodeJaegerThriftBatch(body, &batch)
                 : p == Protocol::kJaegerGrpc
                     ? receiver::DecodeJaegerProto(body, &batch)
                     : receiver::DecodeJaegerEmitBatch(body,
                                                       p == Protocol::kJaegerCompact
                                                           ? receiver::ThriftProtocol::kCompact
                                                           : receiver::ThriftProtocol::kBinary,
                                                       &batch);
      if (!s.ok()) {
        std::abort();
      }
      otlp = receiver::TranslateJaeger(batch,
                                       p == Protocol::kJaegerGrpc ? receiver::JaegerFlavor::kProto
                                                                  : receiver::JaegerFlavor::kThrift,
                                       &spans);
      break;
    }
    case Protocol::kZipkinJson:
    case Protocol::kZipkinProto: {
      receiver::ZipkinBatch batch;
      Status s = p == Protocol::kZipkinJson ? receiver::DecodeZipkinJson(body, &batch)
                                            : receiver::DecodeZipkinProto(body, &batch);
      auto out = s.ok() ? receiver::TranslateZipkinV2(batch, {}, &spans) : Result<std::string>(s);
      if (!out.ok()) {
        std::abort();
      }
      otlp = std::move(out).value();
      break;
    }
  }
  auto scan = model::ScanExportRequest(p == Protocol::kOtlp ? ByteView(body) : ByteView(otlp),
                                       {.max_attribute_bytes = 2048});
  if (!scan.ok() || !scan->id_error().ok()) {
    std::abort();
  }
  model::RegroupedBatch regrouped = scan->Regroup();
  benchmark::DoNotOptimize(regrouped.data.data());
  return regrouped.span_count;
}

// Decode + translate + scan + regroup.
void BM_ReceiverIngest(benchmark::State& state, Protocol p) {
  Payloads payloads = Make(p);
  for (auto _ : state) {
    size_t spans = 0;
    for (const std::string& body : payloads.bodies) {
      spans += Ingest(p, body);
    }
    if (static_cast<int64_t>(spans) != payloads.spans) {
      state.SkipWithError("span count mismatch");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * payloads.spans);
  state.SetBytesProcessed(state.iterations() * payloads.bytes);
}

// Decode + translate only: the receiver's own share.
void BM_ReceiverTranslate(benchmark::State& state, Protocol p) {
  Payloads payloads = Make(p);
  for (auto _ : state) {
    for (const std::string& body : payloads.bodies) {
      size_t spans = 0;
      if (p == Protocol::kZipkinJson || p == Protocol::kZipkinProto) {
        receiver::ZipkinBatch batch;
        Status s = p == Protocol::kZipkinJson ? receiver::DecodeZipkinJson(body, &batch)
                                              : receiver::DecodeZipkinProto(body, &batch);
        auto out = receiver::TranslateZipkinV2(batch, {}, &spans);
        benchmark::DoNotOptimize(out);
        benchmark::DoNotOptimize(s);
      } else {
        receiver::JaegerBatch batch;
        Status s = p == Protocol::kJaegerHttp ? receiver::DecodeJaegerThriftBatch(body, &batch)
                   : p == Protocol::kJaegerGrpc
                       ? receiver::DecodeJaegerProto(body, &batch)
                       : receiver::DecodeJaegerEmitBatch(body,
                                                         p == Protocol::kJaegerCompact
                                                             ? receiver::ThriftProtocol::kCompact
                                                             : receiver::ThriftProtocol::kBinary,
                                                         &batch);
        std::string out =
            receiver::TranslateJaeger(batch,
                                      p == Protocol::kJaegerGrpc ? receiver::JaegerFlavor::kProto
                                                                 : receiver::JaegerFlavor::kThrift,
                                      &spans);
        benchmark::DoNotOptimize(out.data());
        benchmark::DoNotOptimize(s);
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * payloads.spans);
  state.SetBytesProcessed(state.iterations() * payloads.bytes);
}

BENCHMARK_CAPTURE(BM_ReceiverIngest, otlp, Protocol::kOtlp);
BENCHMARK_CAPTURE(BM_ReceiverIngest, jaeger_thrift_compact, Protocol::kJaegerCompact);
BENCHMARK_CAPTURE(BM_ReceiverIngest, jaeger_thrift_binary, Protocol::kJaegerBinary);
BENCHMARK_CAPTURE(BM_ReceiverIngest, jaeger_thrift_http, Protocol::kJaegerHttp);
BENCHMARK_CAPTURE(BM_ReceiverIngest, jaeger_grpc, Protocol::kJaegerGrpc);
BENCHMARK_CAPTURE(BM_ReceiverIngest, zipkin_json, Protocol::kZipkinJson);
BENCHMARK_CAPTURE(BM_ReceiverIngest, zipkin_proto, Protocol::kZipkinProto);
BENCHMARK_CAPTURE(BM_ReceiverTranslate, jaeger_thrift_compact, Protocol::kJaegerCompact);
BENCHMARK_CAPTURE(BM_ReceiverTranslate, jaeger_thrift_binary, Protocol::kJaegerBinary);
BENCHMARK_CAPTURE(BM_ReceiverTranslate, jaeger_grpc, Protocol::kJaegerGrpc);
BENCHMARK_CAPTURE(BM_ReceiverTranslate, zipkin_json, Protocol::kZipkinJson);
BENCHMARK_CAPTURE(BM_ReceiverTranslate, zipkin_proto, Protocol::kZipkinProto);

}  // namespace
}  // namespace vivace
