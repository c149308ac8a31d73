#include "block/metrics.h"

namespace vivace::block {

metrics::Family<metrics::Counter>& ReadFailuresTotal() {
  static auto& f = metrics::DefaultRegistry().NewCounter(
      "vivace_block_read_failures_total",
      "Block reads that failed because an object was missing or corrupt; the block was skipped.",
      {"tenant"});
  return f;
}

}  // namespace vivace::block
