// vivace: the Tempo-compatible tracing backend. See README.md and `vivace -help`.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "app/app.h"
#include "app/health_check.h"
#include "common/build_info.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/process_metrics.h"
#include "config/loader.h"
#include "server/ops_routes.h"

namespace {

int Run(int argc, char** argv) {
  using vivace::log::Level;
  // Signals are taken synchronously by this thread (sigwait); every thread started later
  // inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto loaded = vivace::config::LoadFromArgs(argc, argv);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
    return 1;
  }
  if (loaded->show_help) {
    std::fputs(vivace::config::Usage().c_str(), stdout);
    return 0;
  }
  if (loaded->show_version) {
    std::fputs(vivace::server::VersionText().c_str(), stdout);
    return 0;
  }
  if (loaded->health_check) {
    return vivace::app::HealthCheck(loaded->health_url) ? 0 : 1;
  }
  const vivace::config::Config& cfg = loaded->config;
  if (auto level = vivace::log::ParseLevel(cfg.server.log_level); level.ok()) {
    vivace::log::SetLevel(*level);
  }
  if (auto format = vivace::log::ParseFormat(cfg.server.log_format); format.ok()) {
    vivace::log::SetFormat(*format);
  }
  if (!loaded->warnings.empty()) {
    VV_WARN("-- CONFIGURATION WARNINGS --");
    for (const auto& w : loaded->warnings) {
      VV_WARN(w.message, {"explain", w.explain});
    }
  }
  if (loaded->verify_only) {
    return loaded->warnings.empty() ? 0 : 1;
  }

  const vivace::BuildInfo& b = vivace::GetBuildInfo();
  vivace::RegisterProcessMetrics(vivace::metrics::DefaultRegistry());
  vivace::metrics::DefaultRegistry()
      .NewGauge("tempo_build_info", "A metric with a constant '1' value labeled by version.",
                {"version", "revision", "branch", "goversion"})
      .WithLabels({b.tempo_version, b.revision, b.branch, b.compiler})
      .Set(1);
  VV_INFO("Starting Tempo", {"implementation", "vivace"}, {"version", b.vivace_version},
          {"tempo_version", b.tempo_version}, {"revision", b.revision}, {"target", cfg.target});

  vivace::app::App app(cfg);
  vivace::Status started = app.Start();
  for (const auto& l : app.listening()) {
    VV_INFO("server listening", {"name", l.name}, {"addr", l.address});
  }
  if (!started.ok()) {
    VV_ERROR("error starting Vivace", {"err", started});
    app.Stop();
    return 1;
  }
  VV_INFO("Tempo started");

  int sig = 0;
  sigwait(&signals, &sig);
  VV_INFO("received signal, shutting down", {"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"});
  app.MarkStopping();
  if (cfg.shutdown_delay.count() > 0) {
    VV_INFO("delaying shutdown", {"delay", vivace::FormatDuration(cfg.shutdown_delay)});
    std::this_thread::sleep_for(cfg.shutdown_delay);
  }
  app.Stop();
  VV_INFO("Tempo stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
