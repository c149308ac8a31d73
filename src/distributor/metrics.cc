#include "distributor/metrics.h"

namespace vivace::distributor {

using metrics::DefaultRegistry;

metrics::Family<metrics::Counter>& IngressBytesTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_distributor_ingress_bytes_total",
      "The total number of proto bytes received per tenant, before limits.", {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& BytesReceivedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_distributor_bytes_received_total", "The total number of proto bytes received per tenant.",
      {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& SpansReceivedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_distributor_spans_received_total", "The total number of spans received per tenant.",
      {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& AttributesTruncatedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_distributor_attributes_truncated_total",
      "The total number of attribute keys or values truncated per tenant.", {"tenant", "scope"});
  return f;
}

metrics::Family<metrics::Histogram>& PushDurationSeconds() {
  static auto& f = DefaultRegistry().NewHistogram(
      "tempo_distributor_push_duration_seconds", "Records the amount of time to push a batch to the ingester.",
      {}, metrics::ExponentialBuckets(0.001, 2, 14));
  return f;
}

metrics::Family<metrics::Histogram>& TracesPerBatch() {
  static auto& f = DefaultRegistry().NewHistogram(
      "tempo_distributor_traces_per_batch", "The number of traces in each batch", {},
      metrics::ExponentialBuckets(2, 2, 10));
  return f;
}

metrics::Family<metrics::Counter>& MetricsGeneratorPushesTotal() {
  static auto& f = DefaultRegistry().NewCounter("tempo_distributor_metrics_generator_pushes_total",
                                                "The total number of span pushes sent to metrics-generators.",
                                                {"metrics_generator"});
  return f;
}

metrics::Family<metrics::Counter>& MetricsGeneratorPushFailuresTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_distributor_metrics_generator_pushes_failures_total",
      "The total number of failed span pushes sent to metrics-generators.", {"metrics_generator"});
  return f;
}

metrics::Family<metrics::Counter>& DiscardedSpansTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_discarded_spans_total", "The total number of samples that were discarded.",
      {"reason", "tenant"});
  return f;
}

}  // namespace vivace::distributor
