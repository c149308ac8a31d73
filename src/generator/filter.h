#pragma once

// Span filter policies of the span-metrics and service-graphs processors (Tempo's
// pkg/spanfilter; spec config-and-operations.md §2.15). A span passes when it matches no
// `exclude` policy and either any `include_any` policy or every `include` policy (a filter
// with only include_any policies rejects spans matching none of them).
//
// A policy matches when all its attributes match: intrinsics `name`, `status`
// (STATUS_CODE_*) and `kind` (SPAN_KIND_*), or `resource.<attr>` / `span.<attr>`. Strict
// matching compares typed values: a configured true/false only matches a boolean attribute, an
// integer an int attribute, a float a double attribute, anything else a string attribute.
// Regex matching (RE2, unanchored like Go's MatchString) applies to string attributes and to
// the intrinsics' names. Immutable after Build(); thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/generator_config.h"
#include "generator/span_reader.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace vivace::generator {

class SpanFilter {
 public:
  // InvalidArgument naming the bad policy (match type, key scope, regex, enum value).
  static Result<SpanFilter> Build(const std::vector<config::FilterPolicy>& policies);

  SpanFilter();
  SpanFilter(SpanFilter&&) noexcept;
  SpanFilter& operator=(SpanFilter&&) noexcept;
  ~SpanFilter();

  bool empty() const { return include_.empty() && include_any_.empty() && exclude_.empty(); }

  bool Keep(const ResourceView& resource, const SpanView& span) const;

 private:
  struct Condition;

  struct Policy {
    std::vector<Condition> conditions;
    bool Matches(const ResourceView& resource, const SpanView& span) const;
  };

  static Result<Policy> BuildPolicy(const config::PolicyMatch& match, const char* which);

  std::vector<Policy> include_;
  std::vector<Policy> include_any_;
  std::vector<Policy> exclude_;
};

}  // namespace vivace::generator
