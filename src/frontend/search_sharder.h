#pragma once

// The query frontend's search, in process: splits a search (or a tag-name / tag-value query)
// into jobs (each tenant's recent data in the ingester; the ingester's flushed blocks and the
// backend blocks in ranges of row groups of about query_frontend.search.target_bytes_per_job),
// most recent data first, runs them on a worker pool, merges their results
// (search/combiner.h) and stops once `limit` traces are found, cancelling the jobs not yet
// finished.
//
// Which data a query reads, as Tempo: without start/end only recent data (the ingester); with
// them, the ingester when the window reaches into the last query_backend_after, and the
// backend blocks overlapping the part of the window before that.
//
// With a cache for the `frontend-search` role, a backend block's job whose block lies wholly
// inside the window (as Tempo: then the window does not change its answer) is cached: its
// complete answer (found traces and metrics, up to `limit`) under a key of the tenant, the
// block, its row groups and a hash of the query's parameters; a hit replays it without reading
// the block. Recent data and the ingester's blocks are never cached.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/thread_pool.h"
#include "ingester/ingester.h"
#include "querier/querier.h"
#include "search/combiner.h"
#include "search/prepared_search.h"
#include "search/recent_search.h"
#include "tempopb/tempo.pb.h"

namespace vivace::backend::cache {
class CachingBackend;
}

namespace vivace::frontend {

struct SearchSharderOptions {
  int64_t target_bytes_per_job = 104'857'600;
  int64_t query_backend_after_s = 900;
  // Jobs run at once per query, the calling thread included (querier.max_concurrent_queries).
  int concurrency = 20;
  // Serves the frontend-search role; null or without that role: no job is cached.
  backend::cache::CachingBackend* job_cache = nullptr;
  // Time a job may take (querier.search.query_timeout; 0: none). A job that runs out fails
  // the query as Tempo's querier fails the job: 500 `context deadline exceeded`.
  std::chrono::nanoseconds job_timeout{0};
  // Time a whole query may take (query_frontend.api_timeout; 0: none): then 503 `unable to
  // process request in the configured timeout`, as Tempo's timeout middleware.
  std::chrono::nanoseconds api_timeout{0};
};

// The errors of a query that ran out of time (see SearchSharderOptions).
Status JobTimeoutError();
Status ApiTimeoutError();

// One unit of work: a tenant's recent data in memory, or row groups of one block.
struct QueryJob {
  std::string tenant;
  std::shared_ptr<const ingester::Ingester::RecentData> recent;  // set: recent data
  std::shared_ptr<block::BlockReader> reader;
  uint32_t first_rg = 0;
  uint32_t n_rgs = 0;          // 0: the whole block
  search::TraceShard shard;    // recent data: which traces
  bool backend_block = false;  // a backend block's job (not the ingester's): may be cached
};

struct JobPlan {
  std::vector<QueryJob> jobs;
  uint32_t total_blocks = 0;
  uint64_t total_block_bytes = 0;
};

// A hash of the request parameters that change a backend job's answer (the cache key's part
// that is not the job's block and row groups).
uint64_t SearchJobQueryHash(const search::PreparedSearch& search);

// The frontend-search cache key of a backend block's job for a query over [start_s, end_s]
// (`<prefix>:<tenant>:<hash>:<block>:<first row group>:<row groups>`), empty when its answer is
// not cached: recent data, the ingester's blocks, and blocks not wholly inside the window (as
// Tempo: then the window filters nothing in the block, so any enclosing window shares it).
std::string BlockJobCacheKey(std::string_view prefix, const QueryJob& job, uint32_t start_s,
                             uint32_t end_s, uint64_t hash);

// Runs one search job into `out`, through `cache` (frontend-search role) when it is set and
// the job's answer may be cached. Search() runs every job through it; tests call it.
Status RunSearchJobCached(const QueryJob& job, const search::PreparedSearch& search,
                          uint64_t query_hash, backend::cache::CachingBackend* cache,
                          search::SearchCombiner* out, search::JobMetrics* metrics);

// Partial answers of a search while it runs (gRPC streaming): every `interval`, `fn` gets the
// traces found since the previous call and the metrics so far, from a thread of its own; never
// after Search() returns.
struct SearchProgress {
  std::function<void(tempopb::SearchResponse)> fn;  // empty: no partial answers
  std::chrono::milliseconds interval{500};
};

class SearchSharder {
 public:
  SearchSharder(const querier::Querier* querier, SearchSharderOptions options);
  ~SearchSharder();
  SearchSharder(const SearchSharder&) = delete;
  SearchSharder& operator=(const SearchSharder&) = delete;

  // Runs `search` over `tenants`' data as of `now_unix_s`. InvalidArgument when the query
  // fails on some trace. Blocks that cannot be read are logged, counted and skipped.
  Result<tempopb::SearchResponse> Search(const std::vector<std::string>& tenants,
                                         std::shared_ptr<const search::PreparedSearch> search,
                                         int64_t now_unix_s,
                                         const SearchProgress& progress = {}) const;

  // The jobs for a query over [start_s, end_s] (both 0: recent data only).
  JobPlan Plan(const std::vector<std::string>& tenants, uint32_t start_s, uint32_t end_s,
               int64_t now_unix_s) const;

  // Runs `run` for each job of `plan` on the pool until all ran or `stop()` holds; `done` is
  // called after each job that ran. Returns the first InvalidArgument a job returned, or a
  // timeout (each job runs under a search::JobDeadline); other errors are logged as unreadable
  // blocks and the job is counted as done.
  using JobFn = std::function<Status(const QueryJob&, search::JobMetrics*)>;
  Status Run(const JobPlan& plan, JobFn run, std::function<bool()> stop,
             std::function<void(const search::JobMetrics&)> done) const;

  // The cache serving the frontend-search role, null when there is none.
  backend::cache::CachingBackend* job_cache() const;

 private:
  const querier::Querier* querier_;
  SearchSharderOptions options_;
  std::unique_ptr<ThreadPool> pool_;  // helpers; null when concurrency is 1
  int helpers_ = 0;
};

}  // namespace vivace::frontend
