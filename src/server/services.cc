#include "server/services.h"

#include <fmt/format.h>

namespace vivace::server {

const char* ServiceStateName(ServiceState s) {
  switch (s) {
    case ServiceState::kNew:
      return "New";
    case ServiceState::kStarting:
      return "Starting";
    case ServiceState::kRunning:
      return "Running";
    case ServiceState::kStopping:
      return "Stopping";
    case ServiceState::kTerminated:
      return "Terminated";
    case ServiceState::kFailed:
      return "Failed";
  }
  return "Unknown";
}

void Services::Set(const std::string& name, ServiceState state, std::string failure) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Entry& e : entries_) {
    if (e.name == name) {
      e.state = state;
      e.failure = std::move(failure);
      return;
    }
  }
  entries_.push_back({name, state, std::move(failure)});
}

std::vector<Services::Entry> Services::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

std::string Services::NotReadyReason() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    return "Application is stopping";
  }
  std::map<std::string, int> counts;
  for (const Entry& e : entries_) {
    if (e.state != ServiceState::kRunning) {
      counts[ServiceStateName(e.state)]++;
    }
  }
  if (counts.empty()) {
    return "";
  }
  std::string out = "Some services are not Running:";
  for (const auto& [state, n] : counts) {
    out += fmt::format("\n{}: {}", state, n);
  }
  return out;
}

}  // namespace vivace::server
