#include "config/yaml_walk.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/loader.h"

namespace vivace::config {

bool WalkState::AnyUnder(const std::string& prefix) const {
  std::string p = prefix + ".";
  auto it = present.lower_bound(p);
  return it != present.end() && it->compare(0, p.size(), p) == 0;
}

void WalkState::Warn(std::string message, std::string explain) const {
  if (warnings != nullptr) {
    warnings->push_back(ConfigWarning{std::move(message), std::move(explain)});
  }
}

Status LineError(int line, std::string_view message) {
  return Status::InvalidArgument(fmt::format("line {}: {}", line, message));
}

Status ParseYamlDocument(std::string_view text, YAML::Node* doc) {
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument(
        fmt::format("config is {} bytes, more than the limit of {}", text.size(), kMaxConfigBytes));
  }
  int depth = 0;
  int line = 1;
  for (char c : text) {
    if (c == '\n') {
      ++line;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxFlowDepth) {
        return LineError(line, fmt::format("more than {} nested [ or {{", kMaxFlowDepth));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    *doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return LineError(e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(e.what());
  }
  return Status::Ok();
}

int LineOf(const YAML::Node& node, int fallback) {
  YAML::Mark m = node.Mark();
  return m.is_null() ? fallback : m.line + 1;
}

namespace {

std::string_view TypeName(const YAML::Node& v) {
  if (v.IsMap()) {
    return "a map";
  }
  if (v.IsSequence()) {
    return "a list";
  }
  return "a scalar";
}

Status TypeError(int line, const std::string& path, Kind kind, const YAML::Node& v) {
  return LineError(
      line, fmt::format("key \"{}\": expected {}, got {}", path, KindName(kind), TypeName(v)));
}

Status ValueError(int line, const std::string& path, const Status& s) {
  return LineError(line, fmt::format("key \"{}\": {}", path, s.message()));
}

Status Spend(WalkState& st, int line) {
  if (st.budget == 0) {
    return LineError(line, "config too large or too many aliases");
  }
  --st.budget;
  return Status::Ok();
}

Result<LeafValue> ReadList(const YAML::Node& v, const Key& key, const std::string& path, int line,
                           WalkState& st) {
  if (v.IsScalar() && (key.flags & kCsv) != 0) {
    auto parsed = ParseScalarText(key.kind, key.flags, v.Scalar());
    if (!parsed.ok()) {
      return ValueError(line, path, parsed.status());
    }
    return parsed;
  }
  if (!v.IsSequence()) {
    return TypeError(line, path, key.kind, v);
  }
  Kind elem = key.kind == Kind::kFloatList ? Kind::kFloat : Kind::kString;
  std::vector<std::string> strings;
  std::vector<double> numbers;
  for (const YAML::Node& item : v) {
    int item_line = LineOf(item, line);
    VV_RETURN_IF_ERROR(Spend(st, item_line));
    if (item.IsNull()) {
      if (elem == Kind::kString) {
        strings.emplace_back();
        continue;
      }
    }
    if (!item.IsScalar()) {
      return LineError(item_line, fmt::format("key \"{}\": list items must be scalars, got {}",
                                              path, TypeName(item)));
    }
    auto parsed = ParseScalarText(elem, key.flags, item.Scalar());
    if (!parsed.ok()) {
      return ValueError(item_line, path, parsed.status());
    }
    if (elem == Kind::kString) {
      strings.push_back(std::get<std::string>(*parsed));
    } else {
      numbers.push_back(std::get<double>(*parsed));
    }
  }
  if (elem == Kind::kString) {
    return LeafValue(std::move(strings));
  }
  return LeafValue(std::move(numbers));
}

Result<LeafValue> ReadStringMap(const YAML::Node& v, const std::string& path, int line,
                                WalkState& st) {
  if (!v.IsMap()) {
    return TypeError(line, path, Kind::kStringMap, v);
  }
  std::map<std::string, std::string> out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    int key_line = LineOf(it->first, line);
    VV_RETURN_IF_ERROR(Spend(st, key_line));
    if (!it->first.IsScalar() || !(it->second.IsScalar() || it->second.IsNull())) {
      return LineError(key_line,
                       fmt::format("key \"{}\": expected a map of strings to strings", path));
    }
    out[it->first.Scalar()] = it->second.IsNull() ? std::string() : it->second.Scalar();
  }
  return LeafValue(std::move(out));
}

// Parses a leaf value; the caller stores it (or defers it).
Result<LeafValue> ReadLeaf(const YAML::Node& v, const Key& key, const std::string& path, int line,
                           WalkState& st) {
  switch (key.kind) {
    case Kind::kStringList:
    case Kind::kFloatList:
      return ReadList(v, key, path, line, st);
    case Kind::kStringMap:
      return ReadStringMap(v, path, line, st);
    default:
      break;
  }
  if (!v.IsScalar()) {
    return TypeError(line, path, key.kind, v);
  }
  auto parsed = ParseScalarText(key.kind, key.flags, v.Scalar());
  if (!parsed.ok()) {
    return ValueError(line, path, parsed.status());
  }
  return parsed;
}

Status WalkStructList(const YAML::Node& v, const Key& key, void* root, const std::string& path,
                      int line, WalkState& st) {
  if (!v.IsSequence()) {
    return TypeError(line, path, key.kind, v);
  }
  void* vec = key.ref ? key.ref(root) : nullptr;
  size_t i = 0;
  for (const YAML::Node& item : v) {
    int item_line = LineOf(item, line);
    VV_RETURN_IF_ERROR(Spend(st, item_line));
    std::string item_path = fmt::format("{}[{}]", path, i++);
    if (!item.IsMap()) {
      return LineError(
          item_line, fmt::format("key \"{}\": expected a map, got {}", item_path, TypeName(item)));
    }
    void* elem = vec != nullptr ? key.list_ops.append(vec) : nullptr;
    VV_RETURN_IF_ERROR(WalkMap(item, key.item->root(), elem, item_path, item_line, st));
  }
  return Status::Ok();
}

}  // namespace

Status WalkMap(const YAML::Node& map, const SchemaNode& node, void* root, const std::string& path,
               int line, WalkState& st) {
  if (map.IsNull()) {
    return Status::Ok();
  }
  if (!map.IsMap()) {
    return LineError(LineOf(map, line), fmt::format("key \"{}\": expected a map, got {}",
                                                    path.empty() ? "<root>" : path, TypeName(map)));
  }
  std::vector<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    int key_line = LineOf(it->first, line);
    VV_RETURN_IF_ERROR(Spend(st, key_line));
    if (!it->first.IsScalar()) {
      return LineError(key_line, fmt::format("non-scalar key in \"{}\"", path));
    }
    const std::string& name = it->first.Scalar();
    std::string child_path = path.empty() ? name : fmt::format("{}.{}", path, name);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return LineError(key_line, fmt::format("key \"{}\" already set", child_path));
    }
    seen.push_back(name);
    const SchemaNode* child = node.Child(name);
    if (child == nullptr) {
      return LineError(key_line, fmt::format("unknown key \"{}\"", child_path));
    }
    VV_RETURN_IF_ERROR(WalkValue(it->second, *child, root, child_path, key_line, st));
  }
  return Status::Ok();
}

Status WalkValue(const YAML::Node& value, const SchemaNode& node, void* root,
                 const std::string& path, int line, WalkState& st) {
  st.present.insert(path);
  const Key* key = node.key;
  if (key != nullptr && !key->note.empty()) {
    st.Warn(key->note, key->note_explain);
  }
  Kind kind = key != nullptr ? key->kind : Kind::kSection;
  // A section's presence counts even when empty (`grpc:` enables a receiver); a leaf's only
  // with a value.
  if (key != nullptr && key->present && root != nullptr
      && (kind == Kind::kSection || !value.IsNull())) {
    *static_cast<bool*>(key->present(root)) = true;
  }
  switch (kind) {
    case Kind::kSection:
      return WalkMap(value, node, root, path, line, st);
    case Kind::kCustom:
      return key->read(value, path, line, root, st);
    case Kind::kAny:
      return Status::Ok();
    default:
      break;
  }
  if (value.IsNull()) {
    return Status::Ok();  // `key:` with no value keeps the default
  }
  switch (kind) {
    case Kind::kAnyMap:
      return value.IsMap() ? Status::Ok() : TypeError(line, path, kind, value);
    case Kind::kAnyList:
      return value.IsSequence() ? Status::Ok() : TypeError(line, path, kind, value);
    case Kind::kScalar:
      return value.IsScalar() ? Status::Ok() : TypeError(line, path, kind, value);
    case Kind::kStructList:
      return WalkStructList(value, *key, root, path, line, st);
    default:
      break;
  }
  VV_ASSIGN_OR_RETURN(LeafValue v, ReadLeaf(value, *key, path, line, st));
  if (!key->ref || root == nullptr) {
    return Status::Ok();
  }
  if (!key->fallback_for.empty()) {
    st.deferred.push_back(WalkState::Deferred{key, std::move(v), root});
    return Status::Ok();
  }
  StoreLeaf(kind, v, key->ref(root));
  return Status::Ok();
}

void ApplyDeferred(WalkState& st) {
  std::stable_sort(st.deferred.begin(), st.deferred.end(),
                   [](const WalkState::Deferred& a, const WalkState::Deferred& b) {
                     return a.key->fallback_priority < b.key->fallback_priority;
                   });
  for (const WalkState::Deferred& d : st.deferred) {
    if (st.Present(d.key->fallback_for)) {
      continue;
    }
    StoreLeaf(d.key->kind, d.value, d.key->ref(d.root));
    st.present.insert(d.key->fallback_for);
  }
  st.deferred.clear();
}

}  // namespace vivace::config
