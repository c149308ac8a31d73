#include "compactor/metrics.h"

namespace vivace::compactor {

namespace {

metrics::Family<metrics::Counter>& Counter(const char* name, const char* help,
                                           std::vector<std::string> labels) {
  return metrics::DefaultRegistry().NewCounter(name, help, std::move(labels));
}

}  // namespace

metrics::Family<metrics::Counter>& CompactionBlocksTotal() {
  static auto& f = Counter("tempodb_compaction_blocks_total", "Total number of blocks compacted.",
                           {"level"});
  return f;
}

metrics::Family<metrics::Counter>& CompactionObjectsWrittenTotal() {
  static auto& f = Counter("tempodb_compaction_objects_written_total",
                           "Total number of objects written to backend during compaction.",
                           {"level"});
  return f;
}

metrics::Family<metrics::Counter>& CompactionBytesWrittenTotal() {
  static auto& f = Counter("tempodb_compaction_bytes_written_total",
                           "Total number of bytes written to backend during compaction.",
                           {"level"});
  return f;
}

metrics::Family<metrics::Counter>& CompactionObjectsCombinedTotal() {
  static auto& f = Counter("tempodb_compaction_objects_combined_total",
                           "Total number of objects combined during compaction.", {"level"});
  return f;
}

metrics::Family<metrics::Counter>& CompactionErrorsTotal() {
  static auto& f = Counter("tempodb_compaction_errors_total",
                           "Total number of errors occurring during compaction.", {});
  return f;
}

metrics::Family<metrics::Gauge>& CompactionOutstandingBlocks() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "tempodb_compaction_outstanding_blocks",
      "Number of blocks remaining to be compacted before next maintenance cycle", {"tenant"});
  return f;
}

metrics::Family<metrics::Gauge>& CompactionSpansCombinedTotal() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "tempodb_compaction_spans_combined_total",
      "Number of spans that are deduped per replication factor.", {"replication_factor"});
  return f;
}

metrics::Family<metrics::Histogram>& RetentionDurationSeconds() {
  static auto& f = metrics::DefaultRegistry().NewHistogram(
      "tempodb_retention_duration_seconds", "Records the amount of time to perform retention tasks.",
      {}, {0.25, 0.5, 1, 2, 4, 8});
  return f;
}

metrics::Family<metrics::Counter>& RetentionErrorsTotal() {
  static auto& f = Counter("tempodb_retention_errors_total",
                           "Total number of times an error occurred while performing retention.",
                           {});
  return f;
}

metrics::Family<metrics::Counter>& RetentionMarkedForDeletionTotal() {
  static auto& f = Counter("tempodb_retention_marked_for_deletion_total",
                           "Total number of blocks marked for deletion.", {});
  return f;
}

metrics::Family<metrics::Counter>& RetentionDeletedTotal() {
  static auto& f =
      Counter("tempodb_retention_deleted_total", "Total number of blocks deleted.", {});
  return f;
}

}  // namespace vivace::compactor
