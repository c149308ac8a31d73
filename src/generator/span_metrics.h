#pragma once

// The span-metrics processor (Tempo's processor/spanmetrics; spec §6.1): per span, a label set
// of the intrinsic dimensions (service, span_name, span_kind, status_code, optional
// status_message), the configured `dimensions` (resource attribute, else span attribute),
// `dimension_mappings`, and job/instance when target_info is on; then
// traces_spanmetrics_calls_total += multiplier, traces_spanmetrics_latency observes the
// duration (exemplar: trace ID) and traces_spanmetrics_size_total += encoded span bytes.
// With enable_target_info, traces_target_info{job, instance, <resource attributes>} = 1 once
// per resource.
//
// Owned by a tenant instance; runs under its lock.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "config/generator_config.h"
#include "generator/filter.h"
#include "generator/registry.h"
#include "generator/span_reader.h"

namespace vivace::generator {

inline constexpr char kSpanMetricsCallsTotal[] = "traces_spanmetrics_calls_total";
inline constexpr char kSpanMetricsLatency[] = "traces_spanmetrics_latency";
inline constexpr char kSpanMetricsSizeTotal[] = "traces_spanmetrics_size_total";
inline constexpr char kTargetInfo[] = "traces_target_info";

class SpanMetricsProcessor final : public SpanVisitor {
 public:
  struct Subprocessors {
    bool count = true;
    bool latency = true;
    bool size = true;
    bool operator==(const Subprocessors&) const = default;
  };

  // `filtered` counts spans the filter policies dropped. InvalidArgument for a bad filter.
  static Result<std::unique_ptr<SpanMetricsProcessor>> Create(config::SpanMetricsConfig config,
                                                              Subprocessors subprocessors,
                                                              Registry* registry,
                                                              metrics::Counter* filtered,
                                                              HistogramOptions histograms = {});
  SpanMetricsProcessor(const SpanMetricsProcessor&) = delete;
  SpanMetricsProcessor& operator=(const SpanMetricsProcessor&) = delete;
  ~SpanMetricsProcessor() override;

  // Counts spans whose labels are not valid UTF-8 (they are skipped, as in Tempo).
  void set_invalid_utf8_counter(metrics::Counter* c) { invalid_utf8_ = c; }

  // Timestamp for series updated by the following spans.
  void set_now_ms(int64_t now_ms) { now_ms_ = now_ms; }

  void OnSpan(const ResourceView& resource, const SpanView& span) override;

 private:
  SpanMetricsProcessor(config::SpanMetricsConfig config, Subprocessors subprocessors,
                       Registry* registry, metrics::Counter* filtered, SpanFilter filter,
                       HistogramOptions histograms);
  void SetTargetInfo(const ResourceView& resource, const std::string& job);

  config::SpanMetricsConfig config_;
  Subprocessors sub_;
  Registry* registry_;
  metrics::Counter* filtered_;
  metrics::Counter* invalid_utf8_ = nullptr;
  SpanFilter filter_;
  Counter* calls_ = nullptr;
  Histogram* latency_ = nullptr;
  Counter* size_ = nullptr;
  Gauge* target_info_ = nullptr;
  std::vector<std::string> dimension_labels_;
  std::vector<std::string> mapping_labels_;
  bool uses_multiplier_;
  int64_t now_ms_ = 0;
  uint64_t resource_generation_ = 0;
  std::string job_;
  LabelBuilder info_builder_;
};

}  // namespace vivace::generator
