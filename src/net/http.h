#pragma once

// HTTP request and response values handed between the server (net/http_server.h) and handlers.
// Kept free of Boost types so that handler code and its headers stay light.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vivace::net {

struct HttpRequest {
  std::string method;  // upper-case, e.g. "GET"
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router
  std::string body;    // raw body (content encodings are decoded by the handler)
  bool body_too_large = false;  // the body exceeded the server's limit and was not read
  std::string remote_address;

  // The first value of a header (name lower-case), or nullopt.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  // Number of values of a header.
  size_t HeaderCount(std::string_view lower_name) const;
  // The last value of a query parameter (Go's r.URL.Query().Get returns the first; Tempo reads
  // with FormValue, also the first), or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
  std::string_view PathParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response

  static HttpResponse Text(int status, std::string body);  // text/plain; charset=utf-8
  static HttpResponse Json(int status, std::string body);  // application/json
  static HttpResponse Protobuf(int status, std::string body);  // application/protobuf
};

// Completes a request. Call exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest request, Responder respond)>;

// Percent-decoding; `plus_as_space` for query strings. Returns false on a bad escape.
bool PercentDecode(std::string_view in, bool plus_as_space, std::string* out);
std::string PercentEncode(std::string_view in);

}  // namespace vivace::net
