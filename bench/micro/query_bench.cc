// Query hot paths: combining the parts of a 100-span trace and writing the v2 response in
// JSON and protobuf.

#include <benchmark/benchmark.h>

#include "common/json_writer.h"
#include "model/trace_assembler.h"
#include "tests/support/trace_builder.h"

namespace vivace {
namespace {

void BM_CombineAndWriteJson(benchmark::State& state) {
  // A 100-span trace that arrived in 4 pushes.
  std::vector<std::string> parts;
  for (int p = 0; p < 4; ++p) {
    auto req = testing::MakeTrace({.seed = 7, .spans = 25});
    for (auto& s : *req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()) {
      s.set_span_id(testing::TestSpanId(static_cast<uint64_t>(p * 1000) + s.span_id()[0] + 300));
    }
    parts.push_back(req.SerializeAsString());
  }
  bool json = state.range(0) == 1;
  for (auto _ : state) {
    model::TraceAssembler t;
    for (const auto& p : parts) {
      t.Add(p).IgnoreError();
    }
    std::string out;
    if (json) {
      JsonWriter w(&out);
      t.WriteJson(w, "resourceSpans");
    } else {
      out = t.SerializeProto();
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_CombineAndWriteJson)->Arg(0)->Arg(1)->ArgNames({"json"});

}  // namespace
}  // namespace vivace
