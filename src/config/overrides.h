#pragma once

// Per-tenant overrides (limits). The main config's `overrides:` block and the per-tenant file
// (overrides.per_tenant_override_config, reloaded every per_tenant_override_period) both come
// in two formats: scoped (`defaults: {ingestion: {rate_limit_bytes: ...}}`, 2.3+) and the
// legacy flat one (`ingestion_rate_limit_bytes: ...`), which is accepted with a deprecation
// warning and mapped 1:1 (spec §2.13).
//
// A tenant entry replaces the defaults wholesale: fields it does not set are zero, except
// ingestion_rate_strategy, which always comes from the defaults. "*" is the wildcard entry
// for tenants without their own.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace vivace::config {

struct ConfigWarning;

// Parses the per-tenant file text (already env-expanded if enabled). Legacy entries add a
// warning to `warnings` when given.
Result<std::map<std::string, Limits>> LoadPerTenantOverrides(
    std::string_view yaml, const Limits& defaults, std::vector<ConfigWarning>* warnings = nullptr);

// The limits for `tenant`: its own entry, else the "*" entry, else the defaults.
const Limits& LimitsForTenant(const OverridesConfig& overrides, const std::string& tenant);

}  // namespace vivace::config
