#include "traceql/plan.h"

#include <gtest/gtest.h>

#include "traceql/printer.h"

namespace vivace::traceql {
namespace {

// "attr op operand" for each condition, ";" between them; "| all" when all_conditions.
std::string Describe(const FetchRequest& r) {
  auto one = [](const Condition& c) {
    std::string s = ToString(c.attribute);
    if (c.op != Op::kNone) {
      s += " " + std::string(OpText(c.op));
    }
    for (const Static& v : c.operands) {
      s += " " + v.ToString();
    }
    return s;
  };
  std::string out;
  for (const Condition& c : r.conditions) {
    out += (out.empty() ? "" : "; ") + one(c);
  }
  if (r.all_conditions) {
    out += " | all";
  }
  if (!r.second_pass.empty()) {
    out += " | second:";
    for (const Condition& c : r.second_pass) {
      out += " " + one(c);
    }
  }
  return out;
}

std::string Plan(std::string_view q) {
  Result<CompiledQuery> c = Compile(q);
  if (!c.ok()) {
    return "ERROR: " + std::string(c.status().message());
  }
  return Describe(c->requests[0]);
}

TEST(PlanTest, ConditionsFromFilters) {
  EXPECT_EQ(Plan("{ resource.service.name = \"a\" && span.x > 1 }"),
            "resource.service.name = `a`; span.x > 1 | all");
  EXPECT_EQ(Plan("{ .a = 1 || .b = 2 }"), ".a = 1; .b = 2");
  EXPECT_EQ(Plan("{ .a = 1 || .a = 2 }"), ".a IN [1, 2] | all");  // after or_to_in
  EXPECT_EQ(Plan("{ .a != nil && .b = nil }"), ".a != nil; .b = nil | all");
  EXPECT_EQ(Plan("{ .a + 1 = 2 }"), ".a | all");
  EXPECT_EQ(Plan("{ .a = .b }"), ".a; .b | all");
  EXPECT_EQ(Plan("{ }"), "spanStartTime | all");
  EXPECT_EQ(Plan("{ duration > 1s }"), "duration > 1s | all");
}

TEST(PlanTest, LiteralOnTheLeftMirrorsTheOperator) {
  // Tempo pushes `x < 1` for `1 < x` and misses matches (quirk 13, fixed).
  EXPECT_EQ(Plan("{ 1 < span.x }"), "span.x > 1 | all");
  EXPECT_EQ(Plan("{ 5 >= span.x }"), "span.x <= 5 | all");
}

TEST(PlanTest, NegatedComparisonsOnlyLoadTheirColumns) {
  // Tempo pushes the inner comparisons and so never sees the spans `!` selects (quirk 14).
  EXPECT_EQ(Plan("{ !(span.a = \"x\" || span.a = \"y\") }"), "span.a");
  EXPECT_EQ(Plan("{ !span.flag }"), "span.flag | all");
}

TEST(PlanTest, OperatorsAndPipelines) {
  EXPECT_EQ(Plan("{ .a = 1 } >> { .b = 2 }"), "structuralDescendant; .a = 1; .b = 2");
  EXPECT_EQ(Plan("{ .a = 1 } ~ { .b = 2 }"), "structuralSibling; .a = 1; .b = 2");
  EXPECT_EQ(Plan("{ .a = 1 } | count() > 2"), ".a = 1");
  EXPECT_EQ(Plan("{ .a = 1 } | by(.b)"), ".a = 1; .b");
  EXPECT_EQ(Plan("{ .a = 1 } | select(.c, name)"), ".a = 1 | all | second: .c name");
  EXPECT_EQ(Plan("{ .a = 1 } | select(.c) | { .d = 2 }"), ".a = 1 | all | second: .c .d = 2");
}

TEST(PlanTest, MetricsLoadTheirFieldsOnTheSecondPass) {
  EXPECT_EQ(Plan("{ .a = 1 } | rate() by (span.route)"), ".a = 1 | all | second: span.route");
  EXPECT_EQ(Plan("{ .a = 1 } | quantile_over_time(duration, .9) by (.a)"),
            ".a = 1 | all | second: duration");
  Result<CompiledQuery> c = Compile("{ } | compare({ status = error })");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->requests[0].second_pass_select_all);
  c = Compile("({ .a = 1 } | rate()) / ({ } | rate())");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->requests.size(), 2u);
}

TEST(PlanTest, NoopQueries) {
  for (std::string_view q : {"{ false }", "{ 1 = 2 }", "{ false } && { 1 = 2 }"}) {
    EXPECT_TRUE(IsNoop(Compile(q)->query)) << q;
  }
  for (std::string_view q : {"{ }", "{ .a = 1 }", "{ false } | count() > 1", "{ false } && { }"}) {
    EXPECT_FALSE(IsNoop(Compile(q)->query)) << q;
  }
}

TEST(PlanTest, CompileReportsParseAndValidationErrors) {
  EXPECT_EQ(Plan("{ .a = }"), "ERROR: parse error at line 1, col 8: syntax error: unexpected }");
  Result<CompiledQuery> c = Compile("{ parent.a = 1 }");
  EXPECT_EQ(c.status().code(), Code::kUnimplemented);
}

}  // namespace
}  // namespace vivace::traceql
