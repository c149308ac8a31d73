#include "net/router.h"

#include <gtest/gtest.h>

namespace vivace::net {
namespace {

std::string Call(const Router& r, const std::string& method, const std::string& path,
                 std::string* route = nullptr) {
  HttpRequest req;
  req.method = method;
  req.path = path;
  std::string body;
  std::string name;
  r.Dispatch(std::move(req), [&](HttpResponse resp) { body = std::to_string(resp.status) + " " + resp.body; },
             &name);
  if (route != nullptr) {
    *route = name;
  }
  return body;
}

HttpHandler Echo(std::string tag) {
  return [tag](HttpRequest req, Responder respond) {
    std::string out = tag;
    for (auto& [k, v] : req.path_params) {
      out += " " + k + "=" + v;
    }
    respond(HttpResponse::Text(200, out));
  };
}

TEST(RouterTest, MatchesTemplatesAndNamesRoutes) {
  Router r;
  r.Add("/api/traces/{traceID}", Echo("v1"));
  r.Add("/api/v2/traces/{traceID}", Echo("v2"));
  r.Add("/api/search/tag/{tagName...}/values", Echo("values"));
  r.Add("/api/status/buildinfo", Echo("build"), {"GET"});
  std::string route;
  EXPECT_EQ(Call(r, "GET", "/api/traces/abc", &route), "200 v1 traceID=abc");
  EXPECT_EQ(route, "api_traces_traceid");
  EXPECT_EQ(Call(r, "GET", "/api/v2/traces/abc"), "200 v2 traceID=abc");
  EXPECT_EQ(Call(r, "GET", "/api/search/tag/a/b/values", &route), "200 values tagName=a/b");
  EXPECT_EQ(route, "api_search_tag_tagname_values");
  EXPECT_EQ(Call(r, "GET", "/api/search/tag/service.name/values"),
            "200 values tagName=service.name");
  EXPECT_EQ(Call(r, "GET", "/api/traces/"), "404 404 page not found\n");
  EXPECT_EQ(Call(r, "GET", "/nope"), "404 404 page not found\n");
  EXPECT_EQ(Call(r, "POST", "/api/status/buildinfo"), "405 405 method not allowed\n");
}

TEST(RouterTest, RouteNames) {
  EXPECT_EQ(Router::RouteName("/api/v2/search/tag/{tagName...}/values"),
            "api_v2_search_tag_tagname_values");
  EXPECT_EQ(Router::RouteName("/v1/traces"), "v1_traces");
}

}  // namespace
}  // namespace vivace::net
