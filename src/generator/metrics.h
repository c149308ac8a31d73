#pragma once

// The metrics-generator's self-monitoring metrics, under Tempo's names (spec §6.5), and the
// Prometheus remote-storage series of the remote-write queue (Prometheus' names, with a
// `tenant` label as Tempo's per-tenant remote storage adds).

#include "common/metrics.h"

namespace vivace::generator {

using CounterFamily = metrics::Family<metrics::Counter>;
using GaugeFamily = metrics::Family<metrics::Gauge>;

CounterFamily& SpansReceivedTotal();                 // {tenant}
CounterFamily& BytesReceivedTotal();                 // {tenant}
CounterFamily& SpansDiscardedTotal();                // {tenant, reason, processor}
GaugeFamily& ActiveProcessors();                     // {tenant, processor}
CounterFamily& ActiveProcessorsUpdateFailedTotal();  // {tenant}
GaugeFamily& RegistryActiveSeries();                 // {tenant}
GaugeFamily& RegistryMaxActiveSeries();              // {tenant}
CounterFamily& RegistrySeriesAddedTotal();           // {tenant}
CounterFamily& RegistrySeriesRemovedTotal();         // {tenant}
CounterFamily& RegistrySeriesLimitedTotal();         // {tenant}
CounterFamily& RegistryCollectionsTotal();           // {tenant}
CounterFamily& RegistryCollectionsFailedTotal();     // {tenant}
CounterFamily& ServiceGraphsEdges();                 // {tenant}
CounterFamily& ServiceGraphsExpiredEdges();          // {tenant, unmatched_span_kind}
CounterFamily& ServiceGraphsDroppedSpans();          // {tenant}
CounterFamily& ServiceGraphsDroppedEdges();          // {tenant}

// Remote write, {tenant, remote_name, url}.
CounterFamily& RemoteSamplesTotal();
CounterFamily& RemoteSamplesFailedTotal();
CounterFamily& RemoteSamplesRetriedTotal();
CounterFamily& RemoteSamplesDroppedTotal();
CounterFamily& RemoteExemplarsTotal();
CounterFamily& RemoteBytesTotal();
GaugeFamily& RemoteSamplesPending();
metrics::Family<metrics::Histogram>& RemoteSentBatchDurationSeconds();

}  // namespace vivace::generator
