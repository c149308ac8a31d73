#pragma once

// Starts and stops the Jaeger (gRPC, thrift_http, thrift_compact, thrift_binary) and Zipkin
// receivers configured under `distributor.receivers`, each on its own listener as Tempo runs
// them. A protocol that is not configured is not started. The app owns one of these next to
// the OTLP receivers.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "common/duration.h"
#include "common/status.h"
#include "config/config.h"
#include "distributor/distributor.h"
#include "net/http_server.h"
#include "net/router.h"

namespace vivace::receiver {

class JaegerGrpcService;
class JaegerHttpHandler;
class JaegerUdpServer;
class ZipkinHttpHandler;

class JaegerZipkinServers {
 public:
  JaegerZipkinServers();
  JaegerZipkinServers(const JaegerZipkinServers&) = delete;
  JaegerZipkinServers& operator=(const JaegerZipkinServers&) = delete;
  ~JaegerZipkinServers();

  // Starts every enabled protocol of `r`. `listening` receives (name, host:port) per listener:
  // jaeger-grpc, jaeger-thrift-http, jaeger-thrift-compact, jaeger-thrift-binary, zipkin.
  Status Start(const config::ReceiversConfig& r, bool multitenancy,
               distributor::Distributor* distributor, int io_threads,
               std::vector<std::pair<std::string, std::string>>* listening);
  // Stops accepting and lets in-flight requests finish for up to `grace`. Idempotent.
  void Stop(Duration grace);

 private:
  std::unique_ptr<JaegerGrpcService> jaeger_grpc_;
  std::unique_ptr<grpc::Server> jaeger_grpc_server_;
  std::unique_ptr<JaegerHttpHandler> jaeger_http_;
  net::Router jaeger_router_;
  std::unique_ptr<net::HttpServer> jaeger_http_server_;
  std::vector<std::unique_ptr<JaegerUdpServer>> udp_;
  std::unique_ptr<ZipkinHttpHandler> zipkin_;
  net::Router zipkin_router_;
  std::unique_ptr<net::HttpServer> zipkin_server_;
};

}  // namespace vivace::receiver
