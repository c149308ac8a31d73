// Metrics-generator hot paths on the loadgen's mix (eight services calling each other over
// HTTP, databases, queues): a tenant instance reading regrouped trace fragments at the wire
// level and running span-metrics, service-graphs or both over every span (items = spans: one
// thread, so items/s is spans/s per core), and a collection of the resulting series into
// snappy-compressed remote-write requests (items = series samples).

#include <benchmark/benchmark.h>

#include "common/clock.h"
#include "config/loader.h"
#include "generator/instance.h"
#include "generator/write_request.h"
#include "loadgen/generator.h"
#include "loadgen/request_template.h"
#include "model/regroup.h"
#include "overrides/overrides.h"

namespace vivace::generator {
namespace {

constexpr uint64_t kBase = 1'764'000'000'000'000'000;

// 100 requests of 20 traces x 10 spans as vivace-loadgen sends them, regrouped by trace as the
// distributor hands them over.
const std::vector<model::RegroupedBatch>& Mix() {
  static const std::vector<model::RegroupedBatch> mix = [] {
    std::vector<model::RegroupedBatch> out;
    loadgen::Generator gen({.seed = 1});
    loadgen::IdSource ids(1);
    std::vector<loadgen::TraceKey> keys(20);
    uint64_t seq = 0;
    for (int r = 0; r < 100; ++r) {
      auto t = loadgen::MakeTemplate(gen.NextRequest(20));
      for (auto& k : keys) {
        k = ids.Key(seq++);
      }
      std::string req(t->size(), '\0');
      t->Instantiate(keys.data(), kBase + static_cast<uint64_t>(r) * 1'000'000,
                     reinterpret_cast<uint8_t*>(req.data()));
      auto scan = model::ScanExportRequest(ByteView(req), {});
      out.push_back(scan->Regroup());
    }
    return out;
  }();
  return mix;
}

struct Setup {
  config::Config config;
  std::unique_ptr<overrides::Overrides> overrides;
  FakeClock clock{static_cast<int64_t>(kBase)};
  std::unique_ptr<Instance> instance;

  explicit Setup(const std::string& processors, const std::string& extra = "") {
    auto loaded = config::LoadFromYaml(
        "overrides:\n"
        "  defaults:\n"
        "    metrics_generator:\n"
        "      processors: ["
            + processors + "]\n" + extra,
        false);
    config = loaded->config;
    // The mix's timestamps stay put while the fake clock moves on.
    config.metrics_generator.metrics_ingestion_time_range_slack = Duration(0);
    overrides = std::make_unique<overrides::Overrides>(config.overrides);
    instance = std::make_unique<Instance>(
        "bench", InstanceOptions{.hostname = "bench", .config = &config.metrics_generator},
        overrides.get(), &clock);
  }
};

const char* ProcessorList(int64_t which) {
  switch (which) {
    case 0:
      return "span-metrics";
    case 1:
      return "service-graphs";
    default:
      return "span-metrics, service-graphs";
  }
}

void BM_GeneratorPush(benchmark::State& state) {
  const auto& mix = Mix();
  Setup s(ProcessorList(state.range(0)),
          state.range(1) != 0 ? "      generate_native_histograms: both\n" : "");
  int64_t spans = 0;
  for (const auto& b : mix) {
    spans += b.span_count;
  }
  for (auto _ : state) {
    for (const auto& b : mix) {
      s.instance->Push(b);
    }
    // Unpaired edges expire (virtual nodes) once per pass, as the collector thread does.
    s.clock.Advance(std::chrono::seconds(11));
    s.instance->ExpireEdges();
  }
  state.SetItemsProcessed(state.iterations() * spans);
  state.counters["series"] = s.instance->active_series();
}

BENCHMARK(BM_GeneratorPush)
    ->ArgNames({"proc", "native"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({2, 0})
    ->Args({2, 1});

void BM_GeneratorCollect(benchmark::State& state) {
  Setup s("span-metrics, service-graphs");
  for (const auto& b : Mix()) {
    s.instance->Push(b);
  }
  s.clock.Advance(std::chrono::seconds(11));
  s.instance->ExpireEdges();
  int64_t samples = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    std::vector<std::string> requests;
    std::vector<std::pair<size_t, size_t>> counts;
    s.clock.Advance(std::chrono::seconds(15));
    s.instance->Collect(2000, &requests, &counts);
    for (size_t i = 0; i < requests.size(); ++i) {
      std::string body = SnappyCompress(requests[i]);
      samples += static_cast<int64_t>(counts[i].first);
      bytes += static_cast<int64_t>(body.size());
      benchmark::DoNotOptimize(body.data());
    }
  }
  state.SetItemsProcessed(samples);
  state.SetBytesProcessed(bytes);
  state.counters["series"] = s.instance->active_series();
}

BENCHMARK(BM_GeneratorCollect);

}  // namespace
}  // namespace vivace::generator
