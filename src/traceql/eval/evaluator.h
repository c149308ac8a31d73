#pragma once

// The exact TraceQL evaluator: runs a query's spanset pipeline over one whole trace, span by
// span, with the semantics of spec/traceql.md sections 7 and 8. It is the engine for live
// traces and head blocks (an "equivalent exact path") and the reference the columnar engine is
// tested against. Evaluation is per trace: nothing combines spans of different traces.
//
// Decisions on Tempo's quirks (docs/traceql.md): run-time type mismatches and nil give false
// for every operator; `&&`/`||` are strict (a non-boolean operand gives false); `!` and unary
// `-` on a wrong type give nil instead of failing the query; integer division or modulo by zero
// fail the query; `= nil` tests absence only; array attributes with the or_to_in array
// operators behave like the original comparisons; min/max compare floats as numbers; avg of
// ints is computed in floating point. Comparisons on event or link fields hold if some event
// (link) of the span satisfies them, each comparison on its own.
//
// An Evaluator is immutable after Create(): Evaluate() may run on many threads at once.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "traceql/ast.h"
#include "traceql/eval/trace.h"

namespace vivace::traceql::eval {

// A result of evaluation: spans of one trace (indices into Trace::spans, in trace order) plus
// the values the pipeline attached (by() groups, aggregates), named by their printed text.
struct Spanset {
  std::vector<uint32_t> spans;
  bool has_scalar = false;
  Static scalar;
  std::vector<std::pair<std::string, Static>> attributes;
};

class Evaluator {
 public:
  // Prepares `q` (copied; regexes compiled once). REQUIRES: Validate(q) passed.
  static Result<std::unique_ptr<Evaluator>> Create(const Query& q);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  const Query& query() const { return query_; }

  // The spansets sub-query `subquery` yields for `trace` (empty: the trace does not match).
  // InvalidArgument when evaluation fails (integer division by zero, a spanset operator over
  // several spansets), as the query then fails in Tempo.
  Result<std::vector<Spanset>> Evaluate(const Trace& trace, size_t subquery = 0) const;

  struct Compiled;  // implementation detail (evaluator.cc)

 private:
  explicit Evaluator(Query q);

  Query query_;
  std::unique_ptr<Compiled> compiled_;
};

// The value of a field on a span, as predicates see it (nil when absent); event and link fields
// read the first event (link) that has them.
Static FieldValue(const Trace& trace, const Span& span, const Attribute& field);

}  // namespace vivace::traceql::eval
