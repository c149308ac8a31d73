// Ingest hot paths: wire scan + regroup of an OTLP request, the OTLP/JSON decoder, and
// live-trace appends. Items are spans; bytes are request bytes.

#include <benchmark/benchmark.h>

#include "backend/memory_backend.h"
#include "common/clock.h"
#include "common/json_writer.h"
#include "config/config.h"
#include "ingester/ingester.h"
#include "model/otlp_json.h"
#include "model/regroup.h"
#include "model/wire_json.h"
#include "overrides/overrides.h"
#include "tests/support/trace_builder.h"

namespace vivace {
namespace {

// A request shaped like an SDK batch: `traces` traces of `spans` spans each.
testing::ExportRequest Batch(int traces, int spans, uint64_t seed) {
  testing::ExportRequest req;
  for (int t = 0; t < traces; ++t) {
    testing::AppendTrace(&req, {.seed = seed + static_cast<uint64_t>(t),
                                .spans = spans,
                                .service = "svc-" + std::to_string(t % 5)});
  }
  return req;
}

void BM_ScanAndRegroup(benchmark::State& state) {
  std::string bytes = Batch(static_cast<int>(state.range(0)), 10, 1).SerializeAsString();
  int64_t spans = state.range(0) * 10;
  for (auto _ : state) {
    auto scan = model::ScanExportRequest(bytes, {.max_attribute_bytes = 2048});
    model::RegroupedBatch batch = scan->Regroup();
    benchmark::DoNotOptimize(batch.data.data());
  }
  state.SetItemsProcessed(state.iterations() * spans);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}

BENCHMARK(BM_ScanAndRegroup)->Arg(1)->Arg(10)->Arg(50);

void BM_OtlpJsonDecode(benchmark::State& state) {
  testing::ExportRequest req = Batch(50, 10, 1);
  std::string json;
  JsonWriter w(&json);
  model::WriteWireJson(w, model::WireMessage::kTrace, req.SerializeAsString(),
                       model::IdEncoding::kHex);
  for (auto _ : state) {
    auto proto = model::OtlpJsonToProtobuf(json);
    benchmark::DoNotOptimize(proto->data());
  }
  state.SetItemsProcessed(state.iterations() * 500);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(json.size()));
}

BENCHMARK(BM_OtlpJsonDecode);

// Distributor + ingester path without the network: scan, regroup and append to live traces,
// with fresh trace IDs each iteration (new traces, as in steady ingest).
void BM_PushToLiveTraces(benchmark::State& state) {
  config::Config cfg;
  cfg.overrides.defaults.ingestion_max_traces_per_user = 0;
  cfg.live_store.max_live_traces_bytes = 0;
  overrides::Overrides ov(cfg.overrides);
  backend::InMemoryBackend backend;  // never written: the benchmark does not cut blocks
  ingester::Ingester::Storage storage;
  storage.backend = &backend;
  ingester::Ingester ing(cfg.live_store, &ov, &SystemClock::Get(), storage);
  std::vector<std::string> requests;
  for (int i = 0; i < 64; ++i) {
    requests.push_back(Batch(10, 10, 1000 + static_cast<uint64_t>(i) * 10).SerializeAsString());
  }
  size_t i = 0;
  for (auto _ : state) {
    const std::string& bytes = requests[i++ % requests.size()];
    auto scan = model::ScanExportRequest(bytes, {.max_attribute_bytes = 2048});
    ing.PushTraces("t", scan->Regroup(), [](Status) {});
    if (i % requests.size() == 0) {
      state.PauseTiming();
      ing.Sweep(true);  // keep the live set bounded, as the idle cut-off does
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations() * 100);
}

BENCHMARK(BM_PushToLiveTraces);

}  // namespace
}  // namespace vivace
