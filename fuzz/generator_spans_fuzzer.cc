// Fuzzes the metrics-generator's span path: a trace fragment (tempopb.Trace bytes, the layout
// the distributor hands over) read at the wire level by SpanReader and fed to the span-metrics
// and service-graphs processors with every label-building option on (dimensions, mappings,
// target_info, host-info, client/server prefixes, virtual nodes, regex filters, span multipliers, a
// small active-series limit, native and classic histograms). Whatever the input, the processors
// must not crash and every collected series must decode, with labels sorted, unique and non-empty
// and a __name__.

#include <cstdlib>

#include "fuzz/fuzz_target.h"
#include "generator/host_info.h"
#include "generator/registry.h"
#include "generator/service_graphs.h"
#include "generator/span_metrics.h"
#include "generator/span_reader.h"

namespace {

using namespace vivace::generator;
namespace config = vivace::config;

class Fanout final : public SpanVisitor {
 public:
  SpanMetricsProcessor* span_metrics = nullptr;
  ServiceGraphsProcessor* service_graphs = nullptr;
  HostInfoProcessor* host_info = nullptr;

  void OnSpan(const ResourceView& resource, const SpanView& span) override {
    span_metrics->OnSpan(resource, span);
    service_graphs->OnSpan(resource, span);
    host_info->OnSpan(resource, span);
  }
};

class CheckingSink final : public SampleSink {
 public:
  void Add(std::string_view labels, double value, int64_t ts, const ExemplarRef* ex) override {
    builder.Add(labels, value, ts, ex);
  }

  void AddHistogram(std::string_view labels, const NativeHistogramValue& value, int64_t ts,
                    const ExemplarRef* exemplars, size_t n) override {
    builder.AddHistogram(labels, value, ts, exemplars, n);
  }

  WriteRequestBuilder builder;
};

config::FilterPolicy Policy() {
  config::FilterPolicy p;
  p.exclude.match_type = "regex";
  p.exclude.attributes = {{"span.drop", "^(yes|1)$"}};
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  RegistryOptions ro;
  ro.external_labels = {{"__metrics_gen_instance", "fuzz"}};
  ro.max_label_value_length = 64;
  ro.max_active_series = [] { return 400u; };
  Registry registry(ro);
  HistogramOptions histograms;
  histograms.mode = size % 3 == 0 ? HistogramMode::kBoth : HistogramMode::kClassic;
  histograms.native.max_buckets = 8;

  config::SpanMetricsConfig sm;
  sm.histogram_buckets = {0.01, 1};  // few buckets: the collected output stays small
  sm.intrinsic_status_message = true;
  sm.dimensions = {"http.method", "service", "1st"};
  sm.dimension_mappings = {{"route", {"http.route", "http.target"}, "/"}};
  sm.enable_target_info = true;
  sm.span_multiplier_key = "sampling.ratio";
  sm.enable_tracestate_span_multiplier = true;
  sm.filter_policies = {Policy()};
  auto span_metrics = SpanMetricsProcessor::Create(sm, {}, &registry, nullptr, histograms);

  config::ServiceGraphsConfig sg;
  sg.histogram_buckets = {1};
  sg.dimensions = {"k8s.cluster"};
  sg.enable_client_server_prefix = (size & 1) != 0;
  sg.enable_virtual_node_label = true;
  sg.enable_messaging_system_latency_histogram = true;
  sg.max_items = 16;
  sg.filter_policies = {Policy()};
  auto service_graphs = ServiceGraphsProcessor::Create(sg, {}, &registry, {}, histograms);
  if (!span_metrics.ok() || !service_graphs.ok()) {
    std::abort();
  }
  HostInfoProcessor host_info({}, &registry, nullptr);
  Fanout fanout;
  fanout.host_info = &host_info;
  fanout.span_metrics = span_metrics->get();
  fanout.service_graphs = service_graphs->get();
  (*span_metrics)->set_now_ms(1'000);
  (*service_graphs)->set_now_ms(1'000);

  SpanReader reader;
  (void)reader.Read(vivace::ByteView(data, size), fanout);
  (*service_graphs)->Expire(1'000'000);  // every pending edge expires: virtual nodes

  CheckingSink sink;
  registry.Collect(2'000'000, sink);
  registry.RemoveStaleSeries(3'000'000);
  registry.Collect(3'000'000, sink);
  auto req = DecodeWriteRequest(sink.builder.Take());
  if (!req.ok()) {
    std::abort();
  }
  for (const DecodedSeries& s : req->series) {
    if (s.Label("__name__").empty()) {
      std::abort();
    }
    for (size_t i = 0; i < s.labels.size(); ++i) {
      if (s.labels[i].value.empty() || s.labels[i].name.empty()
          || (i > 0 && !(s.labels[i - 1].name < s.labels[i].name))) {
        std::abort();
      }
    }
  }
  return 0;
}
