#include "overrides/overrides.h"

namespace vivace::overrides {

Overrides::Overrides(const config::OverridesConfig& cfg)
    : snapshot_(Build(cfg.defaults, cfg.per_tenant)) {}

std::shared_ptr<const Overrides::Snapshot> Overrides::Build(
    const config::Limits& defaults, const std::map<std::string, config::Limits>& per_tenant) {
  auto s = std::make_shared<Snapshot>();
  s->defaults = defaults;
  s->defaults_ptr = std::make_shared<const config::Limits>(defaults);
  for (const auto& [tenant, limits] : per_tenant) {
    config::Limits l = limits;
    l.ingestion_rate_strategy = defaults.ingestion_rate_strategy;
    s->per_tenant.emplace(tenant, std::make_shared<const config::Limits>(std::move(l)));
  }
  return s;
}

std::shared_ptr<const config::Limits> Overrides::ForTenant(std::string_view tenant) const {
  auto s = snapshot();
  if (auto it = s->per_tenant.find(tenant); it != s->per_tenant.end()) {
    return it->second;
  }
  if (auto it = s->per_tenant.find(std::string_view("*")); it != s->per_tenant.end()) {
    return it->second;
  }
  return s->defaults_ptr;
}

void Overrides::Replace(std::map<std::string, config::Limits> per_tenant) {
  std::atomic_store(&snapshot_, Build(snapshot()->defaults, per_tenant));
}

}  // namespace vivace::overrides
