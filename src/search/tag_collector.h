#pragma once

// What tag-name and tag-value queries (/api/search/tags, /api/v2/search/tags,
// /api/search/tag/<tag>/values, /api/v2/...) gather, and how they gather it: from whole traces
// (recent data, or block traces a `q` filter selects; only the spans it matches) or straight
// from a row group's columns (the header names its promoted keys, the generic key column the
// rest; values come from the attribute and intrinsic columns). Collectors are thread-safe and
// stop accepting past their limit.

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "traceql/ast.h"
#include "traceql/eval/trace.h"

namespace vivace::block {
class RowGroupReader;
}

namespace vivace::search {

// Tempo's attribute scopes for tag names (the v2 answer's scope names).
enum class TagScope : uint8_t { kResource, kSpan, kEvent, kLink, kInstrumentation };
inline constexpr int kTagScopes = 5;
std::string_view TagScopeName(TagScope s);
using ScopeSet = std::array<bool, kTagScopes>;

// What stops a tag collector growing, as Tempo's distinct collectors (pkg/collector): once one
// is reached the collector is Full() and keeps what it has; the answer is what was collected.
struct CollectLimits {
  uint32_t max_values = 0;  // `limit` (tag names v2: per scope); 0 = none
  int64_t max_bytes = 0;    // overrides read.max_bytes_per_tag_values_query; 0 = none
  uint32_t max_stale = 0;   // `maxStaleValues`: stop after this many known values in a row
};

class TagNames {
 public:
  // `merged` (tag names v1): one collection over every scope, the limits counting all names
  // together; otherwise (v2) `max_values` and `max_stale` count per scope and `max_bytes` all
  // scopes together. Either way, one limit reached stops the whole collection.
  explicit TagNames(CollectLimits limits, bool merged = false) : limits_(limits), merged_(merged) {}

  explicit TagNames(uint32_t limit_per_scope) : TagNames(CollectLimits{limit_per_scope}) {}

  void Add(TagScope s, std::string_view name);
  // Add() for each name in order, under one lock (a row group's names at once).
  void AddAll(TagScope s, const std::vector<std::string_view>& names);
  std::vector<std::string> Sorted(TagScope s) const;
  // Every scope's names, merged and sorted.
  std::vector<std::string> All() const;

  bool Full() const { return full_.load(std::memory_order_relaxed); }

  const CollectLimits& limits() const { return limits_; }

  bool merged() const { return merged_; }

 private:
  // Add's work; true when `name` is held afterwards. REQUIRES: mu_ held.
  bool AddLocked(TagScope s, std::string_view name);
  // Whether a limit stops the collection before `name` (setting full_). REQUIRES: mu_ held.
  bool LimitReached(TagScope s, std::string_view name);

  const CollectLimits limits_;
  const bool merged_;
  std::atomic<bool> full_{false};
  mutable std::mutex mu_;
  std::array<std::set<std::string, std::less<>>, kTagScopes> names_;
  std::set<std::string, std::less<>> all_;    // merged: every name
  std::array<uint32_t, kTagScopes> stale_{};  // known names in a row, per scope (merged: [0])
  int64_t bytes_ = 0;
};

struct TypedValue {
  std::string type;  // string, int, float, bool
  std::string value;
  friend auto operator<=>(const TypedValue&, const TypedValue&) = default;
};

class TagValues {
 public:
  // `strings_only` (tag values v1): values are distinct strings whatever their type, and only
  // the value counts towards `max_bytes` (v2 counts type and value, as Tempo).
  explicit TagValues(CollectLimits limits, bool strings_only = false)
      : limits_(limits), strings_only_(strings_only) {}

  explicit TagValues(uint32_t limit) : TagValues(CollectLimits{limit}) {}

  // Strings, ints, floats and bools; other kinds are not listed.
  void Add(const traceql::Static& v);
  void AddString(std::string_view s);

  // A value as listed (a cached job's answer).
  void AddTyped(TypedValue v) { Insert(std::move(v)); }

  bool Full() const { return full_.load(std::memory_order_relaxed); }

  std::vector<TypedValue> Sorted() const;

  const CollectLimits& limits() const { return limits_; }

  bool strings_only() const { return strings_only_; }

 private:
  void Insert(TypedValue v);
  const CollectLimits limits_;
  const bool strings_only_;
  std::atomic<bool> full_{false};
  mutable std::mutex mu_;
  std::set<TypedValue> values_;
  uint32_t stale_ = 0;
  int64_t bytes_ = 0;
};

// From a trace: the spans listed (all when null).
void CollectNames(const traceql::eval::Trace& trace, const std::vector<uint32_t>* spans,
                  const ScopeSet& scopes, TagNames* out);
void CollectValues(const traceql::eval::Trace& trace, const std::vector<uint32_t>* spans,
                   const traceql::Attribute& attr, TagValues* out);

// From a row group's columns (every span). DataLoss on corrupt pages.
Status CollectRowGroupNames(block::RowGroupReader& rg, const ScopeSet& scopes, TagNames* out);
Status CollectRowGroupValues(block::RowGroupReader& rg, const traceql::Attribute& attr,
                             TagValues* out);

}  // namespace vivace::search
