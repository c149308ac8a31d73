// Key table: top level, server, internal_server, memberlist and the shared client blocks
// (kvstore, ring, gRPC client, TLS) that many parts of the tree reuse.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/keys.h"
#include "config/scalar.h"
#include "config/yaml_walk.h"

namespace vivace::config {
namespace {

Status ReadAuthEnabled(const YAML::Node& value, const std::string& path, int line, void* /*root*/,
                       WalkState& st) {
  if (value.IsNull()) {
    return Status::Ok();
  }
  if (!value.IsScalar()) {
    return LineError(line, fmt::format("key \"{}\": expected a boolean", path));
  }
  auto b = ParseYamlBool(value.Scalar());
  if (!b.ok()) {
    return LineError(line, fmt::format("key \"{}\": {}", path, b.status().message()));
  }
  st.auth_enabled = st.auth_enabled || *b;
  st.Warn("auth_enabled is deprecated", "use multitenancy_enabled instead");
  return Status::Ok();
}

Schema BuildConfigSchema() {
  Schema s;
  SchemaBuilder<Config> b(&s);
  AddTopLevelKeys(b);
  AddServerKeys(b);
  AddIngestKeys(b);
  AddGeneratorKeys(b);
  AddQueryKeys(b);
  AddMaintenanceKeys(b);
  AddStorageKeys(b);
  AddOverridesKeys(b);
  AddMemberlistKeys(b);
  s.Finish();
  return s;
}

}  // namespace

const Schema& ConfigSchema() {
  static const Schema schema = BuildConfigSchema();
  return schema;
}

void AddTopLevelKeys(SchemaBuilder<Config>& b) {
  b.Bind("target", VV_FIELD(target));
  b.Bind("multitenancy_enabled", VV_FIELD(multitenancy_enabled));
  b.Custom("auth_enabled", ReadAuthEnabled, nullptr);
  b.Bind("stream_over_http_enabled", VV_FIELD(stream_over_http_enabled));
  b.Bind("http_api_prefix", VV_FIELD(http_api_prefix));
  b.Bind("shutdown_delay", VV_FIELD(shutdown_delay));
  b.AcceptAll({"enable_go_runtime_metrics", "span_profiling", "memory.automemlimit_enabled",
               "usage_report.reporting_enabled"},
              Kind::kBool);
  b.Accept("memory.automemlimit_ratio", Kind::kFloat);
  b.AcceptAll({"usage_report.backoff.min_period", "usage_report.backoff.max_period"},
              Kind::kDuration);
  b.Accept("usage_report.backoff.max_retries", Kind::kInt);
}

const Schema& TlsServerSchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<TlsServerConfig> b(&s);
    b.Bind("cert_file", VV_FIELD(cert_file));
    b.Bind("key_file", VV_FIELD(key_file));
    b.Bind("client_ca_file", VV_FIELD(client_ca_file));
    b.Bind("client_auth_type", VV_FIELD(client_auth_type));
    b.Bind("cert", VV_FIELD(cert));
    b.Bind("key", VV_FIELD(key), kSecret);
    b.Bind("client_ca", VV_FIELD(client_ca));
    s.Finish();
    return s;
  }();
  return schema;
}

void AcceptServer(SchemaWriter w) {
  w.AcceptAll({"http_listen_network", "http_listen_address", "grpc_listen_network",
               "grpc_listen_address", "log_format", "log_level", "log_source_ips_header",
               "log_source_ips_regex", "http_path_prefix", "tls_cipher_suites", "tls_min_version"},
              Kind::kString);
  w.AcceptAll(
      {"http_listen_port", "http_listen_conn_limit", "grpc_listen_port", "grpc_listen_conn_limit",
       "grpc_server_max_concurrent_streams", "grpc_server_num_workers",
       "grpc_server_read_buffer_size", "grpc_server_write_buffer_size"},
      Kind::kInt);
  w.AcceptAll({"grpc_server_max_recv_msg_size", "grpc_server_max_send_msg_size"}, Kind::kInt64);
  w.AcceptAll({"proxy_protocol_enabled", "register_instrumentation",
               "report_grpc_codes_in_instrumentation_label_enabled",
               "http_log_closed_connections_without_response_enabled",
               "grpc_server_ping_without_stream_allowed", "grpc_server_stats_tracking_enabled",
               "grpc_server_recv_buffer_pools_enabled", "grpc_collect_max_streams_by_conn",
               "log_source_ips_enabled", "log_request_headers", "log_request_at_info_level_enabled",
               "trace_request_headers", "create_new_traces"},
              Kind::kBool);
  w.AcceptAll(
      {"graceful_shutdown_timeout", "http_server_read_timeout", "http_server_read_header_timeout",
       "http_server_write_timeout", "http_server_idle_timeout", "grpc_server_max_connection_idle",
       "grpc_server_max_connection_age", "grpc_server_max_connection_age_grace",
       "grpc_server_keepalive_time", "grpc_server_keepalive_timeout",
       "grpc_server_min_time_between_pings"},
      Kind::kDuration);
  w.Accept("log_request_exclude_headers_list", Kind::kStringList, kCsv);
  for (std::string_view tls : {"http_tls_config", "grpc_tls_config"}) {
    w.SubWriter(tls).AcceptAll(
        {"cert_file", "key_file", "client_ca_file", "client_auth_type", "cert", "client_ca"},
        Kind::kString);
    w.SubWriter(tls).Accept("key", Kind::kString, kSecret);
  }
  w.Accept("cluster_validation", Kind::kAnyMap);
}

void AddServerKeys(SchemaBuilder<Config>& root) {
  SchemaBuilder<Config> b = root.Sub("server");
  b.Bind("http_listen_network", VV_FIELD(server.http_listen_network));
  b.Bind("http_listen_address", VV_FIELD(server.http_listen_address));
  b.Bind("http_listen_port", VV_FIELD(server.http_listen_port));
  b.Bind("grpc_listen_address", VV_FIELD(server.grpc_listen_address));
  b.Bind("grpc_listen_port", VV_FIELD(server.grpc_listen_port));
  b.Bind("log_level", VV_FIELD(server.log_level));
  b.Bind("log_format", VV_FIELD(server.log_format));
  b.Bind("register_instrumentation", VV_FIELD(server.register_instrumentation));
  b.Bind("graceful_shutdown_timeout", VV_FIELD(server.graceful_shutdown_timeout));
  b.Bind("http_server_read_timeout", VV_FIELD(server.http_server_read_timeout));
  b.Bind("http_server_read_header_timeout", VV_FIELD(server.http_server_read_header_timeout));
  b.Bind("http_server_write_timeout", VV_FIELD(server.http_server_write_timeout));
  b.Bind("http_server_idle_timeout", VV_FIELD(server.http_server_idle_timeout));
  b.Bind("grpc_server_max_recv_msg_size", VV_FIELD(server.grpc_server_max_recv_msg_size));
  b.Bind("grpc_server_max_send_msg_size", VV_FIELD(server.grpc_server_max_send_msg_size));
  b.Bind("tls_min_version", VV_FIELD(server.tls_min_version));
  b.Bind("tls_cipher_suites", VV_FIELD(server.tls_cipher_suites));
  b.Include("http_tls_config", VV_FIELD(server.http_tls_config), TlsServerSchema());
  b.Include("grpc_tls_config", VV_FIELD(server.grpc_tls_config), TlsServerSchema());
  AcceptServer(b.AsWriter());

  // internal_server is a dskit server block (inline) plus `enable`.
  SchemaBuilder<Config> in = root.Sub("internal_server");
  in.Bind("enable", VV_FIELD(internal_server.enable));
  in.Bind("http_listen_address", VV_FIELD(internal_server.http_listen_address));
  in.Bind("http_listen_port", VV_FIELD(internal_server.http_listen_port));
  AcceptServer(in.AsWriter());
}

void AcceptTlsClient(SchemaWriter w) {
  w.Accept("tls_enabled", Kind::kBool);
  w.AcceptAll({"tls_cert_path", "tls_key_path", "tls_ca_path", "tls_server_name",
               "tls_cipher_suites", "tls_min_version"},
              Kind::kString);
  w.Accept("tls_insecure_skip_verify", Kind::kBool);
}

void AcceptKvStore(SchemaWriter w) {
  w.AcceptAll({"store", "prefix"}, Kind::kString);
  SchemaWriter consul = w.SubWriter("consul");
  consul.Accept("host", Kind::kString);
  consul.Accept("acl_token", Kind::kString, kSecret);
  consul.AcceptAll({"http_client_timeout", "cas_retry_delay"}, Kind::kDuration);
  consul.Accept("consistent_reads", Kind::kBool);
  consul.Accept("watch_rate_limit", Kind::kFloat);
  consul.Accept("watch_burst_size", Kind::kInt);
  SchemaWriter etcd = w.SubWriter("etcd");
  etcd.Accept("endpoints", Kind::kStringList, kCsv);
  etcd.Accept("dial_timeout", Kind::kDuration);
  etcd.Accept("max_retries", Kind::kInt);
  etcd.Accept("username", Kind::kString);
  etcd.Accept("password", Kind::kString, kSecret);
  AcceptTlsClient(etcd);
  SchemaWriter multi = w.SubWriter("multi");
  multi.AcceptAll({"primary", "secondary"}, Kind::kString);
  multi.Accept("mirror_enabled", Kind::kBool);
  multi.Accept("mirror_timeout", Kind::kDuration);
}

void AcceptRing(SchemaWriter w) {
  AcceptKvStore(w.SubWriter("kvstore"));
  w.AcceptAll({"heartbeat_period", "heartbeat_timeout", "wait_stability_min_duration",
               "wait_stability_max_duration", "observe_period", "join_after", "min_ready_duration",
               "final_sleep"},
              Kind::kDuration);
  w.AcceptAll({"instance_id", "instance_addr", "instance_zone", "tokens_file_path"}, Kind::kString);
  w.AcceptAll(
      {"instance_port", "replication_factor", "num_tokens", "auto_forget_unhealthy_periods"},
      Kind::kInt);
  w.AcceptAll({"enable_inet6", "zone_awareness_enabled", "unregister_on_shutdown"}, Kind::kBool);
  w.AcceptAll({"instance_interface_names", "excluded_zones"}, Kind::kStringList, kCsv);
}

void AcceptGrpcClient(SchemaWriter w) {
  w.AcceptAll({"max_recv_msg_size", "max_send_msg_size", "rate_limit_burst"}, Kind::kInt);
  w.Accept("grpc_compression", Kind::kString);
  w.Accept("rate_limit", Kind::kFloat);
  w.Accept("backoff_on_ratelimits", Kind::kBool);
  w.AcceptAll({"backoff_config.min_period", "backoff_config.max_period", "connect_timeout",
               "connect_backoff_base_delay", "connect_backoff_max_delay"},
              Kind::kDuration);
  w.Accept("backoff_config.max_retries", Kind::kInt);
  w.AcceptAll({"initial_stream_window_size", "initial_connection_window_size"}, Kind::kScalar);
  w.Accept("cluster_validation.label", Kind::kString);
  AcceptTlsClient(w);
}

void AddMemberlistKeys(SchemaBuilder<Config>& root) {
  SchemaWriter w = root.SubWriter("memberlist");
  w.AcceptAll({"node_name", "advertise_addr", "cluster_label"}, Kind::kString);
  w.AcceptAll({"randomize_node_name", "compression_enabled", "abort_if_cluster_join_fails",
               "cluster_label_verification_disabled"},
              Kind::kBool);
  w.AcceptAll(
      {"stream_timeout", "pull_push_interval", "gossip_interval", "gossip_to_dead_nodes_time",
       "dead_node_reclaim_time", "min_join_backoff", "max_join_backoff", "rejoin_interval",
       "left_ingesters_timeout", "leave_timeout", "packet_dial_timeout", "packet_write_timeout",
       "acquire_writer_timeout", "broadcast_timeout_for_local_updates_on_shutdown",
       "notify_interval", "obsolete_entries_timeout"},
      Kind::kDuration);
  w.AcceptAll(
      {"retransmit_factor", "gossip_nodes", "max_join_retries", "bind_port", "advertise_port",
       "max_concurrent_writes", "message_history_buffer_bytes", "watch_prefix_buffer_size"},
      Kind::kInt);
  w.AcceptAll({"join_members", "bind_addr"}, Kind::kStringList, kCsv);
  w.AcceptAll({"zone_aware_routing", "propagation_delay_tracker"}, Kind::kAnyMap);
  AcceptTlsClient(w);
}

}  // namespace vivace::config
