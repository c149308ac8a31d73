#pragma once

// Third-party servers the tests start themselves (s3rver, Azurite, memcached, redis, ...):
// a PeerProcess runs a command with its output in a log file, waits until it accepts TCP
// connections on its port (a readiness check, never a fixed sleep), and kills its whole
// process group on destruction or on Kill(). FreePort() picks an unused loopback port.

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/duration.h"
#include "common/status.h"

namespace vivace::testing {

class PeerProcess {
 public:
  // Starts `argv` (argv[0] looked up on PATH) in `cwd` and waits up to `timeout` for
  // 127.0.0.1:`port` to accept connections. Unavailable (with the log's tail) when it exits
  // or never gets ready.
  static Result<std::unique_ptr<PeerProcess>> Start(const std::string& name,
                                                    const std::vector<std::string>& argv, int port,
                                                    const std::string& cwd = "",
                                                    Duration timeout = std::chrono::seconds(60));
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;
  ~PeerProcess();

  int port() const { return port_; }

  // SIGKILLs the process group and reaps it (a peer dying mid-test).
  void Kill();
  std::string LogTail() const;

 private:
  PeerProcess() = default;
  std::string name_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

// An unused TCP port on 127.0.0.1 (bound and released; the small race is acceptable in tests).
int FreePort();

// True when 127.0.0.1:port accepts a TCP connection.
bool PortOpen(int port);

// True when `program` is an executable on PATH (or a path to one).
bool HaveProgram(const std::string& program);

}  // namespace vivace::testing
