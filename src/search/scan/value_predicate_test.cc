// The compiled value predicates give the evaluator's EvalBinary answer for every operator and
// operand type, on values chosen around the interesting boundaries.

#include "search/scan/value_predicate.h"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "traceql/static_ops.h"

namespace vivace::search {
namespace {

using traceql::Op;
using traceql::Static;
using traceql::StaticType;

bool Want(Op op, const Static& v, const Static& operand) {
  Result<Static> r = traceql::EvalBinary(op, v, operand);
  if (!r.ok()) {
    return true;  // the scan widens where the evaluator fails
  }
  return r->type() == StaticType::kBool && r->bool_value();
}

const Op kOps[] = {Op::kEqual, Op::kNotEqual,  Op::kGreater,       Op::kGreaterEqual,
                   Op::kLess,  Op::kLessEqual, Op::kRegex,         Op::kNotRegex,
                   Op::kIn,    Op::kNotIn,     Op::kRegexMatchAny, Op::kRegexMatchNone};

std::vector<Static> Operands() {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  return {Static::Int(0),
          Static::Int(500),
          Static::Int(-3),
          Static::Int(kMax),
          Static::Int(kMin),
          Static::Float(0.5),
          Static::Float(500.0),
          Static::Float(-1e300),
          Static::Float(9.3e18),
          Static::Float(std::pow(2.0, 60)),
          Static::Duration(1000000000),
          Static::Duration(0),
          Static::String("x"),
          Static::String(""),
          Static::String("x.*"),
          Static::Bool(true),
          Static::Bool(false),
          Static::Status(traceql::SpanStatus::kError),
          Static::Kind(traceql::SpanKind::kServer),
          Static::IntArray({200, 500}),
          Static::FloatArray({0.5, 1.0}),
          Static::StringArray({"x", "y.*"}),
          Static::StringArray({}),
          Static::BoolArray({true})};
}

TEST(ValuePredicateTest, IntsMatchTheEvaluator) {
  std::mt19937_64 rng(7);
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 499,
                                 500,
                                 501,
                                 -3,
                                 999999999,
                                 1000000000,
                                 1000000001,
                                 std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min(),
                                 int64_t{1} << 60,
                                 (int64_t{1} << 60) + 1,
                                 (int64_t{1} << 60) - 1,
                                 static_cast<int64_t>(9300000000000000000ULL)};
  for (int i = 0; i < 200; ++i) {
    values.push_back(static_cast<int64_t>(rng()));
  }
  for (Op op : kOps) {
    for (const Static& operand : Operands()) {
      ValuePredicate p(op, {operand});
      if (!p.usable()) {
        continue;
      }
      for (StaticType t : {StaticType::kInt, StaticType::kDuration}) {
        IntMatcher m = p.ForInts(t);
        for (int64_t v : values) {
          Static s = t == StaticType::kInt ? Static::Int(v) : Static::Duration(v);
          ASSERT_EQ(p.MatchInt(m, t, v), Want(op, s, operand))
              << traceql::OpText(op) << " " << operand.ToString() << " on " << s.ToString();
        }
      }
    }
  }
}

TEST(ValuePredicateTest, DoublesBoolsAndStringsMatchTheEvaluator) {
  const std::vector<double> doubles = {0.0,
                                       -0.0,
                                       0.5,
                                       500.0,
                                       -1e300,
                                       9.3e18,
                                       std::pow(2.0, 60),
                                       std::nan(""),
                                       std::numeric_limits<double>::infinity()};
  const std::vector<std::string> strings = {"", "x", "xy", "y", "x.*", "Zed", "y.z", "\n"};
  for (Op op : kOps) {
    for (const Static& operand : Operands()) {
      ValuePredicate p(op, {operand});
      if (!p.usable()) {
        continue;
      }
      for (double d : doubles) {
        ASSERT_EQ(p.MatchDouble(d), Want(op, Static::Float(d), operand))
            << traceql::OpText(op) << " " << operand.ToString() << " on " << d;
      }
      for (bool b : {false, true}) {
        ASSERT_EQ(p.MatchBool(b), Want(op, Static::Bool(b), operand))
            << traceql::OpText(op) << " " << operand.ToString() << " on " << b;
      }
      for (const std::string& s : strings) {
        ASSERT_EQ(p.MatchString(s), Want(op, Static::String(s), operand))
            << traceql::OpText(op) << " " << operand.ToString() << " on '" << s << "'";
      }
      EXPECT_EQ(p.TypeCanMatch(StaticType::kString),
                traceql::IsMatchingOperand(StaticType::kString, operand.type())
                    && traceql::BinaryTypeValid(op, StaticType::kString)
                    && traceql::BinaryTypeValid(op, operand.type()));
    }
  }
}

TEST(ValuePredicateTest, BadRegexIsNotUsable) {
  ValuePredicate p(Op::kRegex, {Static::String("(")});
  EXPECT_FALSE(p.usable());
  ValuePredicate two(Op::kEqual, {Static::Int(1), Static::Int(2)});
  EXPECT_FALSE(two.usable());
}

}  // namespace
}  // namespace vivace::search
