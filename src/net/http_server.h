#pragma once

// The one HTTP/1.1 server (Boost.Beast): keep-alive, `Expect: 100-continue`, a body size limit,
// handlers that may answer asynchronously from any thread, graceful stop, and Tempo's request
// metrics (tempo_request_duration_seconds{method,route,status_code,ws}).
//
// Threads: `threads` I/O threads, each running its own io_context; connections are assigned
// round-robin. Handlers run on the I/O thread and must not block: long work goes to a pool and
// answers through the Responder.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "common/duration.h"
#include "common/status.h"
#include "net/router.h"

namespace vivace::net {

struct HttpServerOptions {
  std::string name = "http";  // for logs
  std::string address;        // "" = all interfaces
  int port = 0;               // 0 = ephemeral (see HttpServer::port())
  int threads = 2;
  size_t max_body_bytes = 20 * 1024 * 1024;
  Duration idle_timeout = std::chrono::minutes(2);
  Duration read_timeout = std::chrono::seconds(30);
  bool instrument = true;  // record tempo_request_duration_seconds
};

class HttpServer {
 public:
  // `router` must outlive the server.
  HttpServer(HttpServerOptions options, const Router* router);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds and starts serving. Unavailable if the address cannot be bound.
  Status Start();
  // The bound port (after Start).
  int port() const { return port_; }
  // Stops accepting, closes idle connections, lets in-flight requests finish for up to
  // `grace`, then stops the threads. Idempotent.
  void Stop(Duration grace = std::chrono::seconds(30));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// Splits "host:port" (host may be empty, a name, an IPv4 or a bracketed IPv6 address).
Status SplitHostPort(std::string_view endpoint, std::string* host, int* port);

}  // namespace vivace::net
