#pragma once

// Vivace's configuration: Tempo's YAML tree (3.x keys, with 2.x keys mapped) as plain structs
// with Tempo's defaults. Loading (flags, file, env expansion, strict key checking, 2.x mapping)
// lives in loader.h; rendering for /status/config in render.h. The key table that binds YAML
// keys to these fields is in keys_*.cc. Components receive the part they
// need by const reference; nothing reads the YAML directly.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/duration.h"
#include "config/generator_config.h"

namespace vivace::config {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// dskit server TLS block (`server.http_tls_config` / `grpc_tls_config`). `key` is a secret.
struct TlsServerConfig {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  std::string client_auth_type;
  std::string cert;
  std::string key;
  std::string client_ca;
};

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
  int64_t grpc_server_max_recv_msg_size = int64_t{16} * 1024 * 1024;
  int64_t grpc_server_max_send_msg_size = int64_t{16} * 1024 * 1024;
  Duration http_server_read_header_timeout{0};
  bool register_instrumentation = true;
  std::string http_listen_network = "tcp";
  std::string tls_min_version;
  std::string tls_cipher_suites;
  TlsServerConfig http_tls_config;
  TlsServerConfig grpc_tls_config;
};

// `internal_server`: a second HTTP listener for /ready probes (off by default).
struct InternalServerConfig {
  bool enable = false;
  std::string http_listen_address;
  int http_listen_port = 3101;
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
  int64_t max_request_body_size = int64_t{20} * 1024 * 1024;
  std::string traces_url_path = "/v1/traces";
};

// Jaeger thrift_http and Zipkin (Collector HTTP servers).
struct HttpReceiver : ReceiverProtocol {
  int64_t max_request_body_size = int64_t{20} * 1024 * 1024;
};

struct ZipkinReceiver : HttpReceiver {
  bool parse_string_tags = false;  // typed attributes from numeric/boolean tag strings
};

struct UdpReceiver : ReceiverProtocol {
  int max_packet_size = 65000;
  int workers = 10;
  int queue_size = 1000;
};

struct ReceiversConfig {
  OtlpGrpcReceiver otlp_grpc;         // default endpoint localhost:4317
  OtlpHttpReceiver otlp_http;         // localhost:4318
  OtlpGrpcReceiver jaeger_grpc;       // localhost:14250 (same gRPC server settings)
  HttpReceiver jaeger_thrift_http;    // localhost:14268
  UdpReceiver jaeger_thrift_compact;  // localhost:6831
  UdpReceiver jaeger_thrift_binary;   // localhost:6832
  ZipkinReceiver zipkin;              // localhost:9411
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
  // Vivace: how long the WAL writer gathers pushes before one fdatasync (0 = sync each group as
  // soon as it forms). Pushes are acknowledged only after their sync either way.
  Duration wal_sync_interval{0};
  int64_t wal_segment_size_bytes = 64 << 20;
};

// One `parquet_dedicated_columns` entry (storage block and per-tenant overrides).
struct DedicatedColumn {
  std::string name;
  std::string type = "string";       // string | int
  std::string scope = "span";        // resource | span | event
  std::vector<std::string> options;  // array | blob
  bool operator==(const DedicatedColumn&) const = default;
};

struct BlockConfig {
  std::string version = "vParquet4";
  double bloom_filter_false_positive = 0.01;
  int64_t bloom_filter_shard_size_bytes = 102400;
  int64_t parquet_row_group_size_bytes = 100'000'000;
  std::vector<DedicatedColumn> parquet_dedicated_columns;  // empty = the 14 built-in defaults
};

struct StorageSearchConfig {
  int64_t chunk_size_bytes = 1'000'000;
  int prefetch_trace_count = 1000;
  int read_buffer_count = 32;
  int64_t read_buffer_size_bytes = 1'048'576;
  bool cache_control_footer = false;
  bool cache_control_column_index = false;
  bool cache_control_offset_index = false;
};

// `storage.trace.s3`. access_key, secret_key, session_token and sse.encryption_key are secrets.
struct S3Config {
  std::string bucket;
  std::string prefix;
  std::string endpoint;  // host[:port], no scheme
  std::string region;
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  bool insecure = false;
  bool forcepathstyle = false;
  int bucket_lookup_type = 0;  // 0 auto, 1 virtual-hosted, 2 path
  bool enable_dual_stack = false;
  bool signature_v2 = false;
  int64_t part_size = 0;
  Duration hedge_requests_at{0};
  int hedge_requests_up_to = 2;
  int retry_max_attempts = 10;
  Duration retry_backoff_initial = milliseconds(200);
  Duration retry_backoff_max = seconds(1);
  int list_blocks_concurrency = 3;
  std::map<std::string, std::string> tags;
  std::string storage_class;
  std::map<std::string, std::string> metadata;
  std::string sse_type;
  std::string sse_kms_key_id;
  std::string sse_kms_encryption_context;
  std::string sse_encryption_key;
  std::string tls_cert_path;
  std::string tls_key_path;
  std::string tls_ca_path;
  std::string tls_server_name;
  bool tls_insecure_skip_verify = false;
  std::string tls_cipher_suites;
  std::string tls_min_version = "VersionTLS12";
};

struct GcsConfig {
  std::string bucket_name;
  std::string prefix;
  int64_t chunk_buffer_size = 10'485'760;
  std::string endpoint;
  bool insecure = false;
  Duration hedge_requests_at{0};
  int hedge_requests_up_to = 2;
  std::string object_cache_control;
  std::map<std::string, std::string> object_metadata;
  int list_blocks_concurrency = 3;
  int max_retries = 3;
};

// `storage.trace.azure`. storage_account_key and sas_token are secrets.
struct AzureConfig {
  std::string container_name;
  std::string prefix;
  std::string storage_account_name;
  std::string storage_account_key;
  std::string sas_token;  // Vivace: account or container SAS, used when no key is set
  std::string endpoint_suffix = "blob.core.windows.net";
  bool use_managed_identity = false;
  bool use_federated_token = false;
  std::string user_assigned_id;
  int max_buffers = 4;
  int64_t buffer_size = 3'145'728;
  Duration hedge_requests_at{0};
  int hedge_requests_up_to = 2;
};

// Memcached client (`cache.caches[].memcached`, legacy `storage.trace.memcached`).
struct MemcachedConfig {
  std::string host;
  std::string service = "memcached";
  std::string addresses;  // comma list; dns+ / dnssrv+ service discovery
  Duration timeout = milliseconds(100);
  Duration connect_timeout{0};
  int max_idle_conns = 16;
  Duration update_interval = minutes(1);
  bool consistent_hash = true;
  int64_t max_item_size = 0;
  int circuit_breaker_consecutive_failures = 10;
  Duration circuit_breaker_timeout = seconds(10);
  Duration circuit_breaker_interval = seconds(10);
  Duration ttl{0};
  bool tls_enabled = false;
  std::string tls_cert_path;
  std::string tls_key_path;
  std::string tls_ca_path;
  std::string tls_server_name;
  bool tls_insecure_skip_verify = false;
};

// Redis client (`cache.caches[].redis`, legacy `storage.trace.redis`). password is a secret.
struct RedisConfig {
  std::string endpoint;  // comma list => cluster
  std::string master_name;
  Duration timeout = milliseconds(500);
  Duration expiration{0};
  Duration ttl{0};
  int db = 0;
  int pool_size = 0;
  std::string username;
  std::string password;
  int min_idle_conns = 0;
  Duration idle_timeout{0};
  Duration max_connection_age{0};
  bool route_by_latency = false;
  bool route_randomly = false;
  bool read_only = false;
  int max_redirects = 3;
  int64_t max_item_size = 0;
  bool tls_enabled = false;
  bool tls_insecure_skip_verify = false;
};

// One `cache.caches[]` entry: the roles it serves and exactly one client.
struct CacheEntry {
  std::vector<std::string> roles;
  bool has_memcached = false;
  MemcachedConfig memcached;
  bool has_redis = false;
  RedisConfig redis;
  // Vivace's in-process LRU cache (`inmemory: {max_size_bytes: N}`), not in Tempo.
  bool has_inmemory = false;
  int64_t inmemory_max_size_bytes = 268'435'456;
};

struct CacheConfig {
  int background_writeback_goroutines = 10;
  int background_writeback_buffer = 10000;
  std::vector<CacheEntry> caches;
};

struct StorageConfig {
  std::string backend = "local";  // Tempo requires it; Vivace defaults to local disk
  std::string local_path = "/var/tempo/blocks";
  std::string wal_path = "/var/tempo/wal";
  bool wal_path_set = false;
  Duration wal_ingestion_time_range_slack = minutes(2);
  BlockConfig block;
  StorageSearchConfig search;
  Duration blocklist_poll = minutes(5);
  int blocklist_poll_concurrency = 50;
  bool blocklist_poll_fallback = true;
  int blocklist_poll_tenant_index_builders = 2;
  Duration blocklist_poll_stale_tenant_index{0};
  int pool_max_workers = 400;
  int pool_queue_depth = 20000;
  int cache_min_compaction_level = 0;
  Duration cache_max_block_age{0};
  S3Config s3;
  GcsConfig gcs;
  AzureConfig azure;
  // Deprecated 2.x cache settings; translated into `cache.caches` when that is empty.
  std::string cache;  // "" | memcached | redis
  MemcachedConfig memcached;
  RedisConfig redis;
};

// Per-tenant limits (`overrides.defaults` and entries of the per-tenant file).
struct Limits {
  // Fields are grouped by type (not by scope) to keep the struct compact; the key table in
  // keys_overrides.cc gives the YAML layout.
  std::string ingestion_rate_strategy = "local";
  std::string metrics_generator_trace_id_label_name;         // "" = traceID
  std::string metrics_generator_generate_native_histograms;  // "" | classic | native | both
  std::vector<std::string> metrics_generator_processors;
  std::map<std::string, std::string> metrics_generator_remote_write_headers;  // values are secrets
  std::vector<DedicatedColumn> storage_parquet_dedicated_columns;
  int64_t ingestion_rate_limit_bytes = 30'000'000;
  int64_t ingestion_burst_size_bytes = 30'000'000;
  int64_t ingestion_max_traces_per_user = 10000;
  int64_t ingestion_max_global_traces_per_user = 0;
  int64_t ingestion_max_attribute_bytes = 0;  // 0 = use distributor.max_attribute_bytes
  int64_t global_max_bytes_per_trace = 5'000'000;
  int64_t read_max_bytes_per_tag_values_query = 1'000'000;
  int64_t read_max_blocks_per_tag_values_query = 0;
  Duration read_max_search_duration{0};
  Duration read_max_metrics_duration{0};
  Duration compaction_block_retention{0};
  Duration compaction_compaction_window{0};
  Duration metrics_generator_collection_interval{0};  // 0 = registry setting
  Duration metrics_generator_ingestion_time_range_slack{0};
  Duration metrics_generator_native_histogram_min_reset_duration = minutes(15);
  double metrics_generator_native_histogram_bucket_factor = 1.1;
  uint32_t metrics_generator_native_histogram_max_bucket_number = 100;
  uint32_t metrics_generator_max_active_series = 0;
  uint32_t metrics_generator_max_active_entities = 0;
  uint32_t metrics_generator_max_cardinality_per_label = 0;
  bool ingestion_retry_info_enabled = true;
  bool read_left_pad_trace_ids = false;
  bool compaction_compaction_disabled = false;
  bool metrics_generator_disable_collection = false;
  SpanMetricsOverrides metrics_generator_span_metrics;
  ServiceGraphsOverrides metrics_generator_service_graphs;
  HostInfoOverrides metrics_generator_host_info;
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
  std::vector<std::string> url_deny_list;
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
  int metrics_concurrent_blocks = 2;
  double metrics_time_overlap_cutoff = 0.2;
};

struct CompactionConfig {
  Duration block_retention = hours(336);
  Duration compacted_block_retention = hours(1);
  Duration compaction_window = hours(1);
  int64_t max_block_bytes = 107'374'182'400;
  int64_t max_compaction_objects = 6'000'000;
  Duration compaction_cycle = seconds(30);
  Duration max_time_per_tenant = minutes(5);
  int retention_concurrency = 10;
  // 2.x `compactor.disabled: true`: no compaction and no retention for any tenant.
  bool disabled = false;
};

struct BackendSchedulerConfig {
  Duration work_prune_age = hours(1);
  Duration work_dead_job_timeout = hours(24);
  Duration maintenance_interval = minutes(1);
  Duration backend_flush_interval = minutes(1);
  Duration retention_interval = hours(1);  // provider.retention.interval
  Duration compaction_measure_interval = minutes(1);
  int compaction_max_jobs_per_tenant = 1000;
  int compaction_min_input_blocks = 2;
  int compaction_max_input_blocks = 4;
  int compaction_max_compaction_level = 0;  // 0 = no limit
  Duration compaction_min_cycle_interval = seconds(30);
  Duration job_timeout = seconds(15);
  std::string local_work_path = "/var/tempo";
};

struct BackendWorkerConfig {
  std::string backend_scheduler_addr;  // "" in `all` = in-process
  Duration backoff_min_period = milliseconds(100);
  Duration backoff_max_period = minutes(1);
  int backoff_max_retries = 0;
  Duration finish_on_shutdown_timeout = seconds(30);
};

// One `metrics_generator.storage.remote_write[]` entry (Prometheus remote_write). Passwords
// and credentials are secrets.
struct RemoteWriteConfig {
  std::string url;
  std::string name;
  Duration remote_timeout = seconds(30);
  std::map<std::string, std::string> headers;
  bool send_exemplars = false;
  bool send_native_histograms = false;
  std::string basic_auth_username;
  std::string basic_auth_password;
  std::string basic_auth_password_file;
  std::string authorization_type;
  std::string authorization_credentials;
  std::string authorization_credentials_file;
  std::string proxy_url;
  RemoteWriteQueueConfig queue;
};

struct MetricsGeneratorConfig {
  std::string limiter_type = "series";  // series | entity
  Duration metrics_ingestion_time_range_slack = seconds(30);
  Duration registry_collection_interval = seconds(15);
  Duration registry_stale_duration = minutes(15);
  std::map<std::string, std::string> registry_external_labels;
  std::string registry_inject_tenant_id_as;
  int registry_max_label_name_length = 1024;
  int registry_max_label_value_length = 2048;
  std::string storage_path;
  std::vector<RemoteWriteConfig> storage_remote_write;
  Duration storage_remote_write_flush_deadline = minutes(1);
  bool storage_remote_write_add_org_id_header = true;
  SpanMetricsConfig span_metrics;
  ServiceGraphsConfig service_graphs;
  HostInfoConfig host_info;
};

// `ingest.kafka` (3.x microservices write path). sasl_password is a secret.
struct KafkaConfig {
  std::string address = "localhost:9092";
  std::string topic;
  std::string client_id;
  Duration dial_timeout = seconds(2);
  Duration write_timeout = seconds(10);
  std::string sasl_mechanism = "PLAIN";
  std::string sasl_username;
  std::string sasl_password;
  bool tls_enabled = false;
  std::string consumer_group;
  bool auto_create_topic_enabled = true;
  int auto_create_topic_default_partitions = 1000;
  std::string producer_compression;
};

struct Config {
  std::string target = "all";
  bool multitenancy_enabled = false;
  std::string http_api_prefix;
  bool stream_over_http_enabled = false;
  Duration shutdown_delay{0};

  ServerConfig server;
  InternalServerConfig internal_server;
  DistributorConfig distributor;
  KafkaConfig ingest_kafka;
  LiveStoreConfig live_store;
  MetricsGeneratorConfig metrics_generator;
  StorageConfig storage;
  CacheConfig cache;
  OverridesConfig overrides;
  QueryFrontendConfig query_frontend;
  QuerierConfig querier;
  // backend_worker.compaction; backend_scheduler.provider.compaction.compaction and 2.x
  // compactor.compaction fill the keys it leaves unset.
  CompactionConfig compaction;
  BackendSchedulerConfig backend_scheduler;
  BackendWorkerConfig backend_worker;

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
