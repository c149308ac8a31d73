#pragma once

// The distributor's self-monitoring metrics, under Tempo's names.

#include "common/metrics.h"

namespace vivace::distributor {

metrics::Family<metrics::Counter>& IngressBytesTotal();
metrics::Family<metrics::Counter>& BytesReceivedTotal();
metrics::Family<metrics::Counter>& SpansReceivedTotal();
metrics::Family<metrics::Counter>& AttributesTruncatedTotal();
metrics::Family<metrics::Histogram>& PushDurationSeconds();
metrics::Family<metrics::Histogram>& TracesPerBatch();

// Hand-offs to the metrics-generator, {metrics_generator}.
metrics::Family<metrics::Counter>& MetricsGeneratorPushesTotal();
metrics::Family<metrics::Counter>& MetricsGeneratorPushFailuresTotal();

// tempo_discarded_spans_total{reason,tenant}: shared with the ingester.
metrics::Family<metrics::Counter>& DiscardedSpansTotal();

}  // namespace vivace::distributor
