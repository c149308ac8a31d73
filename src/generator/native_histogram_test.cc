#include "generator/native_histogram.h"

#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

namespace vivace::generator {
namespace {

TEST(NativeHistogramTest, SchemaFromBucketFactorAsClientGolang) {
  EXPECT_EQ(PickSchema(1.1), 3);  // Tempo's default factor: 8 buckets per power of two
  EXPECT_EQ(PickSchema(2), 0);
  EXPECT_EQ(PickSchema(4), -1);
  EXPECT_EQ(PickSchema(1.00001), 8);
  EXPECT_EQ(PickSchema(1), 8);
  EXPECT_EQ(PickSchema(1e300), -4);
}

TEST(NativeHistogramTest, BucketIndexHoldsTheValueBetweenItsBounds) {
  EXPECT_EQ(BucketIndex(1, 0), 0);
  EXPECT_EQ(BucketIndex(0.75, 0), 0);
  EXPECT_EQ(BucketIndex(1.5, 0), 1);
  EXPECT_EQ(BucketIndex(2, 0), 1);
  EXPECT_EQ(BucketIndex(4, 0), 2);
  EXPECT_EQ(BucketIndex(1, -1), 0);
  EXPECT_EQ(BucketIndex(2, -1), 1);
  EXPECT_EQ(BucketIndex(4, -1), 1);
  EXPECT_EQ(BucketIndex(5, -1), 2);
  EXPECT_EQ(BucketIndex(1, 3), 0);
  EXPECT_EQ(BucketIndex(std::exp2(1.0 / 8), 3), 1);
  EXPECT_EQ(BucketIndex(std::nextafter(std::exp2(1.0 / 8), 2.0), 3), 2);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30, 30);
  for (int schema = -4; schema <= 8; ++schema) {
    double base = std::exp2(std::exp2(-schema));
    for (int i = 0; i < 2000; ++i) {
      double v = std::exp2(exponent(rng));
      int32_t index = BucketIndex(v, schema);
      double upper = std::pow(base, index);
      double lower = std::pow(base, index - 1);
      EXPECT_LE(v, upper * (1 + 1e-12)) << v << " schema " << schema;
      EXPECT_GT(v, lower * (1 - 1e-12)) << v << " schema " << schema;
    }
  }
}

TEST(NativeHistogramTest, CountsSumsAndZeroBucket) {
  NativeHistogram h({}, 0);
  h.Observe(0, 2, 0);
  h.Observe(0.05, 3, 0);
  h.Observe(1, 1, 0);
  NativeHistogramValue v;
  h.Snapshot(&v);
  EXPECT_EQ(v.schema, 3);
  EXPECT_EQ(v.count, 6u);
  EXPECT_DOUBLE_EQ(v.sum, 1.15);
  EXPECT_EQ(v.zero_count, 2u);
  EXPECT_EQ(v.zero_threshold, kNativeZeroThreshold);
  ASSERT_EQ(v.buckets.size(), 2u);
  EXPECT_EQ(v.buckets[0], std::make_pair(BucketIndex(0.05, 3), uint64_t{3}));
  EXPECT_EQ(v.buckets[1], std::make_pair(0, uint64_t{1}));
  EXPECT_FALSE(v.reset);
}

TEST(NativeHistogramTest, TooManyBucketsHalveTheResolutionKeepingCounts) {
  NativeHistogramSettings s;
  s.max_buckets = 10;
  s.min_reset_ms = 0;  // never reset
  NativeHistogram h(s, 0);
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) {
    values.push_back(0.001 * std::pow(1.07, i));
    h.Observe(values.back(), 1, i);
  }
  NativeHistogramValue v;
  h.Snapshot(&v);
  EXPECT_LT(v.schema, 3);
  EXPECT_LE(v.buckets.size(), 10u);
  EXPECT_EQ(v.count, 200u);
  // The merged buckets are exactly what observing at the final schema gives.
  std::map<int32_t, uint64_t> want;
  for (double x : values) {
    ++want[BucketIndex(x, v.schema)];
  }
  std::map<int32_t, uint64_t> got(v.buckets.begin(), v.buckets.end());
  EXPECT_EQ(got, want);
}

TEST(NativeHistogramTest, TooManyBucketsResetAfterTheMinimumResetDuration) {
  NativeHistogramSettings s;
  s.max_buckets = 4;
  s.min_reset_ms = 1000;
  NativeHistogram h(s, 0);
  for (int i = 0; i < 4; ++i) {
    h.Observe(std::exp2(i), 1, 10);
  }
  h.Observe(100, 1, 2000);  // a fifth bucket, a second after the start: reset
  NativeHistogramValue v;
  h.Snapshot(&v);
  EXPECT_TRUE(v.reset);
  EXPECT_EQ(v.schema, 3);
  EXPECT_EQ(v.count, 1u);
  EXPECT_DOUBLE_EQ(v.sum, 100);
  h.Snapshot(&v);
  EXPECT_FALSE(v.reset);  // reported once
}

}  // namespace
}  // namespace vivace::generator
