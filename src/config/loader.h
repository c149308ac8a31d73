#pragma once

// Loading Vivace's configuration the way Tempo does: built-in defaults, then the YAML file
// (-config.file, optionally env-expanded), then command-line flags, which win. The YAML is
// strict: an unknown key or a wrong type is an error naming the key path and line. Both the
// 3.x and the 2.x key sets are accepted; 2.x keys are mapped onto 3.x fields (spec §2.18) with
// one warning each. Warnings are returned for main to print after "-- CONFIGURATION WARNINGS --".
//
//   auto loaded = vivace::config::LoadFromArgs(argc, argv);
//   if (!loaded.ok()) { ... print loaded.status().message() and Usage(), exit 1 ... }

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "config/env_expand.h"
#include "config/overrides.h"
#include "config/render.h"

namespace vivace::config {

struct ConfigWarning {
  std::string message;
  std::string explain;
};

struct LoadedConfig {
  Config config;
  std::vector<ConfigWarning> warnings;  // printed by main after "-- CONFIGURATION WARNINGS --"
  std::string config_file;              // "" when none
  bool expand_env = false;
  bool verify_only = false;   // -config.verify
  bool show_version = false;  // -version
  bool show_help = false;     // -help / -h / --help
  bool health_check = false;  // -health: GET health_url, exit 0 on 200
  std::string health_url = "http://localhost:3200/ready";
};

// Parses Tempo's flags (single or double dash, `-flag=value` and `-flag value`, booleans as
// `-flag` or `-flag=true`), loads -config.file (found wherever it appears), then applies the
// other flags. With -help or -version nothing is loaded. A flag error's message is followed
// by the usage text, as Go prints it. Loads the per-tenant overrides file
// named by overrides.per_tenant_override_config into config.overrides.per_tenant.
Result<LoadedConfig> LoadFromArgs(int argc, const char* const* argv);

// Loads YAML text (tests, the fuzzer and LoadFromArgs). Env expansion uses the process
// environment. Empty text yields the defaults.
Result<LoadedConfig> LoadFromYaml(std::string_view yaml, bool expand_env);

// The same with an explicit variable lookup for env expansion.
Result<LoadedConfig> LoadFromYaml(
    std::string_view yaml, bool expand_env,
    const std::function<std::optional<std::string>(std::string_view)>& lookup);

// Text for -help listing the supported flags.
std::string Usage();

// The configuration with no file and no flags (what /status/config?mode=defaults shows).
const Config& DefaultConfig();

}  // namespace vivace::config
