#pragma once

// The service-graphs processor (Tempo's processor/servicegraphs; spec §6.2). Client (and
// producer) spans are keyed by (trace ID, span ID), server (and consumer) spans by (trace ID,
// parent span ID); when both halves of a request are in the edge store, the edge completes:
//
//   traces_service_graph_request_total{client, server, connection_type, <dimensions>}
//   traces_service_graph_request_failed_total (either side had status ERROR)
//   traces_service_graph_request_{server,client}_seconds (histograms, exemplar = trace ID)
//   traces_service_graph_request_messaging_system_seconds (producer end -> consumer start)
//   traces_service_graph_connection_info = 1 (opt-in: service-graphs-connection-info)
//
// Client spans carrying a database attribute complete at once (connection_type="database",
// server = peer.service / server.address / network.peer.address[:port] / the db name).
// Halves still unmatched after `wait` expire: a root server span becomes an edge from its peer
// node or "user", a client span with a peer attribute an edge to that virtual node
// (connection_type="virtual_node"); the rest are counted as expired. Spans rejected by the
// filter policies are remembered for `wait` so their counterparts are dropped too.
//
// Owned by a tenant instance; runs under its lock.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/node_hash_map.h>

#include "common/metrics.h"
#include "common/status.h"
#include "config/generator_config.h"
#include "generator/filter.h"
#include "generator/registry.h"
#include "generator/span_reader.h"

namespace vivace::generator {

inline constexpr char kServiceGraphRequestTotal[] = "traces_service_graph_request_total";
inline constexpr char kServiceGraphRequestFailedTotal[] =
    "traces_service_graph_request_failed_total";
inline constexpr char kServiceGraphServerSeconds[] = "traces_service_graph_request_server_seconds";
inline constexpr char kServiceGraphClientSeconds[] = "traces_service_graph_request_client_seconds";
inline constexpr char kServiceGraphMessagingSeconds[] =
    "traces_service_graph_request_messaging_system_seconds";
inline constexpr char kServiceGraphConnectionInfo[] = "traces_service_graph_connection_info";

// Self-monitoring counters of one tenant's processor (owned by the caller).
struct ServiceGraphsCounters {
  metrics::Counter* filtered = nullptr;       // spans_discarded_total{service_graphs_filtered}
  metrics::Counter* edges = nullptr;          // ..._service_graphs_edges
  metrics::Counter* dropped_spans = nullptr;  // ..._service_graphs_dropped_spans
  metrics::Counter* dropped_edges = nullptr;  // ..._service_graphs_dropped_edges_total
  metrics::Counter* invalid_utf8 = nullptr;   // spans_discarded_total{invalid_utf8}
  // ..._service_graphs_expired_edges{unmatched_span_kind}: one per span kind value 0..5.
  metrics::Counter* expired_edges[6] = {};
};

class ServiceGraphsProcessor final : public SpanVisitor {
 public:
  struct Subprocessors {
    bool request = true;
    bool latency = true;
    bool connection_info = false;
    bool operator==(const Subprocessors&) const = default;
  };

  static Result<std::unique_ptr<ServiceGraphsProcessor>> Create(config::ServiceGraphsConfig config,
                                                                Subprocessors subprocessors,
                                                                Registry* registry,
                                                                ServiceGraphsCounters counters,
                                                                HistogramOptions histograms = {});
  ServiceGraphsProcessor(const ServiceGraphsProcessor&) = delete;
  ServiceGraphsProcessor& operator=(const ServiceGraphsProcessor&) = delete;
  ~ServiceGraphsProcessor() override;

  void set_now_ms(int64_t now_ms) { now_ms_ = now_ms; }

  void OnSpan(const ResourceView& resource, const SpanView& span) override;
  // Expires edges and dropped sides older than `wait` (Tempo checks every 2s).
  void Expire(int64_t now_ms);

  size_t pending_edges() const { return edges_.size(); }

 private:
  enum class ConnectionType : uint8_t { kUnknown, kMessagingSystem, kDatabase, kVirtualNode };
  enum class Side : uint8_t { kClient, kServer };

  struct Key {
    uint8_t trace_id[16] = {};
    uint8_t span_id[8] = {};
    uint8_t trace_len = 0;
    uint8_t span_len = 0;
    bool operator==(const Key& o) const;

    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h),
                        std::string_view(reinterpret_cast<const char*>(k.trace_id),
                                         sizeof k.trace_id + sizeof k.span_id),
                        k.trace_len, k.span_len);
    }

    bool root() const { return span_len == 0; }
  };

  struct Edge {
    Key key;
    uint64_t seq = 0;
    int64_t expiration_ms = 0;
    ConnectionType connection_type = ConnectionType::kUnknown;
    std::string client_service;
    std::string server_service;
    double client_latency = 0;
    double server_latency = 0;
    uint64_t client_end = 0;
    uint64_t server_start = 0;
    int32_t span_kind = 0;
    bool failed = false;
    double multiplier = 1.0;
    std::string peer_node;
    uint8_t trace_id[16] = {};
    uint8_t trace_len = 0;
    std::vector<std::pair<std::string, std::string>> dimensions;  // by dimension key
    void SetDimension(const std::string& dim, std::string value);
    std::string_view Dimension(std::string_view dim) const;

    bool complete() const { return !client_service.empty() && !server_service.empty(); }
  };

  struct DimensionLabel {
    std::string name;
    std::string label;
    std::string client_key;
    std::string client_label;
    std::string server_key;
    std::string server_label;
  };

  ServiceGraphsProcessor(config::ServiceGraphsConfig config, Subprocessors subprocessors,
                         Registry* registry, ServiceGraphsCounters counters, SpanFilter filter,
                         HistogramOptions histograms);
  static bool MakeKey(ByteView trace_id, ByteView span_id, Key* key);
  void UpdateClient(Edge& e, const ResourceView& resource, const SpanView& span, double m,
                    ConnectionType type);
  void UpdateServer(Edge& e, const ResourceView& resource, const SpanView& span, double m,
                    ConnectionType type);
  void UpsertDimensions(Edge& e, bool client, const ResourceView& resource, const SpanView& span);
  void UpsertPeerNode(Edge& e, const SpanView& span);
  void UpsertDatabaseRequest(Edge& e, const ResourceView& resource, const SpanView& span);
  void AddDroppedSide(const SpanView& span);
  void OnComplete(Edge& e);
  void OnExpire(Edge& e);

  static void Inc(metrics::Counter* c) {
    if (c != nullptr) {
      c->Inc();
    }
  }

  config::ServiceGraphsConfig config_;
  Subprocessors sub_;
  Registry* registry_;
  ServiceGraphsCounters counters_;
  SpanFilter filter_;
  std::vector<DimensionLabel> dimension_labels_;
  bool uses_multiplier_;
  int64_t wait_ms_;
  Counter* request_total_ = nullptr;
  Counter* request_failed_ = nullptr;
  Histogram* server_seconds_ = nullptr;
  Histogram* client_seconds_ = nullptr;
  Histogram* messaging_seconds_ = nullptr;
  Gauge* connection_info_ = nullptr;

  int64_t now_ms_ = 0;
  uint64_t next_seq_ = 1;
  absl::node_hash_map<Key, Edge> edges_;
  std::deque<std::pair<Key, uint64_t>> order_;  // insertion (= expiration) order, with seq
  absl::flat_hash_map<std::pair<Key, Side>, int64_t> dropped_;  // side -> expiration ms
  std::string scratch_;
};

}  // namespace vivace::generator
