// Key table: the read path. query_frontend and querier.

#include "config/keys.h"

namespace vivace::config {
namespace {

void AddFrontendSearchKeys(SchemaBuilder<Config> b) {
  b.Bind("concurrent_jobs", VV_FIELD(query_frontend.search.concurrent_jobs));
  b.Bind("target_bytes_per_job", VV_FIELD(query_frontend.search.target_bytes_per_job));
  b.Bind("default_result_limit", VV_FIELD(query_frontend.search.default_result_limit));
  b.Bind("max_result_limit", VV_FIELD(query_frontend.search.max_result_limit));
  b.Bind("max_duration", VV_FIELD(query_frontend.search.max_duration));
  b.Bind("query_backend_after", VV_FIELD(query_frontend.search.query_backend_after));
  b.Bind("default_spans_per_span_set", VV_FIELD(query_frontend.search.default_spans_per_span_set));
  b.Bind("max_spans_per_span_set", VV_FIELD(query_frontend.search.max_spans_per_span_set));
  b.Accept("query_ingesters_until", Kind::kDuration)
      .Note("\"query_frontend.search.query_ingesters_until\" is a Tempo 2.x setting, ignored",
            "recent data is served by the live-store up to query_backend_after");
  b.AcceptAll({"ingester_shards", "most_recent_shards", "prefer_self"}, Kind::kInt);
  b.Accept("duration_slo", Kind::kDuration);
  b.Accept("throughput_bytes_slo", Kind::kFloat);
  b.Accept("metadata_slo", Kind::kAnyMap);
}

void AddFrontendMetricsKeys(SchemaBuilder<Config> b) {
  b.Bind("concurrent_jobs", VV_FIELD(query_frontend.metrics.concurrent_jobs));
  b.Bind("target_bytes_per_job", VV_FIELD(query_frontend.metrics.target_bytes_per_job));
  b.Bind("max_duration", VV_FIELD(query_frontend.metrics.max_duration));
  b.Bind("query_backend_after", VV_FIELD(query_frontend.metrics.query_backend_after));
  b.Bind("interval", VV_FIELD(query_frontend.metrics.interval));
  b.Bind("max_exemplars", VV_FIELD(query_frontend.metrics.max_exemplars));
  b.Bind("max_response_series", VV_FIELD(query_frontend.metrics.max_response_series));
  b.Bind("max_intervals", VV_FIELD(query_frontend.metrics.max_intervals));
  b.Accept("streaming_shards", Kind::kInt);
  b.Accept("duration_slo", Kind::kDuration);
  b.Accept("throughput_bytes_slo", Kind::kFloat);
  b.Accept("exemplars", Kind::kBool);
}

void AddFrontendKeys(SchemaBuilder<Config> b) {
  b.Bind("max_outstanding_per_tenant", VV_FIELD(query_frontend.max_outstanding_per_tenant));
  b.Bind("max_retries", VV_FIELD(query_frontend.max_retries));
  b.Bind("multi_tenant_queries_enabled", VV_FIELD(query_frontend.multi_tenant_queries_enabled));
  b.Bind("api_timeout", VV_FIELD(query_frontend.api_timeout));
  b.Bind("max_query_expression_size_bytes",
         VV_FIELD(query_frontend.max_query_expression_size_bytes));
  b.Bind("url_deny_list", VV_FIELD(query_frontend.url_deny_list));
  b.Bind("query_end_cutoff", VV_FIELD(query_frontend.query_end_cutoff));
  b.Bind("max_grpc_streaming_packet_size", VV_FIELD(query_frontend.max_grpc_streaming_packet_size));
  AddFrontendSearchKeys(b.Sub("search"));
  AddFrontendMetricsKeys(b.Sub("metrics"));
  b.Bind("trace_by_id.query_shards", VV_FIELD(query_frontend.trace_by_id_query_shards));
  b.AcceptAll({"trace_by_id.blocks_per_shard", "trace_by_id.concurrent_shards",
               "trace_by_id.hedge_requests_up_to"},
              Kind::kInt);
  b.AcceptAll({"trace_by_id.external_enabled", "trace_by_id.span_pruning_enabled",
               "trace_by_id.span_pruning_enabled_by_default"},
              Kind::kBool);
  b.AcceptAll({"trace_by_id.duration_slo", "trace_by_id.hedge_requests_at"}, Kind::kDuration);
  b.Accept("trace_by_id.throughput_bytes_slo", Kind::kFloat);
  b.AcceptAll({"max_batch_size", "response_consumers"}, Kind::kInt);
  b.Accept("log_query_request_headers", Kind::kStringList, kCsv);
  b.Accept("skip_ast_transformations", Kind::kStringList, kCsv);
  b.AcceptAll({"weights.request_with_weights", "weights.retry_with_weights", "mcp_server.enabled"},
              Kind::kBool);
  b.AcceptAll({"weights.max_traceql_conditions", "weights.max_regex_conditions"}, Kind::kInt);
  // Deprecated and ignored by Tempo 3 too; validate.cc warns when it is set.
  b.Accept("rf1_after", Kind::kScalar);
}

void AddQuerierKeys(SchemaBuilder<Config> b) {
  b.Bind("max_concurrent_queries", VV_FIELD(querier.max_concurrent_queries));
  b.Bind("trace_by_id.query_timeout", VV_FIELD(querier.trace_by_id_query_timeout));
  b.Bind("search.query_timeout", VV_FIELD(querier.search_query_timeout));
  b.Bind("metrics.concurrent_blocks", VV_FIELD(querier.metrics_concurrent_blocks));
  b.Bind("metrics.time_overlap_cutoff", VV_FIELD(querier.metrics_time_overlap_cutoff));
  b.Bind("frontend_worker.frontend_address", VV_FIELD(querier.frontend_address));
  b.Accept("trace_by_id.external.endpoint", Kind::kString);
  b.Accept("trace_by_id.external.timeout", Kind::kDuration);
  b.Accept("trace_by_id.external.enabled", Kind::kBool);
  b.Accept("frontend_worker.parallelism", Kind::kInt);
  b.Accept("frontend_worker.match_max_concurrent", Kind::kBool);
  b.Accept("frontend_worker.dns_lookup_duration", Kind::kDuration);
  b.Accept("frontend_worker.id", Kind::kString);
  AcceptGrpcClient(b.SubWriter("frontend_worker.grpc_client_config"));
  b.Accept("partition_ring.minimize_requests", Kind::kBool);
  b.Accept("partition_ring.hedging_delay", Kind::kDuration);
  b.Accept("partition_ring.preferred_zone", Kind::kString);
  b.AcceptAll({"shuffle_sharding_ingesters_enabled", "query_relevant_ingesters"}, Kind::kBool);
  b.Accept("shuffle_sharding_ingesters_lookback_period", Kind::kDuration);
  b.Accept("search.prefer_self", Kind::kInt);
  b.Accept("search.external_endpoints", Kind::kStringList, kCsv);
  b.Accept("search.external_hedge_requests_at", Kind::kDuration);
  b.Accept("search.external_hedge_requests_up_to", Kind::kInt);
  b.Accept("search.external_backend", Kind::kString);
}

}  // namespace

void AddQueryKeys(SchemaBuilder<Config>& root) {
  AddFrontendKeys(root.Sub("query_frontend"));
  AddQuerierKeys(root.Sub("querier"));
}

}  // namespace vivace::config
