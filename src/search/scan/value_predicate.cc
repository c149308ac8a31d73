#include "search/scan/value_predicate.h"

#include <limits>
#include <string>

#include <re2/re2.h>

#include "traceql/static_ops.h"

namespace vivace::search {

using traceql::Op;
using traceql::Static;
using traceql::StaticType;

namespace {

bool IsOrdering(Op op) {
  return op == Op::kGreater || op == Op::kGreaterEqual || op == Op::kLess || op == Op::kLessEqual;
}

bool IsIntLike(StaticType t) { return t == StaticType::kInt || t == StaticType::kDuration; }

bool IsScalarNumber(StaticType t) { return IsIntLike(t) || t == StaticType::kFloat; }

// The anchored form the evaluator matches with (traceql/eval/evaluator.cc).
std::unique_ptr<re2::RE2> CompileAnchored(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>("^(?s:" + pattern + ")$", options);
  return re->ok() ? std::move(re) : nullptr;
}

}  // namespace

ValuePredicate::ValuePredicate(Op op, std::vector<Static> operands) : op_(op) {
  if (operands.size() != 1) {
    usable_ = false;
    return;
  }
  operand_ = std::move(operands[0]);
  const bool regex = op == Op::kRegex || op == Op::kNotRegex;
  const bool regex_array = op == Op::kRegexMatchAny || op == Op::kRegexMatchNone;
  if (operand_.type() == StaticType::kString) {
    strings_.push_back(operand_.string_value());
  } else if (operand_.type() == StaticType::kStringArray) {
    strings_ = operand_.string_array();
  }
  if ((regex && operand_.type() == StaticType::kString)
      || (regex_array && operand_.type() == StaticType::kStringArray)) {
    for (const std::string& p : strings_) {
      std::unique_ptr<re2::RE2> re = CompileAnchored(p);
      if (re == nullptr) {
        usable_ = false;  // the evaluator fails the query; nothing to prove here
        return;
      }
      regexes_.push_back(std::move(re));
    }
  }
  int_ints_ = ComputeInts(StaticType::kInt);
  duration_ints_ = ComputeInts(StaticType::kDuration);
}

ValuePredicate::~ValuePredicate() = default;

bool ValuePredicate::TypeCanMatch(StaticType t) const {
  const StaticType ot = operand_.type();
  return traceql::IsMatchingOperand(t, ot) && traceql::BinaryTypeValid(op_, t)
         && traceql::BinaryTypeValid(op_, ot);
}

bool ValuePredicate::MatchStatic(const Static& v) const {
  if (v.type() == StaticType::kString) {
    return MatchString(v.string_value());
  }
  Result<Static> r = traceql::EvalBinary(op_, v, operand_);
  if (!r.ok()) {
    return true;  // the evaluator fails the query: widen
  }
  return r->type() == StaticType::kBool && r->bool_value();
}

bool ValuePredicate::MatchString(std::string_view v) const {
  const StaticType ot = operand_.type();
  if (ot == StaticType::kString) {
    const std::string_view b = strings_[0];
    switch (op_) {
      case Op::kEqual:
        return v == b;
      case Op::kNotEqual:
        return v != b;
      case Op::kGreater:
        return v > b;
      case Op::kGreaterEqual:
        return v >= b;
      case Op::kLess:
        return v < b;
      case Op::kLessEqual:
        return v <= b;
      case Op::kRegex:
        return re2::RE2::FullMatch(v, *regexes_[0]);
      case Op::kNotRegex:
        return !re2::RE2::FullMatch(v, *regexes_[0]);
      default:
        break;
    }
  } else if (ot == StaticType::kStringArray) {
    switch (op_) {
      case Op::kIn:
        for (const std::string& s : strings_) {
          if (v == s) {
            return true;
          }
        }
        return false;
      case Op::kNotIn:
        for (const std::string& s : strings_) {
          if (v == s) {
            return false;
          }
        }
        return true;
      case Op::kRegexMatchAny:
        for (const auto& re : regexes_) {
          if (re2::RE2::FullMatch(v, *re)) {
            return true;
          }
        }
        return false;
      case Op::kRegexMatchNone:
        for (const auto& re : regexes_) {
          if (re2::RE2::FullMatch(v, *re)) {
            return false;
          }
        }
        return true;
      default:
        break;
    }
  }
  if (!TypeCanMatch(StaticType::kString)) {
    return false;
  }
  Result<Static> r = traceql::EvalBinary(op_, Static::String(std::string(v)), operand_);
  if (!r.ok()) {
    return true;
  }
  return r->type() == StaticType::kBool && r->bool_value();
}

bool ValuePredicate::MatchDouble(double v) const {
  if (IsScalarNumber(operand_.type())) {
    const double b = operand_.AsFloat();
    switch (op_) {
      case Op::kEqual:
        return v == b;
      case Op::kNotEqual:
        return !(v == b);
      case Op::kGreater:
        return v > b;
      case Op::kGreaterEqual:
        return v >= b;
      case Op::kLess:
        return v < b;
      case Op::kLessEqual:
        return v <= b;
      default:
        break;
    }
  }
  return MatchStatic(Static::Float(v));
}

bool ValuePredicate::MatchBool(bool v) const {
  if (operand_.type() == StaticType::kBool) {
    if (op_ == Op::kEqual) {
      return v == operand_.bool_value();
    }
    if (op_ == Op::kNotEqual) {
      return v != operand_.bool_value();
    }
  }
  return MatchStatic(Static::Bool(v));
}

bool ValuePredicate::MatchIntSlow(StaticType t, int64_t v) const {
  return MatchStatic(t == StaticType::kDuration ? Static::Duration(v) : Static::Int(v));
}

IntMatcher ValuePredicate::ComputeInts(StaticType t) const {
  IntMatcher m;
  if (!TypeCanMatch(t)) {
    return m;  // never
  }
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const StaticType ot = operand_.type();
  if ((op_ == Op::kEqual || op_ == Op::kNotEqual) && IsIntLike(ot)) {
    // Int and duration values are equal when their integers are (Static::Equals).
    m.lo = m.hi = operand_.int_value();
    m.negate = op_ == Op::kNotEqual;
    return m;
  }
  if (IsOrdering(op_) && IsScalarNumber(ot)) {
    // Ordering compares integers or, for mixed types, the values converted to double: both
    // are monotone in v, so the matching set is a prefix or suffix of int64, found by
    // bisection with the evaluator itself.
    const bool upward = op_ == Op::kGreater || op_ == Op::kGreaterEqual;
    auto p = [&](int64_t v) { return MatchIntSlow(t, v); };
    if (upward) {
      if (!p(kMax)) {
        return m;
      }
      if (p(kMin)) {
        m.lo = kMin;
        m.hi = kMax;
        return m;
      }
      int64_t a = kMin;  // p(a) false
      int64_t b = kMax;  // p(b) true
      while (static_cast<uint64_t>(b) - static_cast<uint64_t>(a) > 1) {
        const int64_t mid = static_cast<int64_t>(
            static_cast<uint64_t>(a) + (static_cast<uint64_t>(b) - static_cast<uint64_t>(a)) / 2);
        (p(mid) ? b : a) = mid;
      }
      m.lo = b;
      m.hi = kMax;
      return m;
    }
    if (!p(kMin)) {
      return m;
    }
    if (p(kMax)) {
      m.lo = kMin;
      m.hi = kMax;
      return m;
    }
    int64_t a = kMin;  // p(a) true
    int64_t b = kMax;  // p(b) false
    while (static_cast<uint64_t>(b) - static_cast<uint64_t>(a) > 1) {
      const int64_t mid = static_cast<int64_t>(
          static_cast<uint64_t>(a) + (static_cast<uint64_t>(b) - static_cast<uint64_t>(a)) / 2);
      (p(mid) ? a : b) = mid;
    }
    m.lo = kMin;
    m.hi = a;
    return m;
  }
  m.slow = true;
  return m;
}

}  // namespace vivace::search
