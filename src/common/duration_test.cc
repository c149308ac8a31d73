#include "common/duration.h"

#include <gtest/gtest.h>

namespace vivace {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(DurationTest, ParsesGoSyntax) {
  EXPECT_EQ(*ParseDuration("0"), Duration(0));
  EXPECT_EQ(*ParseDuration("5s"), seconds(5));
  EXPECT_EQ(*ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("2m0s"), minutes(2));
  EXPECT_EQ(*ParseDuration("-1s"), seconds(-1));
  EXPECT_EQ(*ParseDuration("100us"), std::chrono::microseconds(100));
}

TEST(DurationTest, RejectsBadInput) {
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("5").ok());
  EXPECT_FALSE(ParseDuration("14d").ok());
  EXPECT_FALSE(ParseDuration("s").ok());
  EXPECT_FALSE(ParseDuration("1x").ok());
  EXPECT_FALSE(ParseDuration("99999999999999h").ok());
  EXPECT_EQ(ParseDuration("14d").status().message(), "time: unknown unit \"d\" in duration \"14d\"");
}

TEST(DurationTest, DaysOnlyWhenAllowed) {
  EXPECT_EQ(*ParseDuration("14d", true), hours(24 * 14));
  EXPECT_EQ(*ParseDuration("1w", true), hours(24 * 7));
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(FormatDuration(Duration(0)), "0s");
  EXPECT_EQ(FormatDuration(seconds(5)), "5s");
  EXPECT_EQ(FormatDuration(minutes(5)), "5m0s");
  EXPECT_EQ(FormatDuration(hours(1)), "1h0m0s");
  EXPECT_EQ(FormatDuration(hours(336)), "336h0m0s");
  EXPECT_EQ(FormatDuration(milliseconds(300)), "300ms");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(Duration(1500)), "1.5\xc2\xb5s");
  EXPECT_EQ(FormatDuration(seconds(-90)), "-1m30s");
}

}  // namespace
}  // namespace vivace
