#include "generator/remote_write.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/base64.h"
#include "common/build_info.h"
#include "common/logging.h"
#include "generator/metrics.h"
#include "generator/write_request.h"

namespace vivace::generator {
namespace {

using Clock = std::chrono::steady_clock;

std::string ReadSecretFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

// Retry-After in seconds (Prometheus also accepts an HTTP date; treated as absent here).
Duration RetryAfter(const net::ClientResponse& r) {
  auto h = r.Header("retry-after");
  if (!h) {
    return Duration(0);
  }
  int64_t secs = 0;
  auto res = std::from_chars(h->data(), h->data() + h->size(), secs);
  if (res.ec != std::errc() || secs <= 0) {
    return Duration(0);
  }
  return std::chrono::seconds(secs);
}

}  // namespace

Result<std::unique_ptr<RemoteWriter>> RemoteWriter::Create(const config::RemoteWriteConfig& config,
                                                           int index) {
  auto url = net::HttpUrl::Parse(config.url);
  if (!url.ok()) {
    return url.status().WithContext("metrics_generator.storage.remote_write");
  }
  if (!config.proxy_url.empty()) {
    return Status::InvalidArgument(
        "metrics_generator.storage.remote_write: proxy_url is not supported yet");
  }
  Headers headers;
  for (const auto& [k, v] : config.headers) {
    headers.emplace_back(k, v);
  }
  if (!config.basic_auth_username.empty()) {
    std::string password = config.basic_auth_password_file.empty()
                               ? config.basic_auth_password
                               : ReadSecretFile(config.basic_auth_password_file);
    headers.emplace_back("Authorization",
                         "Basic " + Base64Encode(config.basic_auth_username + ":" + password));
  } else if (!config.authorization_credentials.empty()
             || !config.authorization_credentials_file.empty()) {
    std::string credentials = config.authorization_credentials_file.empty()
                                  ? config.authorization_credentials
                                  : ReadSecretFile(config.authorization_credentials_file);
    std::string type = config.authorization_type.empty() ? "Bearer" : config.authorization_type;
    headers.emplace_back("Authorization", type + " " + credentials);
  }
  std::string name = config.name.empty() ? fmt::format("remote-write-{}", index) : config.name;
  return std::unique_ptr<RemoteWriter>(
      new RemoteWriter(config, std::move(url).value(), std::move(name), std::move(headers)));
}

RemoteWriter::RemoteWriter(const config::RemoteWriteConfig& config, net::HttpUrl url,
                           std::string name, Headers static_headers)
    : config_(config),
      url_(url),
      url_text_(config.url),
      name_(std::move(name)),
      static_headers_(std::move(static_headers)),
      client_(std::move(url)),
      max_pending_samples_(static_cast<size_t>(std::max(config.queue.capacity, 1))
                           * static_cast<size_t>(std::max(config.queue.max_shards, 1))) {}

RemoteWriter::~RemoteWriter() { Stop(Duration(0)); }

void RemoteWriter::Start() {
  std::lock_guard lock(mu_);
  if (!thread_.joinable() && !stopping_) {
    thread_ = std::thread([this] { Run(); });
  }
}

void RemoteWriter::Stop(Duration flush_deadline) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(flush_deadline);
    }
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  std::lock_guard lock(mu_);
  while (!queue_.empty()) {
    Drop(queue_.front());
    pending_samples_ -= queue_.front().samples;
    queue_.pop_front();
  }
}

void RemoteWriter::Enqueue(const std::string& tenant, Headers headers, std::string request,
                           size_t samples, size_t exemplars) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      Drop({tenant, {}, {}, samples, exemplars});
      return;
    }
    queue_.push_back({tenant, std::move(headers), std::move(request), samples, exemplars});
    pending_samples_ += samples;
    // Over the bound: drop the oldest waiting requests (not the one being sent).
    size_t first = in_flight_ ? 1 : 0;
    while (pending_samples_ > max_pending_samples_ && queue_.size() > first + 1) {
      Batch& old = queue_[first];
      Drop(old);
      pending_samples_ -= old.samples;
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(first));
    }
    RemoteSamplesPending().WithLabels({tenant, name_, url_text_}).Add(static_cast<double>(samples));
  }
  cv_.notify_all();
}

void RemoteWriter::Drop(const Batch& batch) {
  RemoteSamplesDroppedTotal()
      .WithLabels({batch.tenant, name_, url_text_})
      .Inc(static_cast<double>(batch.samples));
  RemoteSamplesPending()
      .WithLabels({batch.tenant, name_, url_text_})
      .Add(-static_cast<double>(batch.samples));
}

size_t RemoteWriter::pending_samples() const {
  std::lock_guard lock(mu_);
  return pending_samples_;
}

bool RemoteWriter::WaitIdle(Duration timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return queue_.empty() && !in_flight_; });
}

void RemoteWriter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      break;  // stopping with nothing left
    }
    if (stopping_ && Clock::now() >= stop_deadline_) {
      break;  // Stop() drops the rest
    }
    in_flight_ = true;
    Batch& batch = queue_.front();
    lock.unlock();
    bool finished = Send(batch);
    lock.lock();
    in_flight_ = false;
    if (!finished) {
      break;
    }
    pending_samples_ -= queue_.front().samples;
    queue_.pop_front();
    cv_.notify_all();
  }
  in_flight_ = false;
  cv_.notify_all();
}

bool RemoteWriter::Send(Batch& batch) {
  const std::string body = SnappyCompress(batch.request);
  const std::initializer_list<std::string_view> labels = {batch.tenant, name_, url_text_};
  Duration backoff = config_.queue.min_backoff;
  bool failing = false;
  for (int attempt = 0;; ++attempt) {
    Headers headers = {
        {"Content-Encoding", "snappy"},
        {"Content-Type", "application/x-protobuf"},
        {"User-Agent", "Prometheus/vivace-" + std::string(GetBuildInfo().vivace_version)},
        {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
    if (attempt > 0) {
      headers.emplace_back("Retry-Attempt", std::to_string(attempt));
    }
    headers.insert(headers.end(), static_headers_.begin(), static_headers_.end());
    headers.insert(headers.end(), batch.headers.begin(), batch.headers.end());
    auto start = Clock::now();
    auto r = client_.Post(url_.target, headers, body, config_.remote_timeout);
    RemoteSentBatchDurationSeconds().WithLabels(labels).Observe(
        std::chrono::duration<double>(Clock::now() - start).count());
    Duration wait = backoff;
    if (r.ok() && r->status / 100 == 2) {
      RemoteSamplesTotal().WithLabels(labels).Inc(static_cast<double>(batch.samples));
      RemoteExemplarsTotal().WithLabels(labels).Inc(static_cast<double>(batch.exemplars));
      RemoteBytesTotal().WithLabels(labels).Inc(static_cast<double>(body.size()));
      RemoteSamplesPending().WithLabels(labels).Add(-static_cast<double>(batch.samples));
      if (failing) {
        VV_INFO("remote write recovered", {"remote_name", name_}, {"tenant", batch.tenant},
                {"attempts", attempt + 1});
      }
      return true;
    }
    if (r.ok() && r->status / 100 == 4 && !(r->status == 429 && config_.queue.retry_on_http_429)) {
      RemoteSamplesFailedTotal().WithLabels(labels).Inc(static_cast<double>(batch.samples));
      RemoteSamplesPending().WithLabels(labels).Add(-static_cast<double>(batch.samples));
      std::string msg = r->body.substr(0, 256);
      while (!msg.empty() && msg.back() == '\n') {
        msg.pop_back();
      }
      VV_ERROR("non-recoverable error sending remote write", {"remote_name", name_},
               {"tenant", batch.tenant}, {"status", r->status}, {"err", msg},
               {"samples", batch.samples});
      return true;
    }
    if (r.ok()) {
      if (Duration ra = RetryAfter(*r); ra > wait) {
        wait = ra;
      }
    }
    RemoteSamplesRetriedTotal().WithLabels(labels).Inc(static_cast<double>(batch.samples));
    if (!failing) {
      VV_WARN("failed to send remote write, retrying", {"remote_name", name_},
              {"tenant", batch.tenant},
              {"err", r.ok() ? fmt::format("server returned HTTP status {}", r->status)
                             : std::string(r.status().message())});
      failing = true;
    }
    std::unique_lock lock(mu_);
    auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(wait);
    if (stopping_) {
      until = std::min(until, stop_deadline_);
    }
    cv_.wait_until(lock, until, [this] { return stopping_ && Clock::now() >= stop_deadline_; });
    if (stopping_ && Clock::now() >= stop_deadline_) {
      return false;
    }
    backoff = std::min(backoff * 2, config_.queue.max_backoff);
  }
}

}  // namespace vivace::generator
