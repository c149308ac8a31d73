#include "receiver/jaeger_udp.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>

#include <fmt/format.h>

#include "common/logging.h"
#include "receiver/metrics.h"

namespace vivace::receiver {
namespace {

// Logs a refused UDP push at most every 10 s (the agent protocol has no way to tell the
// client, and a misconfigured sender would otherwise flood the log).
void WarnRarely(std::string_view transport, const Status& s) {
  static std::atomic<int64_t> last{0};
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t prev = last.load();
  if (now - prev >= 10 && last.compare_exchange_strong(prev, now)) {
    VV_WARN("jaeger agent batch dropped", {"transport", transport}, {"err", s});
  }
}

}  // namespace

JaegerUdpServer::JaegerUdpServer(UdpServerOptions options, distributor::Distributor* distributor)
    : options_(std::move(options)), distributor_(distributor) {}

JaegerUdpServer::~JaegerUdpServer() { Stop(); }

std::string_view JaegerUdpServer::transport() const {
  return options_.protocol == ThriftProtocol::kCompact ? "udp_thrift_compact" : "udp_thrift_binary";
}

Status JaegerUdpServer::Start() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(options_.port);
  const char* host = options_.host.empty() ? nullptr : options_.host.c_str();
  if (int rc = getaddrinfo(host, port.c_str(), &hints, &res); rc != 0) {
    return Status::Unavailable(
        fmt::format("cannot resolve {}: {}", options_.host, gai_strerror(rc)));
  }
  // Prefer IPv4, as Go does for "localhost".
  const addrinfo* pick = res;
  for (const addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
  }
  fd_ = socket(pick->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || bind(fd_, pick->ai_addr, pick->ai_addrlen) != 0) {
    std::string err = std::strerror(errno);
    freeaddrinfo(res);
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
    return Status::Unavailable(
        fmt::format("cannot listen on udp {}:{}: {}", options_.host, options_.port, err));
  }
  freeaddrinfo(res);
  int buf = 4 << 20;  // absorb bursts; the kernel caps it at net.core.rmem_max
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  if (pipe2(wake_, O_CLOEXEC) != 0) {
    return Status::Internal("pipe failed");
  }
  threads_.emplace_back([this] { ReadLoop(); });
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    threads_.emplace_back([this] { WorkLoop(); });
  }
  return Status::Ok();
}

void JaegerUdpServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) {
      return;
    }
    stopping_ = true;
  }
  if (wake_[1] >= 0) {
    char c = 0;
    [[maybe_unused]] ssize_t n = write(wake_[1], &c, 1);
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    t.join();
  }
  threads_.clear();
  for (int* fd : {&fd_, &wake_[0], &wake_[1]}) {
    if (*fd >= 0) {
      close(*fd);
      *fd = -1;
    }
  }
}

void JaegerUdpServer::Drop(std::string_view reason) {
  AgentPacketsDropped().WithLabels({transport(), reason}).Inc();
}

void JaegerUdpServer::ReadLoop() {
  std::string buf(static_cast<size_t>(std::max(1, options_.max_packet_size)), '\0');
  metrics::Counter& received = AgentPacketsReceived().WithLabels({transport()});
  metrics::Gauge& queue_len = AgentQueueLength().WithLabels({transport()});
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      VV_ERROR("jaeger agent poll failed", {"err", std::strerror(errno)});
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    // MSG_TRUNC: the datagram's real length even when it is larger than the buffer.
    ssize_t n = recv(fd_, buf.data(), buf.size(), MSG_TRUNC | MSG_DONTWAIT);
    if (n < 0) {
      continue;
    }
    received.Inc();
    if (static_cast<size_t>(n) > buf.size()) {
      Drop("too_large");
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= static_cast<size_t>(std::max(1, options_.queue_size))) {
      Drop("queue_full");
      continue;
    }
    queue_.emplace_back(buf.data(), static_cast<size_t>(n));
    queue_len.Set(static_cast<double>(queue_.size()));
    cv_.notify_one();
  }
}

void JaegerUdpServer::WorkLoop() {
  metrics::Gauge& queue_len = AgentQueueLength().WithLabels({transport()});
  while (true) {
    std::string packet;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping and drained
      }
      packet = std::move(queue_.front());
      queue_.pop_front();
      queue_len.Set(static_cast<double>(queue_.size()));
    }
    Process(packet);
  }
}

void JaegerUdpServer::Process(const std::string& packet) {
  JaegerBatch batch;
  if (Status s = DecodeJaegerEmitBatch(ByteView(packet), options_.protocol, &batch); !s.ok()) {
    VV_DEBUG("jaeger agent datagram dropped", {"transport", transport()}, {"err", s});
    Drop("decode_error");
    return;
  }
  size_t spans = 0;
  std::string otlp = TranslateJaeger(batch, JaegerFlavor::kThrift, &spans);
  if (spans == 0) {
    return;
  }
  distributor::PushRequest push;  // no tenant: the agent protocol has no metadata
  push.body = Bytes(std::move(otlp));
  std::promise<distributor::PushResult> done;
  std::future<distributor::PushResult> result = done.get_future();
  distributor_->Push(std::move(push),
                     [&done](distributor::PushResult r) { done.set_value(std::move(r)); });
  distributor::PushResult r = result.get();
  if (r.status.ok()) {
    AcceptedSpans().WithLabels({kJaegerReceiver, transport()}).Inc(r.spans);
  } else {
    RefusedSpans().WithLabels({kJaegerReceiver, transport()}).Inc(r.spans);
    Drop("push_error");
    WarnRarely(transport(), r.status);
  }
}

}  // namespace vivace::receiver
