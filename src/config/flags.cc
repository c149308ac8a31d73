#include "config/flags.h"

#include <algorithm>

#include <fmt/format.h>

#include "config/loader.h"
#include "config/yaml_walk.h"

namespace vivace::config {
namespace {

class FlagTable {
 public:
  template <class F>
  FlagTable& Bind(std::string name, std::string yaml_path, F f, std::string help,
                  uint32_t flags = 0) {
    using V = std::remove_cvref_t<decltype(f(std::declval<Config&>()))>;
    FlagDef d;
    d.name = std::move(name);
    d.kind = KindFor<V>();
    d.flags = flags;
    d.help = std::move(help);
    d.ref = [f](Config& c) -> void* { return &f(c); };
    d.yaml_path = std::move(yaml_path);
    defs_.push_back(std::move(d));
    return *this;
  }

  FlagTable& Special(std::string name, Kind kind, FlagAction action, std::string help) {
    FlagDef d;
    d.name = std::move(name);
    d.kind = kind;
    d.action = action;
    d.help = std::move(help);
    defs_.push_back(std::move(d));
    return *this;
  }

  template <class F>
  FlagTable& Present(F f) {
    defs_.back().present = [f](Config& c) -> void* { return &f(c); };
    return *this;
  }

  FlagTable& Warning(std::string text, std::string explain = "remove the flag") {
    defs_.back().warning = std::move(text);
    defs_.back().warning_explain = std::move(explain);
    return *this;
  }

  std::vector<FlagDef> Take() {
    std::sort(defs_.begin(), defs_.end(),
              [](const FlagDef& a, const FlagDef& b) { return a.name < b.name; });
    return std::move(defs_);
  }

 private:
  std::vector<FlagDef> defs_;
};

void AddGeneralFlags(FlagTable& t) {
  t.Special("config.file", Kind::kString, FlagAction::kConfigFile, "Configuration file to load.");
  t.Special("config.expand-env", Kind::kBool, FlagAction::kExpandEnv,
            "Whether to expand environment variables in config file");
  t.Special("config.verify", Kind::kBool, FlagAction::kVerify,
            "Verify configuration and exit (exit 1 on errors or warnings)");
  t.Special("version", Kind::kBool, FlagAction::kVersion, "Print this builds version information");
  t.Special("health", Kind::kBool, FlagAction::kHealth,
            "Run a health check against -health.url and exit (0 when healthy)");
  t.Special("health.url", Kind::kString, FlagAction::kHealthUrl,
            "URL of the health check (default \"http://localhost:3200/ready\")");
  t.Special("help", Kind::kBool, FlagAction::kHelp, "Print this help and exit");
  t.Special("h", Kind::kBool, FlagAction::kHelp, "Print this help and exit");
  t.Special("auth.enabled", Kind::kBool, FlagAction::kAuth,
            "Deprecated alias of -multitenancy.enabled")
      .Warning("-auth.enabled is deprecated", "use -multitenancy.enabled");
  t.Special("mem-ballast-size-mbs", Kind::kInt, FlagAction::kIgnore,
            "Tempo 2.x heap ballast; ignored")
      .Warning("-mem-ballast-size-mbs is a Tempo 2.x flag and is ignored");
  t.Special("mutex-profile-fraction", Kind::kInt, FlagAction::kIgnore, "Go profiling; ignored");
  t.Special("block-profile-threshold", Kind::kInt, FlagAction::kIgnore, "Go profiling; ignored");
  t.Special("enable-go-runtime-metrics", Kind::kBool, FlagAction::kIgnore,
            "Go runtime metrics; ignored");
  t.Special("span-profiling", Kind::kBool, FlagAction::kIgnore, "Go span profiling; ignored");
  t.Special("memberlist.host-port", Kind::kString, FlagAction::kIgnore,
            "Memberlist join address; accepted, not used");
  t.Special("memberlist.bind-port", Kind::kInt, FlagAction::kIgnore,
            "Memberlist gossip port; accepted, not used");
  t.Special("live-store.instance-availability-zone", Kind::kString, FlagAction::kIgnore,
            "Live-store zone; accepted, not used");
  t.Special("ingester.availability-zone", Kind::kString, FlagAction::kIgnore,
            "Tempo 2.x ingester zone; ignored");
  t.Special("block-builder.consume-cycle-duration", Kind::kDuration, FlagAction::kIgnore,
            "Block-builder consume cycle; accepted, not used");

  t.Bind("target", "target", VV_FIELD(target), "Target module");
  t.Bind("multitenancy.enabled", "multitenancy_enabled", VV_FIELD(multitenancy_enabled),
         "Set to true to enable multitenancy.");
  t.Bind("http-api-prefix", "http_api_prefix", VV_FIELD(http_api_prefix),
         "String prefix for all http api endpoints.");
  t.Bind("shutdown-delay", "shutdown_delay", VV_FIELD(shutdown_delay),
         "How long to wait between SIGTERM and shutdown.");
  t.Bind("log.level", "server.log_level", VV_FIELD(server.log_level),
         "Only log messages with the given severity or above: debug, info, warn, error");
  t.Bind("log.format", "server.log_format", VV_FIELD(server.log_format),
         "Output log messages in the given format: logfmt, json");
  t.Bind("server.http-listen-port", "server.http_listen_port", VV_FIELD(server.http_listen_port),
         "HTTP server listen port.");
  t.Bind("server.grpc-listen-port", "server.grpc_listen_port", VV_FIELD(server.grpc_listen_port),
         "gRPC server listen port.");
  t.Bind("server.http-listen-address", "server.http_listen_address",
         VV_FIELD(server.http_listen_address), "HTTP server listen address.");
  t.Bind("server.grpc-listen-address", "server.grpc_listen_address",
         VV_FIELD(server.grpc_listen_address), "gRPC server listen address.");
  t.Bind("querier.frontend-address", "querier.frontend_worker.frontend_address",
         VV_FIELD(querier.frontend_address), "Address of the query-frontend (host:port).");
  t.Bind("ingest.kafka.address", "ingest.kafka.address", VV_FIELD(ingest_kafka.address),
         "Kafka bootstrap address.");
  t.Bind("ingest.kafka.topic", "ingest.kafka.topic", VV_FIELD(ingest_kafka.topic), "Kafka topic.");
}

void AddLimitFlags(FlagTable& t) {
  t.Bind("config.per-user-override-config", "overrides.per_tenant_override_config",
         VV_FIELD(overrides.per_tenant_override_config), "File name of per-user overrides.");
  t.Bind("config.per-user-override-period", "overrides.per_tenant_override_period",
         VV_FIELD(overrides.per_tenant_override_period),
         "Period with which to reload the overrides.", kDays);
  t.Bind("config.enable-legacy-overrides", "overrides.enable_legacy_overrides",
         VV_FIELD(overrides.enable_legacy_overrides), "Accept the legacy overrides format.");
  t.Bind("distributor.rate-limit-strategy", "overrides.defaults.ingestion.rate_strategy",
         VV_FIELD(overrides.defaults.ingestion_rate_strategy),
         "Whether the ingestion rate limit is applied per distributor (local) or shared (global).");
  t.Bind("distributor.ingestion-rate-limit-bytes", "overrides.defaults.ingestion.rate_limit_bytes",
         VV_FIELD(overrides.defaults.ingestion_rate_limit_bytes),
         "Per-user ingestion rate limit in bytes per second.");
  t.Bind("distributor.ingestion-burst-size-bytes", "overrides.defaults.ingestion.burst_size_bytes",
         VV_FIELD(overrides.defaults.ingestion_burst_size_bytes),
         "Per-user ingestion burst size in bytes.");
  t.Bind("ingester.max-traces-per-user", "overrides.defaults.ingestion.max_traces_per_user",
         VV_FIELD(overrides.defaults.ingestion_max_traces_per_user),
         "Maximum number of active traces per user, per live-store. 0 to disable.");
  t.Bind("ingester.max-global-traces-per-user",
         "overrides.defaults.ingestion.max_global_traces_per_user",
         VV_FIELD(overrides.defaults.ingestion_max_global_traces_per_user),
         "Maximum number of active traces per user, across the cluster. 0 to disable.");
  t.Bind("ingester.max-bytes-per-trace", "overrides.defaults.global.max_bytes_per_trace",
         VV_FIELD(overrides.defaults.global_max_bytes_per_trace),
         "Maximum size of a trace in bytes. 0 to disable.");
}

void AddStorageFlags(FlagTable& t) {
  t.Bind("storage.trace.backend", "storage.trace.backend", VV_FIELD(storage.backend),
         "Trace backend (local, s3, gcs, azure)");
  t.Bind("storage.trace.local.path", "storage.trace.local.path", VV_FIELD(storage.local_path),
         "path to store traces at.");
  t.Bind("storage.trace.wal.path", "storage.trace.wal.path", VV_FIELD(storage.wal_path),
         "Path at which store WAL blocks.")
      .Present(VV_FIELD(storage.wal_path_set));
  t.Bind("storage.trace.blocklist_poll", "storage.trace.blocklist_poll",
         VV_FIELD(storage.blocklist_poll), "Period at which to run the maintenance cycle.");
  t.Bind("storage.trace.pool.max-workers", "storage.trace.pool.max_workers",
         VV_FIELD(storage.pool_max_workers), "Workers in the worker pool.");
  t.Bind("storage.trace.pool.queue-depth", "storage.trace.pool.queue_depth",
         VV_FIELD(storage.pool_queue_depth), "Work item queue depth.");
  t.Bind("storage.trace.s3.bucket", "storage.trace.s3.bucket", VV_FIELD(storage.s3.bucket),
         "s3 bucket to store blocks in.");
  t.Bind("storage.trace.s3.prefix", "storage.trace.s3.prefix", VV_FIELD(storage.s3.prefix),
         "s3 root directory to store blocks in.");
  t.Bind("storage.trace.s3.endpoint", "storage.trace.s3.endpoint", VV_FIELD(storage.s3.endpoint),
         "s3 endpoint to push blocks to.");
  t.Bind("storage.trace.s3.region", "storage.trace.s3.region", VV_FIELD(storage.s3.region),
         "s3 region.");
  t.Bind("storage.trace.s3.access_key", "storage.trace.s3.access_key",
         VV_FIELD(storage.s3.access_key), "s3 access key.");
  t.Bind("storage.trace.s3.secret_key", "storage.trace.s3.secret_key",
         VV_FIELD(storage.s3.secret_key), "s3 secret key.");
  t.Bind("storage.trace.s3.session_token", "storage.trace.s3.session_token",
         VV_FIELD(storage.s3.session_token), "s3 session token.");
  t.Bind("storage.trace.s3.insecure", "storage.trace.s3.insecure", VV_FIELD(storage.s3.insecure),
         "s3 over plain HTTP.");
  t.Bind("storage.trace.s3.forcepathstyle", "storage.trace.s3.forcepathstyle",
         VV_FIELD(storage.s3.forcepathstyle), "s3 path-style addressing.");
  t.Bind("storage.trace.gcs.bucket", "storage.trace.gcs.bucket_name",
         VV_FIELD(storage.gcs.bucket_name), "gcs bucket to store traces in.");
  t.Bind("storage.trace.gcs.prefix", "storage.trace.gcs.prefix", VV_FIELD(storage.gcs.prefix),
         "gcs root directory to store traces in.");
  t.Bind("storage.trace.azure.storage_account_name", "storage.trace.azure.storage_account_name",
         VV_FIELD(storage.azure.storage_account_name), "Azure storage account name.");
  t.Bind("storage.trace.azure.storage_account_key", "storage.trace.azure.storage_account_key",
         VV_FIELD(storage.azure.storage_account_key), "Azure storage access key.");
  t.Bind("storage.trace.azure.container_name", "storage.trace.azure.container_name",
         VV_FIELD(storage.azure.container_name), "Azure container name to store blocks in.");
  t.Bind("storage.trace.azure.prefix", "storage.trace.azure.prefix", VV_FIELD(storage.azure.prefix),
         "Azure root directory to store blocks in.");
  t.Bind("storage.trace.azure.endpoint", "storage.trace.azure.endpoint_suffix",
         VV_FIELD(storage.azure.endpoint_suffix), "Azure endpoint suffix.");
}

void AddLiveStoreFlags(FlagTable& t) {
  t.Bind("live-store.wal.path", "live_store.wal.path", VV_FIELD(live_store.wal_path),
         "Path of the live-store WAL.")
      .Present(VV_FIELD(live_store.wal_path_set));
  t.Bind("live-store.complete-block-timeout", "live_store.complete_block_timeout",
         VV_FIELD(live_store.complete_block_timeout),
         "Duration to keep blocks in the live-store after they have been flushed.");
  auto mapped = [&t](std::string name, std::string target, auto f, std::string help) {
    t.Bind(name, "live_store." + target, f, std::move(help))
        .Warning(fmt::format("-{} is a Tempo 2.x flag, mapped to live_store.{}", name, target),
                 "Tempo 3 replaced the ingester with the live-store");
  };
  mapped("ingester.trace-idle-period", "max_trace_idle", VV_FIELD(live_store.max_trace_idle),
         "Tempo 2.x: duration after which to consider a trace complete.");
  mapped("ingester.max-block-duration", "max_block_duration",
         VV_FIELD(live_store.max_block_duration), "Tempo 2.x: maximum duration of a head block.");
  mapped("ingester.max-block-bytes", "max_block_bytes", VV_FIELD(live_store.max_block_bytes),
         "Tempo 2.x: maximum size of a head block.");
  mapped("ingester.complete-block-timeout", "complete_block_timeout",
         VV_FIELD(live_store.complete_block_timeout),
         "Tempo 2.x: duration to keep blocks after they have been flushed.");
}

std::vector<FlagDef> BuildFlagDefs() {
  FlagTable t;
  AddGeneralFlags(t);
  AddLimitFlags(t);
  AddStorageFlags(t);
  AddLiveStoreFlags(t);
  return t.Take();
}

const FlagDef* FindFlag(std::string_view name) {
  for (const FlagDef& d : FlagDefs()) {
    if (d.name == name) {
      return &d;
    }
  }
  return nullptr;
}

Result<LeafValue> ParseFlagValue(const FlagDef& d, const std::string& text) {
  if (d.kind == Kind::kBool) {
    auto b = ParseGoBool(text);
    if (!b.ok()) {
      return Status::InvalidArgument(
          fmt::format("invalid boolean value \"{}\" for -{}: parse error", text, d.name));
    }
    return LeafValue(*b);
  }
  auto v = ParseScalarText(d.kind, d.flags, text);
  if (!v.ok()) {
    return Status::InvalidArgument(
        fmt::format("invalid value \"{}\" for flag -{}: {}", text, d.name, v.status().message()));
  }
  return v;
}

}  // namespace

const std::vector<FlagDef>& FlagDefs() {
  static const std::vector<FlagDef> defs = BuildFlagDefs();
  return defs;
}

Result<std::vector<ParsedFlag>> ParseFlags(int argc, const char* const* argv,
                                           std::vector<ConfigWarning>* warnings) {
  std::vector<ParsedFlag> out;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i] == nullptr ? "" : argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      if (warnings != nullptr) {
        warnings->push_back(ConfigWarning{
            fmt::format("ignoring {} argument(s) after the flags, from \"{}\"", argc - i, arg),
            "flags must come before other arguments"});
      }
      break;  // Go stops at the first non-flag argument
    }
    size_t dashes = arg[1] == '-' ? 2 : 1;
    if (arg.size() == 2 && dashes == 2) {
      break;  // "--" ends the flags
    }
    std::string_view body = arg.substr(dashes);
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return Status::InvalidArgument(fmt::format("bad flag syntax: {}", arg));
    }
    size_t eq = body.find('=');
    std::string name(body.substr(0, eq));
    const FlagDef* def = FindFlag(name);
    if (def == nullptr) {
      return Status::InvalidArgument(fmt::format("flag provided but not defined: -{}", name));
    }
    std::string text;
    if (eq != std::string_view::npos) {
      text = std::string(body.substr(eq + 1));
    } else if (def->kind == Kind::kBool) {
      text = "true";
    } else if (i + 1 < argc && argv[i + 1] != nullptr) {
      text = argv[++i];
    } else {
      return Status::InvalidArgument(fmt::format("flag needs an argument: -{}", name));
    }
    VV_ASSIGN_OR_RETURN(LeafValue value, ParseFlagValue(*def, text));
    if (!def->warning.empty() && warnings != nullptr) {
      warnings->push_back(ConfigWarning{def->warning, def->warning_explain});
    }
    out.push_back(ParsedFlag{def, std::move(value), std::move(text)});
  }
  return out;
}

void ApplyFlags(const std::vector<ParsedFlag>& flags, Config* config, WalkState* state) {
  for (const ParsedFlag& f : flags) {
    const FlagDef& d = *f.def;
    if (d.action == FlagAction::kAuth) {
      state->auth_enabled = state->auth_enabled || std::get<bool>(f.value);
      continue;
    }
    if (d.action != FlagAction::kBind) {
      continue;
    }
    StoreLeaf(d.kind, f.value, d.ref(*config));
    if (d.present) {
      *static_cast<bool*>(d.present(*config)) = true;
    }
    state->present.insert(d.yaml_path);
  }
}

}  // namespace vivace::config
