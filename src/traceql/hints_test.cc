#include "traceql/hints.h"

#include <gtest/gtest.h>

#include "traceql/parser.h"

namespace vivace::traceql {
namespace {

TEST(HintsTest, TypedReadsAndUnsafeHints) {
  Result<Query> q = Parse(
      "{ } | rate() with(sample=0.1,exemplars=5,most_recent=true,job_size=1000,"
      "debug_return_in=1s,skip_ast_transformations=\"or_to_in, all\",span_sample=1)");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(HintFloat(*q, kHintSample, false), 0.1);
  EXPECT_EQ(HintFloat(*q, kHintSpanSample, false), 1.0);  // a float read accepts an int
  EXPECT_EQ(HintInt(*q, kHintExemplars, false), 5);
  EXPECT_FALSE(HintBool(*q, kHintExemplars, false).has_value());  // wrong type: ignored
  EXPECT_EQ(HintBool(*q, kHintMostRecent, false), true);
  EXPECT_FALSE(HintInt(*q, kHintJobSize, false).has_value());  // unsafe
  EXPECT_EQ(HintInt(*q, kHintJobSize, true), 1000);
  EXPECT_EQ(HintDuration(*q, "debug_return_in", true), 1000000000);
  EXPECT_EQ(HintStringList(*q, kHintSkipAstTransformations, true),
            (std::vector<std::string>{"or_to_in", " all"}));
  EXPECT_FALSE(HintFloat(*Parse("{ }"), kHintSample, true).has_value());
}

}  // namespace
}  // namespace vivace::traceql
