#pragma once

// Walks a parsed YAML document against a Schema: every key must have a row (else "unknown key"
// with its full path and line), every value must fit its row's kind, bound rows fill their
// fields, deferred (2.x) rows are kept until ApplyDeferred. yaml-cpp may throw; callers wrap
// the walk in a try block. The walk never follows free-form subtrees, and a node budget bounds
// the work on inputs full of aliases.

#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/scalar.h"
#include "config/schema.h"

namespace YAML {  // NOLINT(readability-identifier-naming)
class Node;
}

namespace vivace::config {

struct ConfigWarning;

struct WalkState {
  std::vector<ConfigWarning>* warnings = nullptr;
  // Full paths of every key that appeared ("storage.trace.wal.path"), and of flags applied.
  std::set<std::string> present;

  struct Deferred {
    const Key* key = nullptr;
    LeafValue value;
    void* root = nullptr;
  };

  std::vector<Deferred> deferred;

  size_t budget = 1'000'000;  // map entries and list items left to visit
  bool auth_enabled = false;  // deprecated alias of multitenancy_enabled, OR-ed in at the end
  bool legacy_overrides = false;

  bool Present(const std::string& path) const { return present.count(path) != 0; }

  // True when any key under `prefix.` appeared.
  bool AnyUnder(const std::string& prefix) const;
  void Warn(std::string message, std::string explain) const;
};

// Inputs past these limits are rejected before yaml-cpp sees them: yaml-cpp recurses once per
// nested flow collection ([ or {), and a config file has no business being this large.
inline constexpr int kMaxFlowDepth = 100;
inline constexpr size_t kMaxConfigBytes = 16 << 20;

// Parses YAML text into a document (the first one). Never throws.
Status ParseYamlDocument(std::string_view text, YAML::Node* doc);

// "line N: <message>" as InvalidArgument.
Status LineError(int line, std::string_view message);

// Walks a map (or null) at `path` against `node`, filling fields of `root`.
Status WalkMap(const YAML::Node& map, const SchemaNode& node, void* root, const std::string& path,
               int line, WalkState& state);

// Walks one value against its schema node.
Status WalkValue(const YAML::Node& value, const SchemaNode& node, void* root,
                 const std::string& path, int line, WalkState& state);

// Stores deferred rows whose fallback_for path did not appear, highest priority first.
void ApplyDeferred(WalkState& state);

// The line (1-based) of a node, or `fallback` when yaml-cpp has no mark for it.
int LineOf(const YAML::Node& node, int fallback);

}  // namespace vivace::config
