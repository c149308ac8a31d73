#pragma once

// Tempo's command-line flags, parsed with Go's `flag` package rules: one or two dashes,
// `-flag=value` or `-flag value`, booleans as `-flag` or `-flag=true` (never `-flag true`),
// parsing stops at the first non-flag argument or after `--`. Unknown flags are errors
// ("flag provided but not defined: -x"). Flags bound to config fields are applied after the
// config file, so they win.

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "config/scalar.h"

namespace vivace::config {

struct ConfigWarning;
struct WalkState;

enum class FlagAction {
  kBind,        // fills a config field
  kConfigFile,  // -config.file
  kExpandEnv,   // -config.expand-env
  kVerify,      // -config.verify
  kVersion,     // -version
  kHelp,        // -help, -h
  kHealth,      // -health
  kHealthUrl,   // -health.url
  kAuth,        // -auth.enabled (deprecated alias, OR-ed into multitenancy)
  kIgnore,      // accepted, no effect (Go profiling knobs, memberlist in monolithic mode)
};

struct FlagDef {
  std::string name;
  Kind kind = Kind::kString;  // kBool flags take no separate value argument
  uint32_t flags = 0;         // row flags (kDays)
  FlagAction action = FlagAction::kBind;
  std::string help;
  std::function<void*(Config&)> ref;      // kBind
  std::function<void*(Config&)> present;  // optional bool set when given
  std::string yaml_path;                  // recorded as present (2.x fallbacks, checks)
  std::string warning;                    // printed when given
  std::string warning_explain;
};

struct ParsedFlag {
  const FlagDef* def = nullptr;
  LeafValue value;  // parsed per def->kind
  std::string text;
};

const std::vector<FlagDef>& FlagDefs();

// Parses argv[1..argc) (argv[0] is the program). Values are type-checked here, as Go does.
Result<std::vector<ParsedFlag>> ParseFlags(int argc, const char* const* argv,
                                           std::vector<ConfigWarning>* warnings);

// Applies the kBind/kAuth flags to `config` (and records their YAML paths in `state`).
void ApplyFlags(const std::vector<ParsedFlag>& flags, Config* config, WalkState* state);

}  // namespace vivace::config
