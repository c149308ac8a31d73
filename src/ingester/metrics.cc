#include "ingester/metrics.h"

namespace vivace::ingester {

metrics::Family<metrics::Counter>& TracesCreatedTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_traces_created_total", "The total number of traces created per tenant.",
      {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& BytesReceivedTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter("tempo_live_store_bytes_received_total",
                                                         "The total bytes received per tenant.",
                                                         {"tenant", "data_type"});
  return f;
}

metrics::Family<metrics::Counter>& BlocksCutTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_blocks_cut_total", "The total number of head blocks cut.", {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& BlocksCompletedTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_blocks_completed_total",
      "The total number of blocks completed and written to the backend.", {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& FailedCompletionsTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_failed_completions_total",
      "The total number of failed attempts to write a complete block.", {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& CompletionRetriesTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_completion_retries_total",
      "The total number of retried attempts to write a complete block.", {"tenant"});
  return f;
}

metrics::Family<metrics::Histogram>& CompletionDurationSeconds() {
  static auto& f = metrics::DefaultRegistry().NewHistogram(
      "tempo_live_store_completion_duration_seconds",
      "Time taken to write a complete block to the backend.", {},
      {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  return f;
}

metrics::Family<metrics::Histogram>& CompletionSizeBytes() {
  static auto& f = metrics::DefaultRegistry().NewHistogram(
      "tempo_live_store_completion_size_bytes", "Size in bytes of blocks written.", {},
      {1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30});
  return f;
}

metrics::Family<metrics::Counter>& BlocksClearedTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_blocks_cleared_total",
      "The total number of complete blocks no longer served after complete_block_timeout.",
      {"tenant"});
  return f;
}

metrics::Counter& BackPressureSecondsTotal() {
  static auto& c = metrics::DefaultRegistry()
                       .NewCounter("tempo_live_store_back_pressure_seconds_total",
                                   "Seconds pushes waited because live traces (or complete "
                                   "blocks waiting to be flushed) held max_live_traces_bytes.")
                       .WithLabels();
  return c;
}

}  // namespace vivace::ingester
