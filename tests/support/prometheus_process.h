#pragma once

// A real Prometheus server for end-to-end tests (spec test-peers.md §3): started from the
// Debian package's binary on 127.0.0.1 with the remote-write receiver, exemplar storage and
// native histograms enabled, a fresh data directory, readiness polled on /-/ready. It can be
// stopped and started again on the same port and data directory (restart tests). Queries go
// through the HTTP API and come back as simple structs.
//
//   if (!PrometheusProcess::Available()) GTEST_SKIP() << PrometheusProcess::kMissing;
//   VV_ASSIGN_OR_RETURN(auto prom, PrometheusProcess::Start());
//   auto v = prom->Query("sum(traces_service_graph_request_total)");

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace vivace::testing {

// One element of an instant-vector result.
struct PromSample {
  std::map<std::string, std::string> labels;  // including __name__ when present
  double value = 0;
};

// One series of a range-vector result (`query` of `metric[5m]`).
struct PromSeries {
  std::map<std::string, std::string> labels;
  std::vector<std::pair<int64_t, double>> samples;  // (timestamp ms, value)
};

struct PromExemplar {
  std::map<std::string, std::string> series_labels;
  std::map<std::string, std::string> labels;
  double value = 0;
  int64_t timestamp_ms = 0;
};

class PrometheusProcess {
 public:
  static constexpr const char* kMissing =
      "prometheus is not installed and could not be installed (apt-get install prometheus); "
      "the e2e_prometheus_install fixture tries it";

  // The prometheus binary on PATH (or /usr/bin/prometheus), if any.
  static std::optional<std::string> Binary();

  static bool Available() { return Binary().has_value(); }

  // Starts on a free 127.0.0.1 port with a fresh temporary data directory.
  static Result<std::unique_ptr<PrometheusProcess>> Start();
  PrometheusProcess(const PrometheusProcess&) = delete;
  PrometheusProcess& operator=(const PrometheusProcess&) = delete;
  ~PrometheusProcess();

  int port() const { return port_; }

  std::string remote_write_url() const;

  // SIGTERM and wait (Prometheus flushes its WAL); Restart() starts it again on the same port
  // and data directory and waits until it is ready.
  void Stop();
  Status Restart();

  bool running() const { return pid_ > 0; }

  // Instant query at the server's current time.
  Result<std::vector<PromSample>> Query(const std::string& promql);
  // The single value of `promql`, or NotFound when the result is empty.
  Result<double> Value(const std::string& promql);
  // A range-vector selector evaluated now (raw samples).
  Result<std::vector<PromSeries>> QueryRange(const std::string& selector_with_range);
  Result<std::vector<PromExemplar>> Exemplars(const std::string& selector, int64_t start_s,
                                              int64_t end_s);
  std::string logs() const;

 private:
  PrometheusProcess() = default;
  Status Launch();
  Status WaitReady();
  Result<std::string> Get(const std::string& target);

  std::string binary_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Percent-encodes a query-string value.
std::string UrlEncode(const std::string& s);

}  // namespace vivace::testing
