#pragma once

// Rendering the effective configuration as YAML for /status/config (?mode=diff|defaults), with
// Tempo's key names, Go duration format and secrets masked (dskit secrets as ********,
// Prometheus secrets as <secret>). Only keys Vivace binds to fields are rendered.

#include <map>
#include <string>
#include <vector>

namespace vivace::config {

struct Config;
struct Limits;

enum class RenderMode { kFull, kDiff, kDefaults };

// A YAML value about to be printed: a scalar (already quoted as needed), a map or a list.
struct RenderNode {
  enum class Type { kScalar, kMap, kList };
  Type type = Type::kMap;
  std::string key;     // entry name when inside a map
  std::string scalar;  // kScalar
  std::vector<RenderNode> children;
};

// "---\n" followed by the config. kDiff: only values that differ from the defaults;
// kDefaults: the defaults (the `config` argument is ignored).
std::string RenderYaml(const Config& config, RenderMode mode);

// Per-tenant limits as `overrides: {<tenant>: {...}}` in the scoped format (for
// /status/runtime_config); secrets masked.
std::string RenderOverridesYaml(const std::map<std::string, Limits>& tenants);

// Prints a render tree (a map at the top) as block YAML, two-space indentation.
void EmitYaml(const RenderNode& map, std::string* out);

// The scalar quoted as YAML needs it to read back as the same string.
std::string QuoteYamlString(std::string_view s);

}  // namespace vivace::config
