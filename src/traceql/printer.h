#pragma once

// Canonical printing of TraceQL ASTs, byte-compatible with Tempo's String() (spec/traceql.md
// section 12). The text is visible to clients: spanset attribute names (`count()`,
// `by(resource.service.name)`), series label names and metrics sub-query keys.
// parse(print(parse(q))) == parse(q) for every query (a deliberate difference: Tempo prints a
// broken `compare(...}`; see docs/traceql.md).

#include <string>

#include "traceql/ast.h"

namespace vivace::traceql {

std::string ToString(const Attribute& a);
std::string ToString(const Static& s);
std::string ToString(const FieldExpr& e);
std::string ToString(const Aggregate& a);
std::string ToString(const ScalarExpr& e);
std::string ToString(const SpansetExpr& e);
std::string ToString(const Stage& s);
std::string ToString(const Pipeline& p);
std::string ToString(const MetricsFirstStage& m);
std::string ToString(const std::vector<Hint>& hints);
std::string ToString(const Query& q);

// Tempo's sub-query key: the pipeline, then " | " and the first stage for metrics.
std::string SubQueryKey(const Pipeline& p, const MetricsFirstStage* m);

// Whether `s` needs quoting as an attribute name (has a non-attribute character or `"`).
bool NeedsAttributeQuoting(std::string_view s);

}  // namespace vivace::traceql
