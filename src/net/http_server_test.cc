#include "net/http_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

TEST(HttpServerBodyTest, LargeAndChunkedBodiesArriveWhole) {
  Router router;
  router.Add("/sum", [](HttpRequest req, Responder respond) {
    uint64_t sum = 0;
    for (unsigned char c : req.body) {
      sum = sum * 31 + c;
    }
    respond(HttpResponse::Text(200, std::to_string(req.body.size()) + " " + std::to_string(sum)));
  });
  HttpServer server({.address = "127.0.0.1", .port = 0}, &router);
  ASSERT_TRUE(server.Start().ok());
  HttpClient c("127.0.0.1", server.port());
  for (size_t n : {size_t{10}, size_t{70000}, size_t{3} << 20}) {
    std::string body(n, '\0');
    uint64_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
      body[i] = static_cast<char>('a' + (i * 7919) % 26);
      sum = sum * 31 + static_cast<unsigned char>(body[i]);
    }
    auto r = c.Do("POST", "/sum", {}, body);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, std::to_string(n) + " " + std::to_string(sum));
  }
  auto r = c.Raw(
      "POST /sum HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  uint64_t sum = 0;
  for (char ch : std::string("abcde")) {
    sum = sum * 31 + static_cast<unsigned char>(ch);
  }
  EXPECT_EQ(r->body, "5 " + std::to_string(sum));
}

// A connection that sends nothing is closed once the idle timeout passes; a handler that takes
// longer than the read timeout still gets its answer out (the deadline does not run while the
// handler works).
TEST(HttpServerTimeoutTest, IdleConnectionClosedSlowHandlerAnswered) {
  Router router;
  router.Add("/slow", [](HttpRequest, Responder respond) {
    std::thread([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      respond(HttpResponse::Text(200, "late"));
    }).detach();
  });
  HttpServer server({.address = "127.0.0.1",
                     .port = 0,
                     .idle_timeout = std::chrono::milliseconds(100),
                     .read_timeout = std::chrono::milliseconds(100)},
                    &router);
  ASSERT_TRUE(server.Start().ok());

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  timeval tv{.tv_sec = 30, .tv_usec = 0};  // fail rather than hang if the server never closes
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  char buf[16];
  EXPECT_EQ(recv(fd, buf, sizeof(buf), 0), 0) << "expected the server to close the idle connection";
  close(fd);

  HttpClient c("127.0.0.1", server.port());
  auto r = c.Get("/slow");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "late");
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
