#pragma once

// HTTP handlers for tag names and values, as Tempo's query frontend answers them:
//   GET /api/search/tags                     {"tagNames":[...]} (span and resource names)
//   GET /api/v2/search/tags                  {"scopes":[{"name":"resource","tags":[...]},...]}
//   GET /api/search/tag/<tag>/values         {"tagValues":["a",...]}
//   GET /api/v2/search/tag/<tag>/values      {"tagValues":[{"type":"string","value":"a"},...]}
// with `scope`, `q` (v2; a filter parsed leniently: a query that does not compile filters
// nothing), `start`/`end` (blocks too; without them recent data only) and `limit`; JSON or
// protobuf by Accept. Jobs run through the search sharder (recent data, block row groups).

#include "common/thread_pool.h"
#include "frontend/search_sharder.h"
#include "frontend/trace_by_id.h"
#include "net/http.h"

namespace vivace::frontend {

class TagsHandler {
 public:
  TagsHandler(const SearchSharder* sharder, ThreadPool* pool, TenancyOptions tenancy)
      : sharder_(sharder), pool_(pool), tenancy_(tenancy) {}

  void HandleNames(net::HttpRequest request, net::Responder respond, bool v2) const;
  void HandleValues(net::HttpRequest request, net::Responder respond, bool v2) const;

 private:
  const SearchSharder* sharder_;
  ThreadPool* pool_;
  TenancyOptions tenancy_;
};

// The intrinsic names /api/v2/search/tags lists (sorted).
const std::vector<std::string>& IntrinsicTagNames();

}  // namespace vivace::frontend
