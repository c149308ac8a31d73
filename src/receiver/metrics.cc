#include "receiver/metrics.h"

namespace vivace::receiver {

metrics::Family<metrics::Counter>& AcceptedSpans() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_receiver_accepted_spans", "Number of spans successfully pushed into the pipeline.",
      {"receiver", "transport"}, metrics::Type::kUntyped);
  return f;
}

metrics::Family<metrics::Counter>& RefusedSpans() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_receiver_refused_spans", "Number of spans that could not be pushed into the pipeline.",
      {"receiver", "transport"}, metrics::Type::kUntyped);
  return f;
}

}  // namespace vivace::receiver
