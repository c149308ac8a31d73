#pragma once

// Prometheus native (exponential) histograms for the generator's latency histograms, as Tempo
// produces them through client_golang when `generate_native_histograms` is `native` or `both`.
//
// Bucket layout: at schema s the bucket with index i holds values in (2^((i-1)/2^s), 2^(i/2^s)];
// values at or below the zero threshold (2^-128) go to the zero bucket. The schema comes from
// `native_histogram_bucket_factor` (the largest resolution whose growth factor does not exceed
// it: 1.1 gives schema 3, eight buckets per doubling). When a series holds more than
// `native_histogram_max_bucket_number` populated buckets it is reset if
// `native_histogram_min_reset_duration` has passed since its last reset, otherwise its
// resolution is halved (schema - 1, neighbouring buckets merged) until it fits.
//
// Observed values here are durations, never negative; a negative value is counted in the zero
// bucket. Not thread-safe (owned by a registry series).

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vivace::generator {

// client_golang's DefNativeHistogramZeroThreshold.
inline constexpr double kNativeZeroThreshold = 2.938735877055719e-39;
inline constexpr int32_t kNativeMinSchema = -4;
inline constexpr int32_t kNativeMaxSchema = 8;

struct NativeHistogramSettings {
  double bucket_factor = 1.1;
  uint32_t max_buckets = 100;             // 0 = unlimited
  int64_t min_reset_ms = 15 * 60 * 1000;  // 0 = never reset
  bool operator==(const NativeHistogramSettings&) const = default;
};

// The schema client_golang picks for a bucket factor (factors <= 1 give the finest schema).
int32_t PickSchema(double bucket_factor);
// The index of the bucket holding `v` (> the zero threshold) at `schema`.
int32_t BucketIndex(double v, int32_t schema);

// One native histogram sample as remote write carries it (integer counts, positive buckets).
struct NativeHistogramValue {
  int32_t schema = 0;
  double zero_threshold = kNativeZeroThreshold;
  uint64_t count = 0;
  double sum = 0;
  uint64_t zero_count = 0;
  std::vector<std::pair<int32_t, uint64_t>> buckets;  // (index, count), ascending, counts > 0
  bool reset = false;  // sent with reset_hint YES: the counts started again
};

class NativeHistogram {
 public:
  NativeHistogram(const NativeHistogramSettings& settings, int64_t now_ms);

  // Records `v` `n` times.
  void Observe(double v, uint64_t n, int64_t now_ms);
  // The current state; clears the reset flag.
  void Snapshot(NativeHistogramValue* out);

  int32_t schema() const { return schema_; }

  size_t populated_buckets() const { return populated_; }

  uint64_t count() const { return count_; }

 private:
  void Add(int32_t index, uint64_t n);
  void Limit(int64_t now_ms);
  void HalveResolution();
  void Reset(int64_t now_ms);

  NativeHistogramSettings settings_;
  int32_t schema_;
  uint64_t count_ = 0;
  double sum_ = 0;
  uint64_t zero_count_ = 0;
  // Dense counts for indexes first_ .. first_ + counts_.size() - 1.
  int32_t first_ = 0;
  std::vector<uint64_t> counts_;
  size_t populated_ = 0;
  int64_t last_reset_ms_;
  bool reset_ = false;
};

}  // namespace vivace::generator
