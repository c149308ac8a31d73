#include "generator/native_histogram.h"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>

namespace vivace::generator {
namespace {

// Upper bounds of the buckets within one power of two, as fractions in [0.5, 1): for schema s,
// bound k = 2^(k/2^s - 1), k = 0 .. 2^s - 1. A value's frexp fraction finds its bucket there.
const std::vector<double>& FractionBounds(int32_t schema) {
  static const std::array<std::vector<double>, kNativeMaxSchema + 1> kBounds = [] {
    std::array<std::vector<double>, kNativeMaxSchema + 1> all;
    for (int32_t s = 1; s <= kNativeMaxSchema; ++s) {
      int n = 1 << s;
      for (int k = 0; k < n; ++k) {
        all[static_cast<size_t>(s)].push_back(std::exp2(static_cast<double>(k) / n - 1.0));
      }
    }
    return all;
  }();
  return kBounds[static_cast<size_t>(schema)];
}

}  // namespace

int32_t PickSchema(double bucket_factor) {
  if (!(bucket_factor > 1)) {
    return kNativeMaxSchema;
  }
  double floor = std::floor(std::log2(std::log2(bucket_factor)));
  if (floor <= -kNativeMaxSchema) {
    return kNativeMaxSchema;
  }
  if (floor >= -kNativeMinSchema) {
    return kNativeMinSchema;
  }
  return -static_cast<int32_t>(floor);
}

int32_t BucketIndex(double v, int32_t schema) {
  if (!(v <= DBL_MAX)) {
    v = DBL_MAX;  // +Inf lands in the last finite bucket
  }
  int exp = 0;
  double frac = std::frexp(v, &exp);
  if (schema > 0) {
    const std::vector<double>& bounds = FractionBounds(schema);
    auto k =
        static_cast<int32_t>(std::lower_bound(bounds.begin(), bounds.end(), frac) - bounds.begin());
    return k + (exp - 1) * static_cast<int32_t>(bounds.size());
  }
  int32_t key = exp;
  if (frac == 0.5) {
    --key;  // powers of two are the upper bound of the bucket below
  }
  int32_t offset = (1 << -schema) - 1;
  return (key + offset) >> -schema;
}

NativeHistogram::NativeHistogram(const NativeHistogramSettings& settings, int64_t now_ms)
    : settings_(settings), schema_(PickSchema(settings.bucket_factor)), last_reset_ms_(now_ms) {}

void NativeHistogram::Observe(double v, uint64_t n, int64_t now_ms) {
  count_ += n;
  sum_ += v * static_cast<double>(n);
  if (!(v > kNativeZeroThreshold)) {
    zero_count_ += n;  // zero, negative or NaN
    return;
  }
  size_t before = populated_;
  Add(BucketIndex(v, schema_), n);
  if (populated_ > before && settings_.max_buckets != 0 && populated_ > settings_.max_buckets) {
    Limit(now_ms);
    if (count_ == 0) {  // reset: the observation starts the new histogram
      Observe(v, n, now_ms);
    }
  }
}

void NativeHistogram::Add(int32_t index, uint64_t n) {
  if (counts_.empty()) {
    first_ = index;
    counts_.assign(1, 0);
  } else if (index < first_) {
    counts_.insert(counts_.begin(), static_cast<size_t>(first_ - index), 0);
    first_ = index;
  } else if (static_cast<size_t>(index - first_) >= counts_.size()) {
    counts_.resize(static_cast<size_t>(index - first_) + 1, 0);
  }
  uint64_t& c = counts_[static_cast<size_t>(index - first_)];
  populated_ += c == 0 ? 1 : 0;
  c += n;
}

void NativeHistogram::Limit(int64_t now_ms) {
  if (settings_.min_reset_ms > 0 && now_ms - last_reset_ms_ >= settings_.min_reset_ms) {
    Reset(now_ms);
    return;
  }
  while (populated_ > settings_.max_buckets && schema_ > kNativeMinSchema) {
    HalveResolution();
  }
}

void NativeHistogram::HalveResolution() {
  // Old buckets 2j-1 and 2j make new bucket j.
  auto merged = [](int32_t i) { return (i + 1) >> 1; };
  int32_t new_first = merged(first_);
  int32_t new_last = merged(first_ + static_cast<int32_t>(counts_.size()) - 1);
  std::vector<uint64_t> next(static_cast<size_t>(new_last - new_first) + 1, 0);
  for (size_t k = 0; k < counts_.size(); ++k) {
    next[static_cast<size_t>(merged(first_ + static_cast<int32_t>(k)) - new_first)] += counts_[k];
  }
  counts_ = std::move(next);
  first_ = new_first;
  populated_ = static_cast<size_t>(
      std::count_if(counts_.begin(), counts_.end(), [](uint64_t c) { return c != 0; }));
  --schema_;
}

void NativeHistogram::Reset(int64_t now_ms) {
  schema_ = PickSchema(settings_.bucket_factor);
  count_ = 0;
  sum_ = 0;
  zero_count_ = 0;
  counts_.clear();
  populated_ = 0;
  last_reset_ms_ = now_ms;
  reset_ = true;
}

void NativeHistogram::Snapshot(NativeHistogramValue* out) {
  out->schema = schema_;
  out->zero_threshold = kNativeZeroThreshold;
  out->count = count_;
  out->sum = sum_;
  out->zero_count = zero_count_;
  out->buckets.clear();
  for (size_t k = 0; k < counts_.size(); ++k) {
    if (counts_[k] != 0) {
      out->buckets.emplace_back(first_ + static_cast<int32_t>(k), counts_[k]);
    }
  }
  out->reset = reset_;
  reset_ = false;
}

}  // namespace vivace::generator
