#include "generator/host_info.h"

namespace vivace::generator {

HostInfoProcessor::HostInfoProcessor(config::HostInfoConfig config, Registry* registry,
                                     metrics::Counter* invalid_utf8)
    : config_(std::move(config)),
      registry_(registry),
      invalid_utf8_(invalid_utf8),
      gauge_(registry->NewGauge(config_.metric_name.empty() ? "traces_host_info"
                                                            : config_.metric_name)),
      builder_(registry->options().max_label_name_length,
               registry->options().max_label_value_length) {}

HostInfoProcessor::~HostInfoProcessor() { registry_->RemoveMetric(gauge_); }

void HostInfoProcessor::OnSpan(const ResourceView& resource, const SpanView& /*span*/) {
  if (resource.generation == resource_generation_) {
    return;
  }
  resource_generation_ = resource.generation;
  for (const std::string& id : config_.host_identifiers) {
    const Attribute* a = FindAttribute(resource.attributes, id);
    if (a == nullptr) {
      continue;
    }
    AnyValue v = ParseAnyValue(a->value);
    if (v.type != AnyValue::Type::kString || v.str.empty()) {
      continue;  // Tempo takes string values only
    }
    builder_.Reset();
    builder_.Add("grafana_host_id", v.str);
    builder_.Add("host_source", id);
    uint64_t hash = builder_.Finish();
    if (!builder_.valid_utf8()) {
      if (invalid_utf8_ != nullptr) {
        invalid_utf8_->Inc();
      }
      return;
    }
    gauge_->Set(builder_, hash, 1, now_ms_);
    return;
  }
}

}  // namespace vivace::generator
