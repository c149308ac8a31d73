#include "receiver/otlp_http.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "model/otlp_json.h"
#include "net/content_encoding.h"
#include "receiver/metrics.h"
#include "receiver/rpc_status.h"

namespace vivace::receiver {
namespace {

enum class Encoding { kProtobuf, kJson };

std::string MediaType(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) {
    t.remove_suffix(1);
  }
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) {
    t.remove_prefix(1);
  }
  std::string out(t);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

net::HttpResponse StatusResponse(Encoding enc, const Status& status, Duration retry_after) {
  net::HttpResponse r;
  r.status = OtlpHttpStatusFor(status.code());
  if (enc == Encoding::kJson) {
    r.content_type = "application/json";
    r.body = RpcStatusJson(status, retry_after);
  } else {
    r.content_type = "application/x-protobuf";
    r.body = RpcStatusProto(status, retry_after);
  }
  if ((r.status == 429 || r.status == 503) && retry_after.count() > 0) {
    r.headers.emplace_back(
        "Retry-After",
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(retry_after).count()));
  }
  return r;
}

net::HttpResponse SuccessResponse(Encoding enc) {
  net::HttpResponse r;
  if (enc == Encoding::kJson) {
    r.content_type = "application/json";
    r.body = "{\"partialSuccess\":{}}";
  } else {
    r.content_type = "application/x-protobuf";
    r.body = std::string("\x0a\x00", 2);
  }
  return r;
}

}  // namespace

void OtlpHttpHandler::Handle(net::HttpRequest request, net::Responder respond) const {
  if (request.method != "POST") {
    respond(net::HttpResponse::Text(405, "405 method not allowed, supported: [POST]"));
    return;
  }
  std::string media = MediaType(request.Header("content-type").value_or(""));
  Encoding enc;
  if (media == "application/x-protobuf") {
    enc = Encoding::kProtobuf;
  } else if (media == "application/json") {
    enc = Encoding::kJson;
  } else {
    respond(net::HttpResponse::Text(
        415, "415 unsupported media type, supported: [application/json, application/x-protobuf]"));
    return;
  }
  if (request.body_too_large) {
    RefusedSpans().WithLabels({kOtlpReceiver, "http"}).Inc(0);
    respond(StatusResponse(enc, Status::InvalidArgument("http: request body too large"), {}));
    return;
  }
  auto body = net::DecodeContentEncoding(request.Header("content-encoding").value_or(""),
                                         ByteView(request.body), max_body_);
  if (!body.ok()) {
    Status s = body.status().code() == Code::kResourceExhausted
                   ? Status::InvalidArgument("http: request body too large")
                   : Status::InvalidArgument(std::string(body.status().message()));
    respond(StatusResponse(enc, s, {}));
    return;
  }
  std::string proto;
  if (enc == Encoding::kJson) {
    auto decoded = model::OtlpJsonToProtobuf(ByteView(*body));
    if (!decoded.ok()) {
      respond(StatusResponse(enc, decoded.status(), {}));
      return;
    }
    proto = std::move(decoded).value();
  } else {
    proto = std::move(body).value();
  }
  distributor::PushRequest push;
  if (auto t = request.Header("x-scope-orgid")) {
    push.tenant_header = std::string(*t);
  }
  push.body = Bytes(std::move(proto));
  distributor_->Push(std::move(push), [respond, enc](distributor::PushResult r) {
    if (r.status.ok()) {
      AcceptedSpans().WithLabels({kOtlpReceiver, "http"}).Inc(r.spans);
      respond(SuccessResponse(enc));
      return;
    }
    RefusedSpans().WithLabels({kOtlpReceiver, "http"}).Inc(r.spans);
    respond(StatusResponse(enc, r.status, r.retry_after));
  });
}

}  // namespace vivace::receiver
