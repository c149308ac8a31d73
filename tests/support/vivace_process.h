#pragma once

// Starts the real `vivace` binary for integration tests: writes a config with every listener
// on 127.0.0.1 port 0, reads the bound ports from the "server listening" log lines, waits for
// /ready, and stops the process on destruction (SIGTERM, or SIGKILL on request).

#include <sys/types.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace vivace::testing {

class VivaceProcess {
 public:
  struct Options {
    // YAML appended to the generated config (top-level keys other than server, distributor,
    // storage and live_store).
    std::string extra_yaml{};
    // Keys added under `live_store:`, each line indented by two spaces ("  max_trace_idle: 1s\n").
    std::string live_store_yaml{};
    // Receivers added under `distributor.receivers:` next to otlp, each line indented by four
    // spaces ("    zipkin:\n      endpoint: 127.0.0.1:0\n").
    std::string receivers_yaml{};
    // Listener names to wait for besides http, grpc, otlp-grpc and otlp-http (e.g. "zipkin").
    std::vector<std::string> listeners{};

    // Lines under `storage.trace:` choosing the backend, each indented by four spaces
    // ("    backend: s3\n    s3:\n      bucket: b\n"); the local backend under the data
    // directory when empty.
    std::string storage_yaml{};
    // Extra command-line flags.
    std::vector<std::string> args{};
    // Data directory; a fresh temporary one when empty.
    std::string data_dir{};
    // False for targets without the receivers (compactor, ...): only http and grpc (and
    // `listeners`) are waited for.
    bool otlp = true;
  };

  static Result<std::unique_ptr<VivaceProcess>> Start(const Options& options);
  VivaceProcess(const VivaceProcess&) = delete;
  VivaceProcess& operator=(const VivaceProcess&) = delete;
  ~VivaceProcess();

  // "http", "grpc", "otlp-grpc", "otlp-http", or a listener named in Options::listeners.
  int port(const std::string& name) const;

  int http_port() const { return port("http"); }

  const std::string& data_dir() const { return data_dir_; }

  std::string logs() const;

  // Waits until the process has logged `needle` (true) or has exited without it (false). Log
  // lines reach logs() through a pipe, after whatever the process did before writing them.
  bool WaitForLog(std::string_view needle);

  // Sends `sig` and waits for the exit status (the value from waitpid's WEXITSTATUS, or
  // 128+signal when killed by a signal).
  int StopWith(int sig);

  // The path of the vivace binary under test.
  static std::string BinaryPath();

 private:
  VivaceProcess() = default;
  Status WaitForListeners(const std::vector<std::string>& names);
  Status WaitReady();
  void ReadLogs(int fd);

  pid_t pid_ = -1;
  std::string data_dir_;
  bool own_dir_ = false;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string logs_;
  bool exited_ = false;
  std::map<std::string, int> ports_;
  int exit_status_ = -1;
};

}  // namespace vivace::testing
