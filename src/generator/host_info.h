#pragma once

// The host-info processor (Tempo's processor/hostinfo; spec §6.3): for every resource carrying
// one of `host_identifiers` (first match in that order, string values only), the gauge
// `metric_name`{grafana_host_id=<value>, host_source=<attribute name>} = 1. Series go stale
// when a host stops sending spans.
//
// Owned by a tenant instance; runs under its lock.

#include <cstdint>
#include <memory>
#include <string>

#include "common/metrics.h"
#include "config/generator_config.h"
#include "generator/registry.h"
#include "generator/span_reader.h"

namespace vivace::generator {

class HostInfoProcessor final : public SpanVisitor {
 public:
  // `invalid_utf8` counts resources whose labels are not valid UTF-8 (skipped).
  HostInfoProcessor(config::HostInfoConfig config, Registry* registry,
                    metrics::Counter* invalid_utf8);
  HostInfoProcessor(const HostInfoProcessor&) = delete;
  HostInfoProcessor& operator=(const HostInfoProcessor&) = delete;
  ~HostInfoProcessor() override;

  void set_now_ms(int64_t now_ms) { now_ms_ = now_ms; }

  // Looks at each resource once (its first span).
  void OnSpan(const ResourceView& resource, const SpanView& span) override;

 private:
  config::HostInfoConfig config_;
  Registry* registry_;
  metrics::Counter* invalid_utf8_;
  Gauge* gauge_;
  LabelBuilder builder_;
  uint64_t resource_generation_ = 0;
  int64_t now_ms_ = 0;
};

}  // namespace vivace::generator
