#pragma once

// The jobs of tag-name and tag-value queries: over an ingester's recent data in memory, or over
// row groups of a block. Without a filter, blocks are read column by column
// (tag_collector.h); with a `q` filter, the traces the columnar scan names are rebuilt and only
// the spans the filter matches are read, as for search.

#include <cstddef>

#include "block/block_reader.h"
#include "common/status.h"
#include "ingester/ingester.h"
#include "search/combiner.h"
#include "search/prepared_search.h"
#include "search/recent_search.h"
#include "search/tag_collector.h"

namespace vivace::search {

// What a tag query asks: names of `scopes`, or the values of `attribute` (when `values`).
struct TagQuery {
  const PreparedSearch* filter = nullptr;  // null: every span
  bool values = false;
  ScopeSet scopes{};
  traceql::Attribute attribute;
  TagNames* names = nullptr;
  TagValues* out_values = nullptr;
};

Status TagsInMemory(const ingester::Ingester::RecentData& data, const TagQuery& q,
                    JobMetrics* metrics, TraceShard shard = {});
// Row groups [first, first + count) of the block (count 0: all).
Status TagsInRowGroups(block::BlockReader& reader, size_t first, size_t count, const TagQuery& q,
                       JobMetrics* metrics);

}  // namespace vivace::search
