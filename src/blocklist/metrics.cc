#include "blocklist/metrics.h"

namespace vivace::blocklist {

metrics::Family<metrics::Gauge>& BlocklistLength() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "tempodb_blocklist_length", "Total number of blocks per tenant.", {"tenant"});
  return f;
}

metrics::Family<metrics::Histogram>& PollDuration() {
  // Tempo's buckets: 0 to 9 minutes in steps of one minute.
  static auto& f = metrics::DefaultRegistry().NewHistogram(
      "tempodb_blocklist_poll_duration_seconds",
      "Records the amount of time to poll and update the blocklist.", {},
      {0, 60, 120, 180, 240, 300, 360, 420, 480, 540});
  return f;
}

metrics::Family<metrics::Counter>& PollErrors() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempodb_blocklist_poll_errors_total",
      "Total number of times an error occurred while polling the blocklist.", {"tenant"});
  return f;
}

metrics::Family<metrics::Gauge>& TenantIndexBuilder() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "tempodb_blocklist_tenant_index_builder",
      "A value of 1 indicates this instance of tempodb is building the tenant index.", {"tenant"});
  return f;
}

metrics::Family<metrics::Gauge>& TenantIndexAgeSeconds() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "tempodb_blocklist_tenant_index_age_seconds",
      "Age in seconds of the last pulled tenant index.", {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& TenantIndexErrors() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempodb_blocklist_tenant_index_errors_total",
      "Total number of times an error occurred while retrieving or building the tenant index.",
      {"tenant"});
  return f;
}

}  // namespace vivace::blocklist
