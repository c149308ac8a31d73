#include "backend/rfc3339.h"

#include <gtest/gtest.h>

namespace vivace::backend {
namespace {

TEST(Rfc3339Test, FormatsWholeSecondsAndFractions) {
  EXPECT_EQ(FormatRfc3339({0, 0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339({1656933069, 0}), "2022-07-04T11:11:09Z");
  EXPECT_EQ(FormatRfc3339({1656933069, 120000000}), "2022-07-04T11:11:09.12Z");
  EXPECT_EQ(FormatRfc3339({1656933069, 1}), "2022-07-04T11:11:09.000000001Z");
  EXPECT_EQ(FormatRfc3339({-1, 0}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339({951782400, 0}), "2000-02-29T00:00:00Z");
}

TEST(Rfc3339Test, GoZeroTimeRoundTrips) {
  auto t = ParseRfc3339("0001-01-01T00:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->seconds, -62135596800);
  EXPECT_EQ(FormatRfc3339(*t), "0001-01-01T00:00:00Z");
}

TEST(Rfc3339Test, ClampsOutOfRangeYears) {
  EXPECT_EQ(FormatRfc3339({INT64_MIN, 0}), "0000-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339({INT64_MAX, 0}), "9999-12-31T23:59:59.999999999Z");
}

TEST(Rfc3339Test, Parses) {
  auto t = ParseRfc3339("2022-07-04T11:11:09Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (Timestamp{1656933069, 0}));
  t = ParseRfc3339("2022-07-04T13:11:09.5+02:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (Timestamp{1656933069, 500000000}));
  t = ParseRfc3339("2022-07-04T11:11:09.1234567891234Z");  // digits past nanoseconds dropped
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (Timestamp{1656933069, 123456789}));
  t = ParseRfc3339("2022-07-04T06:11:09-05:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->seconds, 1656933069);
}

TEST(Rfc3339Test, RoundTripsManyInstants) {
  for (int64_t s = -62'000'000'000; s < 250'000'000'000; s += 987'654'321) {
    Timestamp t{s, static_cast<int32_t>(s % 1000) * 1000};
    if (t.nanos < 0) {
      t.nanos = -t.nanos;
    }
    auto back = ParseRfc3339(FormatRfc3339(t));
    ASSERT_TRUE(back.ok()) << FormatRfc3339(t);
    EXPECT_EQ(*back, t);
  }
}

TEST(Rfc3339Test, RejectsMalformed) {
  for (const char* bad :
       {"", "2022", "2022-07-04", "2022-07-04 11:11:09Z", "2022-07-04T11:11:09",
        "2022-13-04T11:11:09Z", "2022-02-30T11:11:09Z", "2021-02-29T00:00:00Z",
        "2022-07-04T24:00:00Z", "2022-07-04T11:60:00Z", "2022-07-04T11:11:60Z",
        "2022-07-04T11:11:09.Z", "2022-07-04T11:11:09+0200", "2022-07-04T11:11:09Zjunk",
        "+2022-07-04T11:11:09Z", "2022-07-04T11:11:09+24:00", "0000-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-00:01"}) {
    EXPECT_EQ(ParseRfc3339(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace vivace::backend
