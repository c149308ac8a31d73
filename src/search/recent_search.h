#pragma once

// Search of an ingester's recent data held in memory (live traces, the head block, complete
// blocks not yet flushed). With the tenant's columnar view (recent_columnar.h; set by
// RecentData::columnar), the columnar scan over its row groups names candidate traces as for
// blocks; traces not (yet) in the view are taken one by one. Every candidate is confirmed on
// its own parts, combined as the query path combines them, by the exact evaluator. Without a
// view every trace is evaluated. Flushed blocks the ingester still serves are searched as
// blocks (block_search.h).

#include <functional>

#include "block/row_group_reader.h"
#include "common/status.h"
#include "ingester/ingester.h"
#include "search/combiner.h"
#include "search/prepared_search.h"
#include "search/recent_columnar.h"
#include "traceql/eval/trace.h"

namespace vivace::search {

// What a pass over recent data visits.
struct RecentVisit {
  // Only traces the columnar scan names for this request (all traces when null): fn must
  // then reject by itself whatever does not match.
  const traceql::FetchRequest* fetch = nullptr;
  // Segments wholly outside its window or duration bounds are skipped (null: none).
  const PreparedSearch* bounds = nullptr;
  // When set, called with each segment of the view (all of it current) instead of its traces
  // (tag queries without a filter read whole columns); returns false to stop.
  std::function<Result<bool>(block::RowGroupReader&)> segment;
  // Called with each visited trace (its parts combined); returns false to stop.
  std::function<Result<bool>(const traceql::eval::Trace&)> trace;
};

// Visits the traces of `data` in `shard`, counting what it reads in `metrics`. DataLoss when a
// part cannot be decoded; fn's errors are returned as they are.
Status VisitRecent(const ingester::Ingester::RecentData& data, const RecentVisit& visit,
                   JobMetrics* metrics, TraceShard shard = {});

// DataLoss when a part cannot be decoded; InvalidArgument when the query fails on a trace.
Status SearchInMemory(const ingester::Ingester::RecentData& data, const PreparedSearch& search,
                      SearchCombiner* out, JobMetrics* metrics, TraceShard shard = {});

}  // namespace vivace::search
