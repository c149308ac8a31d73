#pragma once

// Receiver metrics under Tempo's names: tempo_receiver_{accepted,refused}_spans{receiver,transport}.

#include "common/metrics.h"

namespace vivace::receiver {

metrics::Family<metrics::Counter>& AcceptedSpans();
metrics::Family<metrics::Counter>& RefusedSpans();

}  // namespace vivace::receiver
