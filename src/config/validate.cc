#include "config/validate.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/logging.h"
#include "config/loader.h"
#include "config/yaml_walk.h"

namespace vivace::config {
namespace {

constexpr std::string_view kTargets3x[] = {"all",
                                           "distributor",
                                           "live-store",
                                           "block-builder",
                                           "metrics-generator",
                                           "querier",
                                           "query-frontend",
                                           "backend-scheduler",
                                           "backend-worker",
                                           "metrics-generator-no-local-blocks"};

constexpr std::string_view kCacheRoles[] = {
    "bloom",        "trace-id-index", "parquet-footer", "parquet-column-idx", "parquet-offset-idx",
    "parquet-page", "frontend-search"};

template <class List>
bool OneOf(std::string_view v, const List& list) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

Status NormalizeTarget(Config* c, WalkState* st) {
  std::string& t = c->target;
  if (OneOf(t, kTargets3x)) {
    return Status::Ok();
  }
  if (t == "scalable-single-binary" || t == "all-3.0") {
    st->Warn(fmt::format("target \"{}\" is a Tempo 2.x target; running as \"all\"", t),
             "Vivace's monolithic mode scales out with the 3.x microservice targets");
    t = "all";
    return Status::Ok();
  }
  if (t == "ingester") {
    st->Warn("target \"ingester\" is a Tempo 2.x target; Vivace runs the live-store in its place",
             "use -target=live-store (and block-builder with Kafka) as Tempo 3 does");
    return Status::Ok();
  }
  if (t == "compactor") {
    st->Warn(
        "target \"compactor\" is a Tempo 2.x target; Vivace runs backend-scheduler and "
        "backend-worker in its place",
        "use -target=backend-scheduler and -target=backend-worker as Tempo 3 does");
    return Status::Ok();
  }
  return Status::InvalidArgument(fmt::format(
      "unrecognised module name \"{}\" (targets: all, distributor, live-store, block-builder, "
      "metrics-generator, querier, query-frontend, backend-scheduler, backend-worker)",
      t));
}

void FillReceivers(Config* c, WalkState* st) {
  ReceiversConfig& r = c->distributor.receivers;
  r.defaulted = !st->AnyUnder("distributor.receivers");
  auto fill = [](ReceiverProtocol& p, std::string_view endpoint) {
    if (p.endpoint.empty()) {
      p.endpoint = std::string(endpoint);
    }
  };
  fill(r.otlp_grpc, "localhost:4317");
  fill(r.otlp_http, "localhost:4318");
  fill(r.jaeger_grpc, "localhost:14250");
  fill(r.jaeger_thrift_http, "localhost:14268");
  fill(r.jaeger_thrift_compact, "localhost:6831");
  fill(r.jaeger_thrift_binary, "localhost:6832");
  fill(r.zipkin, "localhost:9411");
  for (std::string_view name : {"otlp", "jaeger"}) {
    std::string path = fmt::format("distributor.receivers.{}", name);
    if (st->Present(path) && !st->AnyUnder(path + ".protocols")) {
      st->Warn(fmt::format("receiver \"{}\" has no protocols and receives nothing", name),
               fmt::format("add {}.protocols, e.g. grpc:", name));
    }
  }
}

Status NormalizeBlockVersion(Config* c, WalkState* st) {
  std::string& v = c->storage.block.version;
  if (v == "vParquet3" || v == "vParquet4" || v == "vParquet5") {
    return Status::Ok();
  }
  if (v == "v2" || v == "vParquet" || v == "vParquet2") {
    st->Warn(fmt::format("storage.trace.block.version \"{}\" can no longer be written; writing "
                         "vParquet3",
                         v),
             "existing blocks stay readable where supported; set vParquet4");
    v = "vParquet3";
    return Status::Ok();
  }
  return Status::InvalidArgument(
      fmt::format("storage.trace.block.version: \"{}\" is not a valid block version", v));
}

Status TranslateLegacyCache(Config* c, WalkState* st) {
  StorageConfig& s = c->storage;
  if (s.cache.empty()) {
    return Status::Ok();
  }
  if (s.cache != "memcached" && s.cache != "redis") {
    return Status::InvalidArgument(
        fmt::format("storage.trace.cache: unknown cache \"{}\" (memcached or redis)", s.cache));
  }
  st->Warn("storage.trace.cache is deprecated",
           "configure caches with cache.caches and roles; translated to roles bloom and "
           "trace-id-index");
  if (!c->cache.caches.empty()) {
    st->Warn("storage.trace.cache is ignored because cache.caches is set", "remove it");
    return Status::Ok();
  }
  CacheEntry e;
  e.roles = {"bloom", "trace-id-index"};
  if (s.search.cache_control_footer) {
    e.roles.emplace_back("parquet-footer");
  }
  if (s.search.cache_control_column_index) {
    e.roles.emplace_back("parquet-column-idx");
  }
  if (s.search.cache_control_offset_index) {
    e.roles.emplace_back("parquet-offset-idx");
  }
  if (s.cache == "memcached") {
    e.has_memcached = true;
    e.memcached = s.memcached;
  } else {
    e.has_redis = true;
    e.redis = s.redis;
  }
  c->cache.caches.push_back(std::move(e));
  return Status::Ok();
}

constexpr std::string_view kProcessors[] = {"span-metrics",
                                            "span-metrics-count",
                                            "span-metrics-latency",
                                            "span-metrics-size",
                                            "service-graphs",
                                            "service-graphs-request",
                                            "service-graphs-latency",
                                            "service-graphs-connection-info",
                                            "host-info"};

Status CheckPort(std::string_view name, int port) {
  if (port < 0 || port > 65535) {
    return Status::InvalidArgument(fmt::format("{}: invalid port {}", name, port));
  }
  return Status::Ok();
}

Status CheckDedicatedColumns(std::string_view where, const std::vector<DedicatedColumn>& cols,
                             const std::string& version, WalkState* st) {
  std::map<std::string, int> strings;
  std::map<std::string, int> ints;
  for (size_t i = 0; i < cols.size(); ++i) {
    const DedicatedColumn& d = cols[i];
    std::string at = fmt::format("{}[{}]", where, i);
    if (d.name.empty()) {
      return Status::InvalidArgument(fmt::format("{}: name is required", at));
    }
    if (d.type != "string" && d.type != "int") {
      return Status::InvalidArgument(fmt::format("{}: invalid type \"{}\"", at, d.type));
    }
    if (d.scope != "resource" && d.scope != "span" && d.scope != "event") {
      return Status::InvalidArgument(fmt::format("{}: invalid scope \"{}\"", at, d.scope));
    }
    for (const std::string& o : d.options) {
      if (o != "array" && o != "blob") {
        return Status::InvalidArgument(fmt::format("{}: invalid option \"{}\"", at, o));
      }
    }
    bool v4 = version != "vParquet5";
    if (v4 && (d.type == "int" || d.scope == "event" || !d.options.empty())) {
      st->Warn(fmt::format("{}: dedicated column \"{}\" is not supported by {}; ignored", at,
                           d.name, version),
               "int and event columns and options need vParquet5");
      continue;
    }
    int& n = d.type == "string" ? strings[d.scope] : ints[d.scope];
    int limit = d.type == "string" ? (v4 ? 10 : 20) : 5;
    if (++n > limit) {
      st->Warn(fmt::format("{}: more than {} {} dedicated columns for scope {}; \"{}\" ignored", at,
                           limit, d.type, d.scope, d.name),
               "remove the extra columns");
    }
  }
  return Status::Ok();
}

Status CheckCaches(const CacheConfig& cache) {
  std::set<std::string> used;
  for (size_t i = 0; i < cache.caches.size(); ++i) {
    const CacheEntry& e = cache.caches[i];
    std::string at = fmt::format("cache.caches[{}]", i);
    if (e.roles.empty()) {
      return Status::InvalidArgument(fmt::format("{}: at least one role is required", at));
    }
    for (const std::string& role : e.roles) {
      if (!OneOf(role, kCacheRoles)) {
        return Status::InvalidArgument(fmt::format("{}: unknown role \"{}\"", at, role));
      }
      if (!used.insert(role).second) {
        return Status::InvalidArgument(
            fmt::format("{}: role \"{}\" is assigned to more than one cache", at, role));
      }
    }
    if (int{e.has_memcached} + int{e.has_redis} + int{e.has_inmemory} != 1) {
      return Status::InvalidArgument(
          fmt::format("{}: exactly one of memcached, redis or inmemory is required", at));
    }
    if (e.has_inmemory && e.inmemory_max_size_bytes <= 0) {
      return Status::InvalidArgument(
          fmt::format("{}: inmemory.max_size_bytes must be positive", at));
    }
  }
  return Status::Ok();
}

Status Validate(const Config& c, WalkState* st) {
  VV_RETURN_IF_ERROR(CheckPort("server.http_listen_port", c.server.http_listen_port));
  VV_RETURN_IF_ERROR(CheckPort("server.grpc_listen_port", c.server.grpc_listen_port));
  VV_RETURN_IF_ERROR(
      CheckPort("internal_server.http_listen_port", c.internal_server.http_listen_port));
  if (auto l = log::ParseLevel(c.server.log_level); !l.ok()) {
    return l.status().WithContext("server.log_level");
  }
  if (auto f = log::ParseFormat(c.server.log_format); !f.ok()) {
    return f.status().WithContext("server.log_format");
  }
  if (!c.http_api_prefix.empty() && c.http_api_prefix.front() != '/') {
    return Status::InvalidArgument(
        fmt::format("http_api_prefix \"{}\" must start with /", c.http_api_prefix));
  }
  const std::string& backend = c.storage.backend;
  if (backend != "local" && backend != "s3" && backend != "gcs" && backend != "azure") {
    return Status::InvalidArgument(fmt::format(
        "storage.trace.backend: unknown backend \"{}\" (local, s3, gcs or azure)", backend));
  }
  const std::string& strategy = c.overrides.defaults.ingestion_rate_strategy;
  if (strategy != "local" && strategy != "global") {
    return Status::InvalidArgument(fmt::format(
        "overrides.defaults.ingestion.rate_strategy: \"{}\" is not local or global", strategy));
  }
  const std::string& hist = c.overrides.defaults.metrics_generator_generate_native_histograms;
  if (!hist.empty() && hist != "classic" && hist != "native" && hist != "both") {
    return Status::InvalidArgument(fmt::format(
        "overrides.defaults.metrics_generator.generate_native_histograms: \"{}\" is not "
        "classic, native or both",
        hist));
  }
  if (c.metrics_generator.limiter_type != "series"
      && c.metrics_generator.limiter_type != "entity") {
    return Status::InvalidArgument(
        fmt::format("metrics_generator.limiter_type: \"{}\" is not series or entity",
                    c.metrics_generator.limiter_type));
  }
  if (c.target == "querier" && c.querier.frontend_address.empty()) {
    return Status::InvalidArgument(
        "querier.frontend_worker.frontend_address is required with -target=querier");
  }
  VV_RETURN_IF_ERROR(CheckDedicatedColumns("storage.trace.block.parquet_dedicated_columns",
                                           c.storage.block.parquet_dedicated_columns,
                                           c.storage.block.version, st));
  VV_RETURN_IF_ERROR(CheckDedicatedColumns("overrides.defaults.storage.parquet_dedicated_columns",
                                           c.overrides.defaults.storage_parquet_dedicated_columns,
                                           c.storage.block.version, st));
  return CheckCaches(c.cache);
}

// Tempo's configuration warnings (spec §0).
void CollectWarnings(Config* c, WalkState* st) {
  Duration poll = c->storage.blocklist_poll;
  if (c->live_store.complete_block_timeout < poll) {
    st->Warn("live_store.complete_block_timeout < storage.trace.blocklist_poll",
             "You may receive 404s between the time the live-stores have flushed a trace and "
             "the querier is aware of the new block");
  }
  if (c->compaction.block_retention < poll) {
    st->Warn("backend_worker.compaction.block_retention < storage.trace.blocklist_poll",
             "Queriers and backend workers may attempt to read a block that no longer exists");
  }
  if (c->compaction.compacted_block_retention < 2 * poll) {
    st->Warn(
        "backend_worker.compaction.compacted_block_retention < 2 * "
        "storage.trace.blocklist_poll",
        "Queriers may attempt to read a compacted block that was already deleted");
  }
  if (c->compaction.retention_concurrency <= 0) {
    st->Warn("backend_worker.compaction.retention_concurrency must be greater than zero; using 1",
             "");
    c->compaction.retention_concurrency = 1;
  }
  if (c->storage.blocklist_poll_concurrency <= 0) {
    st->Warn("storage.trace.blocklist_poll_concurrency must be greater than zero; using 50", "");
    c->storage.blocklist_poll_concurrency = 50;
  }
  if (c->distributor.log_received_spans.enabled || c->distributor.log_discarded_spans.enabled) {
    st->Warn(
        "Span logging is enabled. This is for debugging only and not recommended for "
        "production deployments.",
        "");
  }
  if (c->storage.backend == "local" && c->target != "all") {
    st->Warn(
        "Local backend will not correctly retrieve traces with a distributed deployment "
        "unless all components have access to the same disk. You should probably be using "
        "object storage as a backend.",
        "");
  }
  if (c->backend_scheduler.work_prune_age <= 2 * poll) {
    st->Warn("backend_scheduler.work.prune_age <= 2 * storage.trace.blocklist_poll",
             "jobs may be pruned before the blocklist shows their results; raise prune_age");
  }
  if (c->query_frontend.search.query_backend_after < 2 * poll) {
    st->Warn("query_frontend.search.query_backend_after < 2 * storage.trace.blocklist_poll",
             "recent blocks may be missed by searches until the blocklist is polled");
  }
  if (st->Present("block_builder.assigned_partitions")
      && st->Present("block_builder.partitions_per_instance")) {
    st->Warn("both block_builder.assigned_partitions and partitions_per_instance are set",
             "assigned_partitions wins; remove one of them");
  }
  if (st->Present("query_frontend.rf1_after")) {
    st->Warn("query_frontend.rf1_after is deprecated and ignored", "remove the key");
  }
}

}  // namespace

Status NormalizeProcessors(Limits* limits, std::string_view where,
                           std::vector<ConfigWarning>* warnings) {
  std::vector<std::string>& p = limits->metrics_generator_processors;
  for (const std::string& name : p) {
    if (name != "local-blocks" && !OneOf(name, kProcessors)) {
      return Status::InvalidArgument(
          fmt::format("{}: unknown metrics-generator processor \"{}\"", where, name));
    }
  }
  if (std::find(p.begin(), p.end(), "local-blocks") != p.end()) {
    p.erase(std::remove(p.begin(), p.end(), "local-blocks"), p.end());
    if (warnings != nullptr) {
      warnings->push_back(ConfigWarning{
          fmt::format("{}: processor \"local-blocks\" is a Tempo 2.x processor, ignored", where),
          "the live-store serves TraceQL metrics over recent data"});
    }
  }
  return Status::Ok();
}

bool IsKnownTarget(std::string_view target) {
  return OneOf(target, kTargets3x) || target == "ingester" || target == "compactor"
         || target == "scalable-single-binary" || target == "all-3.0";
}

Status Finalize(Config* config, WalkState* state, std::vector<ConfigWarning>* warnings) {
  state->warnings = warnings;
  ApplyDeferred(*state);
  config->multitenancy_enabled = config->multitenancy_enabled || state->auth_enabled;
  VV_RETURN_IF_ERROR(NormalizeTarget(config, state));
  FillReceivers(config, state);
  VV_RETURN_IF_ERROR(NormalizeBlockVersion(config, state));
  VV_RETURN_IF_ERROR(TranslateLegacyCache(config, state));
  VV_RETURN_IF_ERROR(NormalizeProcessors(
      &config->overrides.defaults, "overrides.defaults.metrics_generator.processors", warnings));
  VV_RETURN_IF_ERROR(Validate(*config, state));
  CollectWarnings(config, state);
  return Status::Ok();
}

}  // namespace vivace::config
