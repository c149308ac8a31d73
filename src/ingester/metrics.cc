#include "ingester/metrics.h"

namespace vivace::ingester {

metrics::Family<metrics::Counter>& TracesCreatedTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_traces_created_total", "The total number of traces created per tenant.",
      {"tenant"});
  return f;
}

metrics::Family<metrics::Counter>& BytesReceivedTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_bytes_received_total", "The total bytes received per tenant.",
      {"tenant", "data_type"});
  return f;
}

metrics::Family<metrics::Counter>& BlocksCutTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "tempo_live_store_blocks_cut_total", "The total number of head blocks cut.", {"tenant"});
  return f;
}

}  // namespace vivace::ingester
