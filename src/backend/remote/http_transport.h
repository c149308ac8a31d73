#pragma once

// HttpTransport: the blocking HTTP(S) client the object-store backends (S3, GCS, Azure) send
// their requests through, over libcurl. It keeps a pool of curl handles so connections (and
// TLS sessions) are reused across calls, bounds every call by a connect and a total timeout,
// and applies the TLS settings of the backend's config. It neither signs nor retries:
// signatures depend on the request time, so the backends sign each attempt themselves and use
// RetryPolicy (retry.h) around Do().
//
// Thread-safe: concurrent Do() calls each take their own handle from the pool.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/duration.h"
#include "common/status.h"

namespace vivace::backend::remote {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // scheme://host[:port]/path?query, already percent-encoded
  Headers headers;  // sent as given; Content-Length is set from `body` for methods that send one
  ByteView body;    // not owned; must outlive Do()
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased
  std::string body;
  // The first header named `lower_name`, or "".
  std::string_view Header(std::string_view lower_name) const;
};

struct TransportOptions {
  Duration connect_timeout = std::chrono::seconds(10);
  Duration request_timeout = std::chrono::seconds(60);  // one attempt, start to last byte
  std::string tls_ca_path;
  std::string tls_cert_path;
  std::string tls_key_path;
  bool tls_insecure_skip_verify = false;
  // Upper bound on idle handles (each keeps its connections open) kept in the pool.
  int max_idle_handles = 64;
};

class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options);
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;
  ~HttpTransport();

  // Sends the request and reads the whole response. Any HTTP status is a response;
  // Unavailable when no connection could be made or it broke, DeadlineExceeded on timeout.
  Result<HttpResponse> Do(const HttpRequest& request);

  // Requests sent so far (every attempt counts), for tests and benchmarks.
  uint64_t requests_sent() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vivace::backend::remote
