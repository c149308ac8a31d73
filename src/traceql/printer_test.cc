#include "traceql/printer.h"

#include <gtest/gtest.h>

#include "traceql/parser.h"

namespace vivace::traceql {
namespace {

std::string Print(std::string_view q) {
  Result<Query> r = Parse(q);
  return r.ok() ? ToString(*r) : "ERROR: " + std::string(r.status().message());
}

TEST(PrinterTest, CanonicalForms) {
  EXPECT_EQ(Print("{}"), "{ true }");
  EXPECT_EQ(Print("{ .a + 1 = 2 }"), "{ (.a + 1) = 2 }");
  EXPECT_EQ(Print("{ .a = 1 && .b = 2 }"), "{ (.a = 1) && (.b = 2) }");
  EXPECT_EQ(Print("{ .a } | by(.b) | count() > 1"), "{ .a }|by(.b)|(count()) > 1");
  EXPECT_EQ(Print("{ .a } >> { .b }"), "({ .a }) >> ({ .b })");
  EXPECT_EQ(Print("{ } | select(.a,.b)"), "{ true }|select(.a, .b)");
  EXPECT_EQ(Print("{ } | coalesce()"), "{ true }|coalesce()");
  EXPECT_EQ(Print("{ .a != nil && .b = nil }"), "{ (.a != nil) && (.b = nil) }");
  EXPECT_EQ(Print("{ span:duration > 1s && trace:rootService = \"x\" }"),
            "{ (duration > 1s) && (rootServiceName = `x`) }");
  EXPECT_EQ(Print("{ span:childCount = 2 && trace:id = \"a\" }"),
            "{ (span:childCount = 2) && (trace:id = `a`) }");
}

TEST(PrinterTest, Literals) {
  EXPECT_EQ(Print("{ .a = 1.0 }"), "{ .a = 1.0 }");
  EXPECT_EQ(Print("{ .a = 1e21 }"), "{ .a = 1e+21 }");
  EXPECT_EQ(Print("{ .a = 90s }"), "{ .a = 1m30s }");
  EXPECT_EQ(Print("{ .a = 3h }"), "{ .a = 3h0m0s }");
  EXPECT_EQ(Print("{ .a = 1500us }"), "{ .a = 1.5ms }");
  EXPECT_EQ(Print("{ .a = \"GET\" }"), "{ .a = `GET` }");
  EXPECT_EQ(Print("{ .a = ok && .b = client }"), "{ (.a = ok) && (.b = client) }");
  // Strings print in backticks without escaping (quirk 10, replicated): a backtick inside a
  // string cannot round-trip.
  EXPECT_EQ(Print("{ .a = \"x`y\" }"), "{ .a = `x`y` }");
}

TEST(PrinterTest, QuotedAttributeNames) {
  EXPECT_EQ(Print(R"({ ."foo bar" = 1 })"), R"({ ."foo bar" = 1 })");
  EXPECT_EQ(Print(R"({ span."a\"b" = 1 })"), R"({ span."a\"b" = 1 })");
  EXPECT_EQ(Print(R"({ ."a\\b" = 1 })"), R"({ .a\b = 1 })");  // a backslash needs no quotes
  EXPECT_EQ(Print(R"({ ."x.y" = 1 })"), "{ .x.y = 1 }");
  EXPECT_EQ(Print("{ .a+1 = 2 }"), "{ .a+1 = 2 }");
  // An empty name is quoted so that it parses back (Tempo prints nothing).
  EXPECT_EQ(Print(R"({ ."" = 1 })"), R"({ ."" = 1 })");
  EXPECT_EQ(Print("{ parent.resource.a = 1 }"), "{ parent.resource.a = 1 }");
  // An unscoped name that starts with a digit is quoted: `.1y` would lex as the number .1
  // (found by the traceql_parse fuzzer); after a scope it needs no quotes.
  EXPECT_EQ(Print(R"({ ."1y-x" = 1 })"), R"({ ."1y-x" = 1 })");
  EXPECT_EQ(Print(R"({ .""1y = 1 })"), R"({ ."1y" = 1 })");
  EXPECT_EQ(Print(R"({ span."1y" = 1 })"), "{ span.1y = 1 }");
}

TEST(PrinterTest, Metrics) {
  EXPECT_EQ(Print("{} | rate() by (resource.service.name, span.http.route)"),
            "{ true } | rate()by(resource.service.name,span.http.route)");
  EXPECT_EQ(Print("{} | quantile_over_time(duration, .9, .99)"),
            "{ true } | quantile_over_time(duration,0.90000,0.99000)");
  EXPECT_EQ(Print("{} | rate() | topk(5) > 1.5"), "{ true } | rate() | topk(5) > 1.5");
  EXPECT_EQ(Print("({} | rate()) * 10 + 5 > 50 | topk(1)"),
            "(({ true } | rate()) * 10) + 5 > 50 | topk(1)");
  EXPECT_EQ(Print("5 + ({} | rate()) * 10"), "5 + (({ true } | rate()) * 10)");
  EXPECT_EQ(Print("({} | rate() > 6) * 100"), "({ true } | rate() > 6) * 100");
  // compare() prints in a form that parses (Tempo prints `compare({ ... }}`).
  EXPECT_EQ(Print("{} | compare({status=error})"), "{ true } | compare({ status = error })");
  EXPECT_EQ(Print("{} | compare({status=error}, 5, 1, 2)"),
            "{ true } | compare({ status = error },5,1,2)");
}

TEST(PrinterTest, KeysOfSubqueries) {
  Result<Query> q = Parse("({ .a } | rate()) / ({ } | count_over_time() by (.b))");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->subqueries.size(), 2u);
  EXPECT_EQ(q->subqueries[0].key, "{ .a } | rate()");
  EXPECT_EQ(q->subqueries[1].key, "{ true } | count_over_time()by(.b)");
}

TEST(PrinterTest, RoundTrips) {
  ParseOptions raw;
  raw.apply_rewrites = false;
  for (std::string_view q : {
           "{ .a = 1 || .a = 2 }",
           "({ .a } | count() > 1) && ({ .b })",
           "{ } >> { kind = server } | select(nestedSetLeft, nestedSetRight)",
           "max(duration) > 3s | { status = error || .http.status = 500 }",
           "({} | rate()) + ({} | rate()) | topk(5) > 10",
           "-1.5 / ({} | rate())",
           "{ ..z = -1ms && .\"a b\" !~ \"x.*\" } with(sample=0.1,exemplars=true)",
           "(({ .a } | count() > 1)) || (({ .c }))",
           "{ 1 / 0 = 1 && nil = .a }",
           "2 % 3 + count() > 1",
           "{ } | compare({ .a = 1 }, 20)",
       }) {
    Result<Query> a = Parse(q, raw);
    ASSERT_TRUE(a.ok()) << q << ": " << a.status().ToString();
    std::string printed = ToString(*a);
    Result<Query> b = Parse(printed, raw);
    ASSERT_TRUE(b.ok()) << q << " -> " << printed << ": " << b.status().ToString();
    EXPECT_TRUE(*a == *b) << q << " -> " << printed << " -> " << ToString(*b);
  }
}

}  // namespace
}  // namespace vivace::traceql
