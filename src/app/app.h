#pragma once

// The Vivace process: builds the modules for the configured target, starts their servers and
// stops them in reverse order. In monolithic mode (`-target=all`) every module runs here and
// talks to the others in-process:
//
//   OTLP gRPC/HTTP receivers -> distributor -> ingester (live traces -> head/complete blocks)
//                                           -> metrics-generator -> Prometheus remote_write
//   HTTP API -> frontend handlers -> querier -> ingester
//
// Start() fails with Unavailable when a port cannot be bound. Stop() is graceful: /ready turns
// 503, receivers stop accepting and finish in-flight pushes, then the query side and the
// ingester stop.

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "server/services.h"

namespace vivace::app {

struct ListenAddress {
  std::string name;  // "http", "grpc", "otlp-grpc", "otlp-http"
  std::string address;
};

class App {
 public:
  explicit App(config::Config config);
  App(const App&) = delete;
  App& operator=(const App&) = delete;
  ~App();

  Status Start();
  // Marks the process not ready (before shutdown_delay).
  void MarkStopping();
  void Stop();

  const std::vector<ListenAddress>& listening() const { return listening_; }

 private:
  struct Modules;
  // The backend, the blocklist and its poller.
  Status StartStorage();
  void StartCompactor();
  Status StartReceivers();
  Status StartGenerator();
  Status StartGeneratorOnly();
  Status StartApi();
  Status StartApiServers();

  config::Config config_;
  server::Services services_;
  std::unique_ptr<Modules> m_;
  std::vector<ListenAddress> listening_;
  bool stopped_ = false;
};

}  // namespace vivace::app
