// Key table: storage.trace (local / s3 / gcs / azure, block, WAL, polling), cache, and the
// backend maintenance blocks (backend_scheduler, backend_worker, the shared compaction block and
// the 2.x compactor mapped onto it).

#include <fmt/format.h>

#include "config/keys.h"

namespace vivace::config {
namespace {

void AddS3Keys(SchemaBuilder<Config> b) {
  b.Bind("bucket", VV_FIELD(storage.s3.bucket));
  b.Bind("prefix", VV_FIELD(storage.s3.prefix));
  b.Bind("endpoint", VV_FIELD(storage.s3.endpoint));
  b.Bind("region", VV_FIELD(storage.s3.region));
  b.Bind("access_key", VV_FIELD(storage.s3.access_key));
  b.Bind("secret_key", VV_FIELD(storage.s3.secret_key), kSecret);
  b.Bind("session_token", VV_FIELD(storage.s3.session_token), kSecret);
  b.Bind("insecure", VV_FIELD(storage.s3.insecure));
  b.Bind("forcepathstyle", VV_FIELD(storage.s3.forcepathstyle));
  b.Bind("bucket_lookup_type", VV_FIELD(storage.s3.bucket_lookup_type));
  b.Bind("enable_dual_stack", VV_FIELD(storage.s3.enable_dual_stack));
  b.Bind("signature_v2", VV_FIELD(storage.s3.signature_v2));
  b.Bind("part_size", VV_FIELD(storage.s3.part_size));
  b.Bind("hedge_requests_at", VV_FIELD(storage.s3.hedge_requests_at));
  b.Bind("hedge_requests_up_to", VV_FIELD(storage.s3.hedge_requests_up_to));
  b.Bind("retry_max_attempts", VV_FIELD(storage.s3.retry_max_attempts));
  b.Bind("retry_backoff_initial", VV_FIELD(storage.s3.retry_backoff_initial));
  b.Bind("retry_backoff_max", VV_FIELD(storage.s3.retry_backoff_max));
  b.Bind("list_blocks_concurrency", VV_FIELD(storage.s3.list_blocks_concurrency));
  b.Bind("tags", VV_FIELD(storage.s3.tags));
  b.Bind("storage_class", VV_FIELD(storage.s3.storage_class));
  b.Bind("metadata", VV_FIELD(storage.s3.metadata));
  b.Bind("sse.type", VV_FIELD(storage.s3.sse_type));
  b.Bind("sse.kms_key_id", VV_FIELD(storage.s3.sse_kms_key_id));
  b.Bind("sse.kms_encryption_context", VV_FIELD(storage.s3.sse_kms_encryption_context));
  b.Bind("sse.encryption_key", VV_FIELD(storage.s3.sse_encryption_key), kSecret);
  b.Bind("tls_cert_path", VV_FIELD(storage.s3.tls_cert_path));
  b.Bind("tls_key_path", VV_FIELD(storage.s3.tls_key_path));
  b.Bind("tls_ca_path", VV_FIELD(storage.s3.tls_ca_path));
  b.Bind("tls_server_name", VV_FIELD(storage.s3.tls_server_name));
  b.Bind("tls_insecure_skip_verify", VV_FIELD(storage.s3.tls_insecure_skip_verify));
  b.Bind("tls_cipher_suites", VV_FIELD(storage.s3.tls_cipher_suites));
  b.Bind("tls_min_version", VV_FIELD(storage.s3.tls_min_version));
  b.Accept("native_aws_auth_enabled", Kind::kBool);
  b.Accept("max_idle_connections", Kind::kInt);
}

void AddGcsKeys(SchemaBuilder<Config> b) {
  b.Bind("bucket_name", VV_FIELD(storage.gcs.bucket_name));
  b.Bind("prefix", VV_FIELD(storage.gcs.prefix));
  b.Bind("chunk_buffer_size", VV_FIELD(storage.gcs.chunk_buffer_size));
  b.Bind("endpoint", VV_FIELD(storage.gcs.endpoint));
  b.Bind("insecure", VV_FIELD(storage.gcs.insecure));
  b.Bind("hedge_requests_at", VV_FIELD(storage.gcs.hedge_requests_at));
  b.Bind("hedge_requests_up_to", VV_FIELD(storage.gcs.hedge_requests_up_to));
  b.Bind("object_cache_control", VV_FIELD(storage.gcs.object_cache_control));
  b.Bind("object_metadata", VV_FIELD(storage.gcs.object_metadata));
  b.Bind("list_blocks_concurrency", VV_FIELD(storage.gcs.list_blocks_concurrency));
  b.Bind("max_retries", VV_FIELD(storage.gcs.max_retries));
}

void AddAzureKeys(SchemaBuilder<Config> b) {
  b.Bind("container_name", VV_FIELD(storage.azure.container_name));
  b.Bind("prefix", VV_FIELD(storage.azure.prefix));
  b.Bind("storage_account_name", VV_FIELD(storage.azure.storage_account_name));
  b.Bind("storage_account_key", VV_FIELD(storage.azure.storage_account_key), kSecret);
  // Vivace: a shared access signature instead of the account key (Tempo has no such key).
  b.Bind("sas_token", VV_FIELD(storage.azure.sas_token), kSecret);
  b.Bind("endpoint_suffix", VV_FIELD(storage.azure.endpoint_suffix));
  b.Bind("use_managed_identity", VV_FIELD(storage.azure.use_managed_identity));
  b.Bind("use_federated_token", VV_FIELD(storage.azure.use_federated_token));
  b.Bind("user_assigned_id", VV_FIELD(storage.azure.user_assigned_id));
  b.Bind("max_buffers", VV_FIELD(storage.azure.max_buffers));
  b.Bind("buffer_size", VV_FIELD(storage.azure.buffer_size));
  b.Bind("hedge_requests_at", VV_FIELD(storage.azure.hedge_requests_at));
  b.Bind("hedge_requests_up_to", VV_FIELD(storage.azure.hedge_requests_up_to));
}

void AddBlockKeys(SchemaBuilder<Config> b) {
  b.Bind("version", VV_FIELD(storage.block.version));
  b.Bind("bloom_filter_false_positive", VV_FIELD(storage.block.bloom_filter_false_positive));
  b.Bind("bloom_filter_shard_size_bytes", VV_FIELD(storage.block.bloom_filter_shard_size_bytes));
  b.Bind("parquet_row_group_size_bytes", VV_FIELD(storage.block.parquet_row_group_size_bytes));
  b.List<DedicatedColumn>("parquet_dedicated_columns",
                          VV_FIELD(storage.block.parquet_dedicated_columns),
                          DedicatedColumnSchema());
  for (std::string_view k : {"v2_index_downsample_bytes", "v2_index_page_size_bytes", "v2_encoding",
                             "search_encoding", "search_page_size_bytes"}) {
    b.Accept(k, Kind::kScalar)
        .Note(fmt::format("\"storage.trace.block.{}\" is a Tempo 2.x setting, ignored", k),
              "it applied to the v2 block format, which Tempo 3 and Vivace do not write");
  }
}

void AddTraceStorageKeys(SchemaBuilder<Config> b) {
  b.Bind("backend", VV_FIELD(storage.backend));
  b.Bind("local.path", VV_FIELD(storage.local_path));
  b.Bind("wal.path", VV_FIELD(storage.wal_path)).MarkPresent(VV_FIELD(storage.wal_path_set));
  b.Bind("wal.ingestion_time_range_slack", VV_FIELD(storage.wal_ingestion_time_range_slack));
  for (std::string_view k : {"v2_encoding", "search_encoding", "version"}) {
    b.Accept(fmt::format("wal.{}", k), Kind::kScalar)
        .Note(fmt::format("\"storage.trace.wal.{}\" is a Tempo 2.x setting, ignored", k),
              "the WAL format follows storage.trace.block.version");
  }
  AddBlockKeys(b.Sub("block"));
  b.Bind("search.chunk_size_bytes", VV_FIELD(storage.search.chunk_size_bytes));
  b.Bind("search.prefetch_trace_count", VV_FIELD(storage.search.prefetch_trace_count));
  b.Bind("search.read_buffer_count", VV_FIELD(storage.search.read_buffer_count));
  b.Bind("search.read_buffer_size_bytes", VV_FIELD(storage.search.read_buffer_size_bytes));
  b.Bind("search.cache_control.footer", VV_FIELD(storage.search.cache_control_footer));
  b.Bind("search.cache_control.column_index", VV_FIELD(storage.search.cache_control_column_index));
  b.Bind("search.cache_control.offset_index", VV_FIELD(storage.search.cache_control_offset_index));
  b.Bind("pool.max_workers", VV_FIELD(storage.pool_max_workers));
  b.Bind("pool.queue_depth", VV_FIELD(storage.pool_queue_depth));
  b.Bind("blocklist_poll", VV_FIELD(storage.blocklist_poll));
  b.Bind("blocklist_poll_concurrency", VV_FIELD(storage.blocklist_poll_concurrency));
  b.Bind("blocklist_poll_fallback", VV_FIELD(storage.blocklist_poll_fallback));
  b.Bind("blocklist_poll_tenant_index_builders",
         VV_FIELD(storage.blocklist_poll_tenant_index_builders));
  b.Bind("blocklist_poll_stale_tenant_index", VV_FIELD(storage.blocklist_poll_stale_tenant_index));
  b.Bind("cache_min_compaction_level", VV_FIELD(storage.cache_min_compaction_level));
  b.Bind("cache_max_block_age", VV_FIELD(storage.cache_max_block_age));
  b.AcceptAll(
      {"blocklist_poll_tenant_concurrency", "blocklist_poll_jitter_ms",
       "blocklist_poll_tolerate_consecutive_errors", "blocklist_poll_tolerate_tenant_failures"},
      Kind::kInt);
  b.Accept("empty_tenant_deletion_enabled", Kind::kBool);
  b.Accept("empty_tenant_deletion_age", Kind::kDuration);
  AddS3Keys(b.Sub("s3"));
  AddGcsKeys(b.Sub("gcs"));
  AddAzureKeys(b.Sub("azure"));
  // Deprecated (2.x) cache settings, translated into cache.caches by validate.cc.
  b.Bind("cache", VV_FIELD(storage.cache));
  b.Include("memcached", VV_FIELD(storage.memcached), MemcachedSchema());
  b.Include("redis", VV_FIELD(storage.redis), RedisSchema());
  b.AcceptAll({"background_cache.writeback_goroutines", "background_cache.writeback_buffer"},
              Kind::kInt);
}

const Schema& CacheEntrySchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<CacheEntry> b(&s);
    b.Bind("roles", VV_FIELD(roles));
    b.Present("memcached", VV_FIELD(has_memcached));
    b.Include("memcached", VV_FIELD(memcached), MemcachedSchema());
    b.Present("redis", VV_FIELD(has_redis));
    b.Include("redis", VV_FIELD(redis), RedisSchema());
    b.Present("inmemory", VV_FIELD(has_inmemory));
    b.Bind("inmemory.max_size_bytes", VV_FIELD(inmemory_max_size_bytes));
    s.Finish();
    return s;
  }();
  return schema;
}

}  // namespace

const Schema& DedicatedColumnSchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<DedicatedColumn> b(&s);
    b.Bind("name", VV_FIELD(name));
    b.Bind("type", VV_FIELD(type));
    b.Bind("scope", VV_FIELD(scope));
    b.Bind("options", VV_FIELD(options));
    s.Finish();
    return s;
  }();
  return schema;
}

const Schema& MemcachedSchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<MemcachedConfig> b(&s);
    b.Bind("host", VV_FIELD(host));
    b.Bind("service", VV_FIELD(service));
    b.Bind("addresses", VV_FIELD(addresses));
    b.Bind("timeout", VV_FIELD(timeout));
    b.Bind("connect_timeout", VV_FIELD(connect_timeout));
    b.Bind("max_idle_conns", VV_FIELD(max_idle_conns));
    b.Bind("update_interval", VV_FIELD(update_interval));
    b.Bind("consistent_hash", VV_FIELD(consistent_hash));
    b.Bind("max_item_size", VV_FIELD(max_item_size));
    b.Bind("circuit_breaker_consecutive_failures", VV_FIELD(circuit_breaker_consecutive_failures));
    b.Bind("circuit_breaker_timeout", VV_FIELD(circuit_breaker_timeout));
    b.Bind("circuit_breaker_interval", VV_FIELD(circuit_breaker_interval));
    b.Bind("ttl", VV_FIELD(ttl));
    b.Bind("tls_enabled", VV_FIELD(tls_enabled));
    b.Bind("tls_cert_path", VV_FIELD(tls_cert_path));
    b.Bind("tls_key_path", VV_FIELD(tls_key_path));
    b.Bind("tls_ca_path", VV_FIELD(tls_ca_path));
    b.Bind("tls_server_name", VV_FIELD(tls_server_name));
    b.Bind("tls_insecure_skip_verify", VV_FIELD(tls_insecure_skip_verify));
    b.AcceptAll({"tls_cipher_suites", "tls_min_version"}, Kind::kString);
    b.AcceptAll({"min_idle_conns_headroom_percentage", "max_async_concurrency",
                 "max_async_buffer_size", "max_get_multi_concurrency", "max_get_multi_batch_size"},
                Kind::kInt);
    b.Accept("expiration", Kind::kDuration);
    s.Finish();
    return s;
  }();
  return schema;
}

const Schema& RedisSchema() {
  static const Schema schema = [] {
    Schema s;
    SchemaBuilder<RedisConfig> b(&s);
    b.Bind("endpoint", VV_FIELD(endpoint));
    b.Bind("master_name", VV_FIELD(master_name));
    b.Bind("timeout", VV_FIELD(timeout));
    b.Bind("expiration", VV_FIELD(expiration));
    b.Bind("ttl", VV_FIELD(ttl));
    b.Bind("db", VV_FIELD(db));
    b.Bind("pool_size", VV_FIELD(pool_size));
    b.Bind("username", VV_FIELD(username));
    b.Bind("password", VV_FIELD(password), kSecret);
    b.Bind("min_idle_conns", VV_FIELD(min_idle_conns));
    b.Bind("idle_timeout", VV_FIELD(idle_timeout));
    b.Bind("max_connection_age", VV_FIELD(max_connection_age));
    b.Bind("route_by_latency", VV_FIELD(route_by_latency));
    b.Bind("route_randomly", VV_FIELD(route_randomly));
    b.Bind("read_only", VV_FIELD(read_only));
    b.Bind("max_redirects", VV_FIELD(max_redirects));
    b.Bind("max_item_size", VV_FIELD(max_item_size));
    b.Bind("tls_enabled", VV_FIELD(tls_enabled));
    b.Bind("tls_insecure_skip_verify", VV_FIELD(tls_insecure_skip_verify));
    b.AcceptAll({"conn_max_idle_time", "conn_max_lifetime"}, Kind::kDuration);
    b.Accept("single_node", Kind::kBool);
    b.AcceptAll({"tls_cert_path", "tls_key_path", "tls_ca_path", "tls_server_name"}, Kind::kString);
    s.Finish();
    return s;
  }();
  return schema;
}

void AddStorageKeys(SchemaBuilder<Config>& root) {
  AddTraceStorageKeys(root.Sub("storage.trace"));
  SchemaBuilder<Config> cache = root.Sub("cache");
  cache.Bind("background.writeback_goroutines", VV_FIELD(cache.background_writeback_goroutines));
  cache.Bind("background.writeback_buffer", VV_FIELD(cache.background_writeback_buffer));
  cache.List<CacheEntry>("caches", VV_FIELD(cache.caches), CacheEntrySchema());
}

void AcceptCompaction(SchemaWriter w) {
  // Tempo 2.x buffer settings of its own block formats: accepted, no meaning here.
  w.AcceptAll({"v2_in_buffer_bytes", "v2_out_buffer_bytes", "flush_size_bytes",
               "iterator_buffer_size"},
              Kind::kInt64);
  w.Accept("v2_prefetch_traces_count", Kind::kInt);
}

void BindCompaction(SchemaBuilder<Config> b, std::string_view fallback_prefix, int priority) {
  auto bind = [&](std::string_view key, auto f) {
    b.Bind(key, f);
    if (!fallback_prefix.empty()) {
      b.FallbackFor(fmt::format("{}.{}", fallback_prefix, key), priority);
    }
  };
  bind("block_retention", VV_FIELD(compaction.block_retention));
  bind("compacted_block_retention", VV_FIELD(compaction.compacted_block_retention));
  bind("compaction_window", VV_FIELD(compaction.compaction_window));
  bind("max_block_bytes", VV_FIELD(compaction.max_block_bytes));
  bind("retention_concurrency", VV_FIELD(compaction.retention_concurrency));
  bind("max_compaction_objects", VV_FIELD(compaction.max_compaction_objects));
  bind("compaction_cycle", VV_FIELD(compaction.compaction_cycle));
  bind("max_time_per_tenant", VV_FIELD(compaction.max_time_per_tenant));
  AcceptCompaction(b.AsWriter());
}

void AddMaintenanceKeys(SchemaBuilder<Config>& root) {
  SchemaBuilder<Config> s = root.Sub("backend_scheduler");
  s.Bind("work.prune_age", VV_FIELD(backend_scheduler.work_prune_age));
  s.Bind("work.dead_job_timeout", VV_FIELD(backend_scheduler.work_dead_job_timeout));
  s.Bind("maintenance_interval", VV_FIELD(backend_scheduler.maintenance_interval));
  s.Bind("backend_flush_interval", VV_FIELD(backend_scheduler.backend_flush_interval));
  s.Bind("provider.retention.interval", VV_FIELD(backend_scheduler.retention_interval));
  SchemaBuilder<Config> pc = s.Sub("provider.compaction");
  pc.Bind("measure_interval", VV_FIELD(backend_scheduler.compaction_measure_interval));
  BindCompaction(pc.Sub("compaction"), "backend_worker.compaction", 1);
  pc.Bind("max_jobs_per_tenant", VV_FIELD(backend_scheduler.compaction_max_jobs_per_tenant));
  pc.Bind("min_input_blocks", VV_FIELD(backend_scheduler.compaction_min_input_blocks));
  pc.Bind("max_input_blocks", VV_FIELD(backend_scheduler.compaction_max_input_blocks));
  pc.Bind("max_compaction_level", VV_FIELD(backend_scheduler.compaction_max_compaction_level));
  pc.Bind("min_cycle_interval", VV_FIELD(backend_scheduler.compaction_min_cycle_interval));
  s.AcceptAll({"provider.redaction.poll_interval", "provider.redaction.rescan_delay"},
              Kind::kDuration);
  s.Accept("provider.redaction.max_rescan_generations", Kind::kInt);
  s.Bind("job_timeout", VV_FIELD(backend_scheduler.job_timeout));
  s.Bind("local_work_path", VV_FIELD(backend_scheduler.local_work_path));
  AcceptGrpcClient(root.SubWriter("backend_scheduler_client.grpc_client_config"));

  SchemaBuilder<Config> w = root.Sub("backend_worker");
  w.Bind("backend_scheduler_addr", VV_FIELD(backend_worker.backend_scheduler_addr));
  w.Bind("backoff.min_period", VV_FIELD(backend_worker.backoff_min_period));
  w.Bind("backoff.max_period", VV_FIELD(backend_worker.backoff_max_period));
  w.Bind("backoff.max_retries", VV_FIELD(backend_worker.backoff_max_retries));
  BindCompaction(w.Sub("compaction"), "", 0);
  w.Bind("finish_on_shutdown_timeout", VV_FIELD(backend_worker.finish_on_shutdown_timeout));
  w.Accept("override_ring_key", Kind::kString);
  AcceptRing(w.SubWriter("ring"));

  // 2.x compactor: its compaction block fills what the 3.x blocks leave unset.
  SchemaBuilder<Config> c = root.Sub("compactor");
  c.Accept("compaction", Kind::kSection)
      .Note(
          "\"compactor.compaction\" is a Tempo 2.x setting, mapped to "
          "\"backend_worker.compaction\"",
          "Tempo 3 replaced the compactor with backend-scheduler and backend-worker");
  BindCompaction(c.Sub("compaction"), "backend_worker.compaction", 2);
  c.Bind("disabled", VV_FIELD(compaction.disabled))
      .Flags(kNoRender)
      .Note(
          "\"compactor.disabled\" is a Tempo 2.x setting, mapped to compaction_disabled for "
          "all tenants",
          "use overrides.defaults.compaction.compaction_disabled");
  c.Accept("ring", Kind::kAny)
      .Note("\"compactor.ring\" is a Tempo 2.x setting, ignored",
            "Vivace's backend worker is not ring-sharded");
  c.Accept("override_ring_key", Kind::kString)
      .Note("\"compactor.override_ring_key\" is a Tempo 2.x setting, ignored", "remove the key");
}

}  // namespace vivace::config
