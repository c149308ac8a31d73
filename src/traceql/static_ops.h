#pragma once

// Operators applied to Static values with Tempo's run-time semantics (spec/traceql.md section
// 7): a type gate that turns mismatches into `false`, int arithmetic with wrap-around and errors
// on division by zero, Tempo's reversed int power, float arithmetic for everything else numeric,
// any/all semantics for arrays, anchored RE2 regexes. Used for constant folding at parse time
// and by the reference evaluator; the vectorised engine implements the same rules on columns.

#include <string_view>

#include "common/status.h"
#include "traceql/enums.h"
#include "traceql/static_value.h"

namespace vivace::traceql {

// Evaluates `lhs op rhs`. Errors (the query fails, as in Tempo): integer division or modulo by
// zero, a bad regex. Arithmetic on arrays gives nil and array against array false (Tempo fails
// the query); array attributes with the or_to_in operators compare element-wise (quirk 15).
Result<Static> EvalBinary(Op op, const Static& lhs, const Static& rhs);

// Evaluates a unary operator. `!` on a non-boolean and `-` on a non-number are errors in Tempo;
// kExists / kNotExists test for nil (`= nil` does not match the string "nil": quirk 12, fixed).
Result<Static> EvalUnary(Op op, const Static& operand);

// Whether `value` fully matches the RE2 `pattern` (anchored, `.` matches newlines), as Tempo's
// regex operators do. Compiles the pattern on each call: for constant folding and tests only.
Result<bool> RegexFullMatch(std::string_view pattern, std::string_view value);

// Whether `pattern` compiles as an (unanchored) RE2 regex; validation's check.
bool RegexCompiles(std::string_view pattern);

}  // namespace vivace::traceql
