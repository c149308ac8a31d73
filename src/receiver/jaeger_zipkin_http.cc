#include "receiver/jaeger_zipkin_http.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "net/content_encoding.h"
#include "receiver/jaeger.h"
#include "receiver/metrics.h"

namespace vivace::receiver {
namespace {

// http.Error: the message plus a newline, as text/plain.
net::HttpResponse GoError(int status, std::string_view message) {
  return net::HttpResponse::Text(status, std::string(message) + "\n");
}

net::HttpResponse Accepted() {
  net::HttpResponse r;
  r.status = 202;
  return r;
}

// Decodes the body's Content-Encoding under the size limit, as the Collector's HTTP server does.
// An unencoded body is moved out of the request, not copied.
Result<std::string> Body(net::HttpRequest& request, size_t max_body) {
  if (request.body_too_large) {
    return Status::InvalidArgument("http: request body too large");
  }
  const std::string_view encoding = request.Header("content-encoding").value_or("");
  if (encoding.empty() && request.body.size() <= max_body) {
    return std::move(request.body);
  }
  auto body = net::DecodeContentEncoding(encoding, ByteView(request.body), max_body);
  if (!body.ok() && body.status().code() == Code::kResourceExhausted) {
    return Status::InvalidArgument("http: request body too large");
  }
  return body;
}

void Push(distributor::Distributor* d, const net::HttpRequest& request, std::string otlp,
          std::string_view receiver, std::string_view transport,
          std::function<void(const Status&)> done) {
  distributor::PushRequest push;
  if (auto t = request.Header("x-scope-orgid")) {
    push.tenant_header = std::string(*t);
  }
  push.body = Bytes(std::move(otlp));
  d->Push(std::move(push),
          [receiver, transport, done = std::move(done)](distributor::PushResult r) {
            if (r.status.ok()) {
              AcceptedSpans().WithLabels({receiver, transport}).Inc(r.spans);
            } else {
              RefusedSpans().WithLabels({receiver, transport}).Inc(r.spans);
            }
            done(r.status);
          });
}

}  // namespace

void JaegerHttpHandler::Handle(net::HttpRequest request, net::Responder respond) const {
  if (request.method != "POST") {
    respond(GoError(405, "Method Not Allowed"));
    return;
  }
  // mime.ParseMediaType: the media type before any parameters, lower-cased.
  std::string_view ct = request.Header("content-type").value_or("");
  std::string media(ct.substr(0, ct.find(';')));
  media.erase(std::remove_if(media.begin(), media.end(),
                             [](unsigned char c) { return std::isspace(c) != 0; }),
              media.end());
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (media.empty()) {
    respond(GoError(400, "Cannot parse content type: mime: no media type"));
    return;
  }
  if (media != "application/x-thrift" && media != "application/vnd.apache.thrift.binary") {
    respond(GoError(400, fmt::format("Unsupported content type: {}", media)));
    return;
  }
  auto body = Body(request, max_body_);
  if (!body.ok()) {
    respond(
        GoError(400, fmt::format("Unable to process request body: {}", body.status().message())));
    return;
  }
  JaegerBatch batch;
  if (Status s = DecodeJaegerThriftBatch(ByteView(*body), &batch); !s.ok()) {
    respond(GoError(400, fmt::format("Unable to process request body: {}", s.message())));
    return;
  }
  size_t spans = 0;
  std::string otlp = TranslateJaeger(batch, JaegerFlavor::kThrift, &spans);
  Push(distributor_, request, std::move(otlp), kJaegerReceiver, "collector_http",
       [respond](const Status& s) {
         if (s.ok()) {
           respond(Accepted());
         } else {
           respond(GoError(500, fmt::format("Cannot submit Jaeger batch: {}", s.message())));
         }
       });
}

void ZipkinHttpHandler::Handle(net::HttpRequest request, net::Responder respond) const {
  const bool v1 = request.path.find("api/v1/spans") != std::string::npos;
  auto body = Body(request, max_body_);
  if (!body.ok()) {
    respond(GoError(400, body.status().message()));
    return;
  }
  const std::string_view ct = request.Header("content-type").value_or("");
  size_t spans = 0;
  Result<std::string> otlp = Status::Ok();
  if (v1) {
    otlp = ct == "application/x-thrift" ? TranslateZipkinV1Thrift(ByteView(*body), &spans)
                                        : TranslateZipkinV1Json(ByteView(*body), options_, &spans);
  } else {
    ZipkinBatch batch;
    Status s = ct == "application/x-protobuf" ? DecodeZipkinProto(ByteView(*body), &batch)
                                              : DecodeZipkinJson(ByteView(*body), &batch);
    otlp = s.ok() ? TranslateZipkinV2(batch, options_, &spans) : Result<std::string>(s);
  }
  if (!otlp.ok()) {
    respond(GoError(400, otlp.status().message()));
    return;
  }
  Push(distributor_, request, std::move(otlp).value(), kZipkinReceiver, "http",
       [respond](const Status& s) {
         if (s.ok()) {
           respond(Accepted());
           return;
         }
         net::HttpResponse r = net::HttpResponse::Text(500, "\"Internal Server Error\"");
         respond(std::move(r));
       });
}

}  // namespace vivace::receiver
