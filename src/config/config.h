#pragma once

// Vivace's configuration: Tempo's YAML tree (3.x keys, with 2.x keys mapped) as plain structs
// with Tempo's defaults. Loading (flags, file, env expansion, strict key checking, 2.x mapping)
// lives in loader.h; rendering for /status/config in render.h. Components receive the part they
// need by const reference; nothing reads the YAML directly.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/duration.h"

namespace vivace::config {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

struct ServerConfig {
  std::string http_listen_address;  // "" = all interfaces
  int http_listen_port = 3200;
  std::string grpc_listen_address;
  int grpc_listen_port = 9095;
  std::string log_level = "info";
  std::string log_format = "logfmt";
  Duration graceful_shutdown_timeout = seconds(30);
  Duration http_server_read_timeout = seconds(30);
  Duration http_server_write_timeout = seconds(30);
  Duration http_server_idle_timeout = minutes(2);
  int64_t grpc_server_max_recv_msg_size = 16 * 1024 * 1024;
  int64_t grpc_server_max_send_msg_size = 16 * 1024 * 1024;
};

// One receiver protocol (Collector-style `endpoint`). Absent from the YAML = not started.
struct ReceiverProtocol {
  bool enabled = false;
  std::string endpoint;  // host:port; defaults per protocol (localhost:<port>)
};

struct OtlpGrpcReceiver : ReceiverProtocol {
  int max_recv_msg_size_mib = 4;
};

struct OtlpHttpReceiver : ReceiverProtocol {
  int64_t max_request_body_size = 20 * 1024 * 1024;
  std::string traces_url_path = "/v1/traces";
};

struct UdpReceiver : ReceiverProtocol {
  int max_packet_size = 65000;
  int workers = 10;
  int queue_size = 1000;
};

struct ReceiversConfig {
  OtlpGrpcReceiver otlp_grpc;          // default endpoint localhost:4317
  OtlpHttpReceiver otlp_http;          // localhost:4318
  ReceiverProtocol jaeger_grpc;        // localhost:14250
  ReceiverProtocol jaeger_thrift_http; // localhost:14268
  UdpReceiver jaeger_thrift_compact;   // localhost:6831
  UdpReceiver jaeger_thrift_binary;    // localhost:6832
  ReceiverProtocol zipkin;             // localhost:9411
  // True when `distributor.receivers` was empty or absent: Tempo then enables
  // jaeger {grpc, thrift_http} + otlp {grpc} with default endpoints.
  bool defaulted = true;
};

struct LogSpansConfig {
  bool enabled = false;
  bool include_all_attributes = false;
  bool filter_by_status_error = false;
};

struct DistributorConfig {
  ReceiversConfig receivers;
  int64_t max_attribute_bytes = 2048;  // 0 = no truncation
  Duration retry_after_on_resource_exhausted = seconds(5);
  LogSpansConfig log_received_spans;
  LogSpansConfig log_discarded_spans;
};

// 3.x `live_store` (2.x `ingester` keys map onto it).
struct LiveStoreConfig {
  Duration max_trace_idle = seconds(5);
  Duration max_trace_live = seconds(30);
  Duration flush_check_period = seconds(5);
  Duration flush_op_timeout = minutes(5);
  int64_t max_live_traces_bytes = 250'000'000;
  int64_t max_block_bytes = 52'428'800;
  Duration max_block_duration = seconds(30);
  Duration complete_block_timeout = minutes(20);
  int complete_block_concurrency = 2;
  int query_block_concurrency = 10;
  Duration block_reclaim_grace = minutes(2);
  std::string wal_path = "/var/tempo/live-store/traces";
  bool wal_path_set = false;  // when unset, storage.trace.wal.path is used (2.x layout)
  Duration wal_ingestion_time_range_slack = minutes(2);
};

struct BlockConfig {
  std::string version = "vParquet4";
  double bloom_filter_false_positive = 0.01;
  int64_t bloom_filter_shard_size_bytes = 102400;
  int64_t parquet_row_group_size_bytes = 100'000'000;
};

struct StorageConfig {
  std::string backend = "local";  // Tempo requires it; Vivace defaults to local disk
  std::string local_path = "/var/tempo/blocks";
  std::string wal_path = "/var/tempo/wal";
  bool wal_path_set = false;
  Duration wal_ingestion_time_range_slack = minutes(2);
  BlockConfig block;
  Duration blocklist_poll = minutes(5);
  int blocklist_poll_concurrency = 50;
  bool blocklist_poll_fallback = true;
  int blocklist_poll_tenant_index_builders = 2;
  int pool_max_workers = 400;
  int pool_queue_depth = 20000;
};

// Per-tenant limits (`overrides.defaults` and entries of the per-tenant file).
struct Limits {
  std::string ingestion_rate_strategy = "local";
  int64_t ingestion_rate_limit_bytes = 30'000'000;
  int64_t ingestion_burst_size_bytes = 30'000'000;
  int64_t ingestion_max_traces_per_user = 10000;
  int64_t ingestion_max_global_traces_per_user = 0;
  int64_t ingestion_max_attribute_bytes = 0;  // 0 = use distributor.max_attribute_bytes
  bool ingestion_retry_info_enabled = true;
  int64_t global_max_bytes_per_trace = 5'000'000;
  int64_t read_max_bytes_per_tag_values_query = 1'000'000;
  Duration read_max_search_duration{0};
  Duration read_max_metrics_duration{0};
  bool read_left_pad_trace_ids = false;
  Duration compaction_block_retention{0};
  Duration compaction_compaction_window{0};
  bool compaction_compaction_disabled = false;
  std::vector<std::string> metrics_generator_processors;
};

struct OverridesConfig {
  Limits defaults;
  std::string per_tenant_override_config;
  Duration per_tenant_override_period = seconds(10);
  bool enable_legacy_overrides = false;
  // Tenant entries of the per-tenant file as loaded at start ("*" = wildcard). A tenant entry
  // replaces `defaults` wholesale, as in Tempo.
  std::map<std::string, Limits> per_tenant;
};

struct SearchFrontendConfig {
  int concurrent_jobs = 1000;
  int64_t target_bytes_per_job = 104'857'600;
  uint32_t default_result_limit = 20;
  uint32_t max_result_limit = 262144;
  Duration max_duration = hours(168);
  Duration query_backend_after = minutes(15);
  uint32_t default_spans_per_span_set = 3;
  uint32_t max_spans_per_span_set = 100;
};

struct MetricsFrontendConfig {
  int concurrent_jobs = 1000;
  int64_t target_bytes_per_job = 104'857'600;
  Duration max_duration = hours(24);
  Duration query_backend_after = minutes(15);
  Duration interval = minutes(5);
  uint32_t max_exemplars = 100;
  uint32_t max_response_series = 0;
  uint32_t max_intervals = 10000;
};

struct QueryFrontendConfig {
  int max_outstanding_per_tenant = 2000;
  int max_retries = 2;
  bool multi_tenant_queries_enabled = true;
  Duration api_timeout{0};
  int64_t max_query_expression_size_bytes = 131072;
  Duration query_end_cutoff = seconds(30);
  int64_t max_grpc_streaming_packet_size = 2097152;
  SearchFrontendConfig search;
  MetricsFrontendConfig metrics;
  int trace_by_id_query_shards = 50;
};

struct QuerierConfig {
  int max_concurrent_queries = 20;
  Duration trace_by_id_query_timeout = seconds(10);
  Duration search_query_timeout = seconds(30);
  std::string frontend_address;
};

struct CompactionConfig {
  Duration block_retention = hours(336);
  Duration compacted_block_retention = hours(1);
  Duration compaction_window = hours(1);
  int64_t max_block_bytes = 107'374'182'400;
  int retention_concurrency = 10;
};

struct Config {
  std::string target = "all";
  bool multitenancy_enabled = false;
  std::string http_api_prefix;
  bool stream_over_http_enabled = false;
  Duration shutdown_delay{0};

  ServerConfig server;
  DistributorConfig distributor;
  LiveStoreConfig live_store;
  StorageConfig storage;
  OverridesConfig overrides;
  QueryFrontendConfig query_frontend;
  QuerierConfig querier;
  CompactionConfig compaction;  // backend_worker.compaction (2.x compactor.compaction)

  // The live-store WAL directory in effect: live_store.wal.path when set, else a set 2.x-style
  // storage.trace.wal.path (so existing volume mounts keep working), else the 3.x default.
  const std::string& EffectiveWalPath() const {
    if (!live_store.wal_path_set && storage.wal_path_set) {
      return storage.wal_path;
    }
    return live_store.wal_path;
  }
};

}  // namespace vivace::config
