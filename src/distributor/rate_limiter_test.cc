#include "distributor/rate_limiter.h"

#include <gtest/gtest.h>

namespace vivace::distributor {
namespace {

constexpr int64_t kSec = 1'000'000'000;

TEST(RateLimiterTest, BurstThenRefill) {
  RateLimiter r;
  EXPECT_TRUE(r.AllowN("t", 60, 100, 100, 0));
  EXPECT_TRUE(r.AllowN("t", 40, 100, 100, 0));
  EXPECT_FALSE(r.AllowN("t", 1, 100, 100, 0));
  EXPECT_TRUE(r.AllowN("t", 50, 100, 100, kSec / 2));
  EXPECT_FALSE(r.AllowN("t", 200, 100, 100, 100 * kSec));  // larger than the burst: never
  EXPECT_TRUE(r.AllowN("other", 100, 100, 100, 0));          // buckets are per tenant
}

TEST(RateLimiterTest, ZeroLimitAllowsNothing) {
  RateLimiter r;
  EXPECT_FALSE(r.AllowN("t", 1, 0, 0, 0));
}

}  // namespace
}  // namespace vivace::distributor
