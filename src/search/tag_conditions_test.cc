// The tag endpoints' lenient `q` (tag_conditions.h): the cases of Tempo's own tests of
// ExtractConditionGroups (group counts), the repair of incomplete matchers, and the tag-values
// plan (values named by the query, the filter for the rest, the group limits).

#include "search/tag_conditions.h"

#include <gtest/gtest.h>

#include "traceql/printer.h"

namespace vivace::search {
namespace {

size_t Groups(std::string_view q) {
  auto g = ExtractTagConditions(q, kDefaultMaxConditionGroups);
  EXPECT_TRUE(g.ok()) << q << ": " << g.status().ToString();
  return g.ok() ? g->size() : 0;
}

// The conditions of each group, printed.
std::vector<std::vector<std::string>> Printed(std::string_view q) {
  std::vector<std::vector<std::string>> out;
  auto g = ExtractTagConditions(q, kDefaultMaxConditionGroups);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  for (const auto& group : *g) {
    out.emplace_back();
    for (const auto& c : group) {
      out.back().push_back(traceql::ToString(*c.expr));
    }
  }
  return out;
}

TEST(TagConditionsTest, GroupCountsAsTempo) {
  EXPECT_EQ(Groups(""), 0u);
  EXPECT_EQ(Groups(" { } "), 0u);
  EXPECT_EQ(Groups("{.service_name = \"foo\"}"), 1u);
  EXPECT_EQ(Groups("{ .http.status_code = 200 && .http.method = }"), 1u);
  EXPECT_EQ(Groups("{ invalid syntax }"), 0u);
  EXPECT_EQ(Groups("{ (.foo = \"bar\" || .baz = \"qux\") }"), 2u);
  EXPECT_EQ(Groups("{ .foo = \"bar\" } >> { .bar = \"baz\" }"), 0u);  // structural: no filter
  EXPECT_EQ(Groups("{.a = 1 && .b = \"two\" && .c > 3}"), 1u);
  EXPECT_EQ(Groups("{.a = 1 && .b = \"two\" && name = }"), 1u);
  EXPECT_EQ(Groups("{ .foo = \"bar\" || .baz = }"), 0u);  // the repaired branch is `true`
  EXPECT_EQ(Groups("{ .a = .b && .c = }"), 0u);
  EXPECT_EQ(Groups("{ .a = .b && .service = \"x\" && .c = }"), 1u);
  EXPECT_EQ(Groups("{ .foo = \"bar\" || true }"), 0u);
  EXPECT_EQ(Groups("{ .attr = \"123\" || .service = \"b\" || .env = \"staging\" }"), 3u);
  EXPECT_EQ(Groups("{ (.attr = \"123\" && .foo = \"bar\") || .service = \"b\" || .env = "
                   "\"staging\" || (.attr = \"123\" && .foo = \"bar\") || .service = \"b\" }"),
            3u);  // identical branches count once
  EXPECT_EQ(Groups("{ (.a = 1 || .b = 2) && (.c = 3 || .d = 4) }"), 4u);
}

TEST(TagConditionsTest, IncompleteMatchersAreDropped) {
  using V = std::vector<std::vector<std::string>>;
  // Grafana's autocomplete while the user types the second matcher.
  EXPECT_EQ(Printed("{ resource.service.name=\"x\" && span.foo = }"),
            (V{{"resource.service.name = `x`"}}));
  EXPECT_EQ(Printed("{ 2 = .b "), (V{{"2 = .b"}}));  // and a missing brace
  EXPECT_EQ(Printed("{resource.service_name = \"foo\" && span.http.target="),
            (V{{"resource.service_name = `foo`"}}));
  EXPECT_EQ(Printed("{ (resource.foo = \"bar\" && .baz = ) && .qux = \"quux\" }"),
            (V{{"resource.foo = `bar`", ".qux = `quux`"}}));
  EXPECT_EQ(Printed("{ (resource.foo =  && .baz = ) && .qux = \"quux\" }"), (V{{".qux = `quux`"}}));
  EXPECT_EQ(Printed("{  statusMessage = }"), V{});
  EXPECT_EQ(Printed("{.service_name = \"foo\" && .foo=} | rate() by (.bar)"),
            (V{{".service_name = `foo`"}}));
  EXPECT_EQ(Printed("{ .a != nil && .b = nil && !(.c = 1) }"),
            (V{{".a != nil", ".b = nil", ".c = 1"}}));  // `!` looked through, as in Tempo
  // A dangling connector is not repaired: unfiltered.
  EXPECT_EQ(Printed("{ .a = 1 && }"), V{});
  EXPECT_EQ(ReplaceIncompleteMatchers("{ .a = 1 && .b = "), "{ .a = 1 && true  }");
}

TEST(TagConditionsTest, TooManyGroupsIsTheOnlyError) {
  std::string q = "{ ";
  for (int i = 0; i < 7; ++i) {  // 2^7 = 128 groups
    q += (i ? " && " : "") + std::string("(.a") + std::to_string(i) + " = 1 || .b"
         + std::to_string(i) + " = 2)";
  }
  q += " }";
  auto g = ExtractTagConditions(q, kDefaultMaxConditionGroups);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(g.status().message(),
            "maximum condition groups reached (limit: 100). Reduce the number of OR conditions in "
            "the query");
  // An unscoped tag's values need twice the groups.
  std::string many = "{ ";
  for (int i = 0; i < 51; ++i) {
    many += (i ? " || " : "") + std::string(".a = ") + std::to_string(i);
  }
  many += " }";
  auto groups = ExtractTagConditions(many, kDefaultMaxConditionGroups);
  ASSERT_TRUE(groups.ok());
  EXPECT_FALSE(PlanTagValues(*groups, traceql::Attribute::Unscoped("x"), 100).ok());
  EXPECT_TRUE(PlanTagValues(*groups,
                            traceql::Attribute::Scoped(traceql::AttributeScope::kSpan, false, "x"),
                            100)
                  .ok());
}

TEST(TagConditionsTest, ValuesNamedByTheQueryNeedNoRead) {
  auto groups = ExtractTagConditions(
      "{ resource.service.name = \"x\" || (resource.service.name = \"y\" && span.a = 1) }", 100);
  ASSERT_TRUE(groups.ok());
  auto svc = traceql::Attribute::Scoped(traceql::AttributeScope::kResource, false, "service.name");
  auto plan = PlanTagValues(*groups, svc, 100);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->read);
  ASSERT_EQ(plan->direct.size(), 2u);
  EXPECT_EQ(plan->direct[0].string_value(), "x");
  EXPECT_EQ(plan->direct[1].string_value(), "y");
  // Another tag reads the spans of both groups.
  auto other = PlanTagValues(
      *groups, traceql::Attribute::Scoped(traceql::AttributeScope::kSpan, false, "b"), 100);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->read);
  EXPECT_TRUE(other->direct.empty());
  ASSERT_NE(other->filter, nullptr);
  EXPECT_EQ(traceql::ToString(other->filter->compiled().query),
            "{ (resource.service.name = `x`) || ((resource.service.name = `y`) && (span.a = 1)) }");
  // No groups: read everything.
  auto all = PlanTagValues({}, svc, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->read);
  EXPECT_EQ(all->filter, nullptr);
}

}  // namespace
}  // namespace vivace::search
