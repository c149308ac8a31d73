#pragma once

// Receiver metrics under Tempo's names: tempo_receiver_{accepted,refused}_spans{receiver,transport}
// with receiver="tempo/<name>_receiver". Tempo's dashboards query them without a `_total`
// suffix, so they are exposed untyped (Prometheus lint rejects counters without it).

#include <string_view>

#include "common/metrics.h"

namespace vivace::receiver {

metrics::Family<metrics::Counter>& AcceptedSpans();
metrics::Family<metrics::Counter>& RefusedSpans();

inline constexpr std::string_view kOtlpReceiver = "tempo/otlp_receiver";

}  // namespace vivace::receiver
