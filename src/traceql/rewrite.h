#pragma once

// Tempo's default AST transformation "or_to_in" (spec/traceql.md section 5.2): comparisons of
// one attribute with several literals become one array operation, which storage can evaluate
// as a single dictionary lookup:
//   .a = 1 || .a = 2      ->  .a IN [1, 2]
//   .a != 1 && .a != 2    ->  .a NOT IN [1, 2]
//   .a =~ "x" || .a =~ "y" -> .a MATCH ANY [`x`, `y`]
//   .a !~ "x" && .a !~ "y" -> .a MATCH NONE [`x`, `y`]
// Like Tempo, it does not descend into `!(...)` and leaves aggregate pipeline stages alone.

#include <string_view>

#include "traceql/ast.h"

namespace vivace::traceql {

inline constexpr std::string_view kTransformationOrToIn = "or_to_in";

// Rewrites in place; returns the number of rewrites made.
int RewriteOrToIn(Pipeline* p);
std::unique_ptr<FieldExpr> RewriteOrToIn(std::unique_ptr<FieldExpr> e, int* count);

}  // namespace vivace::traceql
