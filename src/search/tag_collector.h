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

class TagNames {
 public:
  explicit TagNames(uint32_t limit_per_scope) : limit_(limit_per_scope) {}

  void Add(TagScope s, std::string_view name);
  std::vector<std::string> Sorted(TagScope s) const;

 private:
  const uint32_t limit_;  // 0 = unlimited
  mutable std::mutex mu_;
  std::array<std::set<std::string, std::less<>>, kTagScopes> names_;
};

struct TypedValue {
  std::string type;  // string, int, float, bool
  std::string value;
  friend auto operator<=>(const TypedValue&, const TypedValue&) = default;
};

class TagValues {
 public:
  explicit TagValues(uint32_t limit) : limit_(limit) {}

  // Strings, ints, floats and bools; other kinds are not listed.
  void Add(const traceql::Static& v);
  void AddString(std::string_view s);

  bool Full() const { return full_.load(std::memory_order_relaxed); }

  std::vector<TypedValue> Sorted() const;

 private:
  void Insert(TypedValue v);
  const uint32_t limit_;  // 0 = unlimited
  std::atomic<bool> full_{false};
  mutable std::mutex mu_;
  std::set<TypedValue> values_;
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
