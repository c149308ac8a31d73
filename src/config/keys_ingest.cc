// Key table: the write path. distributor (OpenTelemetry Collector receiver layout), ingest
// (Kafka), live_store and its client, block_builder, and the 2.x ingester mapped onto
// live_store (spec §2.18).

#include <fmt/format.h>

#include "config/keys.h"

namespace vivace::config {
namespace {

// Collector gRPC server settings (otlp and jaeger grpc).
void AcceptGrpcServer(SchemaWriter w) {
  w.AcceptAll({"endpoint", "transport"}, Kind::kString);
  w.AcceptAll(
      {"max_recv_msg_size_mib", "max_concurrent_streams", "read_buffer_size", "write_buffer_size"},
      Kind::kInt);
  w.Accept("include_metadata", Kind::kBool);
  w.AcceptAll({"tls", "keepalive", "auth"}, Kind::kAnyMap);
}

// Collector HTTP server settings (otlp http, jaeger thrift_http, zipkin).
void AcceptHttpServer(SchemaWriter w) {
  w.AcceptAll({"endpoint", "traces_url_path", "metrics_url_path", "logs_url_path"}, Kind::kString);
  w.Accept("max_request_body_size", Kind::kInt64);
  w.Accept("include_metadata", Kind::kBool);
  w.AcceptAll({"tls", "cors", "auth", "response_headers"}, Kind::kAnyMap);
  w.Accept("compression_algorithms", Kind::kStringList);
  w.AcceptAll({"read_timeout", "read_header_timeout", "write_timeout", "idle_timeout"},
              Kind::kDuration);
}

void AddReceiverKeys(SchemaBuilder<Config> b) {
  b.Present("otlp.protocols.grpc", VV_FIELD(distributor.receivers.otlp_grpc.enabled));
  b.Bind("otlp.protocols.grpc.endpoint", VV_FIELD(distributor.receivers.otlp_grpc.endpoint));
  b.Bind("otlp.protocols.grpc.max_recv_msg_size_mib",
         VV_FIELD(distributor.receivers.otlp_grpc.max_recv_msg_size_mib));
  AcceptGrpcServer(b.SubWriter("otlp.protocols.grpc"));

  b.Present("otlp.protocols.http", VV_FIELD(distributor.receivers.otlp_http.enabled));
  b.Bind("otlp.protocols.http.endpoint", VV_FIELD(distributor.receivers.otlp_http.endpoint));
  b.Bind("otlp.protocols.http.max_request_body_size",
         VV_FIELD(distributor.receivers.otlp_http.max_request_body_size));
  b.Bind("otlp.protocols.http.traces_url_path",
         VV_FIELD(distributor.receivers.otlp_http.traces_url_path));
  AcceptHttpServer(b.SubWriter("otlp.protocols.http"));

  b.Present("jaeger.protocols.grpc", VV_FIELD(distributor.receivers.jaeger_grpc.enabled));
  b.Bind("jaeger.protocols.grpc.endpoint", VV_FIELD(distributor.receivers.jaeger_grpc.endpoint));
  b.Bind("jaeger.protocols.grpc.max_recv_msg_size_mib",
         VV_FIELD(distributor.receivers.jaeger_grpc.max_recv_msg_size_mib));
  AcceptGrpcServer(b.SubWriter("jaeger.protocols.grpc"));

  b.Present("jaeger.protocols.thrift_http",
            VV_FIELD(distributor.receivers.jaeger_thrift_http.enabled));
  b.Bind("jaeger.protocols.thrift_http.endpoint",
         VV_FIELD(distributor.receivers.jaeger_thrift_http.endpoint));
  b.Bind("jaeger.protocols.thrift_http.max_request_body_size",
         VV_FIELD(distributor.receivers.jaeger_thrift_http.max_request_body_size));
  AcceptHttpServer(b.SubWriter("jaeger.protocols.thrift_http"));

  b.Present("jaeger.protocols.thrift_compact",
            VV_FIELD(distributor.receivers.jaeger_thrift_compact.enabled));
  b.Bind("jaeger.protocols.thrift_compact.endpoint",
         VV_FIELD(distributor.receivers.jaeger_thrift_compact.endpoint));
  b.Bind("jaeger.protocols.thrift_compact.max_packet_size",
         VV_FIELD(distributor.receivers.jaeger_thrift_compact.max_packet_size));
  b.Bind("jaeger.protocols.thrift_compact.workers",
         VV_FIELD(distributor.receivers.jaeger_thrift_compact.workers));
  b.Bind("jaeger.protocols.thrift_compact.queue_size",
         VV_FIELD(distributor.receivers.jaeger_thrift_compact.queue_size));
  b.Accept("jaeger.protocols.thrift_compact.socket_buffer_size", Kind::kInt);

  b.Present("jaeger.protocols.thrift_binary",
            VV_FIELD(distributor.receivers.jaeger_thrift_binary.enabled));
  b.Bind("jaeger.protocols.thrift_binary.endpoint",
         VV_FIELD(distributor.receivers.jaeger_thrift_binary.endpoint));
  b.Bind("jaeger.protocols.thrift_binary.max_packet_size",
         VV_FIELD(distributor.receivers.jaeger_thrift_binary.max_packet_size));
  b.Bind("jaeger.protocols.thrift_binary.workers",
         VV_FIELD(distributor.receivers.jaeger_thrift_binary.workers));
  b.Bind("jaeger.protocols.thrift_binary.queue_size",
         VV_FIELD(distributor.receivers.jaeger_thrift_binary.queue_size));
  b.Accept("jaeger.protocols.thrift_binary.socket_buffer_size", Kind::kInt);
  b.Accept("jaeger.remote_sampling", Kind::kAnyMap);

  b.Present("zipkin", VV_FIELD(distributor.receivers.zipkin.enabled));
  b.Bind("zipkin.endpoint", VV_FIELD(distributor.receivers.zipkin.endpoint));
  b.Bind("zipkin.parse_string_tags", VV_FIELD(distributor.receivers.zipkin.parse_string_tags));
  b.Bind("zipkin.max_request_body_size",
         VV_FIELD(distributor.receivers.zipkin.max_request_body_size));
  AcceptHttpServer(b.SubWriter("zipkin"));

  b.Accept("kafka", Kind::kAny)
      .Note("receiver \"kafka\" is not supported by Vivace and is ignored",
            "send spans with OTLP, Jaeger or Zipkin");
  b.Accept("opencensus", Kind::kAny)
      .Note("receiver \"opencensus\" is not supported by Vivace and is ignored",
            "OpenCensus is deprecated; send spans with OTLP");
}

void BindLogSpans(SchemaBuilder<Config> b, LogSpansConfig& (*f)(Config&)) {
  b.Bind(
      "enabled", [f](Config & c) -> auto& { return f(c).enabled; });
  b.Bind(
      "include_all_attributes", [f](Config & c) -> auto& { return f(c).include_all_attributes; });
  b.Bind(
      "filter_by_status_error", [f](Config & c) -> auto& { return f(c).filter_by_status_error; });
}

void AddDistributorKeys(SchemaBuilder<Config> b) {
  AddReceiverKeys(b.Sub("receivers"));
  BindLogSpans(b.Sub("log_received_spans"),
               [](Config& c) -> LogSpansConfig& { return c.distributor.log_received_spans; });
  BindLogSpans(b.Sub("log_discarded_spans"),
               [](Config& c) -> LogSpansConfig& { return c.distributor.log_discarded_spans; });
  b.Bind("retry_after_on_resource_exhausted",
         VV_FIELD(distributor.retry_after_on_resource_exhausted));
  b.Bind("max_attribute_bytes", VV_FIELD(distributor.max_attribute_bytes));
  AcceptRing(b.SubWriter("ring"));
  b.Accept("override_ring_key", Kind::kString);
  b.Accept("forwarders", Kind::kAnyList);
  b.AcceptAll({"metric_received_spans.enabled", "metric_received_spans.root_only",
               "usage.cost_attribution.enabled"},
              Kind::kBool);
  b.Accept("usage.cost_attribution.max_cardinality", Kind::kInt);
  b.Accept("usage.cost_attribution.stale_duration", Kind::kDuration);
  b.Accept("kafka_config", Kind::kAnyMap);
  b.Accept("extend_writes", Kind::kBool)
      .Note("distributor.extend_writes is a Tempo 2.x setting and is ignored",
            "Vivace has no ingester replication");
  for (std::string_view k : {"ingester_write_path_enabled", "kafka_write_path_enabled"}) {
    b.Accept(k, Kind::kBool)
        .Note(fmt::format("distributor.{} is a Tempo 2.10 setting and is ignored", k),
              "the write path is chosen by -target");
  }
}

void AddKafkaKeys(SchemaBuilder<Config> b) {
  b.Bind("address", VV_FIELD(ingest_kafka.address));
  b.Bind("topic", VV_FIELD(ingest_kafka.topic));
  b.Bind("client_id", VV_FIELD(ingest_kafka.client_id));
  b.Bind("dial_timeout", VV_FIELD(ingest_kafka.dial_timeout));
  b.Bind("write_timeout", VV_FIELD(ingest_kafka.write_timeout));
  b.Bind("sasl_mechanism", VV_FIELD(ingest_kafka.sasl_mechanism));
  b.Bind("sasl_username", VV_FIELD(ingest_kafka.sasl_username));
  b.Bind("sasl_password", VV_FIELD(ingest_kafka.sasl_password), kSecret);
  b.Bind("tls_enabled", VV_FIELD(ingest_kafka.tls_enabled));
  b.Bind("consumer_group", VV_FIELD(ingest_kafka.consumer_group));
  b.Bind("auto_create_topic_enabled", VV_FIELD(ingest_kafka.auto_create_topic_enabled));
  b.Bind("auto_create_topic_default_partitions",
         VV_FIELD(ingest_kafka.auto_create_topic_default_partitions));
  b.Bind("producer_compression", VV_FIELD(ingest_kafka.producer_compression));
  b.AcceptAll({"client_rack", "sasl_oauthbearer_token_url", "sasl_oauthbearer_client_id",
               "sasl_oauthbearer_scopes", "sasl_msk_iam_region", "sasl_msk_iam_role_arn"},
              Kind::kString);
  b.Accept("sasl_oauthbearer_client_secret", Kind::kString, kSecret);
  AcceptTlsClient(b.AsWriter());
  b.AcceptAll({"producer_max_record_size_bytes", "producer_max_buffered_bytes"}, Kind::kInt64);
  b.AcceptAll({"consumer_group_offset_commit_interval", "last_produced_offset_retry_timeout",
               "target_consumer_lag_at_startup", "max_consumer_lag_at_startup",
               "consumer_group_lag_metric_update_interval"},
              Kind::kDuration);
  b.Accept("disable_kafka_telemetry", Kind::kBool);
}

void AddLiveStoreKeys(SchemaBuilder<Config> b) {
  b.Bind("max_trace_idle", VV_FIELD(live_store.max_trace_idle));
  b.Bind("max_trace_live", VV_FIELD(live_store.max_trace_live));
  b.Bind("flush_check_period", VV_FIELD(live_store.flush_check_period));
  b.Bind("flush_op_timeout", VV_FIELD(live_store.flush_op_timeout));
  b.Bind("max_live_traces_bytes", VV_FIELD(live_store.max_live_traces_bytes));
  b.Bind("max_block_bytes", VV_FIELD(live_store.max_block_bytes));
  b.Bind("max_block_duration", VV_FIELD(live_store.max_block_duration));
  b.Bind("complete_block_timeout", VV_FIELD(live_store.complete_block_timeout));
  b.Bind("complete_block_concurrency", VV_FIELD(live_store.complete_block_concurrency));
  b.Bind("query_block_concurrency", VV_FIELD(live_store.query_block_concurrency));
  b.Bind("block_reclaim_grace", VV_FIELD(live_store.block_reclaim_grace));
  b.Bind("wal.path", VV_FIELD(live_store.wal_path)).MarkPresent(VV_FIELD(live_store.wal_path_set));
  b.Bind("wal.ingestion_time_range_slack", VV_FIELD(live_store.wal_ingestion_time_range_slack));
  // Vivace additions: WAL group commit (acks always wait for the sync) and segment size.
  b.Bind("wal.sync_interval", VV_FIELD(live_store.wal_sync_interval));
  b.Bind("wal.segment_size_bytes", VV_FIELD(live_store.wal_segment_size_bytes));
  b.AcceptAll({"wal.version", "wal.v2_encoding", "wal.search_encoding"}, Kind::kString);
  b.Accept("metrics.time_overlap_cutoff", Kind::kFloat);
  b.Accept("shutdown_marker_dir", Kind::kString);
  b.AcceptAll({"commit_interval", "readiness_target_lag", "readiness_max_wait"}, Kind::kDuration);
  b.AcceptAll({"fail_on_high_lag", "remove_owner_on_shutdown"}, Kind::kBool);
  AcceptRing(b.SubWriter("ring"));
  AcceptKvStore(b.SubWriter("partition_ring.kvstore"));
  b.Accept("partition_ring.min_partition_owners_count", Kind::kInt);
  b.AcceptAll({"partition_ring.min_partition_owners_duration",
               "partition_ring.delete_inactive_partition_after"},
              Kind::kDuration);
}

void AcceptClientBlock(SchemaWriter w) {
  w.AcceptAll({"pool_config.checkinterval", "pool_config.healthchecktimeout", "remote_timeout"},
              Kind::kDuration);
  w.Accept("pool_config.healthcheckenabled", Kind::kBool);
  w.Accept("pool_config.maxconcurrenthealthchecks", Kind::kInt);
  AcceptGrpcClient(w.SubWriter("grpc_client_config"));
}

void AddBlockBuilderKeys(SchemaWriter w) {
  w.Accept("instance_id", Kind::kString);
  w.Accept("assigned_partitions", Kind::kAnyMap);
  w.Accept("partitions_per_instance", Kind::kInt);
  w.AcceptAll({"consume_cycle_duration", "lookback_on_no_commit"}, Kind::kDuration);
  w.Accept("max_consuming_bytes", Kind::kInt64);
  w.AcceptAll({"block.max_block_bytes", "block.bloom_filter_shard_size_bytes",
               "block.parquet_row_group_size_bytes"},
              Kind::kInt64);
  w.Accept("block.bloom_filter_false_positive", Kind::kFloat);
  w.Accept("block.version", Kind::kString);
  w.Accept("block.parquet_dedicated_columns", Kind::kAnyList);
  w.AcceptAll({"wal.path", "wal.version"}, Kind::kString);
  w.Accept("wal.ingestion_time_range_slack", Kind::kDuration);
}

// 2.x `ingester:` keys that have a live_store equivalent: filled only when the live_store key
// is absent, one warning each.
template <class F>
void Map2x(SchemaBuilder<Config>& b, std::string_view key, std::string_view target, F f) {
  b.Bind(key, f)
      .FallbackFor(fmt::format("live_store.{}", target), 2)
      .Note(fmt::format("\"ingester.{}\" is a Tempo 2.x setting, mapped to \"live_store.{}\"", key,
                        target),
            "Tempo 3 replaced the ingester with the live-store; rename the key");
}

void AddIngester2xKeys(SchemaBuilder<Config> b) {
  Map2x(b, "trace_idle_period", "max_trace_idle", VV_FIELD(live_store.max_trace_idle));
  Map2x(b, "trace_live_period", "max_trace_live", VV_FIELD(live_store.max_trace_live));
  Map2x(b, "flush_check_period", "flush_check_period", VV_FIELD(live_store.flush_check_period));
  Map2x(b, "max_block_bytes", "max_block_bytes", VV_FIELD(live_store.max_block_bytes));
  Map2x(b, "max_block_duration", "max_block_duration", VV_FIELD(live_store.max_block_duration));
  Map2x(b, "complete_block_timeout", "complete_block_timeout",
        VV_FIELD(live_store.complete_block_timeout));
  Map2x(b, "concurrent_flushes", "complete_block_concurrency",
        VV_FIELD(live_store.complete_block_concurrency));
  Map2x(b, "flush_op_timeout", "flush_op_timeout", VV_FIELD(live_store.flush_op_timeout));
  auto ignored = [&](std::string_view key, Kind kind) {
    b.Accept(key, kind).Note(fmt::format("\"ingester.{}\" is a Tempo 2.x setting, ignored", key),
                             "Vivace runs the write path as a live-store; remove the key");
  };
  ignored("lifecycler", Kind::kAny);
  ignored("partition_ring", Kind::kAny);
  ignored("flush_all_on_shutdown", Kind::kBool);
  ignored("flush_object_storage", Kind::kBool);
  ignored("override_ring_key", Kind::kString);
  ignored("autocomplete_filtering_enabled", Kind::kBool);
  ignored("dedicated_columns", Kind::kAny);
}

}  // namespace

void AddIngestKeys(SchemaBuilder<Config>& root) {
  AddDistributorKeys(root.Sub("distributor"));
  root.Accept("ingest.enabled", Kind::kBool)
      .Note("\"ingest.enabled\" is a Tempo 2.10 setting, ignored",
            "Kafka is used only by the 3.x microservice targets");
  AddKafkaKeys(root.Sub("ingest.kafka"));
  AddLiveStoreKeys(root.Sub("live_store"));
  AcceptClientBlock(root.SubWriter("live_store_client"));
  AddBlockBuilderKeys(root.SubWriter("block_builder"));
  AddIngester2xKeys(root.Sub("ingester"));
  for (std::string_view k : {"ingester_client", "metrics_generator_client"}) {
    root.Accept(k, Kind::kAny)
        .Note(fmt::format("\"{}\" is a Tempo 2.x setting, ignored", k),
              "components run in-process or talk through Kafka in Tempo 3; remove the block");
  }
  root.Accept("partition_ring_live_store", Kind::kAny)
      .Note("\"partition_ring_live_store\" is a Tempo 2.10 setting, ignored",
            "use live_store.partition_ring");
}

}  // namespace vivace::config
