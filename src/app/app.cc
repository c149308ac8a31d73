#include "app/app.h"

#include <thread>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "backend/backend_factory.h"
#include "backend/cache/cache_factory.h"
#include "backend/cache/caching_backend.h"
#include "backend/instrumented_backend.h"
#include "backend/local_backend.h"
#include "blocklist/blocklist.h"
#include "blocklist/poller.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/thread_pool.h"
#include "compactor/compactor.h"
#include "distributor/distributor.h"
#include "frontend/search_handler.h"
#include "frontend/search_sharder.h"
#include "frontend/streaming_querier.h"
#include "frontend/tags_handler.h"
#include "frontend/trace_by_id.h"
#include "generator/generator.h"
#include "ingester/ingester.h"
#include "net/http_server.h"
#include "net/router.h"
#include "overrides/overrides.h"
#include "querier/querier.h"
#include "receiver/jaeger_zipkin_servers.h"
#include "receiver/otlp_grpc.h"
#include "receiver/otlp_http.h"
#include "server/health_service.h"
#include "server/ops_routes.h"

namespace vivace::app {

struct App::Modules {
  std::unique_ptr<overrides::Overrides> overrides;
  std::unique_ptr<backend::RawBackend> backend;
  std::unique_ptr<backend::BlockStore> block_store;
  std::unique_ptr<blocklist::Blocklist> blocklist;
  std::unique_ptr<blocklist::Poller> poller;
  std::unique_ptr<compactor::Compactor> compactor;
  std::unique_ptr<ingester::wal::Wal> wal;
  std::unique_ptr<ingester::Ingester> ingester;
  std::unique_ptr<distributor::Distributor> distributor;
  std::unique_ptr<generator::Generator> generator;
  std::unique_ptr<querier::Querier> querier;
  std::unique_ptr<ThreadPool> query_pool;
  std::unique_ptr<frontend::TraceByIdHandler> trace_by_id;
  std::unique_ptr<frontend::SearchSharder> search_sharder;
  std::unique_ptr<frontend::SearchHandler> search;
  std::unique_ptr<frontend::TagsHandler> tags;
  std::unique_ptr<receiver::OtlpHttpHandler> otlp_http;
  std::unique_ptr<receiver::OtlpGrpcService> otlp_grpc;
  receiver::JaegerZipkinServers jaeger_zipkin;

  net::Router api_router;
  net::Router otlp_http_router;
  std::unique_ptr<net::HttpServer> http_server;
  std::unique_ptr<net::HttpServer> otlp_http_server;
  std::unique_ptr<grpc::Server> otlp_grpc_server;
  std::unique_ptr<server::HealthService> health;
  std::unique_ptr<frontend::StreamingQuerierService> streaming;
  std::unique_ptr<grpc::Server> grpc_server;
};

namespace {

int IoThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(n, 1u, 4u));
}

std::string GrpcAddress(const std::string& host, int port) {
  if (host.empty()) {
    return fmt::format("[::]:{}", port);
  }
  if (host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", host, port);
  }
  return fmt::format("{}:{}", host, port);
}

// The HTTP server takes an IP literal; "localhost" is mapped to loopback there.
std::string HttpHost(const std::string& host) { return host; }

}  // namespace

App::App(config::Config config) : config_(std::move(config)), m_(std::make_unique<Modules>()) {}

App::~App() { Stop(); }

Status App::Start() {
  if (config_.target == "metrics-generator") {
    return StartGeneratorOnly();
  }
  const std::string& target = config_.target;
  // Compaction and retention alone: Tempo 2.x's compactor, 3.x's backend-worker (with the
  // scheduling it needs in process) and backend-scheduler.
  const bool maintenance_only =
      target == "compactor" || target == "backend-worker" || target == "backend-scheduler";
  if (target != "all" && target != "scalable-single-binary" && !maintenance_only) {
    return Status::Unimplemented(fmt::format(
        "target {} is not available yet: this build runs the monolithic mode (-target=all), "
        "metrics-generator, and compaction alone (compactor, backend-worker, backend-scheduler)",
        target));
  }
  Modules& m = *m_;
  m.overrides = std::make_unique<overrides::Overrides>(config_.overrides);
  services_.Set("overrides", server::ServiceState::kRunning);

  VV_RETURN_IF_ERROR(StartStorage());
  StartCompactor();
  if (maintenance_only) {
    VV_RETURN_IF_ERROR(StartApi());
    services_.Set("server", server::ServiceState::kRunning);
    return Status::Ok();
  }

  services_.Set("live-store", server::ServiceState::kStarting);
  m.wal = std::make_unique<ingester::wal::Wal>(
      ingester::wal::Wal::Options{.dir = config_.EffectiveWalPath(),
                                  .segment_bytes = config_.live_store.wal_segment_size_bytes,
                                  .sync_interval = config_.live_store.wal_sync_interval});
  ingester::Ingester::Storage storage;
  storage.backend = m.backend.get();
  storage.blocklist = m.blocklist.get();
  storage.wal = m.wal.get();
  storage.marker_dir = config_.EffectiveWalPath();
  storage.block.bloom_false_positive = config_.storage.block.bloom_filter_false_positive;
  storage.block.bloom_shard_bytes =
      static_cast<uint64_t>(config_.storage.block.bloom_filter_shard_size_bytes);
  m.ingester = std::make_unique<ingester::Ingester>(config_.live_store, m.overrides.get(),
                                                    &SystemClock::Get(), std::move(storage));
  // Acknowledged pushes from before a crash come back before anything new is accepted.
  VV_RETURN_IF_ERROR(m.ingester->Replay());
  VV_RETURN_IF_ERROR(m.wal->Start());
  m.ingester->Start();
  services_.Set("live-store", server::ServiceState::kRunning);

  m.distributor = std::make_unique<distributor::Distributor>(config_, m.overrides.get(),
                                                             m.ingester.get(), &SystemClock::Get());
  VV_RETURN_IF_ERROR(StartGenerator());
  generator::Generator* gen = m.generator.get();
  m.distributor->SetGenerator(gen, [gen](const std::string& t) { return gen->TenantEnabled(t); });
  m.querier =
      std::make_unique<querier::Querier>(m.ingester.get(), m.overrides.get(), m.blocklist.get(),
                                         m.backend.get(), config_.querier.max_concurrent_queries);
  m.query_pool = std::make_unique<ThreadPool>(
      "query", static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  m.trace_by_id = std::make_unique<frontend::TraceByIdHandler>(
      m.querier.get(), m.query_pool.get(),
      frontend::TenancyOptions{config_.multitenancy_enabled,
                               config_.query_frontend.multi_tenant_queries_enabled});
  const config::SearchFrontendConfig& search_config = config_.query_frontend.search;
  frontend::SearchSharderOptions sharding;
  sharding.target_bytes_per_job = search_config.target_bytes_per_job;
  sharding.query_backend_after_s =
      std::chrono::duration_cast<std::chrono::seconds>(search_config.query_backend_after).count();
  sharding.concurrency = std::max(1, config_.querier.max_concurrent_queries);
  // The backend is a CachingBackend when any cache role is configured (StartStorage).
  sharding.job_cache = dynamic_cast<backend::cache::CachingBackend*>(m.backend.get());
  sharding.job_timeout =
      std::chrono::duration_cast<std::chrono::nanoseconds>(config_.querier.search_query_timeout);
  sharding.api_timeout = config_.query_frontend.api_timeout;
  m.search_sharder = std::make_unique<frontend::SearchSharder>(m.querier.get(), sharding);
  m.search = std::make_unique<frontend::SearchHandler>(
      m.search_sharder.get(), m.query_pool.get(),
      frontend::TenancyOptions{config_.multitenancy_enabled,
                               config_.query_frontend.multi_tenant_queries_enabled},
      search_config, config_.query_frontend.max_query_expression_size_bytes, m.overrides.get());
  m.tags = std::make_unique<frontend::TagsHandler>(
      m.search_sharder.get(), m.query_pool.get(),
      frontend::TenancyOptions{config_.multitenancy_enabled,
                               config_.query_frontend.multi_tenant_queries_enabled},
      frontend::TagLimits{
          std::chrono::duration_cast<std::chrono::seconds>(search_config.max_duration),
          m.overrides.get(), config_.query_frontend.max_query_expression_size_bytes});

  VV_RETURN_IF_ERROR(StartReceivers());
  services_.Set("distributor", server::ServiceState::kRunning);
  VV_RETURN_IF_ERROR(StartApi());
  services_.Set("querier", server::ServiceState::kRunning);
  services_.Set("query-frontend", server::ServiceState::kRunning);
  services_.Set("server", server::ServiceState::kRunning);
  return Status::Ok();
}

Status App::StartGenerator() {
  services_.Set("metrics-generator", server::ServiceState::kStarting);
  m_->generator =
      std::make_unique<generator::Generator>(config_, m_->overrides.get(), &SystemClock::Get());
  VV_RETURN_IF_ERROR(m_->generator->Start());
  services_.Set("metrics-generator", server::ServiceState::kRunning);
  return Status::Ok();
}

// -target=metrics-generator: the generator and the ops endpoints (HTTP and gRPC health). Spans
// reach it once the distributor -> generator network path exists (microservices work); until
// then it serves /ready, /metrics and /status only.
Status App::StartGeneratorOnly() {
  m_->overrides = std::make_unique<overrides::Overrides>(config_.overrides);
  services_.Set("overrides", server::ServiceState::kRunning);
  VV_RETURN_IF_ERROR(StartGenerator());
  VV_RETURN_IF_ERROR(StartApi());
  services_.Set("server", server::ServiceState::kRunning);
  return Status::Ok();
}

Status App::StartStorage() {
  Modules& m = *m_;
  const config::StorageConfig& st = config_.storage;
  VV_ASSIGN_OR_RETURN(std::unique_ptr<backend::RawBackend> raw, backend::NewRawBackend(st));
  if (auto* local = dynamic_cast<backend::LocalBackend*>(raw.get()); local != nullptr) {
    // Monolithic mode is the only writer of its local bucket: leftovers of writes a crash
    // interrupted can go.
    if (Status s = local->RemoveTempFiles(); !s.ok() && s.code() != Code::kNotFound) {
      VV_WARN("could not remove temporary files from the block store", {"err", s});
    }
  }
  // Caches sit above the instrumented layer, so tempodb_backend_request_duration_seconds
  // counts only the reads that reach the store.
  std::unique_ptr<backend::RawBackend> instrumented =
      std::make_unique<backend::InstrumentedBackend>(std::move(raw));
  VV_ASSIGN_OR_RETURN(m.backend, backend::cache::WithCaches(std::move(instrumented), config_));
  m.block_store = std::make_unique<backend::BlockStore>(*m.backend);
  m.blocklist = std::make_unique<blocklist::Blocklist>();
  m.poller = std::make_unique<blocklist::Poller>(*m.block_store, *m.blocklist,
                                                 blocklist::PollerOptions::FromConfig(st));
  m.poller->Start();  // the first poll runs now, so queries see existing blocks at once
  return Status::Ok();
}

void App::StartCompactor() {
  Modules& m = *m_;
  const config::CompactionConfig& c = config_.compaction;
  const config::BackendSchedulerConfig& sch = config_.backend_scheduler;
  compactor::CompactorOptions o;
  o.selector.window_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(c.compaction_window).count();
  o.selector.max_objects = c.max_compaction_objects;
  o.selector.max_bytes = static_cast<uint64_t>(std::max<int64_t>(c.max_block_bytes, 0));
  o.selector.min_inputs = static_cast<size_t>(std::max(sch.compaction_min_input_blocks, 2));
  o.selector.max_inputs = static_cast<size_t>(
      std::max(sch.compaction_max_input_blocks, sch.compaction_min_input_blocks));
  o.selector.max_level = static_cast<uint32_t>(std::max(sch.compaction_max_compaction_level, 0));
  o.cycle = c.compaction_cycle;
  o.max_time_per_tenant = c.max_time_per_tenant;
  o.block_retention = c.block_retention;
  o.compacted_block_retention = c.compacted_block_retention;
  o.retention_interval = sch.retention_interval;
  o.disabled = c.disabled;
  o.block.bloom_false_positive = config_.storage.block.bloom_filter_false_positive;
  o.block.bloom_shard_bytes =
      static_cast<uint64_t>(config_.storage.block.bloom_filter_shard_size_bytes);
  m.compactor = std::make_unique<compactor::Compactor>(m.block_store.get(), m.blocklist.get(),
                                                       m.overrides.get(), o);
  blocklist::Poller* poller = m.poller.get();
  // Rewrites the tenant indexes (and picks up other writers' blocks) after each pass.
  m.compactor->SetAfterPass([poller] { (void)poller->Poll(); });
  m.compactor->Start();
  services_.Set(config_.target == "all" ? "backend-worker" : config_.target,
                server::ServiceState::kRunning);
}

Status App::StartReceivers() {
  Modules& m = *m_;
  config::ReceiversConfig r = config_.distributor.receivers;
  if (r.defaulted) {
    // Tempo's defaults when no receiver is configured: jaeger {grpc, thrift_http} + otlp {grpc}.
    r.otlp_grpc.enabled = true;
    r.jaeger_grpc.enabled = true;
    r.jaeger_thrift_http.enabled = true;
  }
  std::vector<std::pair<std::string, std::string>> jz;
  Status jz_started =
      m.jaeger_zipkin.Start(r, config_.multitenancy_enabled, m.distributor.get(), IoThreads(), &jz);
  for (auto& [name, addr] : jz) {
    listening_.push_back({name, addr});
  }
  VV_RETURN_IF_ERROR(jz_started);

  if (r.otlp_grpc.enabled) {
    std::string endpoint = r.otlp_grpc.endpoint.empty() ? "localhost:4317" : r.otlp_grpc.endpoint;
    std::string host;
    int port = 0;
    VV_RETURN_IF_ERROR(net::SplitHostPort(endpoint, &host, &port).WithContext("otlp grpc"));
    m.otlp_grpc = std::make_unique<receiver::OtlpGrpcService>(m.distributor.get());
    grpc::ServerBuilder b;
    int selected = 0;
    b.AddListeningPort(GrpcAddress(host, port), grpc::InsecureServerCredentials(), &selected);
    b.SetMaxReceiveMessageSize(r.otlp_grpc.max_recv_msg_size_mib * 1024 * 1024);
    b.RegisterService(m.otlp_grpc.get());
    m.otlp_grpc_server = b.BuildAndStart();
    if (!m.otlp_grpc_server || selected == 0) {
      return Status::Unavailable(fmt::format("otlp grpc: cannot listen on {}", endpoint));
    }
    listening_.push_back({"otlp-grpc", fmt::format("{}:{}", host, selected)});
  }
  if (r.otlp_http.enabled) {
    std::string endpoint = r.otlp_http.endpoint.empty() ? "localhost:4318" : r.otlp_http.endpoint;
    std::string host;
    int port = 0;
    VV_RETURN_IF_ERROR(net::SplitHostPort(endpoint, &host, &port).WithContext("otlp http"));
    auto max_body = static_cast<size_t>(r.otlp_http.max_request_body_size);
    m.otlp_http = std::make_unique<receiver::OtlpHttpHandler>(m.distributor.get(), max_body);
    receiver::OtlpHttpHandler* h = m.otlp_http.get();
    m.otlp_http_router.Add(r.otlp_http.traces_url_path,
                           [h](net::HttpRequest req, net::Responder respond) {
                             h->Handle(std::move(req), std::move(respond));
                           });
    m.otlp_http_server =
        std::make_unique<net::HttpServer>(net::HttpServerOptions{.name = "otlp-http",
                                                                 .address = HttpHost(host),
                                                                 .port = port,
                                                                 .threads = IoThreads(),
                                                                 .max_body_bytes = max_body},
                                          &m.otlp_http_router);
    VV_RETURN_IF_ERROR(m.otlp_http_server->Start());
    listening_.push_back({"otlp-http", fmt::format("{}:{}", host, m.otlp_http_server->port())});
  }
  return Status::Ok();
}

Status App::StartApi() {
  Modules& m = *m_;
  const std::string& prefix = config_.http_api_prefix;
  frontend::TraceByIdHandler* tbi = m.trace_by_id.get();
  for (const std::string& base : {prefix + "/api", "/querier" + prefix + "/api"}) {
    if (tbi == nullptr) {
      break;  // a target without the read path
    }
    m.api_router.Add(base + "/traces/{traceID}",
                     [tbi](net::HttpRequest req, net::Responder respond) {
                       tbi->HandleV1(std::move(req), std::move(respond));
                     });
    m.api_router.Add(base + "/v2/traces/{traceID}",
                     [tbi](net::HttpRequest req, net::Responder respond) {
                       tbi->HandleV2(std::move(req), std::move(respond));
                     });
    if (const frontend::SearchHandler* search = m.search.get()) {
      m.api_router.Add(base + "/search", [search](net::HttpRequest req, net::Responder respond) {
        search->Handle(std::move(req), std::move(respond));
      });
    }
    if (const frontend::TagsHandler* tags = m.tags.get()) {
      for (bool v2 : {false, true}) {
        std::string api = v2 ? base + "/v2" : base;
        m.api_router.Add(api + "/search/tags",
                         [tags, v2](net::HttpRequest req, net::Responder respond) {
                           tags->HandleNames(std::move(req), std::move(respond), v2);
                         });
        m.api_router.Add(api + "/search/tag/{tagName...}/values",
                         [tags, v2](net::HttpRequest req, net::Responder respond) {
                           tags->HandleValues(std::move(req), std::move(respond), v2);
                         });
      }
    }
  }
  ingester::Ingester* ing = m.ingester.get();
  ThreadPool* pool = m.query_pool.get();
  if (ing == nullptr) {
    server::RegisterOpsRoutes(&m.api_router, {&config_, &services_, &m.api_router}, prefix);
    return StartApiServers();
  }
  // Tempo 2.x's /flush: cut every live trace and head block now and queue the blocks for
  // flushing (used by tests and operators). Vivace's `?wait=true` answers only once every
  // block is in the backend and the WAL truncated behind them.
  m.api_router.Add("/flush", [ing, pool](net::HttpRequest req, net::Responder respond) {
    if (req.Query("wait") != "true") {
      ing->Sweep(true);
      net::HttpResponse r;
      r.status = 204;
      respond(std::move(r));
      return;
    }
    bool queued = pool->Submit([ing, respond]() {
      Status s = ing->FlushAll();
      net::HttpResponse r;
      r.status = s.ok() ? 204 : 500;
      if (!s.ok()) {
        r.body = std::string(s.message()) + "\n";
      }
      respond(std::move(r));
    });
    if (!queued) {
      net::HttpResponse r;
      r.status = 503;
      r.body = "shutting down\n";
      respond(std::move(r));
    }
  });
  server::RegisterOpsRoutes(&m.api_router, {&config_, &services_, &m.api_router}, prefix);
  return StartApiServers();
}

Status App::StartApiServers() {
  Modules& m = *m_;
  const config::ServerConfig& s = config_.server;
  m.http_server = std::make_unique<net::HttpServer>(
      net::HttpServerOptions{.name = "http",
                             .address = s.http_listen_address,
                             .port = s.http_listen_port,
                             .threads = IoThreads(),
                             .max_body_bytes = 16 * 1024 * 1024,
                             .idle_timeout = s.http_server_idle_timeout,
                             .read_timeout = s.http_server_read_timeout},
      &m.api_router);
  VV_RETURN_IF_ERROR(m.http_server->Start());
  listening_.push_back(
      {"http", fmt::format("{}:{}", s.http_listen_address, m.http_server->port())});

  m.health = std::make_unique<server::HealthService>(&services_);
  grpc::ServerBuilder b;
  b.RegisterService(m.health.get());
  if (m.search != nullptr && m.tags != nullptr) {  // targets with the read path
    m.streaming = std::make_unique<frontend::StreamingQuerierService>(m.search.get(), m.tags.get());
    b.RegisterService(m.streaming.get());
  }
  int selected = 0;
  b.AddListeningPort(GrpcAddress(s.grpc_listen_address, s.grpc_listen_port),
                     grpc::InsecureServerCredentials(), &selected);
  b.SetMaxReceiveMessageSize(static_cast<int>(s.grpc_server_max_recv_msg_size));
  b.SetMaxSendMessageSize(static_cast<int>(s.grpc_server_max_send_msg_size));
  m.grpc_server = b.BuildAndStart();
  if (!m.grpc_server || selected == 0) {
    return Status::Unavailable(
        fmt::format("grpc: cannot listen on {}:{}", s.grpc_listen_address, s.grpc_listen_port));
  }
  listening_.push_back({"grpc", fmt::format("{}:{}", s.grpc_listen_address, selected)});
  return Status::Ok();
}

void App::MarkStopping() { services_.SetStopping(); }

void App::Stop() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  services_.SetStopping();
  Modules& m = *m_;
  auto grace = config_.server.graceful_shutdown_timeout;
  // Receivers first: stop accepting, let in-flight pushes finish.
  if (m.otlp_grpc_server) {
    // Answer what is in flight, then close at once: Shutdown(deadline) would also wait on idle
    // client connections.
    if (!m.otlp_grpc->Drain(grace)) {
      VV_WARN("otlp grpc pushes still in flight at shutdown deadline");
    }
    m.otlp_grpc_server->Shutdown(std::chrono::system_clock::now());
    VV_DEBUG("module stopped", {"module", "otlp-grpc"});
  }
  if (m.otlp_http_server) {
    m.otlp_http_server->Stop(grace);
    VV_DEBUG("module stopped", {"module", "otlp-http"});
  }
  m.jaeger_zipkin.Stop(grace);
  services_.Set("distributor", server::ServiceState::kTerminated);
  if (m.http_server) {
    m.http_server->Stop(grace);
    VV_DEBUG("module stopped", {"module", "http"});
  }
  if (m.grpc_server) {
    m.grpc_server->Shutdown(std::chrono::system_clock::now());
    VV_DEBUG("module stopped", {"module", "grpc"});
  }
  if (m.query_pool) {
    m.query_pool->Stop();
  }
  if (m.generator) {
    // After the receivers: nothing pushes any more; sends the last collection.
    m.generator->Stop();
    services_.Set("metrics-generator", server::ServiceState::kTerminated);
  }
  services_.Set("query-frontend", server::ServiceState::kTerminated);
  services_.Set("querier", server::ServiceState::kTerminated);
  if (m.ingester) {
    m.ingester->Stop();
    services_.Set("live-store", server::ServiceState::kTerminated);
  }
  if (m.wal) {
    m.wal->Stop();  // after the receivers: in-flight pushes were waiting for its syncs
  }
  if (m.compactor) {
    m.compactor->Stop();  // interrupts between jobs; a job cut short is resolved at next start
  }
  if (m.poller) {
    m.poller->Stop();
  }
  services_.Set("server", server::ServiceState::kTerminated);
}

}  // namespace vivace::app
