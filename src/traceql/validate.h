#pragma once

// Static validation of a parsed query (spec/traceql.md section 6), with Tempo's messages.
// Two kinds of failure are kept apart, as Tempo does:
//   - kInvalidArgument: the query is wrong (type errors, bad regex, topk(0), ...);
//   - kUnimplemented:   a feature Tempo parses but does not support yet (`parent.`, scalar
//                       filters whose left side is not one aggregate, too many `by` fields);
//                       the message ends in "not yet supported".
// Errors are reported in tree order; the first wins.

#include "common/status.h"
#include "traceql/ast.h"

namespace vivace::traceql {

Status Validate(const Query& q);
Status ValidateFieldExpr(const FieldExpr& e);

// Whether `s` is the "unsupported feature" kind of validation error.
inline bool IsUnsupported(const Status& s) { return s.code() == Code::kUnimplemented; }

}  // namespace vivace::traceql
