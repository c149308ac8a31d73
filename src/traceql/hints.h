#pragma once

// Reading query hints (`with(name = value, ...)`) as Tempo's engine does (spec/traceql.md
// section 9): a hint is read with an expected type and ignored when its value has another
// type (a float read also accepts an int); unsafe hints are honoured only when the tenant
// allows them; unknown names are kept and ignored.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "traceql/ast.h"

namespace vivace::traceql {

inline constexpr std::string_view kHintSample = "sample";
inline constexpr std::string_view kHintTraceSample = "trace_sample";
inline constexpr std::string_view kHintSpanSample = "span_sample";
inline constexpr std::string_view kHintExemplars = "exemplars";
inline constexpr std::string_view kHintMostRecent = "most_recent";
inline constexpr std::string_view kHintExtrapolate = "extrapolate";
inline constexpr std::string_view kHintJobSize = "job_size";
inline constexpr std::string_view kHintTimeOverlapCutoff = "time_overlap_cutoff";
inline constexpr std::string_view kHintSkipAstTransformations = "skip_ast_transformations";

// Whether a hint is honoured only for tenants with unsafe_query_hints.
bool IsUnsafeHint(std::string_view name);

std::optional<double> HintFloat(const Query& q, std::string_view name, bool allow_unsafe);
std::optional<int64_t> HintInt(const Query& q, std::string_view name, bool allow_unsafe);
std::optional<bool> HintBool(const Query& q, std::string_view name, bool allow_unsafe);
std::optional<int64_t> HintDuration(const Query& q, std::string_view name, bool allow_unsafe);
// A string hint split on commas (skip_ast_transformations="a,b").
std::optional<std::vector<std::string>> HintStringList(const Query& q, std::string_view name,
                                                       bool allow_unsafe);

}  // namespace vivace::traceql
