#pragma once

// The Jaeger agent UDP receivers (thrift_compact on 6831, thrift_binary on 6832): each datagram
// is one Agent.emitBatch message. One thread reads datagrams into a bounded queue
// (`queue_size`); `workers` threads decode them, translate them to OTLP and push them to the
// distributor one at a time, waiting for each push, so memory stays bounded. Nothing is ever
// answered. A datagram is dropped, and counted in vivace_jaeger_agent_packets_dropped_total
// with its reason, when it is larger than `max_packet_size`, when the queue is full, when it
// does not decode, or when the distributor refuses it (UDP carries no tenant, so every push
// fails when multitenancy is on).

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "distributor/distributor.h"
#include "receiver/jaeger.h"

namespace vivace::receiver {

struct UdpServerOptions {
  std::string host;  // "" = all interfaces
  int port = 0;      // 0 = ephemeral (see port())
  ThriftProtocol protocol = ThriftProtocol::kCompact;
  int max_packet_size = 65000;
  int workers = 10;
  int queue_size = 1000;
};

class JaegerUdpServer {
 public:
  JaegerUdpServer(UdpServerOptions options, distributor::Distributor* distributor);
  JaegerUdpServer(const JaegerUdpServer&) = delete;
  JaegerUdpServer& operator=(const JaegerUdpServer&) = delete;
  ~JaegerUdpServer();

  // Binds and starts the threads. Unavailable when the address cannot be bound.
  Status Start();

  int port() const { return port_; }

  // Stops reading, lets the workers finish the queued datagrams, joins. Idempotent.
  void Stop();

  // "udp_thrift_compact" or "udp_thrift_binary" (the Collector's transport names).
  std::string_view transport() const;

 private:
  void ReadLoop();
  void WorkLoop();
  void Process(const std::string& packet);
  void Drop(std::string_view reason);

  UdpServerOptions options_;
  distributor::Distributor* distributor_;
  int fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vivace::receiver
