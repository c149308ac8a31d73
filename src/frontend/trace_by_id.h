#pragma once

// HTTP handlers for trace by ID: GET /api/traces/{traceID} (v1) and /api/v2/traces/{traceID}
// (v2), with Tempo's validation, content negotiation (JSON or protobuf by Accept), not-found
// behaviour (v1: 404 with an empty body; v2: 200 with an empty trace) and size limits (v1: 422;
// v2: a partial trace). Lookups run on the query pool, never on a network thread.

#include "common/thread_pool.h"
#include "net/http.h"
#include "querier/querier.h"

namespace vivace::frontend {

struct TenancyOptions {
  bool multitenancy = false;
  bool multi_tenant_queries = true;
};

class TraceByIdHandler {
 public:
  TraceByIdHandler(const querier::Querier* querier, ThreadPool* pool, TenancyOptions tenancy)
      : querier_(querier), pool_(pool), tenancy_(tenancy) {}

  void HandleV1(net::HttpRequest request, net::Responder respond) const;
  void HandleV2(net::HttpRequest request, net::Responder respond) const;

 private:
  void Handle(net::HttpRequest request, net::Responder respond, bool v2) const;
  const querier::Querier* querier_;
  ThreadPool* pool_;
  TenancyOptions tenancy_;
};

// Parses the request's trace ID and params into `out`; InvalidArgument with Tempo's text.
Status ParseTraceByIdRequest(const net::HttpRequest& request, querier::TraceByIdRequest* out);

}  // namespace vivace::frontend
