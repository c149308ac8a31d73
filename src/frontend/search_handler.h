#pragma once

// HTTP handler for GET /api/search: tenants from X-Scope-OrgID, parameters checked as Tempo
// does (400 with its message), the search run by the in-process frontend (search_sharder.h) on
// the query pool, the answer as JSON or, with `Accept: application/protobuf`, a serialized
// tempopb.SearchResponse.

#include <memory>

#include "common/thread_pool.h"
#include "config/config.h"
#include "frontend/search_sharder.h"
#include "frontend/trace_by_id.h"
#include "net/http.h"
#include "overrides/overrides.h"

namespace vivace::frontend {

class SearchHandler {
 public:
  // `overrides` (may be null) give each tenant's read.max_search_duration.
  SearchHandler(const SearchSharder* sharder, ThreadPool* pool, TenancyOptions tenancy,
                config::SearchFrontendConfig config, int64_t max_query_bytes,
                const overrides::Overrides* overrides = nullptr)
      : sharder_(sharder),
        pool_(pool),
        tenancy_(tenancy),
        config_(config),
        max_query_bytes_(max_query_bytes),
        overrides_(overrides) {}

  void Handle(net::HttpRequest request, net::Responder respond) const {
    Handle(std::move(request), std::move(respond), {});
  }

  // With partial answers while the search runs (gRPC streaming); `progress` must outlive the
  // call to `respond`.
  void Handle(net::HttpRequest request, net::Responder respond,
              const SearchProgress* progress) const;

 private:
  const SearchSharder* sharder_;
  ThreadPool* pool_;
  TenancyOptions tenancy_;
  config::SearchFrontendConfig config_;
  int64_t max_query_bytes_;
  const overrides::Overrides* overrides_;
};

}  // namespace vivace::frontend
