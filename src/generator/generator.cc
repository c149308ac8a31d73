#include "generator/generator.h"

#include <unistd.h>

#include <algorithm>

#include "common/logging.h"
#include "generator/metrics.h"
#include "model/tenant.h"

namespace vivace::generator {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Tempo checks for expired service-graph edges every 2 seconds.
constexpr auto kExpireInterval = std::chrono::seconds(2);
// Tempo removes stale series every 5 minutes; shorter stale durations are honoured sooner.
constexpr auto kMaxStaleInterval = std::chrono::minutes(5);

std::string Hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) {
    return "unknown";
  }
  return buf;
}

bool HasHeader(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [name](const auto& h) {
    return h.first.size() == name.size()
           && std::equal(h.first.begin(), h.first.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a))
                       == std::tolower(static_cast<unsigned char>(b));
              });
  });
}

}  // namespace

Generator::Generator(const config::Config& config, const overrides::Overrides* overrides,
                     const Clock* clock, GeneratorOptions options)
    : config_(config.metrics_generator),
      overrides_(overrides),
      clock_(clock),
      options_(std::move(options)) {
  if (options_.hostname.empty()) {
    options_.hostname = Hostname();
  }
}

Generator::~Generator() { Stop(); }

Status Generator::Start() {
  for (size_t i = 0; i < config_.storage_remote_write.size(); ++i) {
    VV_ASSIGN_OR_RETURN(auto w,
                        RemoteWriter::Create(config_.storage_remote_write[i], static_cast<int>(i)));
    writers_.push_back(std::move(w));
  }
  if (writers_.empty()) {
    VV_INFO(
        "metrics-generator has no storage.remote_write endpoint: series are collected but "
        "not sent");
  }
  for (auto& w : writers_) {
    w->Start();
  }
  started_ = true;
  worker_ = std::thread([this] { WorkerLoop(); });
  collector_ = std::thread([this] { CollectorLoop(); });
  return Status::Ok();
}

void Generator::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    if (stopping_ || !started_) {
      stopping_ = true;
      return;
    }
    stopping_ = true;
  }
  stop_cv_.notify_all();
  queue_cv_.notify_all();
  if (worker_.joinable()) {
    worker_.join();  // processes what was queued first
  }
  if (collector_.joinable()) {
    collector_.join();
  }
  // One last collection so the latest counts reach Prometheus.
  std::vector<Instance*> all;
  {
    std::lock_guard lock(instances_mu_);
    for (auto& [t, inst] : instances_) {
      all.push_back(inst.get());
    }
  }
  for (Instance* inst : all) {
    CollectInstance(inst);
  }
  for (auto& w : writers_) {
    w->Stop(config_.storage_remote_write_flush_deadline);
  }
}

bool Generator::TenantEnabled(const std::string& tenant) const {
  return !overrides_->ForTenant(tenant)->metrics_generator_processors.empty();
}

Instance* Generator::GetOrCreateInstance(const std::string& tenant) {
  std::lock_guard lock(instances_mu_);
  auto it = instances_.find(tenant);
  if (it == instances_.end()) {
    InstanceOptions io{.hostname = options_.hostname, .config = &config_};
    it = instances_.emplace(tenant, std::make_unique<Instance>(tenant, io, overrides_, clock_))
             .first;
    stop_cv_.notify_all();  // the collector schedules the new tenant
  }
  return it->second.get();
}

void Generator::PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                           std::function<void(Status)> done) {
  size_t bytes = batch.data.size();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) {
      done(Status::Unavailable("metrics-generator is stopping"));
      return;
    }
    if (queue_bytes_ + bytes > options_.max_queue_bytes && !queue_.empty()) {
      SpansDiscardedTotal().WithLabels({tenant, "queue_full", "all"}).Inc(batch.span_count);
      done(Status::ResourceExhausted("metrics-generator queue is full"));
      return;
    }
    queue_bytes_ += bytes;
    queue_.push_back({tenant, std::move(batch)});
  }
  queue_cv_.notify_one();
  done(Status::Ok());
}

void Generator::WorkerLoop() {
  std::unique_lock lock(queue_mu_);
  while (true) {
    queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      break;
    }
    Job job = std::move(queue_.front());
    queue_.pop_front();
    queue_bytes_ -= job.batch.data.size();
    busy_ = true;
    lock.unlock();
    try {
      GetOrCreateInstance(job.tenant)->Push(job.batch);
    } catch (const std::exception& e) {
      VV_ERROR("metrics-generator failed to process a batch", {"tenant", job.tenant},
               {"err", e.what()});
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) {
      idle_cv_.notify_all();
    }
  }
  busy_ = false;
  idle_cv_.notify_all();
}

Headers Generator::TenantHeaders(const std::string& tenant, const RemoteWriter& writer) const {
  Headers headers;
  auto limits = overrides_->ForTenant(tenant);
  for (const auto& [k, v] : limits->metrics_generator_remote_write_headers) {
    headers.emplace_back(k, v);
  }
  if (config_.storage_remote_write_add_org_id_header && tenant != model::kSingleTenant
      && !HasHeader(headers, "X-Scope-OrgID")
      && !HasHeader(writer.static_headers(), "X-Scope-OrgID")) {
    headers.emplace_back("X-Scope-OrgID", tenant);
  }
  return headers;
}

void Generator::CollectInstance(Instance* instance) {
  size_t max_samples = 2000;
  if (!writers_.empty()) {
    max_samples = static_cast<size_t>(
        std::max(config_.storage_remote_write[0].queue.max_samples_per_send, 1));
  }
  std::vector<std::string> requests;
  std::vector<std::pair<size_t, size_t>> counts;
  if (!instance->Collect(max_samples, &requests, &counts)) {
    return;
  }
  for (size_t w = 0; w < writers_.size(); ++w) {
    Headers headers = TenantHeaders(instance->tenant(), *writers_[w]);
    for (size_t i = 0; i < requests.size(); ++i) {
      // The last writer takes the request; the others get copies.
      std::string body = w + 1 == writers_.size() ? std::move(requests[i]) : requests[i];
      writers_[w]->Enqueue(instance->tenant(), headers, std::move(body), counts[i].first,
                           counts[i].second);
    }
  }
}

void Generator::CollectorLoop() {
  std::map<std::string, SteadyClock::time_point> next_collection;
  auto next_expire = SteadyClock::now() + kExpireInterval;
  auto stale_interval = std::min<SteadyClock::duration>(
      kMaxStaleInterval,
      std::max<SteadyClock::duration>(
          std::chrono::duration_cast<SteadyClock::duration>(config_.registry_stale_duration),
          std::chrono::seconds(1)));
  auto next_stale = SteadyClock::now() + stale_interval;
  std::unique_lock stop_lock(stop_mu_);
  while (!stopping_) {
    std::vector<Instance*> all;
    {
      std::lock_guard lock(instances_mu_);
      for (auto& [t, inst] : instances_) {
        all.push_back(inst.get());
      }
    }
    stop_lock.unlock();
    auto now = SteadyClock::now();
    auto wake = now + std::chrono::seconds(1);
    for (Instance* inst : all) {
      auto interval = std::chrono::duration_cast<SteadyClock::duration>(
          std::max<Duration>(inst->collection_interval(), std::chrono::milliseconds(100)));
      auto [it, inserted] = next_collection.try_emplace(inst->tenant(), now + interval);
      if (!inserted && now >= it->second) {
        CollectInstance(inst);
        // Keep the cadence; skip missed ticks instead of bunching them.
        it->second += interval;
        if (it->second <= now) {
          it->second = now + interval;
        }
      }
      wake = std::min(wake, it->second);
    }
    if (now >= next_expire) {
      for (Instance* inst : all) {
        inst->ExpireEdges();
      }
      next_expire = now + kExpireInterval;
    }
    if (now >= next_stale) {
      for (Instance* inst : all) {
        inst->RemoveStaleSeries();
      }
      next_stale = now + stale_interval;
    }
    wake = std::min({wake, next_expire, next_stale});
    stop_lock.lock();
    stop_cv_.wait_until(stop_lock, wake);
  }
}

void Generator::DrainForTesting() {
  std::unique_lock lock(queue_mu_);
  idle_cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Generator::CollectNowForTesting() {
  std::vector<Instance*> all;
  {
    std::lock_guard lock(instances_mu_);
    for (auto& [t, inst] : instances_) {
      all.push_back(inst.get());
    }
  }
  for (Instance* inst : all) {
    CollectInstance(inst);
  }
}

bool Generator::WaitRemoteWriteIdleForTesting(Duration timeout) {
  for (auto& w : writers_) {
    if (!w->WaitIdle(timeout)) {
      return false;
    }
  }
  return true;
}

Instance* Generator::InstanceForTesting(const std::string& tenant) {
  std::lock_guard lock(instances_mu_);
  auto it = instances_.find(tenant);
  return it == instances_.end() ? nullptr : it->second.get();
}

}  // namespace vivace::generator
