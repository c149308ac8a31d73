#include "traceql/validate.h"

#include <gtest/gtest.h>

#include "traceql/parser.h"

namespace vivace::traceql {
namespace {

Status Check(std::string_view q) {
  Result<Query> r = Parse(q);
  if (!r.ok()) {
    return Status::Internal("did not parse: " + std::string(r.status().message()));
  }
  return Validate(*r);
}

TEST(ValidateTest, AcceptsWellTypedQueries) {
  EXPECT_TRUE(Check("{ .a = 1 && duration > 1s && status = error }").ok());
  EXPECT_TRUE(Check("{ .a } | avg(duration) > 1s").ok());
  EXPECT_TRUE(Check("{ 1 * 1h = 1 }").ok());
  // instrumentation:name has no static type (quirk 9, replicated).
  EXPECT_TRUE(Check("{ instrumentation:name = 1 }").ok());
  EXPECT_TRUE(Check("{ } | quantile_over_time(duration, 0, 1) by (.a, .b, .c, .d)").ok());
}

TEST(ValidateTest, TypeErrorsUseTempoMessages) {
  EXPECT_EQ(Check("{ 1 + \"foo\" = 1 }").message(),
            "binary operations must operate on the same type: 1 + `foo`");
  EXPECT_EQ(Check("{ status > ok }").message(),
            "illegal operation for the given types: status > ok");
  EXPECT_EQ(Check("{ 1 + 1 }").message(),
            "span filter field expressions must resolve to a boolean: { 2 }");
  EXPECT_EQ(Check("{ span.foo =~ \"[\" }").message(), "invalid regex: `[`");
  EXPECT_EQ(Check("{ .a =~ .b }").message(), "invalid type for =~ or !~: .b");
  EXPECT_EQ(Check("{ span:status = nil }").message(),
            "status=nil is not valid because intrinsics cannot be nil");
  EXPECT_EQ(Check("{ resource.service.name = nil }").message(),
            "resource.service.name=nil is not valid because resource.service.name cannot be nil");
  EXPECT_EQ(Check("{ -name = \"foo\" }").message(), "illegal operation for the given type: -name");
  EXPECT_EQ(Check("max(name) > 1").message(),
            "aggregate field expressions must resolve to a number type: max(name)");
  EXPECT_EQ(Check("sum(3) = 2").message(),
            "aggregate field expressions must reference the span: sum(3)");
  EXPECT_EQ(Check("{ } | by(1)").message(),
            "grouping field expressions must reference the span: by(1)");
  EXPECT_EQ(Check("{ } | rate() | topk(0)").message(), "limit must be greater than 0");
  EXPECT_EQ(Check("{ } | quantile_over_time(duration, 1.5)").message(),
            "quantile must be between 0 and 1: 1.5");
  EXPECT_EQ(Check("{ } | compare({ }, 0)").message(),
            "compare() top number of values must be an integer between 1 and 1000");
  EXPECT_EQ(Check("{ } | compare({ }, 10, 2, 1)").message(),
            "compare() end timestamp must be greater than start timestamp");
  EXPECT_EQ(Check("{ } | compare({status=error}) > 10").message(),
            "`compare()` cannot be used with second stage functions");
  for (std::string_view q : {"{ 1 + \"foo\" = 1 }", "{ } | rate() | topk(0)"}) {
    Status s = Check(q);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << q;
    EXPECT_FALSE(IsUnsupported(s)) << q;
  }
}

TEST(ValidateTest, UnsupportedFeaturesAreAKindOfTheirOwn) {
  struct Case {
    std::string_view query;
    std::string_view message;
  };

  for (const Case& c : {
           Case{"{ parent.a != 3 }", "parent not yet supported"},
           Case{"{ parent }", "intrinsic (parent) not yet supported"},
           Case{"1 < count()", "scalar filter lhs of type (%v) not yet supported"},
           Case{"min(.a) < max(duration)", "scalar filter rhs of type (%v) not yet supported"},
           Case{"({ .a } | count()) > 2", "scalar filter lhs of type (%v) not yet supported"},
           Case{"{ } | rate() by (.a,.b,.c,.d,.e,.f)",
                "metrics group by 6 values not yet supported"},
           Case{"{ } | avg_over_time(duration) by (.a,.b,.c,.d,.e)",
                "metrics group by 5 values not yet supported"},
       }) {
    Status s = Check(c.query);
    EXPECT_TRUE(IsUnsupported(s)) << c.query << ": " << s.ToString();
    EXPECT_EQ(s.message(), c.message) << c.query;
  }
}

}  // namespace
}  // namespace vivace::traceql
