#pragma once

// Tag-name and tag-value jobs through the frontend-search cache, as Tempo's frontend caches
// them (keys "st:" and "stv:"): a backend block's job whose block lies wholly inside the
// window runs into a collector of its own (the request's limits), its answer is stored, then
// merged into the query's collector; a hit replays it without reading the block. The key's hash
// covers what changes a job's answer: names or values, the tag, the scopes, the canonical `q`
// filter, the limits. (Tempo's tag-name key leaves `q` out; Vivace's includes it.)

#include <cstdint>

#include "common/status.h"
#include "frontend/search_sharder.h"
#include "search/tag_search.h"

namespace vivace::frontend {

// The hash of a tag query's parameters for its jobs' keys.
uint64_t TagJobQueryHash(const search::TagQuery& q);

// Runs one tag job: a recent-data job or a block's row groups, through `cache` (null: none)
// when the job may be cached for a query over [start_s, end_s].
Status RunTagJobCached(const QueryJob& job, const search::TagQuery& q, uint64_t query_hash,
                       uint32_t start_s, uint32_t end_s, backend::cache::CachingBackend* cache,
                       search::JobMetrics* metrics);

}  // namespace vivace::frontend
