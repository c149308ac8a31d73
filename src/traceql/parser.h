#pragma once

// TraceQL parser: text -> typed AST (traceql/ast.h), hand-written recursive descent with
// precedence climbing. It accepts exactly the language of Tempo's yacc grammar (expr.y),
// including the places where that grammar's conflict resolution matters (see parser.cc), and
// applies Tempo's parse-time rewrites: constant folding, trace:id literal normalisation and,
// unless disabled, the or_to_in rewrite.
//
// Errors are Status::InvalidArgument with Tempo's format:
//   "parse error at line L, col C: syntax error: unexpected X"
//   "parse error at line L, col C: unknown identifier: foo"
// Parsing does not validate: call Validate() (traceql/validate.h) on the result.
// Thread-safe (no shared state).

#include <cstddef>
#include <string_view>

#include "common/status.h"
#include "traceql/ast.h"

namespace vivace::traceql {

struct ParseOptions {
  // Tempo's default AST transformations (or_to_in). Off = Tempo's ParseNoOptimizations.
  bool apply_rewrites = true;
  // Honour unsafe hints that change parsing (skip_ast_transformations).
  bool allow_unsafe_hints = false;
  // Maximum nesting of the query (parentheses, operators, chains of binary operators); deeper
  // queries are refused before they can exhaust the stack of later tree walks.
  size_t max_depth = 512;
};

Result<Query> Parse(std::string_view query, const ParseOptions& options = {});

// Parses and validates: the common path for query endpoints.
Result<Query> ParseAndValidate(std::string_view query, const ParseOptions& options = {});

}  // namespace vivace::traceql
