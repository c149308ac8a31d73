// Key table: metrics_generator (registry, storage, remote_write and the span-metrics and
// service-graphs processors bound; spec §2.7 and §6).

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
    SchemaBuilder<RemoteWriteConfig> q = b.Sub("queue_config");
    q.Bind("capacity", VV_FIELD(queue.capacity));
    q.Bind("max_shards", VV_FIELD(queue.max_shards));
    q.Bind("max_samples_per_send", VV_FIELD(queue.max_samples_per_send));
    q.Bind("batch_send_deadline", VV_FIELD(queue.batch_send_deadline));
    q.Bind("min_backoff", VV_FIELD(queue.min_backoff));
    q.Bind("max_backoff", VV_FIELD(queue.max_backoff));
    q.Bind("retry_on_http_429", VV_FIELD(queue.retry_on_http_429));
    q.AcceptAll({"min_shards", "sample_age_limit"}, Kind::kScalar);
    b.AcceptAll({"http_headers", "oauth2", "sigv4", "azuread", "google_iam", "tls_config",
                 "metadata_config", "proxy_connect_header"},
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

void BindSpanMetrics(SchemaBuilder<Config> b) {
  b.Bind("histogram_buckets", VV_FIELD(metrics_generator.span_metrics.histogram_buckets));
  b.Bind("intrinsic_dimensions.service",
         VV_FIELD(metrics_generator.span_metrics.intrinsic_service));
  b.Bind("intrinsic_dimensions.span_name",
         VV_FIELD(metrics_generator.span_metrics.intrinsic_span_name));
  b.Bind("intrinsic_dimensions.span_kind",
         VV_FIELD(metrics_generator.span_metrics.intrinsic_span_kind));
  b.Bind("intrinsic_dimensions.status_code",
         VV_FIELD(metrics_generator.span_metrics.intrinsic_status_code));
  b.Bind("intrinsic_dimensions.status_message",
         VV_FIELD(metrics_generator.span_metrics.intrinsic_status_message));
  b.Bind("dimensions", VV_FIELD(metrics_generator.span_metrics.dimensions));
  b.List<DimensionMapping>("dimension_mappings",
                           VV_FIELD(metrics_generator.span_metrics.dimension_mappings),
                           DimensionMappingSchema());
  b.Bind("enable_target_info", VV_FIELD(metrics_generator.span_metrics.enable_target_info));
  b.Bind("target_info_excluded_dimensions",
         VV_FIELD(metrics_generator.span_metrics.target_info_excluded_dimensions));
  b.Bind("enable_instance_label", VV_FIELD(metrics_generator.span_metrics.enable_instance_label));
  b.Bind("span_multiplier_key", VV_FIELD(metrics_generator.span_metrics.span_multiplier_key));
  b.Bind("enable_tracestate_span_multiplier",
         VV_FIELD(metrics_generator.span_metrics.enable_tracestate_span_multiplier));
  b.List<FilterPolicy>("filter_policies", VV_FIELD(metrics_generator.span_metrics.filter_policies),
                       FilterPolicySchema());
  b.Accept("subprocessors", Kind::kAnyMap);
}

void BindServiceGraphs(SchemaBuilder<Config> b) {
  b.Bind("wait", VV_FIELD(metrics_generator.service_graphs.wait));
  b.Bind("max_items", VV_FIELD(metrics_generator.service_graphs.max_items));
  b.Bind("workers", VV_FIELD(metrics_generator.service_graphs.workers));
  b.Bind("histogram_buckets", VV_FIELD(metrics_generator.service_graphs.histogram_buckets));
  b.Bind("dimensions", VV_FIELD(metrics_generator.service_graphs.dimensions));
  b.Bind("peer_attributes", VV_FIELD(metrics_generator.service_graphs.peer_attributes));
  b.Bind("database_name_attributes",
         VV_FIELD(metrics_generator.service_graphs.database_name_attributes));
  b.Bind("enable_client_server_prefix",
         VV_FIELD(metrics_generator.service_graphs.enable_client_server_prefix));
  b.Bind("enable_messaging_system_latency_histogram",
         VV_FIELD(metrics_generator.service_graphs.enable_messaging_system_latency_histogram));
  b.Bind("enable_virtual_node_label",
         VV_FIELD(metrics_generator.service_graphs.enable_virtual_node_label));
  b.Bind("span_multiplier_key", VV_FIELD(metrics_generator.service_graphs.span_multiplier_key));
  b.Bind("enable_tracestate_span_multiplier",
         VV_FIELD(metrics_generator.service_graphs.enable_tracestate_span_multiplier));
  b.List<FilterPolicy>("filter_policies",
                       VV_FIELD(metrics_generator.service_graphs.filter_policies),
                       FilterPolicySchema());
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

  BindSpanMetrics(b.Sub("processor.span_metrics"));
  BindServiceGraphs(b.Sub("processor.service_graphs"));
  b.Bind("processor.host_info.host_identifiers",
         VV_FIELD(metrics_generator.host_info.host_identifiers));
  b.Bind("processor.host_info.metric_name", VV_FIELD(metrics_generator.host_info.metric_name));
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

const Schema& FilterPolicySchema() {
  static const Schema schema = [] {
    static const Schema attribute = [] {
      Schema s;
      SchemaBuilder<FilterAttribute> b(&s);
      b.Bind("key", VV_FIELD(key));
      b.Bind("value", VV_FIELD(value));
      s.Finish();
      return s;
    }();
    static const Schema match = [] {
      Schema s;
      SchemaBuilder<PolicyMatch> b(&s);
      b.Bind("match_type", VV_FIELD(match_type));
      b.List<FilterAttribute>("attributes", VV_FIELD(attributes), attribute);
      s.Finish();
      return s;
    }();
    Schema s;
    SchemaBuilder<FilterPolicy> b(&s);
    b.Include("include", VV_FIELD(include), match);
    b.Include("include_any", VV_FIELD(include_any), match);
    b.Include("exclude", VV_FIELD(exclude), match);
    s.Finish();
    return s;
  }();
  return schema;
}

const Schema& DimensionMappingSchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<DimensionMapping> b(&s);
    b.Bind("name", VV_FIELD(name));
    b.Bind("source_labels", VV_FIELD(source_labels));
    b.Bind("join", VV_FIELD(join));
    s.Finish();
    return s;
  }();
  return schema;
}

void AddGeneratorKeys(SchemaBuilder<Config>& root) { AddGenerator(root.Sub("metrics_generator")); }

}  // namespace vivace::config
