#pragma once

// What happens after the YAML walk and the flags: 2.x fallbacks are applied, targets and
// block versions normalised, the deprecated storage.trace.cache translated into cache.caches,
// receiver defaults filled in; then values are validated (errors) and Tempo's configuration
// warnings collected (spec §0).

#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace vivace::config {

struct ConfigWarning;
struct WalkState;

// The targets -target / `target:` accept (3.x names plus the 2.x ones Vivace maps).
bool IsKnownTarget(std::string_view target);

// Checks metrics_generator.processors names and drops the 2.x "local-blocks" (with a
// warning when `warnings` is given).
Status NormalizeProcessors(Limits* limits, std::string_view where,
                           std::vector<ConfigWarning>* warnings);

// Normalises `config` in place, then validates it. Appends warnings.
Status Finalize(Config* config, WalkState* state, std::vector<ConfigWarning>* warnings);

}  // namespace vivace::config
