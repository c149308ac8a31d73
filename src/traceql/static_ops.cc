#include "traceql/static_ops.h"

#include <cmath>
#include <string>

#include <re2/re2.h>

namespace vivace::traceql {
namespace {

// Go's int(float64): values outside int64 (and NaN) become MinInt64 on amd64.
int64_t GoFloatToInt(double d) {
  if (std::isnan(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
    return INT64_MIN;
  }
  return static_cast<int64_t>(d);
}

// Go's math.Pow: integer part of the exponent by repeated squaring, fraction by exp/log.
// Results differ from the C library's correctly rounded pow in the last bit, which shows in
// printed constants; this keeps folded values identical to Tempo's.
double GoPow(double x, double y) {
  auto is_odd_int = [](double v) {
    if (std::fabs(v) >= 9007199254740992.0) {
      return false;
    }
    double xi = 0;
    double xf = std::modf(v, &xi);
    return xf == 0 && (static_cast<int64_t>(xi) & 1) == 1;
  };
  if (y == 0 || x == 1) {
    return 1;
  }
  if (y == 1) {
    return x;
  }
  if (std::isnan(x) || std::isnan(y)) {
    return std::nan("");
  }
  if (x == 0) {
    if (y < 0) {
      return std::signbit(x) && is_odd_int(y) ? -HUGE_VAL : HUGE_VAL;
    }
    return std::signbit(x) && is_odd_int(y) ? x : 0.0;
  }
  if (std::isinf(y)) {
    if (x == -1) {
      return 1;
    }
    return (std::fabs(x) < 1) == (y > 0) ? 0.0 : HUGE_VAL;
  }
  if (std::isinf(x)) {
    if (x < 0) {
      return GoPow(1 / x, -y);
    }
    return y < 0 ? 0.0 : HUGE_VAL;
  }
  if (y == 0.5) {
    return std::sqrt(x);
  }
  if (y == -0.5) {
    return 1 / std::sqrt(x);
  }
  double yi = 0;
  double yf = std::modf(std::fabs(y), &yi);
  if (yf != 0 && x < 0) {
    return std::nan("");
  }
  if (yi >= 9223372036854775808.0) {
    if (x == -1) {
      return 1;
    }
    return (std::fabs(x) < 1) == (y > 0) ? 0.0 : HUGE_VAL;
  }
  double a1 = 1.0;
  int ae = 0;
  if (yf != 0) {
    if (yf > 0.5) {
      yf--;
      yi++;
    }
    a1 = std::exp(yf * std::log(x));
  }
  int xe = 0;
  double x1 = std::frexp(x, &xe);
  for (auto i = static_cast<int64_t>(yi); i != 0; i >>= 1) {
    if (xe < -(1 << 12) || (1 << 12) < xe) {
      ae += xe;
      break;
    }
    if ((i & 1) == 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < .5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return std::ldexp(a1, ae);
}

int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

Op FlipComparison(Op op) {
  switch (op) {
    case Op::kGreater:
      return Op::kLess;
    case Op::kGreaterEqual:
      return Op::kLessEqual;
    case Op::kLess:
      return Op::kGreater;
    case Op::kLessEqual:
      return Op::kGreaterEqual;
    default:
      return op;
  }
}

Op ElementOp(Op op) {
  switch (op) {
    case Op::kIn:
      return Op::kEqual;
    case Op::kNotIn:
      return Op::kNotEqual;
    case Op::kRegexMatchAny:
      return Op::kRegex;
    case Op::kRegexMatchNone:
      return Op::kNotRegex;
    default:
      return op;
  }
}

// Scalar operation without the array case.
Result<Static> EvalScalar(Op op, const Static& lhs, const Static& rhs) {
  StaticType lt = lhs.type();
  StaticType rt = rhs.type();
  if (!IsMatchingOperand(lt, rt) || !BinaryTypeValid(op, lt) || !BinaryTypeValid(op, rt)) {
    return Static::Bool(false);
  }
  if (lt == StaticType::kString && rt == StaticType::kString) {
    int c = lhs.string_value().compare(rhs.string_value());
    switch (op) {
      case Op::kGreater:
        return Static::Bool(c > 0);
      case Op::kGreaterEqual:
        return Static::Bool(c >= 0);
      case Op::kLess:
        return Static::Bool(c < 0);
      case Op::kLessEqual:
        return Static::Bool(c <= 0);
      case Op::kRegex:
      case Op::kNotRegex: {
        VV_ASSIGN_OR_RETURN(bool m, RegexFullMatch(rhs.string_value(), lhs.string_value()));
        return Static::Bool(op == Op::kRegex ? m : !m);
      }
      default:
        break;
    }
  } else if (lt == StaticType::kInt && rt == StaticType::kInt) {
    int64_t a = lhs.int_value();
    int64_t b = rhs.int_value();
    switch (op) {
      case Op::kAdd:
        return Static::Int(WrapAdd(a, b));
      case Op::kSub:
        return Static::Int(WrapSub(a, b));
      case Op::kMult:
        return Static::Int(WrapMul(a, b));
      case Op::kDiv:
        if (b == 0) {
          return Status::InvalidArgument("division by zero");
        }
        return Static::Int(b == -1 ? WrapSub(0, a) : a / b);
      case Op::kMod:
        if (b == 0) {
          return Status::InvalidArgument("modulo by zero");
        }
        return Static::Int(b == -1 ? 0 : a % b);
      case Op::kGreater:
        return Static::Bool(a > b);
      case Op::kGreaterEqual:
        return Static::Bool(a >= b);
      case Op::kLess:
        return Static::Bool(a < b);
      case Op::kLessEqual:
        return Static::Bool(a <= b);
      case Op::kPower:
        // Quirk 2 (replicated): Tempo computes right ^ left for two ints.
        return Static::Int(GoFloatToInt(GoPow(static_cast<double>(b), static_cast<double>(a))));
      default:
        break;
    }
  } else if (lt == StaticType::kBool && rt == StaticType::kBool) {
    if (op == Op::kAnd) {
      return Static::Bool(lhs.bool_value() && rhs.bool_value());
    }
    if (op == Op::kOr) {
      return Static::Bool(lhs.bool_value() || rhs.bool_value());
    }
  }
  double a = lhs.AsFloat();
  double b = rhs.AsFloat();
  switch (op) {
    case Op::kAdd:
      return Static::Float(a + b);
    case Op::kSub:
      return Static::Float(a - b);
    case Op::kDiv:
      return Static::Float(a / b);
    case Op::kMod:
      return Static::Float(std::fmod(a, b));
    case Op::kMult:
      return Static::Float(a * b);
    case Op::kGreater:
      return Static::Bool(a > b);
    case Op::kGreaterEqual:
      return Static::Bool(a >= b);
    case Op::kLess:
      return Static::Bool(a < b);
    case Op::kLessEqual:
      return Static::Bool(a <= b);
    case Op::kPower:
      return Static::Float(GoPow(a, b));
    case Op::kEqual:
      return Static::Bool(lhs.Equals(rhs));
    case Op::kNotEqual:
      return Static::Bool(lhs.NotEquals(rhs));
    default:
      return Status::InvalidArgument("unexpected operator " + std::string(OpText(op)));
  }
}

}  // namespace

Result<Static> EvalBinary(Op op, const Static& lhs, const Static& rhs) {
  StaticType lt = lhs.type();
  StaticType rt = rhs.type();
  if (!IsMatchingOperand(lt, rt) || !BinaryTypeValid(op, lt) || !BinaryTypeValid(op, rt)) {
    return Static::Bool(false);
  }
  bool scalar_pair = (lt == StaticType::kString && rt == StaticType::kString)
                     || (lt == StaticType::kInt && rt == StaticType::kInt)
                     || (lt == StaticType::kBool && rt == StaticType::kBool);
  if (scalar_pair || !IsMatchingArrayElement(lt, rt)) {
    return EvalScalar(op, lhs, rhs);
  }
  // Arithmetic on arrays fails the query in Tempo; here it is a non-match (nil).
  if (!IsBooleanOp(op)) {
    return Static::Nil();
  }
  if (IsArray(lt) && IsArray(rt)) {
    if (IsArrayOp(op) && IsArray(lt)) {
      // Quirk 15 (fixed): the or_to_in rewrite of `arr = "a" || arr = "b"` on an array
      // attribute means what the comparisons meant: any literal, each tested element-wise.
      bool all = op == Op::kNotIn || op == Op::kRegexMatchNone;
      for (size_t i = 0; i < rhs.array_size(); ++i) {
        VV_ASSIGN_OR_RETURN(Static r, EvalBinary(ElementOp(op), lhs, rhs.ArrayElement(i)));
        bool match = r.type() == StaticType::kBool && r.bool_value();
        if (all != match) {
          return Static::Bool(!all);
        }
      }
      return Static::Bool(all);
    }
    return Static::Bool(false);  // Tempo: an evaluation error
  }
  Op elem_op = op;
  const Static* array = &rhs;
  const Static* scalar = &lhs;
  bool flip = false;
  if (IsArrayOp(op)) {
    elem_op = ElementOp(op);
    if (!IsArray(rt)) {
      return Status::InvalidArgument("array operators require array on the right side");
    }
  } else if (IsArray(lt)) {
    elem_op = FlipComparison(op);
    std::swap(array, scalar);
    // A regex stays on the right: keep the element as the matched value.
    flip = elem_op == Op::kRegex || elem_op == Op::kNotRegex;
  }
  bool match_all = elem_op == Op::kNotEqual || elem_op == Op::kNotRegex;
  size_t n = array->array_size();
  size_t matches = 0;
  for (size_t i = 0; i < n; ++i) {
    Static elem = array->ArrayElement(i);
    Result<Static> r =
        flip ? EvalScalar(elem_op, elem, *scalar) : EvalScalar(elem_op, *scalar, elem);
    if (!r.ok()) {
      return r.status();
    }
    if (r->type() == StaticType::kBool && r->bool_value()) {
      ++matches;
      if (!match_all) {
        break;
      }
    }
  }
  return Static::Bool(match_all ? matches == n : matches > 0);
}

Result<Static> EvalUnary(Op op, const Static& v) {
  switch (op) {
    case Op::kNot:
      if (v.type() != StaticType::kBool) {
        return Status::InvalidArgument("expected a boolean, but got "
                                       + std::string(StaticTypeName(v.type())));
      }
      return Static::Bool(!v.bool_value());
    case Op::kSub:
      switch (v.type()) {
        case StaticType::kInt:
          return Static::Int(WrapSub(0, v.int_value()));
        case StaticType::kFloat:
          return Static::Float(-1 * v.float_value());
        case StaticType::kDuration:
          return Static::Duration(WrapSub(0, v.int_value()));
        default:
          return Status::InvalidArgument("expected a numeric, but got "
                                         + std::string(StaticTypeName(v.type())));
      }
    case Op::kExists:
      return Static::Bool(!v.is_nil());
    case Op::kNotExists:
      return Static::Bool(v.is_nil());
    default:
      return Status::InvalidArgument("invalid unary operator " + std::string(OpText(op)));
  }
}

Result<bool> RegexFullMatch(std::string_view pattern, std::string_view value) {
  std::string anchored = "^(?s:" + std::string(pattern) + ")$";
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(anchored, options);
  if (!re.ok()) {
    return Status::InvalidArgument("invalid regex: " + re.error());
  }
  return RE2::FullMatch(value, re);
}

bool RegexCompiles(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  return re.ok();
}

}  // namespace vivace::traceql
