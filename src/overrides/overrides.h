#pragma once

// Per-tenant limits in effect: the tenant's entry of the per-tenant overrides, else the "*"
// entry, else `overrides.defaults` (a tenant entry replaces the defaults wholesale, as in Tempo;
// the rate strategy always comes from the defaults). Thread-safe: the table is an immutable
// snapshot, replaced atomically when the per-tenant file is reloaded.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"

namespace vivace::overrides {

class Overrides {
 public:
  explicit Overrides(const config::OverridesConfig& cfg);

  // The limits of `tenant`. The reference stays valid until the next Replace().
  std::shared_ptr<const config::Limits> ForTenant(std::string_view tenant) const;
  const config::Limits& defaults() const { return snapshot()->defaults; }

  void Replace(std::map<std::string, config::Limits> per_tenant);

 private:
  struct Snapshot {
    config::Limits defaults;
    std::map<std::string, std::shared_ptr<const config::Limits>, std::less<>> per_tenant;
    std::shared_ptr<const config::Limits> defaults_ptr;
  };
  std::shared_ptr<const Snapshot> snapshot() const { return std::atomic_load(&snapshot_); }
  static std::shared_ptr<const Snapshot> Build(const config::Limits& defaults,
                                               const std::map<std::string, config::Limits>& per_tenant);

  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace vivace::overrides
