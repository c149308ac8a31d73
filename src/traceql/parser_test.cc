#include "traceql/parser.h"

#include <gtest/gtest.h>

#include "traceql/printer.h"
#include "traceql/validate.h"

namespace vivace::traceql {
namespace {

// Parses without rewrites and prints: shows the tree shape through the printer's parentheses.
std::string Shape(std::string_view q) {
  ParseOptions raw;
  raw.apply_rewrites = false;
  Result<Query> r = Parse(q, raw);
  if (!r.ok()) {
    return "ERROR: " + std::string(r.status().message());
  }
  return ToString(*r);
}

std::string Error(std::string_view q) {
  Result<Query> r = Parse(q);
  return r.ok() ? "parsed: " + ToString(*r) : std::string(r.status().message());
}

TEST(ParserTest, FieldPrecedenceMatchesTempo) {
  // && and || share one level, left associative (quirk 1, replicated).
  EXPECT_EQ(Shape("{ .a = 1 || .b = 2 && .c = 3 }"), "{ ((.a = 1) || (.b = 2)) && (.c = 3) }");
  EXPECT_EQ(Shape("{ !.a = .b }"), "{ (!.a) = .b }");
  EXPECT_EQ(Shape("{ !.a * .b }"), "{ !(.a * .b) }");
  EXPECT_EQ(Shape("{ -.a * 2 = 4 }"), "{ (-(.a * 2)) = 4 }");
  EXPECT_EQ(Shape("{ -.a + 1 = 0 }"), "{ ((-.a) + 1) = 0 }");
  EXPECT_EQ(Shape("{ .a + .b ^ 2 ^ 3 = 1 }"), "{ (.a + (.b ^ 9)) = 1 }");
  EXPECT_EQ(Shape("{ .a = .b = .c }"), "{ (.a = .b) = .c }");
  EXPECT_EQ(Shape("{ .a && .b = nil }"), "{ .a && (.b = nil) }");
  EXPECT_EQ(Shape("{ nil = .a + 1 }"), "{ (.a + 1) = nil }");
  EXPECT_EQ(Shape("{ .a + nil = 1 }"), "{ .a + false }");
  EXPECT_EQ(Shape("{ nil != nil }"), "{ false }");
}

TEST(ParserTest, SpansetPrecedence) {
  EXPECT_EQ(Shape("{ .a } && { .b } >> { .c }"), "({ .a }) && (({ .b }) >> ({ .c }))");
  EXPECT_EQ(Shape("{ .a } >> { .b } ~ { .c }"), "(({ .a }) >> ({ .b })) ~ ({ .c })");
  EXPECT_EQ(Shape("{ .a } || { .b } && { .c }"), "(({ .a }) || ({ .b })) && ({ .c })");
  EXPECT_EQ(Shape("{ .a } && { .b } | count() > 1"), "({ .a }) && ({ .b })|(count()) > 1");
}

TEST(ParserTest, ParenthesisedFilterIsASpansetExpressionWhereOneMayBe) {
  // yacc prefers `( spansetExpression )`: the left operand cannot be a wrapped pipeline, so
  // the right operand may not be one either...
  EXPECT_EQ(Error("({ .a }) && ({ .b } | count() > 1)"),
            "parse error at line 1, col 13: syntax error: unexpected (");
  // ...while after a wrapped pipeline, `({ .a })` is a wrapped pipeline too.
  EXPECT_EQ(Shape("({ .b } | count() > 1) && ({ .a })"), "({ .b }|(count()) > 1) && ({ .a })");
  EXPECT_EQ(Shape("({ .a }) | rate()"), "{ .a } | rate()");
  EXPECT_NE(Error("({ .a } | { .b }) | { .c }").find("syntax error"), std::string::npos);
}

TEST(ParserTest, LiteralModuloTakesTheWholeArithmeticOnItsRight) {
  // `scalar % scalar` has no rule, so yacc keeps shifting: 2 % (3 + count()).
  EXPECT_EQ(Shape("2 % 3 + count() > 1"), "(2 % (3 + (count()))) > 1");
  EXPECT_EQ(Shape("2 % count() + 3 > 1"), "((2 % (count())) + 3) > 1");
  EXPECT_NE(Error("count() ^ 2 ^ 3 > 1").find("unexpected >"), std::string::npos);
}

TEST(ParserTest, ScalarFilters) {
  EXPECT_EQ(Shape("count() > 1 + 1"), "(count()) > 2");
  EXPECT_EQ(Shape("min(span:childCount) < 2 / 6"), "(min(span:childCount)) < 0");
  EXPECT_EQ(Shape("avg(.field) > 1 - 3"), "(avg(.field)) > -2");
  EXPECT_NE(Error("3 = 2").find("syntax error"), std::string::npos);
  EXPECT_NE(Error("{ true } | count()").find("unexpected $end"), std::string::npos);
  EXPECT_NE(Error("coalesce() | { true }").find("unexpected coalesce"), std::string::npos);
}

TEST(ParserTest, MetricsQueries) {
  Result<Query> q = Parse("{ status = error } | rate() by (resource.service.name) > 10 | topk(5)");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->is_metrics());
  const SubQuery& sq = q->subqueries[0];
  EXPECT_EQ(sq.metrics->op, MetricsOp::kRate);
  ASSERT_EQ(sq.metrics->by.size(), 1u);
  EXPECT_EQ(sq.metrics->by[0].scope, AttributeScope::kResource);
  ASSERT_EQ(q->expr.stages.size(), 2u);
  EXPECT_EQ(q->expr.stages[0].kind, SecondStage::Kind::kFilter);
  EXPECT_EQ(q->expr.stages[0].value, 10);
  EXPECT_EQ(q->expr.stages[1].kind, SecondStage::Kind::kTopK);
  EXPECT_EQ(q->expr.stages[1].limit, 5);

  // A duration threshold compares in seconds.
  q = Parse("{ } | max_over_time(duration) > 1500ms");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->expr.stages[0].value, 1.5);
}

TEST(ParserTest, MetricsMath) {
  Result<Query> q = Parse("100 * ({ status = error } | rate()) / ({ } | rate())");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->expr.op, Op::kDiv);
  EXPECT_EQ(q->subqueries.size(), 2u);
  EXPECT_EQ(ToString(*q), "(100 * ({ status = error } | rate())) / ({ true } | rate())");
  // Identical sub-queries share one evaluation.
  q = Parse("({ } | rate()) + ({ } | rate())");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->subqueries.size(), 1u);
  EXPECT_EQ(q->expr.lhs->subquery, q->expr.rhs->subquery);
  EXPECT_NE(Error("{ } | rate() * 2").find("syntax error"), std::string::npos);
  EXPECT_EQ(Error("({ } | rate()) * 2s"),
            "parse error at line 0, col 18: duration cannot be used as a scalar operand in "
            "metric arithmetic");
  EXPECT_EQ(Error("({ } | rate()) > (10s * 2)"),
            "parse error at line 1, col 25: duration cannot be used in scalar arithmetic");
  EXPECT_EQ(Error("({ } | rate()) > 1 / 0"), "parse error at line 1, col 22: division by zero");
}

TEST(ParserTest, Hints) {
  // Several with(...) clauses: only the last is kept (quirk 20, replicated).
  Result<Query> q = Parse("{ span.a = 1 } with(sample=true) with(most_recent=true)");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->hints.size(), 1u);
  EXPECT_EQ(q->hints[0].name, "most_recent");
  EXPECT_EQ(ToString(*q), "{ span.a = 1 } with(most_recent=true)");
  EXPECT_NE(Error("{ } with(count=1)").find("unexpected count"), std::string::npos);
  EXPECT_EQ(Error("{ } with(x=-1)"), "parse error at line 1, col 12: syntax error: unexpected -");
}

TEST(ParserTest, CommentsAndSpaceAfterScopeColon) {
  // Quirk 11 (replicated): Go-scanner comments and `span: name` are accepted.
  EXPECT_EQ(Shape("{ .x = 1 } /* c */ | count() > 1 // trailing"), "{ .x = 1 }|(count()) > 1");
  EXPECT_EQ(Shape("{ span: name = \"a\" }"), "{ name = `a` }");
  EXPECT_NE(Error("{ span :name = \"a\" }").find("error"), std::string::npos);
}

TEST(ParserTest, ConstantFoldingAndTraceIds) {
  // int ^ int computes right ^ left (quirk 2, replicated): 2 ^ 3 = 9.
  EXPECT_EQ(Shape("{ 2 ^ 3 = 9 }"), "{ true }");
  EXPECT_EQ(Shape("{ 1 / 0 = 1 }"), "{ (1 / 0) = 1 }");  // kept; fails at run time
  EXPECT_EQ(Shape("{ false && (1 / 0 = 1) }"), "{ false }");
  EXPECT_EQ(Shape("{ trace:id = \"00ab\" }"), "{ trace:id = `ab` }");
  EXPECT_EQ(Shape("{ span:id = \"00ab\" }"), "{ span:id = `00ab` }");
  // `= nil` tests absence only: the string "nil" is a value (quirk 12, fixed).
  EXPECT_EQ(Shape("{ \"nil\" = nil }"), "{ false }");
  EXPECT_EQ(Shape("{ .a = minInt }"), "{ .a = minInt }");  // parses back (tag_conditions fuzzer)
  // Duration arithmetic gives a float number of nanoseconds (quirk 6, replicated).
  EXPECT_EQ(Shape("{ .a = 1s + 1s }"), "{ .a = 2e+09 }");
  EXPECT_EQ(Shape("{ .a = 2 * 1ms }"), "{ .a = 2e+06 }");
  EXPECT_EQ(Shape("{ .a = -1ms }"), "{ .a = -1ms }");  // unary minus keeps the duration
}

TEST(ParserTest, OrToInRewrite) {
  Result<Query> q = Parse("{ .a = 1 || .a = 2 || .a = 3 }");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ToString(*q), "{ .a IN [1, 2, 3] }");
  q = Parse(R"({ .a !~ "x" && .a !~ "y" })");
  EXPECT_EQ(ToString(*q), "{ .a MATCH NONE [`x`, `y`] }");
  q = Parse("{ .a = 1 || .a = 2.5 }");  // different types: left alone
  EXPECT_EQ(ToString(*q), "{ (.a = 1) || (.a = 2.5) }");
  q = Parse("{ !(.a = 1 || .a = 2) }");  // does not descend into `!`
  EXPECT_EQ(ToString(*q), "{ !((.a = 1) || (.a = 2)) }");
  // The unsafe hint skip_ast_transformations turns it off where allowed.
  ParseOptions unsafe;
  unsafe.allow_unsafe_hints = true;
  q = Parse("{ .a = 1 || .a = 2 } with(skip_ast_transformations=\"or_to_in\")", unsafe);
  EXPECT_EQ(ToString(*q), "{ (.a = 1) || (.a = 2) } with(skip_ast_transformations=`or_to_in`)");
  q = Parse("{ .a = 1 || .a = 2 } with(skip_ast_transformations=\"or_to_in\")");
  EXPECT_EQ(ToString(*q), "{ .a IN [1, 2] } with(skip_ast_transformations=`or_to_in`)");
}

TEST(ParserTest, AttributesResolveToEnums) {
  Result<Query> q = Parse("{ span.http.method = \"GET\" && .x > 1 && span:status = error }");
  ASSERT_TRUE(q.ok());
  const FieldExpr& e = *q->subqueries[0].pipeline.stages[0].spanset->filter;
  const FieldExpr& http = *e.lhs->lhs->lhs;
  EXPECT_EQ(http.attribute.scope, AttributeScope::kSpan);
  EXPECT_EQ(http.attribute.name, "http.method");
  EXPECT_EQ(e.lhs->lhs->rhs->value.type(), StaticType::kString);
  EXPECT_EQ(e.lhs->rhs->lhs->attribute.scope, AttributeScope::kNone);
  EXPECT_EQ(e.rhs->lhs->attribute.intrinsic, Intrinsic::kStatus);
  EXPECT_EQ(e.rhs->rhs->value.status_value(), SpanStatus::kError);
}

TEST(ParserTest, ErrorMessagesFollowTempo) {
  EXPECT_EQ(Error("{ attribute = 4 }"),
            "parse error at line 1, col 3: unknown identifier: attribute");
  EXPECT_EQ(Error("{ .a < 3"), "parse error at line 1, col 9: syntax error: unexpected $end");
  EXPECT_EQ(Error("{ . }"),
            "parse error at line 1, col 3: syntax error: unexpected END_ATTRIBUTE, expecting "
            "IDENTIFIER");
  EXPECT_EQ(Error("{ true } + { true }"),
            "parse error at line 1, col 10: syntax error: unexpected +, expecting with");
  EXPECT_EQ(Error("{ trace:name = \"a\" }"),
            "parse error at line 1, col 9: syntax error: unexpected name, expecting duration or "
            "rootName or rootService or id");
  EXPECT_EQ(Error("{} | rate() | topk(-1)"),
            "parse error at line 1, col 20: syntax error: unexpected -, expecting INTEGER");
  EXPECT_EQ(Error("{ .a = \"x }"), "parse error at line 1, col 8: literal not terminated");
  EXPECT_EQ(Error("{ parent.a = 1 && .span.x = 2 }"),
            "parse error at line 0, col 19: syntax error: unexpected span., expecting IDENTIFIER");
}

TEST(ParserTest, DepthIsLimited) {
  std::string deep(2000, '(');
  deep += "{}";
  deep += std::string(2000, ')');
  EXPECT_NE(Error(deep).find("nested too deeply"), std::string::npos);
  std::string chain = "{ .a";
  for (int i = 0; i < 5000; ++i) {
    chain += " + .a";
  }
  chain += " = 1 }";
  EXPECT_NE(Error(chain).find("nested too deeply"), std::string::npos);
  std::string ok = "{ .a";
  for (int i = 0; i < 100; ++i) {
    ok += " || .a = " + std::to_string(i);
  }
  ok += " }";
  EXPECT_TRUE(Parse(ok).ok());
}

TEST(ParserTest, ParseAndValidateReturnsTheFirstError) {
  EXPECT_TRUE(ParseAndValidate("{ .a = 1 }").ok());
  Result<Query> q = ParseAndValidate("{ parent.a = 1 }");
  EXPECT_TRUE(IsUnsupported(q.status()));
  q = ParseAndValidate("{ 1 = \"a\" }");
  EXPECT_EQ(q.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace vivace::traceql
