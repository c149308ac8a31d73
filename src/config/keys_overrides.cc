// Key table: overrides. One table of per-tenant limits in the scoped format; the legacy flat
// format is derived from it by renaming (spec §2.13), so both always accept the same limits.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/keys.h"
#include "config/loader.h"
#include "config/yaml_walk.h"

namespace vivace::config {
namespace {

void AddGeneratorLimits(SchemaBuilder<Limits> b) {
  b.Bind("processors", VV_FIELD(metrics_generator_processors));
  b.Bind("max_active_series", VV_FIELD(metrics_generator_max_active_series));
  b.Bind("max_active_entities", VV_FIELD(metrics_generator_max_active_entities));
  b.Bind("max_cardinality_per_label", VV_FIELD(metrics_generator_max_cardinality_per_label));
  b.Bind("collection_interval", VV_FIELD(metrics_generator_collection_interval));
  b.Bind("disable_collection", VV_FIELD(metrics_generator_disable_collection));
  b.Bind("trace_id_label_name", VV_FIELD(metrics_generator_trace_id_label_name));
  b.Bind("ingestion_time_range_slack", VV_FIELD(metrics_generator_ingestion_time_range_slack));
  b.Bind("generate_native_histograms", VV_FIELD(metrics_generator_generate_native_histograms));
  b.Bind("remote_write_headers", VV_FIELD(metrics_generator_remote_write_headers), kPromSecret);
  b.Bind("native_histogram_bucket_factor",
         VV_FIELD(metrics_generator_native_histogram_bucket_factor));
  b.Bind("native_histogram_max_bucket_number",
         VV_FIELD(metrics_generator_native_histogram_max_bucket_number));
  b.Bind("native_histogram_min_reset_duration",
         VV_FIELD(metrics_generator_native_histogram_min_reset_duration));
  b.AcceptAll({"ring_size", "forwarder.queue_size", "forwarder.workers"}, Kind::kInt);
  b.Accept("span_name_sanitization", Kind::kString);
  b.Accept("dry_run_enabled", Kind::kBool);

  SchemaBuilder<Limits> sg = b.Sub("processor.service_graphs");
  sg.Bind("histogram_buckets", VV_FIELD(metrics_generator_service_graphs.histogram_buckets));
  sg.Bind("dimensions", VV_FIELD(metrics_generator_service_graphs.dimensions));
  sg.Bind("peer_attributes", VV_FIELD(metrics_generator_service_graphs.peer_attributes));
  sg.List<FilterPolicy>("filter_policies",
                        VV_FIELD(metrics_generator_service_graphs.filter_policies),
                        FilterPolicySchema());
  sg.Bind("enable_client_server_prefix",
          VV_FIELD(metrics_generator_service_graphs.enable_client_server_prefix))
      .MarkPresent(VV_FIELD(metrics_generator_service_graphs.enable_client_server_prefix_set));
  sg.Bind("enable_messaging_system_latency_histogram",
          VV_FIELD(metrics_generator_service_graphs.enable_messaging_system_latency_histogram))
      .MarkPresent(
          VV_FIELD(metrics_generator_service_graphs.enable_messaging_system_latency_histogram_set));
  sg.Bind("enable_virtual_node_label",
          VV_FIELD(metrics_generator_service_graphs.enable_virtual_node_label))
      .MarkPresent(VV_FIELD(metrics_generator_service_graphs.enable_virtual_node_label_set));
  sg.Bind("enable_tracestate_span_multiplier",
          VV_FIELD(metrics_generator_service_graphs.enable_tracestate_span_multiplier))
      .MarkPresent(
          VV_FIELD(metrics_generator_service_graphs.enable_tracestate_span_multiplier_set));
  sg.Bind("span_multiplier_key", VV_FIELD(metrics_generator_service_graphs.span_multiplier_key));

  SchemaBuilder<Limits> sm = b.Sub("processor.span_metrics");
  sm.Bind("histogram_buckets", VV_FIELD(metrics_generator_span_metrics.histogram_buckets));
  sm.Bind("dimensions", VV_FIELD(metrics_generator_span_metrics.dimensions));
  sm.Bind("target_info_excluded_dimensions",
          VV_FIELD(metrics_generator_span_metrics.target_info_excluded_dimensions));
  sm.Bind("intrinsic_dimensions.service",
          VV_FIELD(metrics_generator_span_metrics.intrinsic_service))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.intrinsic_service_set));
  sm.Bind("intrinsic_dimensions.span_name",
          VV_FIELD(metrics_generator_span_metrics.intrinsic_span_name))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.intrinsic_span_name_set));
  sm.Bind("intrinsic_dimensions.span_kind",
          VV_FIELD(metrics_generator_span_metrics.intrinsic_span_kind))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.intrinsic_span_kind_set));
  sm.Bind("intrinsic_dimensions.status_code",
          VV_FIELD(metrics_generator_span_metrics.intrinsic_status_code))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.intrinsic_status_code_set));
  sm.Bind("intrinsic_dimensions.status_message",
          VV_FIELD(metrics_generator_span_metrics.intrinsic_status_message))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.intrinsic_status_message_set));
  sm.List<FilterPolicy>("filter_policies", VV_FIELD(metrics_generator_span_metrics.filter_policies),
                        FilterPolicySchema());
  sm.List<DimensionMapping>("dimension_mappings",
                            VV_FIELD(metrics_generator_span_metrics.dimension_mappings),
                            DimensionMappingSchema());
  sm.Bind("enable_target_info", VV_FIELD(metrics_generator_span_metrics.enable_target_info))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.enable_target_info_set));
  sm.Bind("enable_instance_label", VV_FIELD(metrics_generator_span_metrics.enable_instance_label))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.enable_instance_label_set));
  sm.Bind("enable_tracestate_span_multiplier",
          VV_FIELD(metrics_generator_span_metrics.enable_tracestate_span_multiplier))
      .MarkPresent(VV_FIELD(metrics_generator_span_metrics.enable_tracestate_span_multiplier_set));
  sm.Bind("span_multiplier_key", VV_FIELD(metrics_generator_span_metrics.span_multiplier_key));

  b.Bind("processor.host_info.host_identifiers",
         VV_FIELD(metrics_generator_host_info.host_identifiers));
  b.Bind("processor.host_info.metric_name", VV_FIELD(metrics_generator_host_info.metric_name));
  SchemaWriter lb = b.SubWriter("processor.local_blocks");
  lb.AcceptAll({"max_live_traces", "concurrent_blocks"}, Kind::kInt);
  lb.Accept("max_block_bytes", Kind::kInt64);
  lb.AcceptAll(
      {"max_block_duration", "flush_check_period", "trace_idle_period", "complete_block_timeout"},
      Kind::kDuration);
  lb.Accept("filter_server_spans", Kind::kBool);
}

Schema BuildLimitsSchema() {
  Schema s;
  SchemaBuilder<Limits> b(&s);
  SchemaBuilder<Limits> in = b.Sub("ingestion");
  in.Bind("rate_strategy", VV_FIELD(ingestion_rate_strategy));
  in.Bind("rate_limit_bytes", VV_FIELD(ingestion_rate_limit_bytes));
  in.Bind("burst_size_bytes", VV_FIELD(ingestion_burst_size_bytes));
  in.Bind("max_traces_per_user", VV_FIELD(ingestion_max_traces_per_user));
  in.Bind("max_global_traces_per_user", VV_FIELD(ingestion_max_global_traces_per_user));
  in.Bind("max_attribute_bytes", VV_FIELD(ingestion_max_attribute_bytes));
  in.Bind("retry_info_enabled", VV_FIELD(ingestion_retry_info_enabled));
  in.Accept("tenant_shard_size", Kind::kInt);
  in.Accept("artificial_delay", Kind::kDuration);
  b.Bind("global.max_bytes_per_trace", VV_FIELD(global_max_bytes_per_trace));
  SchemaBuilder<Limits> rd = b.Sub("read");
  rd.Bind("max_bytes_per_tag_values_query", VV_FIELD(read_max_bytes_per_tag_values_query));
  rd.Bind("max_blocks_per_tag_values_query", VV_FIELD(read_max_blocks_per_tag_values_query));
  rd.Bind("max_search_duration", VV_FIELD(read_max_search_duration), kDays);
  rd.Bind("max_metrics_duration", VV_FIELD(read_max_metrics_duration), kDays);
  rd.Bind("left_pad_trace_ids", VV_FIELD(read_left_pad_trace_ids));
  rd.Accept("max_condition_groups_per_tag_query", Kind::kInt);
  rd.AcceptAll({"unsafe_query_hints", "metrics_spanonly_fetch", "span_pruning_awareness",
                "engine_bytes_tracking", "span_pruning_enabled"},
               Kind::kBool);
  SchemaBuilder<Limits> cp = b.Sub("compaction");
  cp.Bind("block_retention", VV_FIELD(compaction_block_retention), kDays);
  cp.Bind("compaction_window", VV_FIELD(compaction_compaction_window), kDays);
  cp.Bind("compaction_disabled", VV_FIELD(compaction_compaction_disabled));
  AddGeneratorLimits(b.Sub("metrics_generator"));
  b.Accept("forwarders", Kind::kStringList);
  b.List<DedicatedColumn>("storage.parquet_dedicated_columns",
                          VV_FIELD(storage_parquet_dedicated_columns), DedicatedColumnSchema());
  b.Accept("cost_attribution.max_cardinality", Kind::kInt);
  b.Accept("cost_attribution.dimensions", Kind::kStringMap);
  s.Finish();
  return s;
}

// The legacy flat name of a scoped limits path.
std::string LegacyName(const std::string& path) {
  if (path == "ingestion.max_traces_per_user" || path == "ingestion.max_global_traces_per_user") {
    return path.substr(std::string_view("ingestion.").size());
  }
  for (std::string_view strip : {"global.", "compaction.", "read.", "storage."}) {
    if (path.compare(0, strip.size(), strip) == 0) {
      return path.substr(strip.size());
    }
  }
  if (path.compare(0, 17, "cost_attribution.") == 0) {
    return path;
  }
  std::string out = path;
  // Maps inside a limit keep their nesting: `..._intrinsic_dimensions: {service: true}`.
  size_t keep = out.find("intrinsic_dimensions.");
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '.' && (keep == std::string::npos || i < keep)) {
      out[i] = '_';
    }
  }
  return out;
}

Schema BuildLegacyLimitsSchema() {
  Schema s;
  for (const Key& k : LimitsSchema().keys()) {
    Key legacy = k;
    legacy.path = LegacyName(k.path);
    s.mutable_keys().push_back(std::move(legacy));
  }
  s.Finish();
  return s;
}

void AddOverridesTopKeys(SchemaBuilder<OverridesConfig>& b) {
  b.Bind("per_tenant_override_config", VV_FIELD(per_tenant_override_config));
  b.Bind("per_tenant_override_period", VV_FIELD(per_tenant_override_period), kDays);
  b.Bind("enable_legacy_overrides", VV_FIELD(enable_legacy_overrides));
  b.Accept("user_configurable_overrides.enabled", Kind::kBool);
  b.Accept("user_configurable_overrides.poll_interval", Kind::kDuration);
  b.Accept("user_configurable_overrides.client", Kind::kAnyMap);
  b.Accept("user_configurable_overrides.api.check_for_conflicting_runtime_overrides", Kind::kBool);
}

bool IsTopOverridesKey(std::string_view name) {
  return name == "per_tenant_override_config" || name == "per_tenant_override_period"
         || name == "enable_legacy_overrides" || name == "user_configurable_overrides";
}

Status ReadOverrides(const YAML::Node& value, const std::string& path, int line, void* root,
                     WalkState& st) {
  if (value.IsNull()) {
    return Status::Ok();
  }
  if (!value.IsMap()) {
    return LineError(line, fmt::format("key \"{}\": expected a map", path));
  }
  bool scoped = false;
  bool legacy = false;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it->first.IsScalar()) {
      continue;  // reported by the walk
    }
    const std::string& name = it->first.Scalar();
    if (name == "defaults") {
      scoped = true;
    } else if (!IsTopOverridesKey(name) && LegacyLimitsSchema().root().Child(name) != nullptr) {
      legacy = true;
    }
  }
  if (scoped && legacy) {
    return LineError(line,
                     "key \"overrides\": legacy flat limits cannot be mixed with "
                     "\"defaults\" (the scoped format)");
  }
  auto* config = static_cast<Config*>(root);
  if (legacy) {
    st.legacy_overrides = true;
    st.Warn("Inline, unscoped overrides are deprecated",
            "Please migrate to the scoped format: overrides: {defaults: {ingestion: ..., "
            "global: ...}}");
    return WalkMap(value, OverridesLegacySchema().root(), &config->overrides, path, line, st);
  }
  return WalkMap(value, OverridesScopedSchema().root(), &config->overrides, path, line, st);
}

void RenderOverrides(const void* root, const void* defaults, RenderMode mode, RenderNode* out) {
  RenderNode node;
  node.key = "overrides";
  RenderSchema(OverridesScopedSchema().root(), &static_cast<const Config*>(root)->overrides,
               &static_cast<const Config*>(defaults)->overrides, mode, &node);
  if (!node.children.empty()) {
    out->children.push_back(std::move(node));
  }
}

}  // namespace

const Schema& LimitsSchema() {
  static const Schema schema = BuildLimitsSchema();
  return schema;
}

const Schema& LegacyLimitsSchema() {
  static const Schema schema = BuildLegacyLimitsSchema();
  return schema;
}

const Schema& OverridesScopedSchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<OverridesConfig> b(&s);
    b.Include("defaults", VV_FIELD(defaults), LimitsSchema());
    AddOverridesTopKeys(b);
    s.Finish();
    return s;
  }();
  return schema;
}

const Schema& OverridesLegacySchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<OverridesConfig> b(&s);
    AddOverridesTopKeys(b);
    b.Include("", VV_FIELD(defaults), LegacyLimitsSchema());
    s.Finish();
    return s;
  }();
  return schema;
}

void AddOverridesKeys(SchemaBuilder<Config>& b) {
  b.Custom("overrides", ReadOverrides, RenderOverrides);
}

}  // namespace vivace::config
