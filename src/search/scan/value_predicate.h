#pragma once

// A condition's operator and operands (traceql/plan.h) compiled for the value types a block
// stores: strings (evaluated once per dictionary entry, or per value for BYTES chunks), 64-bit
// integers seen as TraceQL ints or durations, doubles and bools. Each matcher gives exactly
// the answer the exact evaluator's EvalBinary gives for `value op operand`: the fast forms
// (integer ranges, double comparisons, string comparisons, precompiled anchored RE2) are used
// only where their equivalence is certain, the rest calls EvalBinary per value, and an
// evaluation error counts as a match (the scan may only widen).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "traceql/enums.h"
#include "traceql/static_value.h"

namespace re2 {
class RE2;
}

namespace vivace::search {

// `x op operand` for int64 values of one static type (kInt or kDuration): an inclusive range
// [lo, hi] (empty when lo > hi), optionally negated; or, when no range expresses it, a call to
// the evaluator per value.
struct IntMatcher {
  bool slow = false;
  bool negate = false;
  int64_t lo = 1;
  int64_t hi = 0;

  bool never() const { return !slow && !negate && lo > hi; }
};

class ValuePredicate {
 public:
  // REQUIRES: op is a comparison, regex or array operator (not kNone/kExists/kNotExists).
  ValuePredicate(traceql::Op op, std::vector<traceql::Static> operands);
  ~ValuePredicate();
  ValuePredicate(const ValuePredicate&) = delete;
  ValuePredicate& operator=(const ValuePredicate&) = delete;

  traceql::Op op() const { return op_; }

  // False when the predicate cannot be evaluated here (not exactly one operand, a regex that
  // does not compile): the caller widens.
  bool usable() const { return usable_; }

  // Whether a value of type `t` can ever satisfy it: false when the evaluator's type gate
  // rejects (t, op, operand) outright.
  bool TypeCanMatch(traceql::StaticType t) const;

  bool MatchString(std::string_view v) const;
  // The only strings that can satisfy it (`= "x"`, `IN ["x", "y"]`), or nullptr when
  // others can: lets a scan rule out a dictionary chunk by its value filter, from the
  // row-group header alone.
  const std::vector<std::string>* ExactStrings() const {
    const bool exact = (op_ == traceql::Op::kEqual
                        && operand_.type() == traceql::StaticType::kString)
                       || (op_ == traceql::Op::kIn
                           && operand_.type() == traceql::StaticType::kStringArray);
    return exact ? &strings_ : nullptr;
  }
  bool MatchDouble(double v) const;
  bool MatchBool(bool v) const;
  // Any static value (status, kind, ...): EvalBinary.
  bool MatchStatic(const traceql::Static& v) const;

  // The int matcher for values of static type `t` (kInt or kDuration); computed once, when
  // the predicate is built.
  const IntMatcher& ForInts(traceql::StaticType t) const {
    return t == traceql::StaticType::kDuration ? duration_ints_ : int_ints_;
  }

  bool MatchInt(const IntMatcher& m, traceql::StaticType t, int64_t v) const {
    if (!m.slow) {
      return (v >= m.lo && v <= m.hi) != m.negate;
    }
    return MatchIntSlow(t, v);
  }

 private:
  bool MatchIntSlow(traceql::StaticType t, int64_t v) const;
  IntMatcher ComputeInts(traceql::StaticType t) const;

  traceql::Op op_;
  traceql::Static operand_;
  bool usable_ = true;
  std::vector<std::unique_ptr<re2::RE2>> regexes_;  // regex ops on string (array) operands
  std::vector<std::string> strings_;                // string (array) operand
  IntMatcher int_ints_;
  IntMatcher duration_ints_;
};

}  // namespace vivace::search
