#pragma once

// The state of each running module, for /ready and /status/services (Tempo's dskit services:
// New, Starting, Running, Stopping, Terminated, Failed). Thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace vivace::server {

enum class ServiceState { kNew, kStarting, kRunning, kStopping, kTerminated, kFailed };
const char* ServiceStateName(ServiceState s);

class Services {
 public:
  void Set(const std::string& name, ServiceState state, std::string failure = "");
  // Service names in registration order with their state and failure case.
  struct Entry {
    std::string name;
    ServiceState state;
    std::string failure;
  };
  std::vector<Entry> List() const;
  // "" when every service runs; otherwise the reason /ready gives.
  std::string NotReadyReason() const;
  void SetStopping() {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  bool stopping_ = false;
};

}  // namespace vivace::server
