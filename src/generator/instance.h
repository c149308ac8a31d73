#pragma once

// One tenant's part of the metrics-generator (Tempo's generator instance): its series registry
// and the processors its overrides enable (`metrics_generator.processors`: span-metrics and its
// -count/-latency/-size parts, service-graphs and its -request/-latency/-connection-info parts,
// host-info), rebuilt when the tenant's overrides change. Pushes read each trace fragment once and
// hand every span inside the ingestion time slack to the processors.
//
// Thread-safe: one mutex serialises pushes, collection and expiry of the tenant.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "generator/host_info.h"
#include "generator/registry.h"
#include "generator/service_graphs.h"
#include "generator/span_metrics.h"
#include "generator/span_reader.h"
#include "model/regroup.h"
#include "overrides/overrides.h"

namespace vivace::generator {

struct InstanceOptions {
  std::string hostname;  // __metrics_gen_instance
  const config::MetricsGeneratorConfig* config = nullptr;
};

// Which processors a tenant's `metrics_generator.processors` list turns on, and with what
// settings (the generator's processor blocks with the tenant's processor overrides applied).
struct ProcessorSettings {
  bool span_metrics = false;
  SpanMetricsProcessor::Subprocessors span_metrics_sub;
  config::SpanMetricsConfig span_metrics_config;
  bool service_graphs = false;
  ServiceGraphsProcessor::Subprocessors service_graphs_sub;
  config::ServiceGraphsConfig service_graphs_config;
  // generate_native_histograms and the native_histogram_* limits, for every latency histogram.
  HistogramOptions histograms;
  bool host_info = false;
  config::HostInfoConfig host_info_config;
  std::string histogram_mode_error;  // an unknown mode (classic histograms are used)
  std::vector<std::string> unknown;  // names Vivace does not run (reported once)

  bool operator==(const ProcessorSettings&) const = default;
};

ProcessorSettings ResolveProcessors(const config::MetricsGeneratorConfig& config,
                                    const config::Limits& limits);

class Instance {
 public:
  Instance(std::string tenant, InstanceOptions options, const overrides::Overrides* overrides,
           const Clock* clock);
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance();

  const std::string& tenant() const { return tenant_; }

  // Runs the batch's spans through the processors.
  void Push(const model::RegroupedBatch& batch);
  void PushFragment(ByteView fragment);

  // Collects every series into WriteRequests of at most `max_samples` samples each. Returns
  // false when collection is disabled for the tenant (nothing is collected).
  bool Collect(size_t max_samples, std::vector<std::string>* requests,
               std::vector<std::pair<size_t, size_t>>* counts);
  // Expires service-graph edges and removes series not updated for `stale_duration`.
  void ExpireEdges();
  void RemoveStaleSeries();

  // The collection interval in effect (override, else registry setting).
  Duration collection_interval() const;
  uint32_t active_series() const;
  size_t pending_edges() const;

 private:
  class Dispatch;
  // REQUIRES: mu_ held.
  void UpdateProcessors();
  void ExportRegistryStats();

  const std::string tenant_;
  InstanceOptions options_;
  const overrides::Overrides* overrides_;
  const Clock* clock_;

  mutable std::mutex mu_;
  std::shared_ptr<const config::Limits> limits_;  // the snapshot processors were built from
  ProcessorSettings settings_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<SpanMetricsProcessor> span_metrics_;
  std::unique_ptr<ServiceGraphsProcessor> service_graphs_;
  std::unique_ptr<HostInfoProcessor> host_info_;
  std::unique_ptr<Dispatch> dispatch_;
  SpanReader reader_;
  RegistryStats exported_;
  metrics::Counter* spans_received_;
  metrics::Counter* bytes_received_;
  metrics::Counter* outside_slack_;
};

}  // namespace vivace::generator
