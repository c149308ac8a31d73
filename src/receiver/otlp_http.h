#pragma once

// The OTLP/HTTP receiver: POST <traces_url_path> (default /v1/traces) with
// application/x-protobuf or application/json bodies in any content encoding the Collector
// accepts. Answers as the Collector's otlpreceiver does: 200 with an empty response in the
// request's encoding, or a google.rpc.Status body in that encoding with the mapped status
// (405, 415, 400, 401, 429 + Retry-After, 503, ...).

#include <cstddef>

#include "distributor/distributor.h"
#include "net/http.h"

namespace vivace::receiver {

class OtlpHttpHandler {
 public:
  OtlpHttpHandler(distributor::Distributor* distributor, size_t max_request_body_size)
      : distributor_(distributor), max_body_(max_request_body_size) {}

  void Handle(net::HttpRequest request, net::Responder respond) const;

 private:
  distributor::Distributor* distributor_;
  size_t max_body_;
};

}  // namespace vivace::receiver
