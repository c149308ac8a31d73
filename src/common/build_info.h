#pragma once

// Version and build facts reported by -version, /api/status/buildinfo and tempo_build_info.

#include <string_view>

namespace vivace {

struct BuildInfo {
  // The Tempo version whose API Vivace implements. Grafana gates features on it by semver, so it
  // is what /api/status/buildinfo reports as `version`.
  std::string_view tempo_version;
  std::string_view vivace_version;
  std::string_view revision;
  std::string_view branch;
  std::string_view build_user;
  std::string_view build_date;
  std::string_view compiler;
};

const BuildInfo& GetBuildInfo();

}  // namespace vivace
