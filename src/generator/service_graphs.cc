#include "generator/service_graphs.h"

#include <algorithm>
#include <cstring>

#include "generator/span_multiplier.h"

namespace vivace::generator {
namespace {

constexpr std::string_view kVirtualNodeLabel = "virtual_node";

bool IsClient(int32_t kind) { return kind == kSpanKindClient || kind == kSpanKindProducer; }

bool IsServer(int32_t kind) { return kind == kSpanKindServer || kind == kSpanKindConsumer; }

std::string_view ConnectionTypeName(uint8_t t) {
  switch (t) {
    case 1:
      return "messaging_system";
    case 2:
      return "database";
    case 3:
      return "virtual_node";
    default:
      return "";
  }
}

// Stringified value of the first attribute named `key` in `first`, then `second`.
bool FindValue(std::string_view key, const std::vector<Attribute>& first,
               const std::vector<Attribute>* second, std::string* out) {
  const Attribute* a = FindAttribute(first, key);
  if (a == nullptr && second != nullptr) {
    a = FindAttribute(*second, key);
  }
  if (a == nullptr) {
    return false;
  }
  out->clear();
  AppendStringified(a->value, out);
  return true;
}

double NanosDiffSeconds(uint64_t start, uint64_t end) {
  return start > end ? 0.0 : static_cast<double>(end - start) / 1e9;
}

}  // namespace

bool ServiceGraphsProcessor::Key::operator==(const Key& o) const {
  return trace_len == o.trace_len && span_len == o.span_len
         && std::memcmp(trace_id, o.trace_id, sizeof trace_id) == 0
         && std::memcmp(span_id, o.span_id, sizeof span_id) == 0;
}

void ServiceGraphsProcessor::Edge::SetDimension(const std::string& dim, std::string value) {
  for (auto& [k, v] : dimensions) {
    if (k == dim) {
      v = std::move(value);
      return;
    }
  }
  dimensions.emplace_back(dim, std::move(value));
}

std::string_view ServiceGraphsProcessor::Edge::Dimension(std::string_view dim) const {
  for (const auto& [k, v] : dimensions) {
    if (k == dim) {
      return v;
    }
  }
  return {};
}

Result<std::unique_ptr<ServiceGraphsProcessor>> ServiceGraphsProcessor::Create(
    config::ServiceGraphsConfig config, Subprocessors subprocessors, Registry* registry,
    ServiceGraphsCounters counters, HistogramOptions histograms) {
  VV_ASSIGN_OR_RETURN(SpanFilter filter, SpanFilter::Build(config.filter_policies));
  return std::unique_ptr<ServiceGraphsProcessor>(new ServiceGraphsProcessor(
      std::move(config), subprocessors, registry, counters, std::move(filter), histograms));
}

ServiceGraphsProcessor::ServiceGraphsProcessor(config::ServiceGraphsConfig config,
                                               Subprocessors subprocessors, Registry* registry,
                                               ServiceGraphsCounters counters, SpanFilter filter,
                                               HistogramOptions histograms)
    : config_(std::move(config)),
      sub_(subprocessors),
      registry_(registry),
      counters_(counters),
      filter_(std::move(filter)),
      uses_multiplier_(!config_.span_multiplier_key.empty()
                       || config_.enable_tracestate_span_multiplier),
      wait_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(config_.wait).count()) {
  if (config_.enable_virtual_node_label) {
    config_.dimensions.emplace_back(kVirtualNodeLabel);
  }
  for (const std::string& dim : config_.dimensions) {
    DimensionLabel d;
    d.name = dim;
    d.label = SanitizeLabelName(dim);
    d.client_key = d.server_key = dim;
    d.client_label = d.server_label = d.label;
    if (config_.enable_client_server_prefix) {
      d.client_key = "client_" + dim;
      d.server_key = "server_" + dim;
      d.client_label = SanitizeLabelName(d.client_key);
      d.server_label = SanitizeLabelName(d.server_key);
    }
    dimension_labels_.push_back(std::move(d));
  }
  if (sub_.request) {
    request_total_ = registry_->NewCounter(kServiceGraphRequestTotal);
    request_failed_ = registry_->NewCounter(kServiceGraphRequestFailedTotal);
  }
  if (sub_.latency) {
    server_seconds_ =
        registry_->NewHistogram(kServiceGraphServerSeconds, config_.histogram_buckets, histograms);
    client_seconds_ =
        registry_->NewHistogram(kServiceGraphClientSeconds, config_.histogram_buckets, histograms);
    if (config_.enable_messaging_system_latency_histogram) {
      messaging_seconds_ = registry_->NewHistogram(kServiceGraphMessagingSeconds,
                                                   config_.histogram_buckets, histograms);
    }
  }
  if (sub_.connection_info) {
    connection_info_ = registry_->NewGauge(kServiceGraphConnectionInfo);
  }
}

ServiceGraphsProcessor::~ServiceGraphsProcessor() {
  for (const Metric* m :
       {static_cast<const Metric*>(request_total_), static_cast<const Metric*>(request_failed_),
        static_cast<const Metric*>(server_seconds_), static_cast<const Metric*>(client_seconds_),
        static_cast<const Metric*>(messaging_seconds_),
        static_cast<const Metric*>(connection_info_)}) {
    if (m != nullptr) {
      registry_->RemoveMetric(m);
    }
  }
}

bool ServiceGraphsProcessor::MakeKey(ByteView trace_id, ByteView span_id, Key* key) {
  if (trace_id.size() > sizeof key->trace_id || span_id.size() > sizeof key->span_id) {
    return false;  // the distributor rejects such IDs; never pair on a prefix
  }
  *key = Key{};
  std::copy_n(trace_id.data(), trace_id.size(), key->trace_id);
  std::copy_n(span_id.data(), span_id.size(), key->span_id);
  key->trace_len = static_cast<uint8_t>(trace_id.size());
  key->span_len = static_cast<uint8_t>(span_id.size());
  return true;
}

void ServiceGraphsProcessor::OnSpan(const ResourceView& resource, const SpanView& span) {
  if (!resource.has_service_name) {
    return;
  }
  if (!IsClient(span.kind) && !IsServer(span.kind)) {
    return;
  }
  if (!filter_.Keep(resource, span)) {
    AddDroppedSide(span);
    Inc(counters_.filtered);
    return;
  }
  const bool client = IsClient(span.kind);
  Key key;
  if (!MakeKey(span.trace_id, client ? span.span_id : span.parent_span_id, &key)) {
    return;
  }
  ConnectionType type = span.kind == kSpanKindProducer || span.kind == kSpanKindConsumer
                            ? ConnectionType::kMessagingSystem
                            : ConnectionType::kUnknown;
  double multiplier = 1.0;
  if (uses_multiplier_) {
    multiplier = SpanMultiplier(config_.span_multiplier_key,
                                config_.enable_tracestate_span_multiplier, resource, span);
  }
  const Side side = client ? Side::kClient : Side::kServer;

  auto apply = [&](Edge& e) {
    if (client) {
      UpdateClient(e, resource, span, multiplier, type);
    } else {
      UpdateServer(e, resource, span, multiplier, type);
    }
  };

  if (auto it = edges_.find(key); it != edges_.end()) {
    apply(it->second);
    if (it->second.complete()) {
      OnComplete(it->second);
      edges_.erase(it);
    }
    return;
  }
  if (dropped_.contains({key, side == Side::kClient ? Side::kServer : Side::kClient})) {
    Inc(counters_.dropped_edges);
    return;
  }
  Edge fresh;
  fresh.key = key;
  apply(fresh);
  if (fresh.complete()) {
    OnComplete(fresh);
    Inc(counters_.edges);
    return;
  }
  if (edges_.size() >= static_cast<size_t>(std::max(config_.max_items, 0))) {
    Inc(counters_.dropped_spans);
    return;
  }
  fresh.seq = next_seq_++;
  fresh.expiration_ms = now_ms_ + wait_ms_;
  order_.emplace_back(key, fresh.seq);
  edges_.emplace(key, std::move(fresh));
  Inc(counters_.edges);
  // Entries of edges that completed stay in order_ until they would expire; compact when they
  // dominate so the queue stays proportional to the store.
  if (order_.size() > 2 * edges_.size() + 4096) {
    std::deque<std::pair<Key, uint64_t>> live;
    for (const auto& entry : order_) {
      auto e = edges_.find(entry.first);
      if (e != edges_.end() && e->second.seq == entry.second) {
        live.push_back(entry);
      }
    }
    order_.swap(live);
  }
}

void ServiceGraphsProcessor::UpdateClient(Edge& e, const ResourceView& resource,
                                          const SpanView& span, double m, ConnectionType type) {
  e.trace_len = static_cast<uint8_t>(std::min<size_t>(span.trace_id.size(), sizeof e.trace_id));
  std::copy_n(span.trace_id.data(), e.trace_len, e.trace_id);
  e.span_kind = span.kind;
  e.connection_type = type;
  e.client_service = resource.service_name;
  e.client_latency = span.DurationSeconds();
  e.client_end = span.end_unix_nano;
  e.failed = e.failed || span.status_code == kStatusError;
  UpsertDimensions(e, true, resource, span);
  e.multiplier = m;
  UpsertPeerNode(e, span);
  UpsertDatabaseRequest(e, resource, span);
}

void ServiceGraphsProcessor::UpdateServer(Edge& e, const ResourceView& resource,
                                          const SpanView& span, double m, ConnectionType type) {
  e.span_kind = span.kind;
  if (span.parent_span_id.empty()) {
    e.trace_len = static_cast<uint8_t>(std::min<size_t>(span.trace_id.size(), sizeof e.trace_id));
    std::copy_n(span.trace_id.data(), e.trace_len, e.trace_id);
  }
  e.connection_type = type;
  e.server_service = resource.service_name;
  e.server_latency = span.DurationSeconds();
  e.server_start = span.start_unix_nano;
  e.failed = e.failed || span.status_code == kStatusError;
  UpsertDimensions(e, false, resource, span);
  e.multiplier = m;
  UpsertPeerNode(e, span);
}

void ServiceGraphsProcessor::UpsertDimensions(Edge& e, bool client, const ResourceView& resource,
                                              const SpanView& span) {
  for (const DimensionLabel& d : dimension_labels_) {
    if (FindValue(d.name, resource.attributes, &span.attributes(), &scratch_)) {
      e.SetDimension(client ? d.client_key : d.server_key, scratch_);
    }
  }
}

void ServiceGraphsProcessor::UpsertPeerNode(Edge& e, const SpanView& span) {
  for (const std::string& key : config_.peer_attributes) {
    if (FindValue(key, span.attributes(), nullptr, &scratch_)) {
      e.peer_node = scratch_;
      return;
    }
  }
}

void ServiceGraphsProcessor::UpsertDatabaseRequest(Edge& e, const ResourceView& resource,
                                                   const SpanView& span) {
  std::string db_name;
  bool is_database = false;
  for (const std::string& key : config_.database_name_attributes) {
    if (FindValue(key, resource.attributes, &span.attributes(), &db_name)) {
      is_database = true;
      break;
    }
  }
  if (!is_database) {
    return;
  }
  e.connection_type = ConnectionType::kDatabase;
  e.server_latency = span.DurationSeconds();
  if (FindValue("peer.service", resource.attributes, &span.attributes(), &scratch_)
      || FindValue("server.address", resource.attributes, &span.attributes(), &scratch_)) {
    e.server_service = scratch_;
    return;
  }
  if (FindValue("network.peer.address", resource.attributes, &span.attributes(), &scratch_)) {
    std::string host = scratch_;
    if (FindValue("network.peer.port", resource.attributes, &span.attributes(), &scratch_)) {
      host += ":" + scratch_;
    }
    e.server_service = std::move(host);
    return;
  }
  if (!db_name.empty()) {
    e.server_service = std::move(db_name);
  }
}

void ServiceGraphsProcessor::AddDroppedSide(const SpanView& span) {
  Key key;
  Side side;
  if (IsClient(span.kind)) {
    side = Side::kClient;
    if (!MakeKey(span.trace_id, span.span_id, &key)) {
      return;
    }
  } else {
    side = Side::kServer;
    if (span.parent_span_id.empty() || !MakeKey(span.trace_id, span.parent_span_id, &key)) {
      return;  // a root server span has no client counterpart
    }
  }
  // A buffered counterpart is dropped at once instead of expiring later.
  if (auto it = edges_.find(key); it != edges_.end()) {
    bool edge_is_server = !it->second.server_service.empty();
    if (!it->second.complete() && edge_is_server != (side == Side::kServer)) {
      edges_.erase(it);
      Inc(counters_.dropped_edges);
    }
  }
  auto d = dropped_.find({key, side});
  if (d != dropped_.end()) {
    d->second = now_ms_ + wait_ms_;
    return;
  }
  if (dropped_.size() >= static_cast<size_t>(std::max(config_.max_items, 0))) {
    return;
  }
  dropped_.emplace(std::make_pair(key, side), now_ms_ + wait_ms_);
}

void ServiceGraphsProcessor::OnComplete(Edge& e) {
  LabelBuilder& b = registry_->builder();
  b.Reset();
  b.Add("client", e.client_service);
  b.Add("server", e.server_service);
  b.Add("connection_type", ConnectionTypeName(static_cast<uint8_t>(e.connection_type)));
  for (const DimensionLabel& d : dimension_labels_) {
    if (config_.enable_client_server_prefix) {
      if (config_.enable_virtual_node_label && d.name == kVirtualNodeLabel) {
        b.Add(kVirtualNodeLabel, e.Dimension(d.name));
        continue;
      }
      b.Add(d.client_label, e.Dimension(d.client_key));
      b.Add(d.server_label, e.Dimension(d.server_key));
    } else {
      b.Add(d.label, e.Dimension(d.name));
    }
  }
  uint64_t hash = b.Finish();
  if (!b.valid_utf8()) {
    Inc(counters_.invalid_utf8);
    return;
  }
  ByteView trace_id(e.trace_id, e.trace_len);
  if (request_total_ != nullptr) {
    request_total_->Inc(b, hash, e.multiplier, now_ms_);
    if (e.failed) {
      request_failed_->Inc(b, hash, e.multiplier, now_ms_);
    }
  }
  if (server_seconds_ != nullptr) {
    server_seconds_->Observe(b, hash, e.server_latency, e.multiplier, trace_id, now_ms_);
    client_seconds_->Observe(b, hash, e.client_latency, e.multiplier, trace_id, now_ms_);
    if (messaging_seconds_ != nullptr && e.connection_type == ConnectionType::kMessagingSystem) {
      double latency = NanosDiffSeconds(e.client_end, e.server_start);
      if (latency > 0) {
        messaging_seconds_->Observe(b, hash, latency, e.multiplier, trace_id, now_ms_);
      }
    }
  }
  if (connection_info_ != nullptr) {
    connection_info_->Set(b, hash, 1, now_ms_);  // held at 1 while the edge keeps completing
  }
}

void ServiceGraphsProcessor::OnExpire(Edge& e) {
  bool counted = false;
  e.connection_type = ConnectionType::kVirtualNode;
  if (e.client_service.empty()) {
    // A root server span: the request came from outside (a browser, curl) or a peer node.
    if (e.key.root()) {
      e.client_service = e.peer_node.empty() ? "user" : e.peer_node;
      if (config_.enable_virtual_node_label) {
        e.SetDimension(std::string(kVirtualNodeLabel), "client");
      }
      OnComplete(e);
      counted = true;
    }
  } else if (e.server_service.empty() && !e.peer_node.empty()) {
    // A client span to an uninstrumented peer (an external API, a database).
    e.server_service = e.peer_node;
    if (config_.enable_virtual_node_label) {
      e.SetDimension(std::string(kVirtualNodeLabel), "server");
    }
    OnComplete(e);
    counted = true;
  }
  if (!counted && e.span_kind >= 0 && e.span_kind < 6) {
    Inc(counters_.expired_edges[e.span_kind]);
  }
}

void ServiceGraphsProcessor::Expire(int64_t now_ms) {
  now_ms_ = now_ms;
  while (!order_.empty()) {
    auto [key, seq] = order_.front();
    auto it = edges_.find(key);
    if (it == edges_.end() || it->second.seq != seq) {
      order_.pop_front();  // completed or replaced
      continue;
    }
    if (now_ms < it->second.expiration_ms) {
      break;
    }
    OnExpire(it->second);
    edges_.erase(it);
    order_.pop_front();
  }
  for (auto it = dropped_.begin(); it != dropped_.end();) {
    if (now_ms >= it->second) {
      dropped_.erase(it++);
    } else {
      ++it;
    }
  }
}

}  // namespace vivace::generator
