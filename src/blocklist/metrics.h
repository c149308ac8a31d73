#pragma once

// The blocklist poller's self-monitoring metrics, under Tempo's tempodb_blocklist_* names
// (spec config-and-operations.md §8.3). The Tempo mixin's TempoNoTenantIndexBuilders and
// TempoTenantIndexTooOld alerts read the builder and age gauges.

#include "common/metrics.h"

namespace vivace::blocklist {

// Live blocks per tenant.
metrics::Family<metrics::Gauge>& BlocklistLength();
// Seconds per full poll (all tenants).
metrics::Family<metrics::Histogram>& PollDuration();
// Failed polls per tenant ("" when listing the tenants failed).
metrics::Family<metrics::Counter>& PollErrors();
// 1 when this process builds the tenant's index.
metrics::Family<metrics::Gauge>& TenantIndexBuilder();
// Age of the tenant index last read (0 right after this process wrote it).
metrics::Family<metrics::Gauge>& TenantIndexAgeSeconds();
// Failures reading or writing a tenant index.
metrics::Family<metrics::Counter>& TenantIndexErrors();

}  // namespace vivace::blocklist
