#pragma once

// The `q` of the v2 tag endpoints, read as Tempo reads it (pkg/traceql lenient_parser.go,
// lenient_extract.go, engine.go ExecuteTagValues). Grafana sends what the user is typing, e.g.
// `{ resource.service.name = "x" && span.foo = }`, so:
//  1. A query that does not parse is repaired once: every incomplete matcher (an attribute and
//     a comparison with nothing after it, or only `}` `)` `&&` `||`) becomes `true`, unclosed
//     braces are closed; if that does not parse and validate either, nothing is filtered.
//  2. Only the first spanset filter of the pipeline counts (structural operators: no filter);
//     its expression becomes condition groups: OR branches expanded into groups of ANDed
//     conditions. Only comparisons of an attribute with a literal (and `= nil` / `!= nil`
//     tests) are conditions; attribute-vs-attribute comparisons, arithmetic, bare attributes
//     and `true` add none, and `!` is looked through. A group left with no condition makes
//     the whole query match everything.
//  3. More than `max_groups` groups is the one error (400 `maximum condition groups reached
//     (limit: 100). Reduce the number of OR conditions in the query`).
//  4. For tag values, a group that has `<the tag> = literal` answers that literal without
//     reading data; the other groups select the spans whose values are read.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "search/prepared_search.h"
#include "traceql/ast.h"

namespace vivace::search {

// Tempo's DefaultMaxConditionGroupsPerTagQuery (overrides read.max_condition_groups_per_tag_query).
inline constexpr size_t kDefaultMaxConditionGroups = 100;

struct TagCondition {
  traceql::Attribute attribute;
  traceql::Op op = traceql::Op::kNone;
  traceql::Static operand;                   // a comparison's literal (nil for existence tests)
  std::shared_ptr<traceql::FieldExpr> expr;  // the comparison as written
};

// Condition groups: a span matches when every condition of some group holds on it. Empty: no
// filter (everything matches).
using TagConditionGroups = std::vector<std::vector<TagCondition>>;

// Steps 1-3. InvalidArgument only for too many groups.
Result<TagConditionGroups> ExtractTagConditions(std::string_view query, size_t max_groups);

// Step 4, for the values of `tag`.
struct TagValuesFilter {
  std::vector<traceql::Static> direct;           // values the query names for the tag itself
  bool read = true;                              // false: every group was answered directly
  std::shared_ptr<const PreparedSearch> filter;  // the spans to read values from; null: all
};

Result<TagValuesFilter> PlanTagValues(const TagConditionGroups& groups,
                                      const traceql::Attribute& tag, size_t max_groups);

// The groups as one spanset filter for the exact evaluator; null when `groups` is empty.
std::shared_ptr<const PreparedSearch> FilterOfGroups(const TagConditionGroups& groups);

// Step 1's repair alone (exposed for tests): the query with incomplete matchers replaced and
// braces closed; empty when nothing could be tokenized.
std::string ReplaceIncompleteMatchers(std::string_view query);

}  // namespace vivace::search
