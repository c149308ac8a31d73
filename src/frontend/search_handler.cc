#include "frontend/search_handler.h"

#include <chrono>

#include "frontend/http_errors.h"
#include "frontend/search_json.h"
#include "frontend/search_params.h"
#include "frontend/tags_handler.h"
#include "model/tenant.h"

namespace vivace::frontend {
namespace {

int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool WantsProtobuf(const net::HttpRequest& request) {
  auto accept = request.Header("accept");
  return accept && accept->find("application/protobuf") != std::string_view::npos;
}

}  // namespace

void SearchHandler::Handle(net::HttpRequest request, net::Responder respond,
                           const SearchProgress* progress) const {
  auto tenants = model::ResolveReadTenants(tenancy_.multitenancy, request.Header("x-scope-orgid"),
                                           tenancy_.multi_tenant_queries);
  if (!tenants.ok()) {
    respond(ErrorResponse(tenants.status()));
    return;
  }
  int64_t now = NowUnixSeconds();
  config::SearchFrontendConfig config = config_;
  config.max_duration = MaxSearchDuration(
      overrides_, *tenants, std::chrono::duration_cast<std::chrono::seconds>(config_.max_duration));
  auto options = ParseSearchParams(request, config, max_query_bytes_, now);
  if (!options.ok()) {
    respond(ErrorResponse(options.status()));
    return;
  }
  auto prepared = search::PreparedSearch::Create(*options);
  if (!prepared.ok()) {
    respond(ErrorResponse(prepared.status()));
    return;
  }
  bool proto = WantsProtobuf(request);
  auto work = [this, tenants = std::move(tenants).value(), prepared = std::move(prepared).value(),
               now, proto, respond, progress]() {
    auto result = sharder_->Search(tenants, prepared, now, progress ? *progress : SearchProgress{});
    if (!result.ok()) {
      respond(ErrorResponse(result.status()));
      return;
    }
    if (proto) {
      respond(net::HttpResponse::Protobuf(200, result->SerializeAsString()));
      return;
    }
    respond(net::HttpResponse::Json(200, SearchResponseJson(*result)));
  };
  if (!pool_->Submit(work)) {
    respond(net::HttpResponse::Text(503, "server is shutting down"));
  }
}

}  // namespace vivace::frontend
