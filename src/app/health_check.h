#pragma once

// `vivace -health`: GET the readiness URL and report success, for container health checks.

#include <string>

namespace vivace::app {

// True when `url` (http://host:port/path) answers 200.
bool HealthCheck(const std::string& url);

}  // namespace vivace::app
