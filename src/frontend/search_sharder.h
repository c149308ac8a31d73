#pragma once

// The query frontend's search, in process: splits a search into jobs (each tenant's recent
// data in the ingester; the ingester's flushed blocks and the backend blocks in ranges of row
// groups of about query_frontend.search.target_bytes_per_job), most recent data first, runs
// them on a worker pool, merges their results (search/combiner.h) and stops once `limit`
// traces are found, cancelling the jobs not yet finished.
//
// Which data a search reads, as Tempo: without start/end only recent data (the ingester);
// with them, the ingester when the window reaches into the last query_backend_after, and the
// backend blocks overlapping the part of the window before that.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/thread_pool.h"
#include "config/config.h"
#include "querier/querier.h"
#include "search/prepared_search.h"
#include "tempopb/tempo.pb.h"

namespace vivace::frontend {

struct SearchSharderOptions {
  int64_t target_bytes_per_job = 104'857'600;
  int64_t query_backend_after_s = 900;
  // Jobs run at once per search, the calling thread included (querier.max_concurrent_queries).
  int concurrency = 20;
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
                                         int64_t now_unix_s) const;

  struct Job;

 private:
  const querier::Querier* querier_;
  SearchSharderOptions options_;
  std::unique_ptr<ThreadPool> pool_;  // helpers; null when concurrency is 1
  int helpers_ = 0;
};

}  // namespace vivace::frontend
