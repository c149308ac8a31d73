#pragma once

// The per-tenant series registry of the metrics-generator (Tempo's ManagedRegistry): counters,
// gauges and classic histograms keyed by label-set hash, an active-series limit, stale-series
// removal and collection into remote-write samples.
//
// Series semantics follow Tempo: every series carries the external labels (configured ones,
// `__metrics_gen_instance` and the optional tenant label); a new counter or histogram series
// first reports 0 at the end of the previous minute so that increase() sees its first
// increments; classic histograms report `_count`, `_sum` and cumulative `_bucket{le}` series
// including `+Inf`, with the trace ID of the last observation per bucket as exemplar; native
// histograms (mode `native` or `both`, see native_histogram.h) report one histogram sample
// under the metric's own name, with the last trace IDs observed as exemplars; once over
// `max_active_series`, new series are folded into one `{metric_overflow="true"}` series.
// Unlike Tempo, a removed series gets a staleness marker at the next collection.
//
// Not thread-safe: owned by one tenant instance, which serialises pushes and collections.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "common/bytes.h"
#include "common/status.h"
#include "generator/labels.h"
#include "generator/native_histogram.h"
#include "generator/write_request.h"

namespace vivace::generator {

// Receives collected samples.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual void Add(std::string_view encoded_labels, double value, int64_t timestamp_ms,
                   const ExemplarRef* exemplar) = 0;
  virtual void AddHistogram(std::string_view encoded_labels, const NativeHistogramValue& value,
                            int64_t timestamp_ms, const ExemplarRef* exemplars,
                            size_t exemplar_count) = 0;
};

// `generate_native_histograms`: which histogram series a Histogram produces.
enum class HistogramMode : uint8_t { kClassic, kNative, kBoth };
// "" and "classic", "native", "both"; InvalidArgument otherwise.
Result<HistogramMode> ParseHistogramMode(std::string_view mode);

struct HistogramOptions {
  HistogramMode mode = HistogramMode::kClassic;
  NativeHistogramSettings native;

  bool classic() const { return mode != HistogramMode::kNative; }

  bool native_enabled() const { return mode != HistogramMode::kClassic; }

  bool operator==(const HistogramOptions&) const = default;
};

struct RegistryOptions {
  // Added to every series (a series label of the same name is replaced).
  std::vector<std::pair<std::string, std::string>> external_labels;
  size_t max_label_name_length = 1024;
  size_t max_label_value_length = 2048;
  std::string trace_id_label_name = "traceID";
  // Current max_active_series of the tenant (0 = unlimited); read on every new series.
  std::function<uint32_t()> max_active_series;
};

// What the registry did since it was created; the instance exports these under Tempo's names.
struct RegistryStats {
  uint64_t series_added = 0;
  uint64_t series_removed = 0;
  uint64_t series_limited = 0;
};

class Registry;

class Metric {
 public:
  Metric(Registry* registry, std::string name) : registry_(registry), name_(std::move(name)) {}

  Metric(const Metric&) = delete;
  Metric& operator=(const Metric&) = delete;
  virtual ~Metric() = default;

  const std::string& name() const { return name_; }

 protected:
  friend class Registry;
  virtual void Collect(int64_t now_ms, int64_t zero_ms, SampleSink& sink) = 0;
  // Removes series last updated before `stale_ms`; their labels go to `stale`.
  virtual void RemoveStale(int64_t stale_ms, std::vector<std::string>* stale) = 0;
  virtual size_t SeriesCount() const = 0;

  // Active series per entry (histograms: buckets + 2).
  virtual uint32_t Weight() const { return 1; }

  // Resolves the series key for the builder's labels (its hash from Finish()): the hash
  // itself, or the overflow series' hash once the limit is reached. Sets `*is_new` when the
  // caller must create the series with ResolvedLabels().
  uint64_t Resolve(uint64_t hash, bool exists, bool* overflow);
  // The encoded labels of a new series: the builder's labels (or the overflow label), the
  // external labels and __name__ = `name` (+ `le` when not empty).
  std::string EncodeSeriesLabels(const LabelBuilder& labels, bool overflow, std::string_view name,
                                 std::string_view le) const;
  // Accounts for a removed series.
  void Released(uint64_t hash);
  const std::string& trace_id_label_name() const;

  Registry* registry_;
  std::string name_;
};

class Counter final : public Metric {
 public:
  using Metric::Metric;
  // Adds `value` (>= 0) to the series of the builder's labels; `hash` from builder.Finish().
  void Inc(const LabelBuilder& labels, uint64_t hash, double value, int64_t now_ms);

 private:
  struct Series {
    std::string labels;
    double value = 0;
    int64_t last_updated_ms = 0;
    bool is_new = true;
  };

  void Collect(int64_t now_ms, int64_t zero_ms, SampleSink& sink) override;
  void RemoveStale(int64_t stale_ms, std::vector<std::string>* stale) override;

  size_t SeriesCount() const override { return series_.size(); }

  absl::flat_hash_map<uint64_t, Series> series_;
};

class Gauge final : public Metric {
 public:
  using Metric::Metric;
  void Set(const LabelBuilder& labels, uint64_t hash, double value, int64_t now_ms);

 private:
  struct Series {
    std::string labels;
    double value = 0;
    int64_t last_updated_ms = 0;
  };

  void Collect(int64_t now_ms, int64_t zero_ms, SampleSink& sink) override;
  void RemoveStale(int64_t stale_ms, std::vector<std::string>* stale) override;

  size_t SeriesCount() const override { return series_.size(); }

  absl::flat_hash_map<uint64_t, Series> series_;
};

class Histogram final : public Metric {
 public:
  // `buckets` are the classic upper bounds in any order; +Inf is added.
  Histogram(Registry* registry, std::string name, std::vector<double> buckets,
            HistogramOptions options);
  // Records `value` `multiplier` times (native histograms count whole observations:
  // ceil(multiplier), as Tempo's loop does); `trace_id` (raw bytes, may be empty) becomes the
  // exemplar.
  void Observe(const LabelBuilder& labels, uint64_t hash, double value, double multiplier,
               ByteView trace_id, int64_t now_ms);

  const std::vector<double>& bounds() const { return bounds_; }

  const HistogramOptions& options() const { return options_; }

 private:
  struct Exemplar {
    uint8_t trace_id[16] = {};
    uint8_t len = 0;
    double value = 0;
  };

  // Native-only mode keeps the last exemplars of each series (client_golang keeps 10).
  static constexpr size_t kNativeExemplars = 10;

  struct Native {
    std::string labels;
    NativeHistogram histogram;
    std::vector<Exemplar> exemplars;  // ring, native-only mode
    size_t next_exemplar = 0;
  };

  struct Series {
    std::string count_labels;
    std::string sum_labels;
    std::vector<std::string> bucket_labels;
    std::vector<double> buckets;  // cumulative
    std::vector<Exemplar> exemplars;
    double count = 0;
    double sum = 0;
    std::unique_ptr<Native> native;
    int64_t last_updated_ms = 0;
    bool is_new = true;
  };

  void Collect(int64_t now_ms, int64_t zero_ms, SampleSink& sink) override;
  void CollectNative(Series& s, int64_t now_ms, int64_t zero_ms, SampleSink& sink);
  void RemoveStale(int64_t stale_ms, std::vector<std::string>* stale) override;

  size_t SeriesCount() const override { return series_.size(); }

  uint32_t Weight() const override;

  HistogramOptions options_;
  std::vector<double> bounds_;  // sorted, +Inf last
  std::vector<std::string> le_;
  absl::flat_hash_map<uint64_t, Series> series_;
  // Scratch for collection.
  NativeHistogramValue value_;
  std::deque<std::string> hex_;  // stable addresses: refs_ views them
  std::vector<ExemplarRef> refs_;
};

class Registry {
 public:
  explicit Registry(RegistryOptions options);
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // A builder sized to the registry's label limits, reused by the processors.
  LabelBuilder& builder() { return builder_; }

  // Metrics live until removed or the registry is destroyed. A name registered again
  // replaces the old metric (its series are dropped, as in Tempo).
  Counter* NewCounter(const std::string& name);
  Gauge* NewGauge(const std::string& name);
  Histogram* NewHistogram(const std::string& name, std::vector<double> buckets,
                          HistogramOptions options = {});
  // Drops a metric and its series (processors being removed).
  void RemoveMetric(const Metric* metric);

  // Appends one sample per series (and staleness markers for removed series) to `sink`.
  void Collect(int64_t now_ms, SampleSink& sink);
  // Removes series not updated since `stale_before_ms`. Returns how many entries went.
  size_t RemoveStaleSeries(int64_t stale_before_ms);

  uint32_t active_series() const { return active_series_; }

  const RegistryStats& stats() const { return stats_; }

  const RegistryOptions& options() const { return options_; }

 private:
  friend class Metric;
  void Register(std::unique_ptr<Metric> metric);

  RegistryOptions options_;
  LabelBuilder builder_;
  std::vector<std::unique_ptr<Metric>> metrics_;
  std::vector<std::string> pending_stale_;
  uint32_t active_series_ = 0;
  uint64_t overflow_hash_;
  int64_t last_collection_ms_ = 0;
  RegistryStats stats_;
};

// The hex trace ID with leading zeros stripped, as Tempo writes exemplar labels.
std::string TraceIdExemplarHex(ByteView trace_id);

}  // namespace vivace::generator
