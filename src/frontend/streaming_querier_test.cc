// The StreamingQuerier calls as the HTTP requests they become, and HTTP errors as gRPC statuses
// (Tempo's mapping). The calls themselves run against the real binary in
// tests/integration/search_test.cc.

#include "frontend/streaming_querier.h"

#include <gtest/gtest.h>

namespace vivace::frontend {
namespace {

std::string Param(const net::HttpRequest& r, std::string_view name) {
  auto v = r.Query(name);
  return v ? std::string(*v) : "<none>";
}

TEST(StreamingQuerierTest, CallsBecomeTheHttpRequests) {
  tempopb::SearchRequest s;
  s.set_query("{ .a = 1 }");
  s.set_limit(5);
  s.set_start(100);
  s.set_end(200);
  s.set_spansperspanset(2);
  s.set_mindurationms(1500);
  net::HttpRequest r = HttpSearchRequest(s);
  EXPECT_EQ(r.path, "/api/search");
  EXPECT_EQ(Param(r, "q"), "{ .a = 1 }");
  EXPECT_EQ(Param(r, "limit"), "5");
  EXPECT_EQ(Param(r, "start"), "100");
  EXPECT_EQ(Param(r, "end"), "200");
  EXPECT_EQ(Param(r, "spss"), "2");
  EXPECT_EQ(Param(r, "minDuration"), "1500ms");
  EXPECT_EQ(Param(r, "maxDuration"), "<none>");
  EXPECT_EQ(r.Header("accept"), "application/protobuf");
  // Legacy tags become logfmt, quoted where needed.
  tempopb::SearchRequest t;
  (*t.mutable_tags())["service.name"] = "my svc";
  (*t.mutable_tags())["a"] = "b";
  EXPECT_EQ(Param(HttpSearchRequest(t), "tags"), "a=b service.name=\"my svc\"");

  tempopb::SearchTagsRequest tags;
  tags.set_scope("span");
  tags.set_query("{ .x = }");
  tags.set_maxtagsperscope(10);
  tags.set_stalevaluesthreshold(3);
  r = HttpTagsRequest(tags);
  EXPECT_EQ(Param(r, "scope"), "span");
  EXPECT_EQ(Param(r, "q"), "{ .x = }");
  EXPECT_EQ(Param(r, "limit"), "10");
  EXPECT_EQ(Param(r, "maxStaleValues"), "3");

  tempopb::SearchTagValuesRequest values;
  values.set_tagname("resource.service.name");
  values.set_maxtagvalues(7);
  r = HttpTagValuesRequest(values);
  EXPECT_EQ(r.PathParam("tagName"), "resource.service.name");
  EXPECT_EQ(Param(r, "limit"), "7");
  EXPECT_EQ(Param(r, "q"), "<none>");
}

TEST(StreamingQuerierTest, HttpErrorsMapToTempoCodes) {
  auto code = [](int status) {
    return GrpcStatusOf(net::HttpResponse::Text(status, "msg\n")).error_code();
  };
  EXPECT_EQ(code(400), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(code(401), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(404), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(code(429), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(code(499), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(code(500), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(code(503), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(code(413), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(GrpcStatusOf(net::HttpResponse::Text(400, "bad thing")).error_message(), "bad thing");
}

}  // namespace
}  // namespace vivace::frontend
