#pragma once

// A blocking HTTP/1.1 client for tests (keep-alive over one connection).

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vivace::testing {

struct HttpResult {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const;
  bool HasHeader(const std::string& lower_name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, int port);
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  Result<HttpResult> Do(const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& body = "");
  Result<HttpResult> Get(const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Do("GET", target, headers);
  }
  // Sends raw bytes and reads one response (for malformed-request tests).
  Result<HttpResult> Raw(const std::string& bytes);

 private:
  struct Conn;
  Status Connect();
  std::string host_;
  int port_;
  std::unique_ptr<Conn> conn_;
};

}  // namespace vivace::testing
