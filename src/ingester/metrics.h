#pragma once

// The ingester's self-monitoring metrics, under Tempo 3.x live-store names.

#include "common/metrics.h"

namespace vivace::ingester {

metrics::Family<metrics::Counter>& TracesCreatedTotal();
metrics::Family<metrics::Counter>& BytesReceivedTotal();
metrics::Family<metrics::Counter>& BlocksCutTotal();

}  // namespace vivace::ingester
