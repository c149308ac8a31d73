#pragma once

// Environment-variable expansion of config text before YAML parsing (-config.expand-env),
// with drone/envsubst semantics as Tempo uses them (spec §1.3):
//
//   ${VAR}                     value, "" when unset
//   ${VAR:-d} ${VAR:=d}        d when unset or empty;   ${VAR=d}  d when unset
//   ${VAR^} ${VAR^^} ${VAR,} ${VAR,,}   upper/lower-case first char / all
//   ${VAR:pos} ${VAR:pos:len} ${#VAR}   substring / length
//   ${VAR#p} ${VAR##p} ${VAR%p} ${VAR%%p}   trim shortest/longest prefix/suffix glob p
//   ${VAR/p/r} ${VAR//p/r} ${VAR/#p/r} ${VAR/%p/r}   replace first/all/prefix/suffix
//   $VAR                       left as is;   $$ is a literal $ (so $${X} yields ${X})
//   ${VAR-d} ${VAR+d} ${VAR:?d} ${VAR:+d}, a ${ without }  errors
//
// Defaults and replacement strings may themselves contain ${...} (nesting is bounded).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace::config {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& lookup);

// Looks variables up in the process environment.
std::optional<std::string> ProcessEnvLookup(std::string_view name);

}  // namespace vivace::config
