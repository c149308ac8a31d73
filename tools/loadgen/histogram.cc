#include "loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace vivace::loadgen {
namespace {

constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
constexpr uint64_t kLinear = uint64_t{1} << (kSubBits + 1);
constexpr size_t kBuckets = kLinear + (64 - (kSubBits + 1)) * (uint64_t{1} << kSubBits);

}  // namespace

Histogram::Histogram() : buckets_(kBuckets, 0) {}

size_t Histogram::BucketOf(uint64_t value) {
  if (value < kLinear) {
    return static_cast<size_t>(value);
  }
  int msb = 63 - std::countl_zero(value);
  uint64_t sub = (value >> (msb - kSubBits)) & ((uint64_t{1} << kSubBits) - 1);
  return static_cast<size_t>(
      kLinear + (static_cast<uint64_t>(msb) - (kSubBits + 1)) * (uint64_t{1} << kSubBits) + sub);
}

uint64_t Histogram::BucketLow(size_t bucket) {
  if (bucket < kLinear) {
    return bucket;
  }
  uint64_t rel = bucket - kLinear;
  int msb = static_cast<int>(rel >> kSubBits) + kSubBits + 1;
  uint64_t sub = rel & ((uint64_t{1} << kSubBits) - 1);
  return (uint64_t{1} << msb) | (sub << (msb - kSubBits));
}

void Histogram::Record(uint64_t value) {
  ++buckets_[BucketOf(value)];
  ++count_;
  sum_ += value;
  max_ = std::max(max_, value);
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) {
    buckets_[i] += other.buckets_[i];
  }
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

void Histogram::Clear() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = sum_ = max_ = 0;
}

uint64_t Histogram::Quantile(double q) const {
  if (count_ == 0) {
    return 0;
  }
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the wanted value, 1-based: the smallest value with at least q of the data at
  // or below it.
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      uint64_t low = BucketLow(i);
      uint64_t high = i + 1 < kBuckets ? BucketLow(i + 1) : max_;
      return std::min(low + (high - low) / 2, max_);
    }
  }
  return max_;
}

}  // namespace vivace::loadgen
