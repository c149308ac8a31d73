// Key table: metrics_generator (registry, storage and remote_write bound; processor settings
// accepted, spec §2.7 and §6).

#include <fmt/format.h>

#include "config/keys.h"

namespace vivace::config {
namespace {

const Schema& RemoteWriteSchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<RemoteWriteConfig> b(&s);
    b.Bind("url", VV_FIELD(url));
    b.Bind("name", VV_FIELD(name));
    b.Bind("remote_timeout", VV_FIELD(remote_timeout));
    b.Bind("headers", VV_FIELD(headers));
    b.Bind("send_exemplars", VV_FIELD(send_exemplars));
    b.Bind("send_native_histograms", VV_FIELD(send_native_histograms));
    b.Bind("basic_auth.username", VV_FIELD(basic_auth_username));
    b.Bind("basic_auth.password", VV_FIELD(basic_auth_password), kPromSecret);
    b.Bind("basic_auth.password_file", VV_FIELD(basic_auth_password_file));
    b.Bind("authorization.type", VV_FIELD(authorization_type));
    b.Bind("authorization.credentials", VV_FIELD(authorization_credentials), kPromSecret);
    b.Bind("authorization.credentials_file", VV_FIELD(authorization_credentials_file));
    b.Bind("proxy_url", VV_FIELD(proxy_url));
    b.AcceptAll({"http_headers", "oauth2", "sigv4", "azuread", "google_iam", "tls_config",
                 "queue_config", "metadata_config", "proxy_connect_header"},
                Kind::kAnyMap);
    b.Accept("write_relabel_configs", Kind::kAnyList);
    b.AcceptAll({"follow_redirects", "enable_http2", "proxy_from_environment", "round_robin_dns"},
                Kind::kBool);
    b.AcceptAll({"no_proxy", "protobuf_message", "bearer_token_file"}, Kind::kString);
    b.Accept("bearer_token", Kind::kString, kPromSecret);
    s.Finish();
    return s;
  }();
  return schema;
}

void AcceptSpanMetrics(SchemaWriter w) {
  w.Accept("histogram_buckets", Kind::kFloatList);
  w.AcceptAll({"dimensions", "target_info_excluded_dimensions"}, Kind::kStringList);
  w.AcceptAll({"intrinsic_dimensions.service", "intrinsic_dimensions.span_name",
               "intrinsic_dimensions.span_kind", "intrinsic_dimensions.status_code",
               "intrinsic_dimensions.status_message", "enable_target_info", "enable_instance_label",
               "enable_tracestate_span_multiplier"},
              Kind::kBool);
  w.AcceptAll({"filter_policies", "dimension_mappings"}, Kind::kAnyList);
  w.Accept("span_multiplier_key", Kind::kString);
  w.Accept("subprocessors", Kind::kAnyMap);
}

void AcceptServiceGraphs(SchemaWriter w) {
  w.Accept("wait", Kind::kDuration);
  w.AcceptAll({"max_items", "workers"}, Kind::kInt);
  w.Accept("histogram_buckets", Kind::kFloatList);
  w.AcceptAll({"dimensions", "peer_attributes", "database_name_attributes"}, Kind::kStringList);
  w.AcceptAll({"enable_client_server_prefix", "enable_messaging_system_latency_histogram",
               "enable_virtual_node_label", "enable_tracestate_span_multiplier"},
              Kind::kBool);
  w.Accept("span_multiplier_key", Kind::kString);
  w.Accept("filter_policies", Kind::kAnyList);
}

void AddGenerator(SchemaBuilder<Config> b) {
  b.Bind("limiter_type", VV_FIELD(metrics_generator.limiter_type));
  b.Bind("metrics_ingestion_time_range_slack",
         VV_FIELD(metrics_generator.metrics_ingestion_time_range_slack));
  SchemaBuilder<Config> r = b.Sub("registry");
  r.Bind("collection_interval", VV_FIELD(metrics_generator.registry_collection_interval));
  r.Bind("stale_duration", VV_FIELD(metrics_generator.registry_stale_duration));
  r.Bind("external_labels", VV_FIELD(metrics_generator.registry_external_labels));
  r.Bind("inject_tenant_id_as", VV_FIELD(metrics_generator.registry_inject_tenant_id_as));
  r.Bind("max_label_name_length", VV_FIELD(metrics_generator.registry_max_label_name_length));
  r.Bind("max_label_value_length", VV_FIELD(metrics_generator.registry_max_label_value_length));
  SchemaBuilder<Config> st = b.Sub("storage");
  st.Bind("path", VV_FIELD(metrics_generator.storage_path));
  st.List<RemoteWriteConfig>("remote_write", VV_FIELD(metrics_generator.storage_remote_write),
                             RemoteWriteSchema());
  st.Bind("remote_write_flush_deadline",
          VV_FIELD(metrics_generator.storage_remote_write_flush_deadline));
  st.Bind("remote_write_add_org_id_header",
          VV_FIELD(metrics_generator.storage_remote_write_add_org_id_header));
  st.Accept("wal", Kind::kAnyMap);

  AcceptSpanMetrics(b.SubWriter("processor.span_metrics"));
  AcceptServiceGraphs(b.SubWriter("processor.service_graphs"));
  b.Accept("processor.host_info.host_identifiers", Kind::kStringList);
  b.Accept("processor.host_info.metric_name", Kind::kString);
  AcceptRing(b.SubWriter("ring"));
  b.AcceptAll({"override_ring_key", "ring_mode", "codec", "instance_id"}, Kind::kString);
  b.Accept("ingest_concurrency", Kind::kInt);
  b.AcceptAll({"leave_consumer_group_on_shutdown", "skip_stale_backlog_on_startup"}, Kind::kBool);

  auto ignored = [&](std::string_view key, Kind kind) {
    b.Accept(key, kind).Note(
        fmt::format("\"metrics_generator.{}\" is a Tempo 2.x setting, ignored", key),
        "the live-store serves TraceQL metrics over recent data");
  };
  ignored("processor.local_blocks", Kind::kAny);
  ignored("traces_storage", Kind::kAny);
  ignored("traces_query_storage", Kind::kAny);
  ignored("query_timeout", Kind::kDuration);
  ignored("disable_local_blocks", Kind::kBool);
  ignored("disable_grpc", Kind::kBool);
}

}  // namespace

void AddGeneratorKeys(SchemaBuilder<Config>& root) { AddGenerator(root.Sub("metrics_generator")); }

}  // namespace vivace::config
