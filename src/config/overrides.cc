#include "config/overrides.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/keys.h"
#include "config/loader.h"
#include "config/validate.h"
#include "config/yaml_walk.h"

namespace vivace::config {
namespace {

// A tenant entry is legacy when one of its keys exists only in the flat format.
bool IsLegacyEntry(const YAML::Node& entry) {
  if (!entry.IsMap()) {
    return false;
  }
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (!it->first.IsScalar()) {
      continue;
    }
    const std::string& name = it->first.Scalar();
    if (LimitsSchema().root().Child(name) == nullptr
        && LegacyLimitsSchema().root().Child(name) != nullptr) {
      return true;
    }
  }
  return false;
}

Status ReadTenants(const YAML::Node& tenants, const Limits& defaults, WalkState& st,
                   std::map<std::string, Limits>* out) {
  if (tenants.IsNull()) {
    return Status::Ok();
  }
  if (!tenants.IsMap()) {
    return LineError(LineOf(tenants, 1), "key \"overrides\": expected a map of tenants");
  }
  for (auto it = tenants.begin(); it != tenants.end(); ++it) {
    int line = LineOf(it->first, 1);
    if (!it->first.IsScalar()) {
      return LineError(line, "tenant IDs must be scalars");
    }
    const std::string& tenant = it->first.Scalar();
    std::string path = fmt::format("overrides.{}", tenant);
    if (out->count(tenant) != 0) {
      return LineError(line, fmt::format("tenant \"{}\" listed twice", tenant));
    }
    Limits limits;
    ZeroFields(LimitsSchema(), &limits);
    bool legacy = IsLegacyEntry(it->second);
    if (legacy) {
      st.Warn(fmt::format("per-tenant overrides for \"{}\" use the deprecated flat format", tenant),
              "migrate to the scoped format (ingestion:, global:, read:, ...)");
    }
    const Schema& schema = legacy ? LegacyLimitsSchema() : LimitsSchema();
    VV_RETURN_IF_ERROR(WalkMap(it->second, schema.root(), &limits, path, line, st));
    ApplyDeferred(st);
    // Not overridable per tenant: always the defaults' strategy.
    limits.ingestion_rate_strategy = defaults.ingestion_rate_strategy;
    VV_RETURN_IF_ERROR(NormalizeProcessors(
        &limits, fmt::format("{}.metrics_generator.processors", path), st.warnings));
    out->emplace(tenant, std::move(limits));
  }
  return Status::Ok();
}

}  // namespace

Result<std::map<std::string, Limits>> LoadPerTenantOverrides(std::string_view yaml,
                                                             const Limits& defaults,
                                                             std::vector<ConfigWarning>* warnings) {
  auto fail = [](const Status& s) {
    return Status::InvalidArgument(
        fmt::format("failed parsing per-tenant overrides: {}", s.message()));
  };
  YAML::Node doc;
  if (Status s = ParseYamlDocument(yaml, &doc); !s.ok()) {
    return fail(s);
  }
  WalkState st;
  st.warnings = warnings;
  std::map<std::string, Limits> out;
  try {
    if (doc.IsNull()) {
      return out;
    }
    if (!doc.IsMap()) {
      return fail(LineError(LineOf(doc, 1), "expected a map with the key \"overrides\""));
    }
    bool seen = false;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      int line = LineOf(it->first, 1);
      if (seen) {
        return fail(LineError(line, "key \"overrides\" already set"));
      }
      seen = true;
      if (!it->first.IsScalar() || it->first.Scalar() != "overrides") {
        return fail(LineError(line, fmt::format("unknown key \"{}\"",
                                                it->first.IsScalar() ? it->first.Scalar() : "")));
      }
      if (Status s = ReadTenants(it->second, defaults, st, &out); !s.ok()) {
        return fail(s);
      }
    }
  } catch (const std::exception& e) {
    return fail(Status::InvalidArgument(e.what()));
  }
  return out;
}

const Limits& LimitsForTenant(const OverridesConfig& overrides, const std::string& tenant) {
  if (auto it = overrides.per_tenant.find(tenant); it != overrides.per_tenant.end()) {
    return it->second;
  }
  if (auto it = overrides.per_tenant.find("*"); it != overrides.per_tenant.end()) {
    return it->second;
  }
  return overrides.defaults;
}

}  // namespace vivace::config
