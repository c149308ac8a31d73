#include "generator/span_metrics.h"

#include "generator/span_multiplier.h"

namespace vivace::generator {
namespace {

bool IsIntrinsic(std::string_view label, bool with_job_instance) {
  return label == "service" || label == "span_name" || label == "span_kind"
         || label == "status_code" || label == "status_message"
         || (with_job_instance && (label == "job" || label == "instance"));
}

// Tempo's SanitizeLabelNameWithCollisions: a sanitized name equal to an intrinsic label gets a
// "__" prefix.
std::string DimensionLabel(std::string_view attribute, bool with_job_instance) {
  std::string label = SanitizeLabelName(attribute);
  if (IsIntrinsic(label, with_job_instance)) {
    return "__" + label;
  }
  return label;
}

// Stringified value of `key` from the resource attributes, else the span attributes. Returns
// false when neither has it.
bool FindValue(std::string_view key, const ResourceView& resource, const SpanView& span,
               std::string* out) {
  const Attribute* a = FindAttribute(resource.attributes, key);
  if (a == nullptr) {
    a = FindAttribute(span.attributes(), key);
  }
  if (a == nullptr) {
    return false;
  }
  AppendStringified(a->value, out);
  return true;
}

}  // namespace

Result<std::unique_ptr<SpanMetricsProcessor>> SpanMetricsProcessor::Create(
    config::SpanMetricsConfig config, Subprocessors subprocessors, Registry* registry,
    metrics::Counter* filtered, HistogramOptions histograms) {
  VV_ASSIGN_OR_RETURN(SpanFilter filter, SpanFilter::Build(config.filter_policies));
  return std::unique_ptr<SpanMetricsProcessor>(new SpanMetricsProcessor(
      std::move(config), subprocessors, registry, filtered, std::move(filter), histograms));
}

SpanMetricsProcessor::SpanMetricsProcessor(config::SpanMetricsConfig config,
                                           Subprocessors subprocessors, Registry* registry,
                                           metrics::Counter* filtered, SpanFilter filter,
                                           HistogramOptions histograms)
    : config_(std::move(config)),
      sub_(subprocessors),
      registry_(registry),
      filtered_(filtered),
      filter_(std::move(filter)),
      uses_multiplier_(!config_.span_multiplier_key.empty()
                       || config_.enable_tracestate_span_multiplier),
      info_builder_(registry->options().max_label_name_length,
                    registry->options().max_label_value_length) {
  for (const std::string& d : config_.dimensions) {
    dimension_labels_.push_back(DimensionLabel(d, false));
  }
  for (const config::DimensionMapping& m : config_.dimension_mappings) {
    mapping_labels_.push_back(DimensionLabel(m.name, false));
  }
  if (sub_.latency) {
    latency_ = registry_->NewHistogram(kSpanMetricsLatency, config_.histogram_buckets, histograms);
  }
  if (sub_.count) {
    calls_ = registry_->NewCounter(kSpanMetricsCallsTotal);
  }
  if (sub_.size) {
    size_ = registry_->NewCounter(kSpanMetricsSizeTotal);
  }
  if (config_.enable_target_info) {
    target_info_ = registry_->NewGauge(kTargetInfo);
  }
}

SpanMetricsProcessor::~SpanMetricsProcessor() {
  for (const Metric* m :
       {static_cast<const Metric*>(calls_), static_cast<const Metric*>(latency_),
        static_cast<const Metric*>(size_), static_cast<const Metric*>(target_info_)}) {
    if (m != nullptr) {
      registry_->RemoveMetric(m);
    }
  }
}

void SpanMetricsProcessor::OnSpan(const ResourceView& resource, const SpanView& span) {
  if (!filter_.Keep(resource, span)) {
    if (filtered_ != nullptr) {
      filtered_->Inc();
    }
    return;
  }
  if (resource.generation != resource_generation_) {
    resource_generation_ = resource.generation;
    job_.clear();
    if (!resource.service_name.empty()) {
      if (!resource.service_namespace.empty()) {
        job_ = resource.service_namespace + "/";
      }
      job_ += resource.service_name;
    }
    if (target_info_ != nullptr) {
      SetTargetInfo(resource, job_);
    }
  }

  LabelBuilder& b = registry_->builder();
  b.Reset();
  if (config_.intrinsic_service) {
    b.Add("service", resource.service_name);
  }
  if (config_.intrinsic_span_name) {
    b.Add("span_name", span.name);
  }
  if (config_.intrinsic_span_kind) {
    b.Add("span_kind", SpanKindName(span.kind));
  }
  if (config_.intrinsic_status_code) {
    b.Add("status_code", StatusCodeName(span.status_code));
  }
  if (config_.intrinsic_status_message) {
    b.Add("status_message", span.status_message);
  }
  for (size_t i = 0; i < config_.dimensions.size(); ++i) {
    std::string& v = b.Scratch();
    v.clear();
    FindValue(config_.dimensions[i], resource, span, &v);
    b.AddScratch(dimension_labels_[i]);
  }
  for (size_t i = 0; i < config_.dimension_mappings.size(); ++i) {
    const config::DimensionMapping& m = config_.dimension_mappings[i];
    std::string& v = b.Scratch();
    v.clear();
    for (const std::string& source : m.source_labels) {
      size_t before = v.size();
      if (before > 0) {
        v.append(m.join);
      }
      size_t joined = v.size();
      if (!FindValue(source, resource, span, &v) || v.size() == joined) {
        v.resize(before);  // absent or empty values are skipped, with their separator
      }
    }
    b.AddScratch(mapping_labels_[i]);
  }
  if (config_.enable_target_info) {
    if (!job_.empty()) {
      b.Add("job", job_);
    }
    if (!resource.instance_id.empty() && config_.enable_instance_label) {
      b.Add("instance", resource.instance_id);
    }
  }
  double multiplier = 1.0;
  if (uses_multiplier_) {
    multiplier = SpanMultiplier(config_.span_multiplier_key,
                                config_.enable_tracestate_span_multiplier, resource, span);
  }
  uint64_t hash = b.Finish();
  if (!b.valid_utf8()) {
    if (invalid_utf8_ != nullptr) {
      invalid_utf8_->Inc();
    }
    return;
  }
  if (calls_ != nullptr) {
    calls_->Inc(b, hash, multiplier, now_ms_);
  }
  if (latency_ != nullptr) {
    latency_->Observe(b, hash, span.DurationSeconds(), multiplier, span.trace_id, now_ms_);
  }
  if (size_ != nullptr) {
    size_->Inc(b, hash, static_cast<double>(span.size), now_ms_);
  }
}

void SpanMetricsProcessor::SetTargetInfo(const ResourceView& resource, const std::string& job) {
  LabelBuilder& b = info_builder_;
  b.Reset();
  for (const Attribute& a : resource.attributes) {
    std::string_view key = a.key;
    if (key.empty() || (key[0] >= '0' && key[0] <= '9')) {
      continue;
    }
    if (key == "service.name" || key == "service.namespace" || key == "service.instance.id") {
      continue;
    }
    bool excluded = false;
    for (const std::string& e : config_.target_info_excluded_dimensions) {
      excluded = excluded || e == key;
    }
    if (excluded) {
      continue;
    }
    std::string& v = b.Scratch();
    v.clear();
    AppendStringified(a.value, &v);
    b.AddScratch(DimensionLabel(key, true));
  }
  size_t identifying = 0;
  if (!job.empty()) {
    b.Add("job", job);
    ++identifying;
  }
  if (!resource.instance_id.empty() && config_.enable_instance_label) {
    b.Add("instance", resource.instance_id);
    ++identifying;
  }
  // Only resources with (job or instance) and at least one other attribute get a series.
  if (identifying > 0 && b.size() > identifying) {
    uint64_t hash = b.Finish();
    if (b.valid_utf8()) {
      target_info_->Set(b, hash, 1, now_ms_);
    }
  }
}

}  // namespace vivace::generator
