#include "traceql/go_compat.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace vivace::traceql {
namespace {

TEST(GoCompatTest, FormatsFloatsLikeGoShortestG) {
  EXPECT_EQ(FormatGoFloat(1.5), "1.5");
  EXPECT_EQ(FormatGoFloat(1), "1");
  EXPECT_EQ(FormatGoFloat(100000), "100000");
  EXPECT_EQ(FormatGoFloat(1e6), "1e+06");
  EXPECT_EQ(FormatGoFloat(1234567), "1.234567e+06");
  EXPECT_EQ(FormatGoFloat(1e21), "1e+21");
  EXPECT_EQ(FormatGoFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatGoFloat(0.00001), "1e-05");
  EXPECT_EQ(FormatGoFloat(-2.5e-300), "-2.5e-300");
  EXPECT_EQ(FormatGoFloat(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatGoFloat(0), "0");
  EXPECT_EQ(FormatGoFloat(-0.0), "-0");
  EXPECT_EQ(FormatGoFloat(std::nan("")), "NaN");
  EXPECT_EQ(FormatGoFloat(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatGoFloat(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(GoCompatTest, FormatsMetricsFloats) {
  EXPECT_EQ(FormatMetricsFloat(100), "100");
  EXPECT_EQ(FormatMetricsFloat(-3), "-3");
  EXPECT_EQ(FormatMetricsFloat(0.5), "0.5");
  EXPECT_EQ(FormatMetricsFloat(1e21), "1e+21");
}

TEST(GoCompatTest, AtoiKeepsGoErrorTexts) {
  EXPECT_EQ(*GoAtoi("007"), 7);
  EXPECT_EQ(*GoAtoi("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(GoAtoi("9223372036854775808").status().message(),
            "strconv.Atoi: parsing \"9223372036854775808\": value out of range");
  EXPECT_EQ(GoAtoi("0x1F").status().message(), "strconv.Atoi: parsing \"0x1F\": invalid syntax");
  EXPECT_FALSE(GoAtoi("1_000").ok());
}

TEST(GoCompatTest, ParseFloatAcceptsGoLiteralForms) {
  EXPECT_EQ(*GoParseFloat("1.5"), 1.5);
  EXPECT_EQ(*GoParseFloat(".5"), 0.5);
  EXPECT_EQ(*GoParseFloat("1e3"), 1000);
  EXPECT_EQ(*GoParseFloat("0x1p3"), 8);
  EXPECT_EQ(*GoParseFloat("1_0.5"), 10.5);
  EXPECT_EQ(*GoParseFloat("1e-400"), 0);  // underflow rounds to zero, no error
  EXPECT_EQ(GoParseFloat("1e400").status().message(),
            "strconv.ParseFloat: parsing \"1e400\": value out of range");
  EXPECT_FALSE(GoParseFloat("1__0.5").ok());
}

TEST(GoCompatTest, ParsesGoDurations) {
  EXPECT_EQ(*GoParseDuration("1.5h"), 5400000000000);
  EXPECT_EQ(*GoParseDuration("250us"), 250000);
  EXPECT_EQ(*GoParseDuration("1\xc2\xb5s"), 1000);
  EXPECT_EQ(*GoParseDuration(".5s"), 500000000);
  EXPECT_EQ(*GoParseDuration("1h2.5m"), 3750000000000);
  EXPECT_EQ(*GoParseDuration("1.1s"), 1100000000);
  EXPECT_FALSE(GoParseDuration("1d").has_value());
  EXPECT_FALSE(GoParseDuration("1").has_value());
  EXPECT_FALSE(GoParseDuration("3000000h").has_value());  // overflows int64 ns
}

TEST(GoCompatTest, ParsesPrometheusDurations) {
  EXPECT_EQ(*PromParseDuration("1d"), 86400000000000);
  EXPECT_EQ(*PromParseDuration("2w"), 1209600000000000);
  EXPECT_EQ(*PromParseDuration("1y"), 31536000000000000);
  EXPECT_EQ(*PromParseDuration("1h30m"), 5400000000000);
  EXPECT_EQ(*PromParseDuration("90s"), 90000000000);
  EXPECT_FALSE(PromParseDuration("30m1h").has_value());  // biggest unit first
  EXPECT_FALSE(PromParseDuration("1.5h").has_value());   // no fractions
  EXPECT_FALSE(PromParseDuration("1us").has_value());
}

TEST(GoCompatTest, FormatsDurationsLikeGo) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(90000000000), "1m30s");
  EXPECT_EQ(FormatGoDuration(10800000000000), "3h0m0s");
  EXPECT_EQ(FormatGoDuration(1500000), "1.5ms");
  EXPECT_EQ(FormatGoDuration(1000), "1\xc2\xb5s");
}

TEST(GoCompatTest, UnquotesGoStrings) {
  EXPECT_EQ(*GoUnquote(R"("a\tb")"), "a\tb");
  EXPECT_EQ(*GoUnquote(R"("\x41\101\u00e9")"), "AA\xc3\xa9");
  EXPECT_EQ(*GoUnquote("`a\r\nb`"), "a\nb");  // raw strings drop CR
  EXPECT_FALSE(GoUnquote(R"("\'")").has_value());
  EXPECT_FALSE(GoUnquote(R"("\400")").has_value());
  EXPECT_FALSE(GoUnquote(R"("\ud800")").has_value());
  EXPECT_FALSE(GoUnquote("\"a\nb\"").has_value());
}

}  // namespace
}  // namespace vivace::traceql
