#include "generator/instance.h"

#include <algorithm>

#include "common/logging.h"
#include "generator/host_info.h"
#include "generator/metrics.h"

namespace vivace::generator {

namespace {

void ApplySpanMetricsOverrides(const config::SpanMetricsOverrides& o,
                               config::SpanMetricsConfig* c) {
  if (!o.histogram_buckets.empty()) {
    c->histogram_buckets = o.histogram_buckets;
  }
  if (!o.dimensions.empty()) {
    c->dimensions = o.dimensions;
  }
  if (!o.dimension_mappings.empty()) {
    c->dimension_mappings = o.dimension_mappings;
  }
  if (!o.filter_policies.empty()) {
    c->filter_policies = o.filter_policies;
  }
  if (!o.target_info_excluded_dimensions.empty()) {
    c->target_info_excluded_dimensions = o.target_info_excluded_dimensions;
  }
  if (!o.span_multiplier_key.empty()) {
    c->span_multiplier_key = o.span_multiplier_key;
  }
  auto apply = [](bool set, bool value, bool* field) {
    if (set) {
      *field = value;
    }
  };
  apply(o.intrinsic_service_set, o.intrinsic_service, &c->intrinsic_service);
  apply(o.intrinsic_span_name_set, o.intrinsic_span_name, &c->intrinsic_span_name);
  apply(o.intrinsic_span_kind_set, o.intrinsic_span_kind, &c->intrinsic_span_kind);
  apply(o.intrinsic_status_code_set, o.intrinsic_status_code, &c->intrinsic_status_code);
  apply(o.intrinsic_status_message_set, o.intrinsic_status_message, &c->intrinsic_status_message);
  apply(o.enable_target_info_set, o.enable_target_info, &c->enable_target_info);
  apply(o.enable_instance_label_set, o.enable_instance_label, &c->enable_instance_label);
  apply(o.enable_tracestate_span_multiplier_set, o.enable_tracestate_span_multiplier,
        &c->enable_tracestate_span_multiplier);
}

void ApplyServiceGraphsOverrides(const config::ServiceGraphsOverrides& o,
                                 config::ServiceGraphsConfig* c) {
  if (!o.histogram_buckets.empty()) {
    c->histogram_buckets = o.histogram_buckets;
  }
  if (!o.dimensions.empty()) {
    c->dimensions = o.dimensions;
  }
  if (!o.peer_attributes.empty()) {
    c->peer_attributes = o.peer_attributes;
  }
  if (!o.filter_policies.empty()) {
    c->filter_policies = o.filter_policies;
  }
  if (!o.span_multiplier_key.empty()) {
    c->span_multiplier_key = o.span_multiplier_key;
  }
  if (o.enable_client_server_prefix_set) {
    c->enable_client_server_prefix = o.enable_client_server_prefix;
  }
  if (o.enable_messaging_system_latency_histogram_set) {
    c->enable_messaging_system_latency_histogram = o.enable_messaging_system_latency_histogram;
  }
  if (o.enable_virtual_node_label_set) {
    c->enable_virtual_node_label = o.enable_virtual_node_label;
  }
  if (o.enable_tracestate_span_multiplier_set) {
    c->enable_tracestate_span_multiplier = o.enable_tracestate_span_multiplier;
  }
}

int64_t ToMillis(int64_t nanos) { return nanos / 1'000'000; }

// Batches collected samples into WriteRequests.
class BatchingSink final : public SampleSink {
 public:
  BatchingSink(size_t max_samples, std::vector<std::string>* requests,
               std::vector<std::pair<size_t, size_t>>* counts)
      : max_(std::max<size_t>(max_samples, 1)), requests_(requests), counts_(counts) {}

  void Add(std::string_view labels, double value, int64_t ts, const ExemplarRef* ex) override {
    builder_.Add(labels, value, ts, ex);
    if (builder_.samples() >= max_) {
      Flush();
    }
  }

  void AddHistogram(std::string_view labels, const NativeHistogramValue& value, int64_t ts,
                    const ExemplarRef* exemplars, size_t exemplar_count) override {
    builder_.AddHistogram(labels, value, ts, exemplars, exemplar_count);
    if (builder_.samples() >= max_) {
      Flush();
    }
  }

  void Flush() {
    if (!builder_.empty()) {
      counts_->emplace_back(builder_.samples(), builder_.exemplars());
      requests_->push_back(builder_.Take());
    }
  }

 private:
  size_t max_;
  WriteRequestBuilder builder_;
  std::vector<std::string>* requests_;
  std::vector<std::pair<size_t, size_t>>* counts_;
};

}  // namespace

// Applies the ingestion time slack, then hands each span to the enabled processors.
class Instance::Dispatch final : public SpanVisitor {
 public:
  SpanMetricsProcessor* span_metrics = nullptr;
  ServiceGraphsProcessor* service_graphs = nullptr;
  HostInfoProcessor* host_info = nullptr;
  uint64_t min_end_unix_nano = 0;
  uint64_t spans = 0;
  uint64_t outside_slack = 0;

  void OnSpan(const ResourceView& resource, const SpanView& span) override {
    ++spans;
    if (span.end_unix_nano < min_end_unix_nano) {
      ++outside_slack;
      return;
    }
    if (span_metrics != nullptr) {
      span_metrics->OnSpan(resource, span);
    }
    if (service_graphs != nullptr) {
      service_graphs->OnSpan(resource, span);
    }
    if (host_info != nullptr) {
      host_info->OnSpan(resource, span);
    }
  }
};

ProcessorSettings ResolveProcessors(const config::MetricsGeneratorConfig& config,
                                    const config::Limits& limits) {
  ProcessorSettings s;
  bool sm_all = false;
  bool sm_count = false;
  bool sm_latency = false;
  bool sm_size = false;
  bool sg_all = false;
  bool sg_request = false;
  bool sg_latency = false;
  bool sg_connection_info = false;
  for (const std::string& p : limits.metrics_generator_processors) {
    if (p == "span-metrics") {
      sm_all = true;
    } else if (p == "span-metrics-count") {
      sm_count = true;
    } else if (p == "span-metrics-latency") {
      sm_latency = true;
    } else if (p == "span-metrics-size") {
      sm_size = true;
    } else if (p == "service-graphs") {
      sg_all = true;
    } else if (p == "service-graphs-request") {
      sg_request = true;
    } else if (p == "service-graphs-latency") {
      sg_latency = true;
    } else if (p == "service-graphs-connection-info") {
      sg_connection_info = true;
    } else if (p == "host-info") {
      s.host_info = true;
    } else {
      s.unknown.push_back(p);
    }
  }
  auto mode = ParseHistogramMode(limits.metrics_generator_generate_native_histograms);
  if (mode.ok()) {
    s.histograms.mode = *mode;
  } else {
    s.histogram_mode_error = std::string(mode.status().message());
  }
  s.histograms.native.bucket_factor = limits.metrics_generator_native_histogram_bucket_factor;
  s.histograms.native.max_buckets = limits.metrics_generator_native_histogram_max_bucket_number;
  s.histograms.native.min_reset_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          limits.metrics_generator_native_histogram_min_reset_duration)
          .count();
  s.span_metrics = sm_all || sm_count || sm_latency || sm_size;
  if (s.span_metrics) {
    s.span_metrics_sub = {sm_all || sm_count, sm_all || sm_latency, sm_all || sm_size};
    s.span_metrics_config = config.span_metrics;
    ApplySpanMetricsOverrides(limits.metrics_generator_span_metrics, &s.span_metrics_config);
  }
  s.service_graphs = sg_all || sg_request || sg_latency || sg_connection_info;
  if (s.service_graphs) {
    s.service_graphs_sub = {sg_all || sg_request, sg_all || sg_latency, sg_connection_info};
    s.service_graphs_config = config.service_graphs;
    ApplyServiceGraphsOverrides(limits.metrics_generator_service_graphs, &s.service_graphs_config);
  }
  if (s.host_info) {
    s.host_info_config = config.host_info;
    const config::HostInfoOverrides& o = limits.metrics_generator_host_info;
    if (!o.host_identifiers.empty()) {
      s.host_info_config.host_identifiers = o.host_identifiers;
    }
    if (!o.metric_name.empty()) {
      s.host_info_config.metric_name = o.metric_name;
    }
  }
  return s;
}

Instance::Instance(std::string tenant, InstanceOptions options,
                   const overrides::Overrides* overrides, const Clock* clock)
    : tenant_(std::move(tenant)),
      options_(std::move(options)),
      overrides_(overrides),
      clock_(clock),
      dispatch_(std::make_unique<Dispatch>()),
      spans_received_(&SpansReceivedTotal().WithLabels({tenant_})),
      bytes_received_(&BytesReceivedTotal().WithLabels({tenant_})),
      outside_slack_(
          &SpansDiscardedTotal().WithLabels({tenant_, "outside_metrics_ingestion_slack", "all"})) {
  const config::MetricsGeneratorConfig& cfg = *options_.config;
  RegistryOptions ro;
  for (const auto& [k, v] : cfg.registry_external_labels) {
    ro.external_labels.emplace_back(k, v);
  }
  ro.external_labels.emplace_back("__metrics_gen_instance", options_.hostname);
  if (!cfg.registry_inject_tenant_id_as.empty()) {
    ro.external_labels.emplace_back(cfg.registry_inject_tenant_id_as, tenant_);
  }
  ro.max_label_name_length = static_cast<size_t>(std::max(cfg.registry_max_label_name_length, 0));
  ro.max_label_value_length = static_cast<size_t>(std::max(cfg.registry_max_label_value_length, 0));
  auto limits = overrides_->ForTenant(tenant_);
  ro.trace_id_label_name = limits->metrics_generator_trace_id_label_name;
  const overrides::Overrides* o = overrides_;
  std::string t = tenant_;
  ro.max_active_series = [o, t] { return o->ForTenant(t)->metrics_generator_max_active_series; };
  registry_ = std::make_unique<Registry>(std::move(ro));
  std::lock_guard lock(mu_);
  UpdateProcessors();
}

Instance::~Instance() {
  std::lock_guard lock(mu_);
  for (const auto* name : {"span-metrics", "service-graphs", "host-info"}) {
    ActiveProcessors().WithLabels({tenant_, name}).Set(0);
  }
}

void Instance::UpdateProcessors() {
  auto limits = overrides_->ForTenant(tenant_);
  if (limits == limits_) {
    return;  // same snapshot: nothing changed
  }
  limits_ = limits;
  ProcessorSettings next = ResolveProcessors(*options_.config, *limits);
  if (next == settings_ && (span_metrics_ != nullptr) == next.span_metrics
      && (service_graphs_ != nullptr) == next.service_graphs) {
    return;
  }
  for (const std::string& name : next.unknown) {
    if (std::find(settings_.unknown.begin(), settings_.unknown.end(), name)
        == settings_.unknown.end()) {
      VV_WARN("metrics-generator processor not available in this build, ignored",
              {"tenant", tenant_}, {"processor", name});
    }
  }
  if (!next.histogram_mode_error.empty()
      && next.histogram_mode_error != settings_.histogram_mode_error) {
    VV_WARN("metrics-generator uses classic histograms", {"tenant", tenant_},
            {"err", next.histogram_mode_error});
  }
  const bool histograms_changed = !(next.histograms == settings_.histograms);
  bool failed = false;
  if (!next.span_metrics) {
    span_metrics_.reset();
  } else if (!span_metrics_ || next.span_metrics_config != settings_.span_metrics_config
             || !(next.span_metrics_sub == settings_.span_metrics_sub) || histograms_changed) {
    span_metrics_.reset();
    metrics::Counter* filtered =
        &SpansDiscardedTotal().WithLabels({tenant_, "span_metrics_filtered", "span-metrics"});
    auto p = SpanMetricsProcessor::Create(next.span_metrics_config, next.span_metrics_sub,
                                          registry_.get(), filtered, next.histograms);
    if (p.ok()) {
      span_metrics_ = std::move(p).value();
      span_metrics_->set_invalid_utf8_counter(
          &SpansDiscardedTotal().WithLabels({tenant_, "invalid_utf8", "span-metrics"}));
    } else {
      failed = true;
      VV_ERROR("failed to create span-metrics processor", {"tenant", tenant_}, {"err", p.status()});
    }
  }
  if (!next.service_graphs) {
    service_graphs_.reset();
  } else if (!service_graphs_ || next.service_graphs_config != settings_.service_graphs_config
             || !(next.service_graphs_sub == settings_.service_graphs_sub) || histograms_changed) {
    service_graphs_.reset();
    ServiceGraphsCounters c;
    c.filtered =
        &SpansDiscardedTotal().WithLabels({tenant_, "service_graphs_filtered", "service-graphs"});
    c.invalid_utf8 = &SpansDiscardedTotal().WithLabels({tenant_, "invalid_utf8", "service-graphs"});
    c.edges = &ServiceGraphsEdges().WithLabels({tenant_});
    c.dropped_spans = &ServiceGraphsDroppedSpans().WithLabels({tenant_});
    c.dropped_edges = &ServiceGraphsDroppedEdges().WithLabels({tenant_});
    for (int32_t k = 0; k < 6; ++k) {
      c.expired_edges[k] = &ServiceGraphsExpiredEdges().WithLabels({tenant_, SpanKindName(k)});
    }
    auto p = ServiceGraphsProcessor::Create(next.service_graphs_config, next.service_graphs_sub,
                                            registry_.get(), c, next.histograms);
    if (p.ok()) {
      service_graphs_ = std::move(p).value();
    } else {
      failed = true;
      VV_ERROR("failed to create service-graphs processor", {"tenant", tenant_},
               {"err", p.status()});
    }
  }
  if (!next.host_info) {
    host_info_.reset();
  } else if (!host_info_ || next.host_info_config != settings_.host_info_config) {
    host_info_.reset();
    host_info_ = std::make_unique<HostInfoProcessor>(
        next.host_info_config, registry_.get(),
        &SpansDiscardedTotal().WithLabels({tenant_, "invalid_utf8", "host-info"}));
  }
  if (failed) {
    ActiveProcessorsUpdateFailedTotal().WithLabels({tenant_}).Inc();
  }
  settings_ = std::move(next);
  dispatch_->span_metrics = span_metrics_.get();
  dispatch_->service_graphs = service_graphs_.get();
  dispatch_->host_info = host_info_.get();
  ActiveProcessors().WithLabels({tenant_, "span-metrics"}).Set(span_metrics_ ? 1 : 0);
  ActiveProcessors().WithLabels({tenant_, "service-graphs"}).Set(service_graphs_ ? 1 : 0);
  ActiveProcessors().WithLabels({tenant_, "host-info"}).Set(host_info_ ? 1 : 0);
}

void Instance::Push(const model::RegroupedBatch& batch) {
  std::lock_guard lock(mu_);
  UpdateProcessors();
  int64_t now = clock_->NowNanos();
  Duration slack = limits_->metrics_generator_ingestion_time_range_slack.count() > 0
                       ? limits_->metrics_generator_ingestion_time_range_slack
                       : options_.config->metrics_ingestion_time_range_slack;
  dispatch_->min_end_unix_nano =
      slack.count() > 0 && now > slack.count() ? static_cast<uint64_t>(now - slack.count()) : 0;
  dispatch_->spans = dispatch_->outside_slack = 0;
  int64_t now_ms = ToMillis(now);
  if (span_metrics_) {
    span_metrics_->set_now_ms(now_ms);
  }
  if (host_info_) {
    host_info_->set_now_ms(now_ms);
  }
  if (service_graphs_) {
    service_graphs_->set_now_ms(now_ms);
  }
  for (const model::TraceSlice& t : batch.traces) {
    ByteView fragment = batch.fragment(t);
    bytes_received_->Inc(static_cast<double>(fragment.size()));
    Status s = reader_.Read(fragment, *dispatch_);
    if (!s.ok()) {
      VV_WARN("skipping malformed trace fragment", {"tenant", tenant_}, {"err", s});
    }
  }
  spans_received_->Inc(static_cast<double>(dispatch_->spans));
  if (dispatch_->outside_slack > 0) {
    outside_slack_->Inc(static_cast<double>(dispatch_->outside_slack));
  }
  ExportRegistryStats();
}

void Instance::PushFragment(ByteView fragment) {
  model::RegroupedBatch batch;
  batch.data = fragment.ToString();
  model::TraceSlice slice;
  slice.size = static_cast<uint32_t>(fragment.size());
  batch.traces.push_back(slice);
  Push(batch);
}

bool Instance::Collect(size_t max_samples, std::vector<std::string>* requests,
                       std::vector<std::pair<size_t, size_t>>* counts) {
  std::lock_guard lock(mu_);
  UpdateProcessors();
  if (limits_->metrics_generator_disable_collection) {
    return false;
  }
  BatchingSink sink(max_samples, requests, counts);
  registry_->Collect(ToMillis(clock_->NowNanos()), sink);
  sink.Flush();
  RegistryCollectionsTotal().WithLabels({tenant_}).Inc();
  ExportRegistryStats();
  return true;
}

void Instance::ExpireEdges() {
  std::lock_guard lock(mu_);
  if (service_graphs_) {
    service_graphs_->Expire(ToMillis(clock_->NowNanos()));
  }
  ExportRegistryStats();
}

void Instance::RemoveStaleSeries() {
  std::lock_guard lock(mu_);
  auto stale = std::chrono::duration_cast<std::chrono::milliseconds>(
                   options_.config->registry_stale_duration)
                   .count();
  registry_->RemoveStaleSeries(ToMillis(clock_->NowNanos()) - stale);
  ExportRegistryStats();
}

void Instance::ExportRegistryStats() {
  const RegistryStats& s = registry_->stats();
  auto delta = [](uint64_t now, uint64_t* seen) {
    double d = static_cast<double>(now - *seen);
    *seen = now;
    return d;
  };
  if (s.series_added != exported_.series_added) {
    RegistrySeriesAddedTotal().WithLabels({tenant_}).Inc(
        delta(s.series_added, &exported_.series_added));
  }
  if (s.series_removed != exported_.series_removed) {
    RegistrySeriesRemovedTotal().WithLabels({tenant_}).Inc(
        delta(s.series_removed, &exported_.series_removed));
  }
  if (s.series_limited != exported_.series_limited) {
    RegistrySeriesLimitedTotal().WithLabels({tenant_}).Inc(
        delta(s.series_limited, &exported_.series_limited));
  }
  RegistryActiveSeries().WithLabels({tenant_}).Set(registry_->active_series());
  RegistryMaxActiveSeries().WithLabels({tenant_}).Set(
      limits_ ? limits_->metrics_generator_max_active_series : 0);
}

Duration Instance::collection_interval() const {
  auto limits = overrides_->ForTenant(tenant_);
  if (limits->metrics_generator_collection_interval.count() > 0) {
    return limits->metrics_generator_collection_interval;
  }
  return options_.config->registry_collection_interval;
}

uint32_t Instance::active_series() const {
  std::lock_guard lock(mu_);
  return registry_->active_series();
}

size_t Instance::pending_edges() const {
  std::lock_guard lock(mu_);
  return service_graphs_ ? service_graphs_->pending_edges() : 0;
}

}  // namespace vivace::generator
