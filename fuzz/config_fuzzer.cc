// Fuzzes the config loader: YAML text (with and without env expansion), the per-tenant
// overrides file and env expansion on its own. Nothing may crash, hang or throw; an accepted
// config must render and load back.

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "config/loader.h"
#include "fuzz/fuzz_target.h"

namespace {

std::optional<std::string> FuzzLookup(std::string_view name) {
  if (name.empty() || name.size() > 8) {
    return std::nullopt;
  }
  if (name[0] == 'E') {
    return std::string();
  }
  return std::string(name) + "-value";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)vivace::config::ExpandEnv(text, FuzzLookup);
  for (bool expand : {false, true}) {
    auto loaded = vivace::config::LoadFromYaml(text, expand, FuzzLookup);
    if (!loaded.ok()) {
      continue;
    }
    std::string full =
        vivace::config::RenderYaml(loaded->config, vivace::config::RenderMode::kFull);
    (void)vivace::config::RenderYaml(loaded->config, vivace::config::RenderMode::kDiff);
    auto again = vivace::config::LoadFromYaml(full, false, FuzzLookup);
    if (!again.ok()) {
      std::abort();  // what we render must load back
    }
  }
  (void)vivace::config::LoadPerTenantOverrides(text, vivace::config::Limits{});
  return 0;
}
