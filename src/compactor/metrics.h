#pragma once

// The compactor's and retention's self-monitoring metrics, under Tempo's names and labels
// (tempodb/compactor.go, tempodb/tempodb.go), so Tempo's dashboards and alerts work.

#include "common/metrics.h"

namespace vivace::compactor {

metrics::Family<metrics::Counter>& CompactionBlocksTotal();          // {level}
metrics::Family<metrics::Counter>& CompactionObjectsWrittenTotal();  // {level}
metrics::Family<metrics::Counter>& CompactionBytesWrittenTotal();    // {level}
metrics::Family<metrics::Counter>& CompactionObjectsCombinedTotal(); // {level}
metrics::Family<metrics::Counter>& CompactionErrorsTotal();
metrics::Family<metrics::Gauge>& CompactionOutstandingBlocks();      // {tenant}
// A gauge in Tempo although it only grows.
metrics::Family<metrics::Gauge>& CompactionSpansCombinedTotal();     // {replication_factor}

metrics::Family<metrics::Histogram>& RetentionDurationSeconds();
metrics::Family<metrics::Counter>& RetentionErrorsTotal();
metrics::Family<metrics::Counter>& RetentionMarkedForDeletionTotal();
metrics::Family<metrics::Counter>& RetentionDeletedTotal();

}  // namespace vivace::compactor
