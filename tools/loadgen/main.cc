// vivace-loadgen: sends synthetic OTLP traces to a Tempo-compatible server and reports
// throughput and push latency (see --help and tools/loadgen/README.md).

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "common/clock.h"
#include "common/logging.h"
#include "loadgen/driver.h"
#include "loadgen/options.h"
#include "loadgen/request_template.h"
#include "loadgen/sender.h"
#include "loadgen/stats.h"

namespace vivace::loadgen {
namespace {

// The pool stops growing past this many bytes of requests.
constexpr size_t kMaxPoolBytes = 64 << 20;

std::atomic<bool> stop_requested{false};

void OnSignal(int /*signal*/) { stop_requested.store(true); }

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

uint64_t RandomSeed() {
  std::random_device rd;
  uint64_t s = (uint64_t{rd()} << 32) ^ rd();
  return s ^ static_cast<uint64_t>(SystemClock::Get().NowNanos()) ^ static_cast<uint64_t>(getpid());
}

// Prints one line per interval until Stop().
class Reporter {
 public:
  Reporter(Stats* stats, Duration interval) : stats_(stats), interval_(interval) {
    if (interval_.count() > 0) {
      std::fputs(IntervalHeader().c_str(), stdout);
      thread_ = std::thread([this] { Loop(); });
    }
  }

  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;
  Reporter(Reporter&&) = delete;
  Reporter& operator=(Reporter&&) = delete;

  ~Reporter() { Stop(); }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void Loop() {
    auto start = std::chrono::steady_clock::now();
    auto last_time = start;
    Totals last;
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return done_; })) {
      auto now = std::chrono::steady_clock::now();
      Totals cur = stats_->Snapshot(/*reset_latency=*/true);
      std::string line =
          IntervalLine(cur.Minus(last), std::chrono::duration<double>(now - last_time).count(),
                       std::chrono::duration<double>(now - start).count());
      std::fputs(line.c_str(), stdout);
      std::fflush(stdout);
      last = std::move(cur);
      last_time = now;
    }
  }

  Stats* stats_;
  Duration interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

int Main(int argc, char** argv) {
  Result<Options> parsed = ParseOptions(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "vivace-loadgen: %s\n", std::string(parsed.status().message()).c_str());
    return 2;
  }
  Options& o = *parsed;
  if (o.help) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  if (!o.id_seed_set) {
    o.id_seed = RandomSeed();
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  GeneratorOptions gen{.seed = o.seed,
                       .spans_per_trace = o.spans_per_trace,
                       .depth = o.depth,
                       .error_ratio = o.error_ratio};
  auto tpr = static_cast<uint64_t>(o.traces_per_request);
  int tail = o.total_traces != 0 ? static_cast<int>(o.total_traces % tpr) : 0;
  int64_t t0 = SystemClock::Get().MonotonicNanos();
  Result<TemplatePool> pool =
      TemplatePool::Build(gen, o.traces_per_request, o.pool, kMaxPoolBytes, tail);
  if (!pool.ok()) {
    std::fprintf(stderr, "vivace-loadgen: %s\n", pool.status().ToString().c_str());
    return 1;
  }
  double build_s = static_cast<double>(SystemClock::Get().MonotonicNanos() - t0) / 1e9;
  uint64_t pool_spans = pool->size() * tpr * static_cast<uint64_t>(o.spans_per_trace);
  VV_INFO("request templates generated", {"templates", pool->size()},
          {"bytes", pool->total_bytes()}, {"seconds", build_s},
          {"spans_per_s", build_s > 0 ? static_cast<double>(pool_spans) / build_s : 0.0});
  if (pool->Get(0).size() > (4u << 20) && !o.dry_run) {
    VV_WARN("requests exceed 4 MiB, the default gRPC message limit of many servers",
            {"bytes", pool->Get(0).size()});
  }

  // The loadgen's CPU cost is counted from here: building the pool is a one-off.
  double cpu_before = CpuSeconds();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> ids_file(nullptr, &std::fclose);
  if (!o.trace_ids_file.empty()) {
    ids_file.reset(std::fopen(o.trace_ids_file.c_str(), "w"));
    if (ids_file == nullptr) {
      std::fprintf(stderr, "vivace-loadgen: cannot write %s\n", o.trace_ids_file.c_str());
      return 1;
    }
  }

  Stats stats;
  Driver driver(o, *pool, &stats, ids_file.get());
  Sender::Done done = [&driver](int slot, Outcome outcome) {
    driver.OnDone(slot, std::move(outcome));
  };
  Result<std::unique_ptr<Sender>> sender =
      o.dry_run                       ? Result<std::unique_ptr<Sender>>(MakeNullSender(o, done))
      : o.protocol == Protocol::kGrpc ? MakeGrpcSender(o, done)
                                      : MakeHttpSender(o, done);
  if (!sender.ok()) {
    std::fprintf(stderr, "vivace-loadgen: %s\n", sender.status().ToString().c_str());
    return 1;
  }

  double seconds = 0;
  {
    Reporter reporter(&stats, o.report_interval);
    seconds = driver.Run(**sender, stop_requested);
  }
  sender->reset();  // joins transport threads before the final numbers
  double cpu = CpuSeconds() - cpu_before;
  Totals totals = stats.Final();

  RunInfo info{.protocol = o.protocol == Protocol::kGrpc ? "grpc" : "http",
               .target = o.target,
               .tenant = o.tenant,
               .dry_run = o.dry_run,
               .seed = o.seed,
               .id_seed = o.id_seed,
               .concurrency = o.concurrency,
               .traces_per_request = o.traces_per_request,
               .spans_per_trace = o.spans_per_trace,
               .depth = o.depth,
               .rate = o.rate,
               .template_count = pool->size(),
               .template_bytes = pool->total_bytes()};
  double offered =
      seconds > 0 ? static_cast<double>(totals.spans_ok + totals.spans_failed) / seconds : 0;
  if (o.rate > 0 && offered < 0.95 * o.rate && !stop_requested.load()) {
    VV_WARN("target rate not reached: requests in flight were the limit, raise --concurrency",
            {"rate", o.rate}, {"offered_spans_per_s", offered});
  }
  std::fputs(SummaryTable(info, totals, seconds, cpu).c_str(), stdout);
  std::fputs((ResultLine(info, totals, seconds, cpu) + "\n").c_str(), stdout);
  std::fflush(stdout);
  return totals.requests_failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace vivace::loadgen

int main(int argc, char** argv) { return vivace::loadgen::Main(argc, argv); }
