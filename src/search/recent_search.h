#pragma once

// Search of an ingester's recent data held in memory (live traces, the head block, complete
// blocks not yet flushed) with the exact evaluator: the parts of each trace are combined as
// the query path combines them, then matched. Flushed blocks the ingester still serves are
// searched as blocks (block_search.h).

#include <functional>

#include "common/status.h"
#include "ingester/ingester.h"
#include "search/combiner.h"
#include "search/prepared_search.h"
#include "traceql/eval/trace.h"

namespace vivace::search {

// Which traces of recent data a job reads: those whose ID hashes to `index` of `count`
// (recent data is split so that several jobs share it).
struct TraceShard {
  uint32_t index = 0;
  uint32_t count = 1;
};

// Calls fn(trace) for each trace of `data` in `shard` (its parts combined) until fn returns
// false or an error, counting what it reads in `metrics`. DataLoss when a part cannot be
// decoded.
Status ForEachInMemoryTrace(const ingester::Ingester::RecentData& data, JobMetrics* metrics,
                            const std::function<Result<bool>(const traceql::eval::Trace&)>& fn,
                            TraceShard shard = {});

// DataLoss when a part cannot be decoded; InvalidArgument when the query fails on a trace.
Status SearchInMemory(const ingester::Ingester::RecentData& data, const PreparedSearch& search,
                      SearchCombiner* out, JobMetrics* metrics, TraceShard shard = {});

}  // namespace vivace::search
