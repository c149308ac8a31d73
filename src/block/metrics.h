#pragma once

// Metrics of reading blocks, shared by every component that reads them.

#include "common/metrics.h"

namespace vivace::block {

// Block reads that failed (corrupt or missing objects); the block is skipped and the query
// carries on with the others.
metrics::Family<metrics::Counter>& ReadFailuresTotal();

}  // namespace vivace::block
