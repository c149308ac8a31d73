#include "common/strconv.h"

#include <gtest/gtest.h>

namespace vivace {
namespace {

TEST(StrconvTest, GoMessages) {
  EXPECT_EQ(*ParseInt64("-12"), -12);
  EXPECT_EQ(*ParseUint32("4294967295"), 4294967295u);
  EXPECT_EQ(ParseInt64("x").status().message(), "strconv.ParseInt: parsing \"x\": invalid syntax");
  EXPECT_EQ(ParseUint64("abc").status().message(),
            "strconv.ParseUint: parsing \"abc\": invalid syntax");
  EXPECT_EQ(ParseUint32("4294967296").status().message(),
            "strconv.ParseUint: parsing \"4294967296\": value out of range");
  EXPECT_EQ(ParseInt64("").status().message(), "strconv.ParseInt: parsing \"\": invalid syntax");
  EXPECT_FALSE(ParseUint64("-1").ok());
}

}  // namespace
}  // namespace vivace
