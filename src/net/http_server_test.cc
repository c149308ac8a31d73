#include "net/http_server.h"

#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/http_client.h"

namespace vivace::net {
namespace {

using testing::HttpClient;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("/echo", [](HttpRequest req, Responder respond) {
      std::string out = req.method + " " + req.path + " " + req.body;
      if (auto q = req.Query("q")) {
        out += " q=" + std::string(*q);
      }
      respond(HttpResponse::Text(200, out));
    });
    router_.Add("/async", [](HttpRequest, Responder respond) {
      std::thread([respond] { respond(HttpResponse::Json(201, "{}")); }).detach();
    });
    router_.Add("/big", [](HttpRequest req, Responder respond) {
      respond(HttpResponse::Text(req.body_too_large ? 413 : 200, "size"));
    });
    server_ = std::make_unique<HttpServer>(
        HttpServerOptions{.address = "127.0.0.1", .port = 0, .max_body_bytes = 1000}, &router_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_->Stop(); }

  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesKeepAliveRequests) {
  HttpClient c("127.0.0.1", server_->port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.Do("POST", "/echo?q=a%20b+c", {}, "body" + std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "POST /echo body" + std::to_string(i) + " q=a b c");
    EXPECT_EQ(r->Header("content-type"), "text/plain; charset=utf-8");
  }
}

TEST_F(HttpServerTest, AsyncResponder) {
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.Get("/async");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->Header("content-type"), "application/json");
}

TEST_F(HttpServerTest, OversizeBodyReachesHandlerFlagged) {
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.Do("POST", "/big", {}, std::string(5000, 'x'));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  // The server keeps serving.
  auto again = c.Do("POST", "/big", {}, "small");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpServerTest, ExpectContinue) {
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.Do("POST", "/echo", {{"Expect", "100-continue"}}, "xyz");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, GarbageGetsNoCrash) {
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.Raw("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_FALSE(r.ok() && r->status == 200);
  auto ok = c.Get("/echo");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpServerTest, UnknownRouteIs404) {
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.Get("/missing");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "404 page not found\n");
}

TEST(HttpServerStopTest, StopWaitsForInFlight) {
  Router router;
  std::promise<void> entered;
  std::promise<void> stopping;
  std::shared_future<void> stopping_f = stopping.get_future().share();
  router.Add("/slow", [&](HttpRequest, Responder respond) {
    entered.set_value();
    // Answer only once Stop() has begun: Stop must wait for this in-flight request.
    std::thread([stopping_f, respond] {
      stopping_f.wait();
      respond(HttpResponse::Text(200, "done"));
    }).detach();
  });
  HttpServer server({.address = "127.0.0.1", .port = 0}, &router);
  ASSERT_TRUE(server.Start().ok());
  std::thread client([&] {
    HttpClient c("127.0.0.1", server.port());
    auto r = c.Get("/slow");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "done");
  });
  entered.get_future().wait();
  stopping.set_value();
  server.Stop();
  client.join();
}

TEST(SplitHostPortTest, Forms) {
  std::string h;
  int p = 0;
  ASSERT_TRUE(SplitHostPort("localhost:4317", &h, &p).ok());
  EXPECT_EQ(h, "localhost");
  EXPECT_EQ(p, 4317);
  ASSERT_TRUE(SplitHostPort(":3200", &h, &p).ok());
  EXPECT_EQ(h, "");
  ASSERT_TRUE(SplitHostPort("[::1]:80", &h, &p).ok());
  EXPECT_EQ(h, "::1");
  EXPECT_FALSE(SplitHostPort("nohost", &h, &p).ok());
  EXPECT_FALSE(SplitHostPort("h:99999", &h, &p).ok());
}

}  // namespace
}  // namespace vivace::net
