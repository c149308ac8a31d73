#pragma once

// The metrics-generator's remote-write client for one `storage.remote_write[]` endpoint
// (spec ingest.md §7.1). Collections enqueue serialized WriteRequests; one sender thread
// compresses them with snappy and POSTs them in order, as Prometheus' queue manager does:
// 2xx done; 5xx, timeouts and connection failures retried with exponential backoff
// (queue_config.min_backoff .. max_backoff, Retry-After honoured); 429 retried only with
// retry_on_http_429; other 4xx dropped and counted as failed.
//
// The queue lives in memory and holds at most queue_config.capacity * max_shards samples: while
// the endpoint is down, requests wait (in order, so no sample arrives out of order) and the
// oldest are dropped beyond the bound. Stop() keeps sending for the flush deadline, then drops
// what is left. Thread-safe.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/duration.h"
#include "common/status.h"
#include "config/config.h"
#include "net/http_client.h"

namespace vivace::generator {

using Headers = std::vector<std::pair<std::string, std::string>>;

class RemoteWriter {
 public:
  // InvalidArgument for an unusable url (https, bad port). `index` names unnamed endpoints.
  static Result<std::unique_ptr<RemoteWriter>> Create(const config::RemoteWriteConfig& config,
                                                      int index);
  RemoteWriter(const RemoteWriter&) = delete;
  RemoteWriter& operator=(const RemoteWriter&) = delete;
  ~RemoteWriter();

  void Start();
  // Sends what is queued for at most `flush_deadline`, then drops the rest and joins.
  void Stop(Duration flush_deadline);

  // Queues one serialized WriteRequest of `tenant` with its per-tenant headers.
  void Enqueue(const std::string& tenant, Headers headers, std::string request, size_t samples,
               size_t exemplars);

  // The headers of the endpoint itself (configured headers, basic auth, authorization).
  const Headers& static_headers() const { return static_headers_; }

  const std::string& name() const { return name_; }

  size_t pending_samples() const;
  // Waits until nothing is queued or in flight (tests, shutdown). False on timeout.
  bool WaitIdle(Duration timeout);

 private:
  struct Batch {
    std::string tenant;
    Headers headers;
    std::string request;
    size_t samples = 0;
    size_t exemplars = 0;
  };

  RemoteWriter(const config::RemoteWriteConfig& config, net::HttpUrl url, std::string name,
               Headers static_headers);
  void Run();
  // Sends one batch until it is done or dropped. Returns false when stopping ended it.
  bool Send(Batch& batch);
  void Drop(const Batch& batch);

  config::RemoteWriteConfig config_;
  net::HttpUrl url_;
  std::string url_text_;
  std::string name_;
  Headers static_headers_;
  net::HttpClient client_;
  size_t max_pending_samples_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  size_t pending_samples_ = 0;
  bool in_flight_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_{};
  std::thread thread_;
};

}  // namespace vivace::generator
