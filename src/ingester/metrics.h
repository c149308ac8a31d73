#pragma once

// The ingester's self-monitoring metrics, under Tempo 3.x live-store names.

#include "common/metrics.h"

namespace vivace::ingester {

metrics::Family<metrics::Counter>& TracesCreatedTotal();
metrics::Family<metrics::Counter>& BytesReceivedTotal();
metrics::Family<metrics::Counter>& BlocksCutTotal();
// A complete block written to the backend (Tempo's live-store splits this into completion and
// flush; a Vivace block is written once, straight to the backend, so both count it).
metrics::Family<metrics::Counter>& BlocksCompletedTotal();
metrics::Family<metrics::Counter>& FailedCompletionsTotal();
metrics::Family<metrics::Counter>& CompletionRetriesTotal();
metrics::Family<metrics::Histogram>& CompletionDurationSeconds();
metrics::Family<metrics::Histogram>& CompletionSizeBytes();
metrics::Family<metrics::Counter>& BlocksClearedTotal();
// Seconds pushes spent waiting for memory (max_live_traces_bytes).
metrics::Counter& BackPressureSecondsTotal();

}  // namespace vivace::ingester
