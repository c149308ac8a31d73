#include "net/http_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include <gtest/gtest.h>

#include "net/http_server.h"
#include "net/router.h"

namespace vivace::net {
namespace {

TEST(HttpUrlTest, Parses) {
  auto u = HttpUrl::Parse("http://127.0.0.1:9090/api/v1/write");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 9090);
  EXPECT_EQ(u->target, "/api/v1/write");
  u = HttpUrl::Parse("http://[::1]:80");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->target, "/");
  u = HttpUrl::Parse("http://prom/x?y=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/x?y=1");
  EXPECT_FALSE(HttpUrl::Parse("https://prom/x").ok());
  EXPECT_FALSE(HttpUrl::Parse("ftp://prom/x").ok());
  EXPECT_FALSE(HttpUrl::Parse("http://prom:99999/").ok());
  EXPECT_FALSE(HttpUrl::Parse("http://:80/").ok());
}

TEST(HttpClientTest, PostsOverOneKeepAliveConnectionAndReconnects) {
  Router router;
  std::atomic<int> calls{0};
  router.Add("/write", [&calls](HttpRequest req, Responder respond) {
    ++calls;
    HttpResponse r;
    r.status = req.Header("x-test") == "1" ? 204 : 400;
    if (r.status != 204) {
      r.body = req.body;
    }
    respond(std::move(r));
  });
  auto server =
      std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = 0}, &router);
  ASSERT_TRUE(server->Start().ok());
  int port = server->port();
  HttpClient client(HttpUrl{"127.0.0.1", port, "/"});
  for (int i = 0; i < 3; ++i) {
    auto r = client.Post("/write", {{"X-Test", "1"}}, "abc", std::chrono::seconds(5));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 204);
  }
  auto bad = client.Post("/write", {}, "abc", std::chrono::seconds(5));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body, "abc");

  // The server goes away: the client reports Unavailable, then reconnects once it is back.
  server->Stop();
  server.reset();
  auto down = client.Post("/write", {{"X-Test", "1"}}, "abc", std::chrono::seconds(5));
  EXPECT_FALSE(down.ok());
  server = std::make_unique<HttpServer>(HttpServerOptions{.address = "127.0.0.1", .port = port},
                                        &router);
  ASSERT_TRUE(server->Start().ok());
  auto up = client.Post("/write", {{"X-Test", "1"}}, "abc", std::chrono::seconds(5));
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->status, 204);
  server->Stop();
}

TEST(HttpClientTest, TimesOutOnASilentServer) {
  // A listening socket that never accepts: connect succeeds (backlog), the response never comes.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  HttpClient client(HttpUrl{"127.0.0.1", ntohs(addr.sin_port), "/"});
  auto r = client.Post("/x", {}, "abc", std::chrono::milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kDeadlineExceeded);
  close(fd);
}

}  // namespace
}  // namespace vivace::net
