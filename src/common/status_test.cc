#include "common/status.h"

#include <gtest/gtest.h>

namespace vivace {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) {
    return Status::InvalidArgument("odd value");
  }
  return v / 2;
}

Result<int> Quarter(int v) {
  VV_ASSIGN_OR_RETURN(int h, Half(v));
  VV_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int v) {
  VV_RETURN_IF_ERROR(Half(v));
  return Status::Ok();
}

TEST(StatusTest, OkHoldsNothing) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Code::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = Status::NotFound("trace not found");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.ToString(), "NOT_FOUND: trace not found");
  Status copy = s;
  EXPECT_EQ(copy, s);
  EXPECT_EQ(s.WithContext("reading block").message(), "reading block: trace not found");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).message(), "odd value");
}

TEST(StatusTest, ResultFromOkStatusIsAnError) {
  Result<int> r = Status::Ok();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInternal);
}

}  // namespace
}  // namespace vivace
