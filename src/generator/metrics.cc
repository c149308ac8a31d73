#include "generator/metrics.h"

namespace vivace::generator {

using metrics::DefaultRegistry;

CounterFamily& SpansReceivedTotal() {
  static auto& f =
      DefaultRegistry().NewCounter("tempo_metrics_generator_spans_received_total",
                                   "The total number of spans received per tenant", {"tenant"});
  return f;
}

CounterFamily& BytesReceivedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_bytes_received_total",
      "The total number of proto bytes received per tenant", {"tenant"});
  return f;
}

CounterFamily& SpansDiscardedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_spans_discarded_total",
      "The total number of discarded spans received per tenant", {"tenant", "reason", "processor"});
  return f;
}

GaugeFamily& ActiveProcessors() {
  static auto& f =
      DefaultRegistry().NewGauge("tempo_metrics_generator_active_processors",
                                 "The active processors per tenant", {"tenant", "processor"});
  return f;
}

CounterFamily& ActiveProcessorsUpdateFailedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_active_processors_update_failed_total",
      "The total number of times updating the active processors failed", {"tenant"});
  return f;
}

GaugeFamily& RegistryActiveSeries() {
  static auto& f = DefaultRegistry().NewGauge("tempo_metrics_generator_registry_active_series",
                                              "The active series per tenant", {"tenant"});
  return f;
}

GaugeFamily& RegistryMaxActiveSeries() {
  static auto& f = DefaultRegistry().NewGauge("tempo_metrics_generator_registry_max_active_series",
                                              "The maximum active series per tenant", {"tenant"});
  return f;
}

CounterFamily& RegistrySeriesAddedTotal() {
  static auto& f =
      DefaultRegistry().NewCounter("tempo_metrics_generator_registry_series_added_total",
                                   "The total amount of series created per tenant", {"tenant"});
  return f;
}

CounterFamily& RegistrySeriesRemovedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_registry_series_removed_total",
      "The total amount of series removed after they have become stale per tenant", {"tenant"});
  return f;
}

CounterFamily& RegistrySeriesLimitedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_registry_series_limited_total",
      "The total amount of series not created because of limits per tenant", {"tenant"});
  return f;
}

CounterFamily& RegistryCollectionsTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_registry_collections_total",
      "The total amount of metrics collections per tenant", {"tenant"});
  return f;
}

CounterFamily& RegistryCollectionsFailedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_registry_collections_failed_total",
      "The total amount of failed metrics collections per tenant", {"tenant"});
  return f;
}

CounterFamily& ServiceGraphsEdges() {
  static auto& f =
      DefaultRegistry().NewCounter("tempo_metrics_generator_processor_service_graphs_edges",
                                   "Total number of unique edges", {"tenant"});
  return f;
}

CounterFamily& ServiceGraphsExpiredEdges() {
  static auto& f =
      DefaultRegistry().NewCounter("tempo_metrics_generator_processor_service_graphs_expired_edges",
                                   "Number of edges that expired before finding a matching span, "
                                   "labeled by the unmatched span kind",
                                   {"tenant", "unmatched_span_kind"});
  return f;
}

CounterFamily& ServiceGraphsDroppedSpans() {
  static auto& f =
      DefaultRegistry().NewCounter("tempo_metrics_generator_processor_service_graphs_dropped_spans",
                                   "Number of spans dropped when trying to add edges", {"tenant"});
  return f;
}

CounterFamily& ServiceGraphsDroppedEdges() {
  static auto& f = DefaultRegistry().NewCounter(
      "tempo_metrics_generator_processor_service_graphs_dropped_edges_total",
      "Number of edges dropped due to matching a dropped span side counterpart", {"tenant"});
  return f;
}

CounterFamily& RemoteSamplesTotal() {
  static auto& f = DefaultRegistry().NewCounter("prometheus_remote_storage_samples_total",
                                                "Total number of samples sent to remote storage.",
                                                {"tenant", "remote_name", "url"});
  return f;
}

CounterFamily& RemoteSamplesFailedTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "prometheus_remote_storage_samples_failed_total",
      "Total number of samples which failed on send to remote storage, non-recoverable errors.",
      {"tenant", "remote_name", "url"});
  return f;
}

CounterFamily& RemoteSamplesRetriedTotal() {
  static auto& f =
      DefaultRegistry().NewCounter("prometheus_remote_storage_samples_retried_total",
                                   "Total number of samples which failed on send to remote storage "
                                   "but were retried because the send error was recoverable.",
                                   {"tenant", "remote_name", "url"});
  return f;
}

CounterFamily& RemoteSamplesDroppedTotal() {
  static auto& f =
      DefaultRegistry().NewCounter("prometheus_remote_storage_samples_dropped_total",
                                   "Total number of samples which were dropped because the queue "
                                   "was full or the flush deadline passed.",
                                   {"tenant", "remote_name", "url"});
  return f;
}

CounterFamily& RemoteExemplarsTotal() {
  static auto& f = DefaultRegistry().NewCounter("prometheus_remote_storage_exemplars_total",
                                                "Total number of exemplars sent to remote storage.",
                                                {"tenant", "remote_name", "url"});
  return f;
}

CounterFamily& RemoteBytesTotal() {
  static auto& f = DefaultRegistry().NewCounter(
      "prometheus_remote_storage_bytes_total",
      "The total number of bytes of data (not metadata) sent by the queue after compression.",
      {"tenant", "remote_name", "url"});
  return f;
}

GaugeFamily& RemoteSamplesPending() {
  static auto& f = DefaultRegistry().NewGauge(
      "prometheus_remote_storage_samples_pending",
      "The number of samples pending in the queues shards to be sent to the remote storage.",
      {"tenant", "remote_name", "url"});
  return f;
}

metrics::Family<metrics::Histogram>& RemoteSentBatchDurationSeconds() {
  static auto& f =
      DefaultRegistry().NewHistogram("prometheus_remote_storage_sent_batch_duration_seconds",
                                     "Duration of send calls to the remote storage.",
                                     {"tenant", "remote_name", "url"}, metrics::DefaultBuckets());
  return f;
}

}  // namespace vivace::generator
