#pragma once

// A small blocking HTTP/1.1 client over Boost.Beast for Vivace's outgoing calls (the
// metrics-generator's remote_write). One client holds one keep-alive connection to one
// host:port and is used from one thread; every call has a deadline covering connect, write and
// read. A call on a reused connection that the server had closed meanwhile is retried once on
// a fresh connection. Plain http only (https fails at Parse with a clear error).
//
//   VV_ASSIGN_OR_RETURN(HttpUrl url, HttpUrl::Parse("http://127.0.0.1:9090/api/v1/write"));
//   HttpClient client(url);
//   Result<ClientResponse> r = client.Post(url.target, headers, body, seconds(30));

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/duration.h"
#include "common/status.h"

namespace vivace::net {

struct HttpUrl {
  std::string host;
  int port = 80;
  std::string target = "/";  // path and query
  // "http://host[:port][/path]". InvalidArgument for other schemes or a bad port.
  static Result<HttpUrl> Parse(std::string_view url);
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::optional<std::string_view> Header(std::string_view lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpUrl base);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  // Sends a request. Returns the response (any status), Unavailable when the connection
  // fails, DeadlineExceeded when `timeout` passes. Response bodies are capped at 1 MiB.
  Result<ClientResponse> Request(std::string_view method, std::string_view target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 std::string body, Duration timeout);

  Result<ClientResponse> Post(std::string_view target,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string body, Duration timeout) {
    return Request("POST", target, headers, std::move(body), timeout);
  }

  // Closes the connection (the next call reconnects).
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vivace::net
