#pragma once

// Prometheus' standard process metrics (process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_start_time_seconds, process_open_fds, process_max_fds)
// read from /proc at scrape time.

#include "common/metrics.h"

namespace vivace {

void RegisterProcessMetrics(metrics::Registry& registry);

// Current resident set size in bytes (0 if unknown).
int64_t ResidentMemoryBytes();

}  // namespace vivace
