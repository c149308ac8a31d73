// TraceQL front end: parse (lexer + parser + folding + or_to_in), validate and print, in
// queries per second, for the kinds of queries Grafana sends.

#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "traceql/parser.h"
#include "traceql/printer.h"
#include "traceql/validate.h"

namespace {

// A representative mix: simple filters (Grafana's search form), structural and pipeline
// queries, metrics with by() and a second stage, metrics math.
const std::vector<std::string_view>& Mix() {
  static const std::vector<std::string_view> mix = {
      R"({ resource.service.name = "checkout" })",
      R"({ resource.service.name = "frontend" && span.http.status_code >= 500 && duration > 1s })",
      R"({ span.http.method =~ "GET|POST" && name != "health" } | select(span.http.url))",
      R"({ resource.service.name = "api" } >> { status = error } | by(resource.service.name) | count() > 3)",
      R"({ .a = "x" || .a = "y" || .a = "z" } && { kind = server })",
      R"({ status = error } | rate() by (resource.service.name, span.http.route) | topk(10))",
      R"({ } | quantile_over_time(duration, .5, .9, .99) by (span.http.route) with(sample=0.1))",
      R"(100 * ({ status = error } | rate()) / ({ } | rate()) > 5)",
  };
  return mix;
}

void BM_ParseMix(benchmark::State& state) {
  const auto& mix = Mix();
  size_t bytes = 0;
  for (auto _ : state) {
    for (std::string_view q : mix) {
      auto r = vivace::traceql::Parse(q);
      benchmark::DoNotOptimize(r);
      bytes += q.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * mix.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK(BM_ParseMix);

void BM_ParseValidateMix(benchmark::State& state) {
  const auto& mix = Mix();
  for (auto _ : state) {
    for (std::string_view q : mix) {
      auto r = vivace::traceql::ParseAndValidate(q);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * mix.size()));
}

BENCHMARK(BM_ParseValidateMix);

void BM_ParseSimpleFilter(benchmark::State& state) {
  std::string_view q = R"({ resource.service.name = "checkout" })";
  for (auto _ : state) {
    auto r = vivace::traceql::Parse(q);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_ParseSimpleFilter);

void BM_PrintMix(benchmark::State& state) {
  std::vector<vivace::traceql::Query> parsed;
  for (std::string_view q : Mix()) {
    parsed.push_back(std::move(vivace::traceql::Parse(q).value()));
  }
  for (auto _ : state) {
    for (const auto& q : parsed) {
      std::string s = vivace::traceql::ToString(q);
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * parsed.size()));
}

BENCHMARK(BM_PrintMix);

}  // namespace
