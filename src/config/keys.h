#pragma once

// The key tables (schema.h) of Tempo's YAML tree, one file per part of the tree:
//   keys_server.cc     top level, server, internal_server, memberlist, shared client blocks
//   keys_ingest.cc     distributor (receivers), ingest, live_store, block_builder, 2.x ingester
//   keys_query.cc      query_frontend, querier
//   keys_storage.cc    storage.trace, cache, compaction, backend_scheduler/worker, 2.x compactor
//   keys_generator.cc  metrics_generator
//   keys_overrides.cc  overrides (scoped and legacy) and per-tenant limits

#include <string_view>

#include "config/config.h"
#include "config/schema.h"

namespace vivace::config {

// Root: Config. The whole tree.
const Schema& ConfigSchema();
// Root: Limits. Scoped format (`ingestion.rate_limit_bytes`).
const Schema& LimitsSchema();
// Root: Limits. Legacy flat format (`ingestion_rate_limit_bytes`).
const Schema& LegacyLimitsSchema();
// Root: OverridesConfig. `overrides:` in the main config, scoped / legacy.
const Schema& OverridesScopedSchema();
const Schema& OverridesLegacySchema();

// Parts of ConfigSchema, in the order they are rendered.
void AddTopLevelKeys(SchemaBuilder<Config>& b);
void AddServerKeys(SchemaBuilder<Config>& b);
void AddIngestKeys(SchemaBuilder<Config>& b);
void AddGeneratorKeys(SchemaBuilder<Config>& b);
void AddQueryKeys(SchemaBuilder<Config>& b);
void AddStorageKeys(SchemaBuilder<Config>& b);
void AddMaintenanceKeys(SchemaBuilder<Config>& b);
void AddMemberlistKeys(SchemaBuilder<Config>& b);
void AddOverridesKeys(SchemaBuilder<Config>& b);

// Shared blocks that Vivace accepts without binding (spec §2.12).
void AcceptKvStore(SchemaWriter w);
void AcceptRing(SchemaWriter w);
void AcceptGrpcClient(SchemaWriter w);
void AcceptTlsClient(SchemaWriter w);  // inline tls_* keys (gRPC clients, memberlist, kafka)
void AcceptServer(SchemaWriter w);     // every dskit server key
void AcceptCompaction(SchemaWriter w);
// The compaction block bound to Config::compaction; with `fallback_prefix` the rows only fill
// keys that `fallback_prefix.<key>` did not set (priority: lower first).
void BindCompaction(SchemaBuilder<Config> b, std::string_view fallback_prefix, int priority);

// Root: MemcachedConfig / RedisConfig / TlsServerConfig (included where they appear).
const Schema& MemcachedSchema();
const Schema& RedisSchema();
const Schema& TlsServerSchema();
// Root: FilterPolicy / DimensionMapping (generator processors, also per tenant).
const Schema& FilterPolicySchema();
const Schema& DimensionMappingSchema();
// Root: DedicatedColumn.
const Schema& DedicatedColumnSchema();

// A note for a Tempo 2.x key that Vivace ignores / maps.
inline constexpr std::string_view kIgnored2x = "Tempo 2.x setting, ignored by Vivace";

}  // namespace vivace::config
