#pragma once

// The HTTP receivers for Jaeger and Zipkin, answering as Tempo's (the OpenTelemetry Collector's)
// do (docs/receivers.md, "Errors"):
//
//  - Jaeger thrift_http: POST /api/traces with a thrift-binary Batch (Content-Type
//    application/x-thrift or application/vnd.apache.thrift.binary). 202 on success; 400 for a
//    bad content type or body; 500 "Cannot submit Jaeger batch: ..." when the distributor
//    refuses the spans (rate limits, invalid IDs, tenant).
//  - Zipkin: any path and method; a path containing "api/v1/spans" is v1 (JSON, or thrift when
//    Content-Type is exactly application/x-thrift), anything else v2 (JSON, or proto3 when
//    Content-Type is exactly application/x-protobuf). 202 on success; 400 with the decode
//    error; 500 "Internal Server Error" when the distributor refuses the spans.
//
// Both take the tenant from X-Scope-OrgID and accept the Collector's content encodings. The
// decode runs on the I/O thread (work proportional to the request); the answer comes once the
// distributor has acknowledged the spans.

#include <cstddef>

#include "distributor/distributor.h"
#include "net/http.h"
#include "receiver/zipkin.h"

namespace vivace::receiver {

class JaegerHttpHandler {
 public:
  JaegerHttpHandler(distributor::Distributor* distributor, size_t max_request_body_size)
      : distributor_(distributor), max_body_(max_request_body_size) {}

  void Handle(net::HttpRequest request, net::Responder respond) const;

 private:
  distributor::Distributor* distributor_;
  size_t max_body_;
};

class ZipkinHttpHandler {
 public:
  ZipkinHttpHandler(distributor::Distributor* distributor, size_t max_request_body_size,
                    ZipkinOptions options)
      : distributor_(distributor), max_body_(max_request_body_size), options_(options) {}

  void Handle(net::HttpRequest request, net::Responder respond) const;

 private:
  distributor::Distributor* distributor_;
  size_t max_body_;
  ZipkinOptions options_;
};

}  // namespace vivace::receiver
