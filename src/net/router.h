#pragma once

// Maps method + path to handlers. Patterns are path templates with `{name}` segments (one
// segment) and `{name...}` (one or more segments, as Tempo's greedy tag route needs):
//   /api/traces/{traceID}
//   /api/search/tag/{tagName...}/values
// Each route has a metric name derived from its pattern the way Tempo names routes
// (lower-cased, non-alphanumerics to '_'): "api_traces_traceid". Immutable after setup;
// Dispatch is thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "net/http.h"

namespace vivace::net {

class Router {
 public:
  // `methods` empty = any method (Tempo's routes are mostly method-agnostic). A request whose
  // path matches but method does not gets 405.
  void Add(std::string pattern, HttpHandler handler, std::vector<std::string> methods = {});
  void SetNotFound(HttpHandler handler) { not_found_ = std::move(handler); }

  // Routes the request; fills path_params. `route` receives the matched route's metric name
  // ("other" for 404s).
  void Dispatch(HttpRequest request, Responder respond, std::string* route) const;

  // Route templates, for /status/endpoints.
  std::vector<std::string> Patterns() const;

  static std::string RouteName(std::string_view pattern);

 private:
  struct Route {
    std::string pattern;
    std::vector<std::string> segments;
    std::vector<std::string> methods;
    HttpHandler handler;
    std::string name;
  };
  static bool Match(const std::vector<std::string>& pattern, size_t pi,
                    const std::vector<std::string_view>& path, size_t si,
                    std::vector<std::pair<std::string, std::string>>* params);

  std::vector<Route> routes_;
  HttpHandler not_found_;
};

}  // namespace vivace::net
