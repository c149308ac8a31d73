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
inline constexpr std::string_view kJaegerReceiver = "tempo/jaeger_receiver";
inline constexpr std::string_view kZipkinReceiver = "tempo/zipkin_receiver";

// Jaeger agent UDP servers (Vivace's names; Tempo exposes none):
// vivace_jaeger_agent_packets_received_total{transport} and
// vivace_jaeger_agent_packets_dropped_total{transport,reason} with reason queue_full (the
// worker queue was full), too_large (datagram over max_packet_size), decode_error (not a valid
// emitBatch) or push_error (the distributor refused the spans, e.g. no tenant with
// multitenancy on).
metrics::Family<metrics::Counter>& AgentPacketsReceived();
metrics::Family<metrics::Counter>& AgentPacketsDropped();
metrics::Family<metrics::Gauge>& AgentQueueLength();

}  // namespace vivace::receiver
