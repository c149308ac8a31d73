#pragma once

// HTTP handlers for tag names and values, as Tempo's query frontend answers them:
//   GET /api/search/tags                     {"tagNames":[...]} (span and resource names)
//   GET /api/v2/search/tags                  {"scopes":[{"name":"resource","tags":[...]},...]}
//   GET /api/search/tag/<tag>/values         {"tagValues":["a",...]}
//   GET /api/v2/search/tag/<tag>/values      {"tagValues":[{"type":"string","value":"a"},...]}
// with `scope`, `q` (v2; read leniently as Tempo does: search/tag_conditions.h), `start`/`end`
// (blocks too; without them recent data only), `limit` and `maxStaleValues`; JSON or protobuf by
// Accept. As Tempo's collectors, an answer stops growing once `limit`, `maxStaleValues` (known
// values in a row) or the tenant's read.max_bytes_per_tag_values_query is reached, and is then
// answered as collected. Jobs run through the search sharder (recent data, block row groups).

#include <chrono>

#include "common/thread_pool.h"
#include "frontend/search_sharder.h"
#include "frontend/trace_by_id.h"
#include "net/http.h"
#include "overrides/overrides.h"

namespace vivace::frontend {

// The limits tag queries honour besides `limit` and `maxStaleValues`.
struct TagLimits {
  // query_frontend.search.max_duration; a tenant's read.max_search_duration replaces it.
  std::chrono::seconds max_duration{0};
  // read.max_bytes_per_tag_values_query (and the search duration) per tenant; null: defaults.
  const overrides::Overrides* overrides = nullptr;
  // query_frontend.max_query_expression_size_bytes for `q` (0: none).
  int64_t max_query_bytes = 0;
};

class TagsHandler {
 public:
  TagsHandler(const SearchSharder* sharder, ThreadPool* pool, TenancyOptions tenancy,
              TagLimits limits = {})
      : sharder_(sharder), pool_(pool), tenancy_(tenancy), limits_(limits) {}

  void HandleNames(net::HttpRequest request, net::Responder respond, bool v2) const;
  void HandleValues(net::HttpRequest request, net::Responder respond, bool v2) const;

 private:
  const SearchSharder* sharder_;
  ThreadPool* pool_;
  TenancyOptions tenancy_;
  TagLimits limits_;
};

// The longest window a search of `tenants` may span: each tenant's read.max_search_duration,
// else `configured` (the strictest of them when several tenants are read; 0: no limit).
std::chrono::seconds MaxSearchDuration(const overrides::Overrides* overrides,
                                       const std::vector<std::string>& tenants,
                                       std::chrono::seconds configured);

// The intrinsic names /api/v2/search/tags lists (sorted).
const std::vector<std::string>& IntrinsicTagNames();

}  // namespace vivace::frontend
