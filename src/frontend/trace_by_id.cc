#include "frontend/trace_by_id.h"

#include <fmt/format.h>

#include "common/json_writer.h"
#include "common/protowire.h"
#include "common/strconv.h"
#include "frontend/http_errors.h"
#include "model/tenant.h"

namespace vivace::frontend {
namespace {

bool WantsProtobuf(const net::HttpRequest& request) {
  auto accept = request.Header("accept");
  return accept && accept->find("application/protobuf") != std::string_view::npos;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') {
        return false;
      }
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

net::HttpResponse V1Response(const net::HttpRequest& request, querier::TraceByIdResult& r) {
  if (!r.found) {
    net::HttpResponse resp;
    resp.status = 404;  // no body, no content type, as Tempo answers
    return resp;
  }
  if (r.too_large) {
    return net::HttpResponse::Text(
        422, fmt::format("trace exceeds max size (max bytes: {})", r.max_bytes));
  }
  if (WantsProtobuf(request)) {
    return net::HttpResponse::Protobuf(200, r.trace->SerializeProto());
  }
  std::string out;
  JsonWriter w(&out);
  r.trace->WriteJson(w, "batches");
  return net::HttpResponse::Json(200, std::move(out));
}

net::HttpResponse V2Response(const net::HttpRequest& request, querier::TraceByIdResult& r) {
  std::string message;
  if (r.too_large) {
    message = fmt::format("Trace exceeds maximum size of {} bytes, a partial trace is returned",
                          r.max_bytes);
  }
  if (WantsProtobuf(request)) {
    // TraceByIDResponse, written field by field so the trace is not copied; field 1 is always
    // present (Grafana dereferences it).
    std::string out;
    protowire::AppendLenField(out, 1, ByteView(r.trace->SerializeProto()));
    std::string metrics;
    if (r.inspected_bytes > 0) {
      protowire::AppendVarintField(metrics, 1, r.inspected_bytes);
    }
    protowire::AppendLenField(out, 2, ByteView(metrics));
    if (r.too_large) {
      protowire::AppendVarintField(out, 3, 1);  // PARTIAL
      protowire::AppendLenField(out, 4, ByteView(message));
    }
    return net::HttpResponse::Protobuf(200, std::move(out));
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("trace");
  r.trace->WriteJson(w, "resourceSpans");
  w.Key("metrics");
  w.BeginObject();
  if (r.inspected_bytes > 0) {
    w.Key("inspectedBytes");
    w.Uint64String(r.inspected_bytes);
  }
  w.EndObject();
  if (r.too_large) {
    w.Key("status");
    w.String("PARTIAL");
    w.Key("message");
    w.String(message);
  }
  w.EndObject();
  return net::HttpResponse::Json(200, std::move(out));
}

}  // namespace

Status ParseTraceByIdRequest(const net::HttpRequest& request, querier::TraceByIdRequest* out) {
  VV_ASSIGN_OR_RETURN(out->id, model::TraceId::ParseHex(request.PathParam("traceID")));
  std::string_view mode = request.Query("mode").value_or("");
  if (mode.empty() || mode == "all") {
    out->mode = querier::QueryMode::kAll;
  } else if (mode == "ingesters") {
    out->mode = querier::QueryMode::kIngesters;
    return Status::Ok();  // other parameters are not read in this mode
  } else if (mode == "blocks") {
    out->mode = querier::QueryMode::kBlocks;
  } else {
    return Status::InvalidArgument(fmt::format("invalid value for mode {}", mode));
  }
  if (auto bs = request.Query("blockStart"); bs && !bs->empty()) {
    if (!IsUuid(*bs)) {
      return Status::InvalidArgument(
          fmt::format("invalid value for blockstart: invalid UUID length: {}", bs->size()));
    }
    VV_ASSIGN_OR_RETURN(out->block_start, backend::BlockId::Parse(*bs));
  }
  if (auto be = request.Query("blockEnd"); be && !be->empty()) {
    if (!IsUuid(*be)) {
      return Status::InvalidArgument(
          fmt::format("invalid value for blockEnd: invalid UUID length: {}", be->size()));
    }
    VV_ASSIGN_OR_RETURN(out->block_end, backend::BlockId::Parse(*be));
  }
  if (auto s = request.Query("start"); s && !s->empty()) {
    auto v = ParseInt64(*s);
    if (!v.ok()) {
      return v.status().WithContext("invalid start");
    }
    out->start_unix_s = *v;
  }
  if (auto e = request.Query("end"); e && !e->empty()) {
    auto v = ParseInt64(*e);
    if (!v.ok()) {
      return v.status().WithContext("invalid end");
    }
    out->end_unix_s = *v;
  }
  if (out->start_unix_s != 0 && out->end_unix_s != 0 && out->end_unix_s <= out->start_unix_s) {
    return Status::InvalidArgument(
        fmt::format("http parameter start must be before end. received start={} end={}",
                    out->start_unix_s, out->end_unix_s));
  }
  return Status::Ok();
}

void TraceByIdHandler::HandleV1(net::HttpRequest request, net::Responder respond) const {
  Handle(std::move(request), std::move(respond), false);
}

void TraceByIdHandler::HandleV2(net::HttpRequest request, net::Responder respond) const {
  Handle(std::move(request), std::move(respond), true);
}

void TraceByIdHandler::Handle(net::HttpRequest request, net::Responder respond, bool v2) const {
  querier::TraceByIdRequest q;
  auto tenants = model::ResolveReadTenants(tenancy_.multitenancy, request.Header("x-scope-orgid"),
                                           tenancy_.multi_tenant_queries);
  if (!tenants.ok()) {
    respond(ErrorResponse(tenants.status()));
    return;
  }
  q.tenants = std::move(tenants).value();
  if (Status s = ParseTraceByIdRequest(request, &q); !s.ok()) {
    respond(ErrorResponse(s));
    return;
  }
  auto work = [this, q = std::move(q), request = std::move(request), respond, v2]() {
    auto result = querier_->FindTraceById(q);
    if (!result.ok()) {
      respond(ErrorResponse(result.status()));
      return;
    }
    respond(v2 ? V2Response(request, *result) : V1Response(request, *result));
  };
  if (!pool_->Submit(work)) {
    respond(net::HttpResponse::Text(503, "server is shutting down"));
  }
}

}  // namespace vivace::frontend
