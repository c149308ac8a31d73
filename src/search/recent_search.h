#pragma once

// Search of an ingester's recent data held in memory (live traces, the head block, complete
// blocks not yet flushed) with the exact evaluator: the parts of each trace are combined as
// the query path combines them, then matched. Flushed blocks the ingester still serves are
// searched as blocks (block_search.h).

#include "common/status.h"
#include "ingester/ingester.h"
#include "search/combiner.h"
#include "search/prepared_search.h"

namespace vivace::search {

// DataLoss when a part cannot be decoded; InvalidArgument when the query fails on a trace.
Status SearchInMemory(const ingester::Ingester::RecentData& data, const PreparedSearch& search,
                      SearchCombiner* out, JobMetrics* metrics);

}  // namespace vivace::search
