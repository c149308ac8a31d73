#pragma once

// The key table: every YAML key Vivace accepts, as one row per key path ("server.http_listen_port")
// with its value kind and, for keys Vivace honours, the field it fills. The same table drives
// strict loading (unknown keys and wrong types are errors naming the path and line), the 2.x
// compatibility mapping (rows that fill a 3.x field only when the 3.x key is absent), flag
// binding and rendering for /status/config. Keys Vivace accepts but ignores are rows without a
// field; binding one later is a one-line change in keys_*.cc.
//
// Schemas are built once (function-local statics) and are immutable afterwards; thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/duration.h"
#include "config/render.h"

namespace YAML {  // NOLINT(readability-identifier-naming)
class Node;
}

namespace vivace::config {

struct WalkState;

enum class Kind : uint8_t {
  kSection,     // a map whose keys are further rows
  kString,      // std::string: any scalar
  kInt,         // int (32-bit range)
  kInt64,       // int64_t; YAML underscores (5_000_000) and integral floats (30e6) accepted
  kUint32,      // uint32_t
  kBool,        // YAML 1.1 booleans (true/false/yes/no/on/off)
  kFloat,       // double
  kDuration,    // Go duration string; a bare integer is nanoseconds (Go's time.Duration)
  kStringList,  // std::vector<std::string>
  kFloatList,   // std::vector<double>
  kStringMap,   // std::map<std::string, std::string>
  kScalar,      // any scalar, not bound
  kAnyMap,      // free-form map, not bound
  kAnyList,     // free-form list, not bound
  kAny,         // anything, not bound
  kStructList,  // list of maps, each walked with an item schema
  kCustom,      // read and rendered by functions (the overrides block)
};

// Row flags.
inline constexpr uint32_t kDays = 1U << 0;        // duration also accepts d/w/y (model.Duration)
inline constexpr uint32_t kSecret = 1U << 1;      // dskit secret, rendered as ********
inline constexpr uint32_t kPromSecret = 1U << 2;  // Prometheus secret, rendered as <secret>
inline constexpr uint32_t kCsv = 1U << 3;         // string list also accepts "a,b,c"
inline constexpr uint32_t kNoRender = 1U << 4;    // input-only (2.x keys, aliases)

// Returns a pointer to the field of `root` that a row fills.
using FieldRef = std::function<void*(void*)>;

// Operations on a std::vector<Item> for kStructList rows.
struct ListOps {
  void* (*append)(void* vec) = nullptr;
  size_t (*size)(const void* vec) = nullptr;
  const void* (*at)(const void* vec, size_t i) = nullptr;
  void (*clear)(void* vec) = nullptr;
};

class Schema;
struct SchemaNode;

using CustomRead = Status (*)(const YAML::Node& value, const std::string& path, int line,
                              void* root, WalkState& state);
using CustomRender = void (*)(const void* root, const void* defaults, RenderMode mode,
                              RenderNode* out);

struct Key {
  std::string path;
  Kind kind = Kind::kSection;
  uint32_t flags = 0;
  FieldRef ref;      // bound field; empty when the key is only accepted
  FieldRef present;  // optional bool set when the key appears (receivers: `grpc:` enables)
  // Deferred row: fills its field after the walk, only when `fallback_for` did not appear.
  std::string fallback_for;
  int fallback_priority = 0;
  // When the key appears: a configuration warning (2.x keys, deprecations).
  std::string note;
  std::string note_explain;
  const Schema* item = nullptr;  // kStructList
  ListOps list_ops;
  CustomRead read = nullptr;  // kCustom
  CustomRender render = nullptr;
};

// Rows arranged as a tree by path component, in table order.
struct SchemaNode {
  std::string name;
  const Key* key = nullptr;  // null for sections implied by longer paths
  std::vector<SchemaNode> children;

  const SchemaNode* Child(std::string_view child) const;
};

class Schema {
 public:
  Schema() = default;
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;
  Schema(Schema&&) = default;
  Schema& operator=(Schema&&) = default;
  ~Schema() = default;

  // Builds the tree; no rows may be added afterwards.
  void Finish();

  const SchemaNode& root() const { return root_; }

  const std::vector<Key>& keys() const { return keys_; }

  const Key* Find(std::string_view path) const;

  bool Has(std::string_view path) const { return Find(path) != nullptr; }

  std::vector<Key>& mutable_keys() { return keys_; }

 private:
  std::vector<Key> keys_;
  SchemaNode root_;
};

template <class V>
constexpr Kind KindFor() {
  if constexpr (std::is_same_v<V, std::string>) {
    return Kind::kString;
  } else if constexpr (std::is_same_v<V, bool>) {
    return Kind::kBool;
  } else if constexpr (std::is_same_v<V, int>) {
    return Kind::kInt;
  } else if constexpr (std::is_same_v<V, int64_t>) {
    return Kind::kInt64;
  } else if constexpr (std::is_same_v<V, uint32_t>) {
    return Kind::kUint32;
  } else if constexpr (std::is_same_v<V, double>) {
    return Kind::kFloat;
  } else if constexpr (std::is_same_v<V, Duration>) {
    return Kind::kDuration;
  } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
    return Kind::kStringList;
  } else if constexpr (std::is_same_v<V, std::vector<double>>) {
    return Kind::kFloatList;
  } else if constexpr (std::is_same_v<V, std::map<std::string, std::string>>) {
    return Kind::kStringMap;
  } else {
    static_assert(!sizeof(V*), "no config kind for this field type");
    return Kind::kAny;
  }
}

// Adds rows that need no field type: accepted keys, sections, modifiers of the last row.
// Paths are relative to the writer's prefix.
class SchemaWriter {
 public:
  SchemaWriter(Schema* schema, std::string prefix) : schema_(schema), prefix_(std::move(prefix)) {}

  // Accepts a key without binding it. No-op when the path already has a row, so a group of
  // accepted keys can follow the rows that bind some of them.
  SchemaWriter& Accept(std::string_view path, Kind kind, uint32_t flags = 0);
  // Accepts several keys of one kind.
  SchemaWriter& AcceptAll(std::initializer_list<std::string_view> paths, Kind kind,
                          uint32_t flags = 0);
  SchemaWriter& Custom(std::string_view path, CustomRead read, CustomRender render);
  // Modifiers of the last added row.
  SchemaWriter& Note(std::string message, std::string explain);
  SchemaWriter& FallbackFor(std::string_view target_path, int priority);
  SchemaWriter& Flags(uint32_t flags);

  // A writer whose paths start with `prefix.`.
  SchemaWriter SubWriter(std::string_view prefix) const {
    return SchemaWriter(schema_, prefix_ + std::string(prefix) + ".");
  }

  // This writer's position as a plain writer (for the Accept* helpers).
  SchemaWriter AsWriter() const { return SchemaWriter(schema_, prefix_); }

  const std::string& prefix() const { return prefix_; }

  Schema* schema() const { return schema_; }

 protected:
  Key& Add(std::string_view path);

  Schema* schema_;
  std::string prefix_;
};

// Adds rows bound to fields of `Root` (the type the schema is walked with).
template <class Root>
class SchemaBuilder : public SchemaWriter {
 public:
  explicit SchemaBuilder(Schema* schema, std::string prefix = "")
      : SchemaWriter(schema, std::move(prefix)) {}

  // A sub-builder whose paths start with `prefix.` (same root).
  SchemaBuilder Sub(std::string_view prefix) const {
    return SchemaBuilder(schema_, prefix_ + std::string(prefix) + ".");
  }

  // Binds `path` to the field returned by `f` (a captureless `[](Root&) -> auto&` lambda);
  // the kind follows from the field type.
  template <class F>
  SchemaBuilder& Bind(std::string_view path, F f, uint32_t flags = 0) {
    using V = std::remove_cvref_t<decltype(f(std::declval<Root&>()))>;
    Key& k = Add(path);
    k.kind = KindFor<V>();
    k.flags = flags;
    k.ref = [f](void* r) -> void* { return &f(*static_cast<Root*>(r)); };
    return *this;
  }

  // A section whose presence sets a bool (even when its value is empty).
  template <class F>
  SchemaBuilder& Present(std::string_view path, F f) {
    Key& k = Add(path);
    k.kind = Kind::kSection;
    k.present = [f](void* r) -> void* { return &f(*static_cast<Root*>(r)); };
    return *this;
  }

  // Makes the last row also set a bool field when it appears with a value.
  template <class F>
  SchemaBuilder& MarkPresent(F f) {
    schema_->mutable_keys().back().present = [f](void* r) -> void* {
      return &f(*static_cast<Root*>(r));
    };
    return *this;
  }

  // A list of maps, each walked with `item` (a Schema over Item).
  template <class Item, class F>
  SchemaBuilder& List(std::string_view path, F f, const Schema& item) {
    Key& k = Add(path);
    k.kind = Kind::kStructList;
    k.item = &item;
    k.ref = [f](void* r) -> void* { return &f(*static_cast<Root*>(r)); };
    k.list_ops.append = [](void* v) -> void* {
      auto* vec = static_cast<std::vector<Item>*>(v);
      vec->emplace_back();
      return &vec->back();
    };
    k.list_ops.size = [](const void* v) {
      return static_cast<const std::vector<Item>*>(v)->size();
    };
    k.list_ops.at = [](const void* v, size_t i) -> const void* {
      return &(*static_cast<const std::vector<Item>*>(v))[i];
    };
    k.list_ops.clear = [](void* v) { static_cast<std::vector<Item>*>(v)->clear(); };
    return *this;
  }

  // Copies every row of `sub` (a Schema over Sub) under `path`, reaching it through `f`.
  template <class F>
  SchemaBuilder& Include(std::string_view path, F f, const Schema& sub) {
    FieldRef outer = [f](void* r) -> void* { return &f(*static_cast<Root*>(r)); };
    // An empty `path` puts the rows directly under this builder's prefix.
    std::string base = path.empty() ? prefix_ : prefix_ + std::string(path) + ".";
    for (const Key& key : sub.keys()) {
      Key k = key;
      k.path = base + key.path;
      if (key.ref) {
        k.ref = [outer, inner = key.ref](void* r) { return inner(outer(r)); };
      }
      if (key.present) {
        k.present = [outer, inner = key.present](void* r) { return inner(outer(r)); };
      }
      if (!k.fallback_for.empty()) {
        k.fallback_for = base + key.fallback_for;
      }
      schema_->mutable_keys().push_back(std::move(k));
    }
    return *this;
  }
};

// Appends the bound rows under `node` to `out` (a map) for /status/config: kFull renders every
// bound value, kDiff only those that differ from `defaults` (same type as `root`). render.cc.
void RenderSchema(const SchemaNode& node, const void* root, const void* defaults, RenderMode mode,
                  RenderNode* out);

// Sets every bound field of `root` to its zero value (per-tenant overrides replace defaults
// wholesale: an unset field is zero, not the default).
void ZeroFields(const Schema& schema, void* root);

}  // namespace vivace::config

// `b.Bind("http_listen_port", VV_FIELD(server.http_listen_port))`: the field of the builder's
// root type that a row fills.
// NOLINTNEXTLINE(bugprone-macro-parentheses): `member` is a field path, not an expression.
#define VV_FIELD(member) \
  [](auto& vv_root) -> auto& { return vv_root.member; }
