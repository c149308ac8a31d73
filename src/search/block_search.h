#pragma once

// Search of one `vvc1` block, or a range of its row groups (a frontend job): row groups
// outside the time window or the duration bounds are skipped by their index entries; of the
// others, the header is read first (index entry's header_bytes) and the columnar scan
// (scan/candidates.h) names the traces that may match, reading only the chunks it tests; a
// row group with candidates is then read whole and each candidate is rebuilt and confirmed
// by the exact evaluator. A query the headers rule out reads headers only. Stops early once
// the combiner holds its limit.

#include <cstddef>
#include <vector>

#include "block/block_format.h"
#include "block/block_reader.h"
#include "common/status.h"
#include "search/combiner.h"
#include "search/prepared_search.h"

namespace vivace::search {

// Searches row groups [first, first + count) of `index` (the block's row-group index),
// adding matches to `out` and what it read to `metrics`. DataLoss when the block is corrupt;
// InvalidArgument when the query fails on a trace.
Status SearchRowGroups(block::BlockReader& reader, const std::vector<block::RowGroupEntry>& index,
                       size_t first, size_t count, const PreparedSearch& search,
                       SearchCombiner* out, JobMetrics* metrics);

// Searches a whole block (the index is loaded on first use).
Status SearchBlock(block::BlockReader& reader, const PreparedSearch& search, SearchCombiner* out,
                   JobMetrics* metrics);

}  // namespace vivace::search
