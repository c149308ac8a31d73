#pragma once

// The metrics-generator module: span metrics and service graphs from the span stream, written
// to Prometheus with remote_write (spec config-and-operations.md §6, ingest.md §7.1).
//
//   distributor --PushTraces--> queue --worker--> Instance(tenant): processors -> registry
//   collector thread: every collection_interval per tenant, registry -> WriteRequests
//                     -> RemoteWriter per storage.remote_write[] entry -> Prometheus
//
// In monolithic mode the distributor hands every batch of a tenant with processors to
// PushTraces besides the ingester. The hand-off never blocks the push: batches wait in a
// bounded in-memory queue (dropped and reported when it is full) and are processed on the
// generator's own worker thread. Thread-safe.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "distributor/trace_sink.h"
#include "generator/instance.h"
#include "generator/remote_write.h"
#include "overrides/overrides.h"

namespace vivace::generator {

struct GeneratorOptions {
  // Bytes of batches waiting for the worker; beyond it pushes are refused (default 64 MiB).
  size_t max_queue_bytes = 64u << 20;
  // Overrides the host name in __metrics_gen_instance (tests).
  std::string hostname;
};

class Generator final : public distributor::TraceSink {
 public:
  Generator(const config::Config& config, const overrides::Overrides* overrides, const Clock* clock,
            GeneratorOptions options = {});
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;
  ~Generator() override;

  // Validates the remote_write entries and starts the threads. InvalidArgument for a bad url.
  Status Start();
  // Processes what is queued, collects once more, sends for up to
  // storage.remote_write_flush_deadline and joins everything.
  void Stop();

  // True when `tenant` has any generator processor enabled (the distributor forwards only then).
  bool TenantEnabled(const std::string& tenant) const;

  // distributor::TraceSink: queues the batch; `done` gets OK, or ResourceExhausted when the
  // queue is full (the batch is dropped: metrics are best effort, traces are not affected).
  void PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                  std::function<void(Status)> done) override;

  // Test hooks: process everything queued, collect every tenant now, wait for remote writes.
  void DrainForTesting();
  void CollectNowForTesting();
  bool WaitRemoteWriteIdleForTesting(Duration timeout);
  Instance* InstanceForTesting(const std::string& tenant);

 private:
  struct Job {
    std::string tenant;
    model::RegroupedBatch batch;
  };

  Instance* GetOrCreateInstance(const std::string& tenant);
  void WorkerLoop();
  void CollectorLoop();
  void CollectInstance(Instance* instance);
  Headers TenantHeaders(const std::string& tenant, const RemoteWriter& writer) const;

  const config::MetricsGeneratorConfig config_;
  const overrides::Overrides* overrides_;
  const Clock* clock_;
  GeneratorOptions options_;
  std::vector<std::unique_ptr<RemoteWriter>> writers_;

  mutable std::mutex instances_mu_;
  std::map<std::string, std::unique_ptr<Instance>, std::less<>> instances_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::condition_variable idle_cv_;
  std::deque<Job> queue_;
  size_t queue_bytes_ = 0;
  bool busy_ = false;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::thread worker_;
  std::thread collector_;
};

}  // namespace vivace::generator
