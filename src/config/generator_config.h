#pragma once

// Settings of the metrics-generator's processors (spec config-and-operations.md §6): the
// `metrics_generator.processor.{span_metrics,service_graphs}` blocks of the main config, the
// same blocks as per-tenant overrides, and the remote_write queue settings. Plain structs with
// Tempo's defaults; bound to YAML keys in keys_generator.cc and keys_overrides.cc.

#include <string>
#include <vector>

#include "common/duration.h"

namespace vivace::config {

// One `attributes[]` entry of a filter policy: `key` is `resource.<attr>`, `span.<attr>` or an
// intrinsic (`name`, `status`, `kind`); `value` is the YAML scalar as written (its type is
// inferred from the text: true/false, integer, float, else string).
struct FilterAttribute {
  std::string key;
  std::string value;
  bool operator==(const FilterAttribute&) const = default;
};

struct PolicyMatch {
  std::string match_type;  // strict | regex
  std::vector<FilterAttribute> attributes;
  bool operator==(const PolicyMatch&) const = default;
};

// `filter_policies[]`: a span must match every `include`, or any `include_any`, and no
// `exclude` (spec §2.15). An empty match (no attributes, no match_type) is absent.
struct FilterPolicy {
  PolicyMatch include;
  PolicyMatch include_any;
  PolicyMatch exclude;
  bool operator==(const FilterPolicy&) const = default;
};

// `dimension_mappings[]`: label `name` = the non-empty values of `source_labels` joined by `join`.
struct DimensionMapping {
  std::string name;
  std::vector<std::string> source_labels;
  std::string join;
  bool operator==(const DimensionMapping&) const = default;
};

struct SpanMetricsConfig {
  std::vector<double> histogram_buckets = {0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128,
                                           0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384};
  bool intrinsic_service = true;
  bool intrinsic_span_name = true;
  bool intrinsic_span_kind = true;
  bool intrinsic_status_code = true;
  bool intrinsic_status_message = false;
  std::vector<std::string> dimensions;
  std::vector<DimensionMapping> dimension_mappings;
  bool enable_target_info = false;
  std::vector<std::string> target_info_excluded_dimensions;
  bool enable_instance_label = true;
  std::string span_multiplier_key;
  bool enable_tracestate_span_multiplier = false;
  std::vector<FilterPolicy> filter_policies;
  bool operator==(const SpanMetricsConfig&) const = default;
};

struct ServiceGraphsConfig {
  Duration wait = std::chrono::seconds(10);
  int max_items = 10000;
  int workers = 10;
  std::vector<double> histogram_buckets = {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8};
  std::vector<std::string> dimensions;
  bool enable_client_server_prefix = false;
  bool enable_messaging_system_latency_histogram = false;
  std::vector<std::string> peer_attributes = {"peer.service", "db.name", "db.system",
                                              "db.system.name"};
  std::vector<std::string> database_name_attributes = {"db.namespace", "db.name", "db.system",
                                                       "db.system.name"};
  bool enable_virtual_node_label = false;
  std::string span_multiplier_key;
  bool enable_tracestate_span_multiplier = false;
  std::vector<FilterPolicy> filter_policies;
  bool operator==(const ServiceGraphsConfig&) const = default;
};

// `processor.host_info`: traces_host_info{grafana_host_id, host_source} = 1 per host seen.
struct HostInfoConfig {
  std::vector<std::string> host_identifiers = {"k8s.node.name", "host.id"};
  std::string metric_name = "traces_host_info";
  bool operator==(const HostInfoConfig&) const = default;
};

// Per-tenant `metrics_generator.processor.span_metrics.*` overrides: a field replaces the
// generator's setting when present (lists: when non-empty), as Tempo's override getters do.
struct SpanMetricsOverrides {
  std::vector<double> histogram_buckets;
  std::vector<std::string> dimensions;
  std::vector<DimensionMapping> dimension_mappings;
  std::vector<FilterPolicy> filter_policies;
  std::vector<std::string> target_info_excluded_dimensions;
  std::string span_multiplier_key;
  bool intrinsic_service = false, intrinsic_service_set = false;
  bool intrinsic_span_name = false, intrinsic_span_name_set = false;
  bool intrinsic_span_kind = false, intrinsic_span_kind_set = false;
  bool intrinsic_status_code = false, intrinsic_status_code_set = false;
  bool intrinsic_status_message = false, intrinsic_status_message_set = false;
  bool enable_target_info = false, enable_target_info_set = false;
  bool enable_instance_label = false, enable_instance_label_set = false;
  bool enable_tracestate_span_multiplier = false, enable_tracestate_span_multiplier_set = false;
};

struct ServiceGraphsOverrides {
  std::vector<double> histogram_buckets;
  std::vector<std::string> dimensions;
  std::vector<std::string> peer_attributes;
  std::vector<FilterPolicy> filter_policies;
  std::string span_multiplier_key;
  bool enable_client_server_prefix = false, enable_client_server_prefix_set = false;
  bool enable_messaging_system_latency_histogram = false,
       enable_messaging_system_latency_histogram_set = false;
  bool enable_virtual_node_label = false, enable_virtual_node_label_set = false;
  bool enable_tracestate_span_multiplier = false, enable_tracestate_span_multiplier_set = false;
};

struct HostInfoOverrides {
  std::vector<std::string> host_identifiers;
  std::string metric_name;
};

// `remote_write[].queue_config` (Prometheus' names and defaults). Vivace keeps the queue in
// memory: at most `capacity * max_shards` samples wait while the endpoint is down; beyond that
// the oldest are dropped.
struct RemoteWriteQueueConfig {
  int capacity = 10000;
  int max_shards = 50;
  int max_samples_per_send = 2000;
  Duration batch_send_deadline = std::chrono::seconds(5);
  Duration min_backoff = std::chrono::milliseconds(30);
  Duration max_backoff = std::chrono::seconds(5);
  bool retry_on_http_429 = false;
};

}  // namespace vivace::config
