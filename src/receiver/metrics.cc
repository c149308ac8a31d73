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

metrics::Family<metrics::Counter>& AgentPacketsReceived() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "vivace_jaeger_agent_packets_received_total",
      "Datagrams received by the Jaeger agent UDP servers.", {"transport"});
  return f;
}

metrics::Family<metrics::Counter>& AgentPacketsDropped() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "vivace_jaeger_agent_packets_dropped_total",
      "Datagrams the Jaeger agent UDP servers dropped, by reason.", {"transport", "reason"});
  return f;
}

metrics::Family<metrics::Gauge>& AgentQueueLength() {
  static auto& f = metrics::DefaultRegistry().NewGauge(
      "vivace_jaeger_agent_queue_length", "Datagrams waiting for a Jaeger agent UDP worker.",
      {"transport"});
  return f;
}

}  // namespace vivace::receiver
