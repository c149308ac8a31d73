#include "ingester/ingester.h"

#include <optional>

#include <fmt/format.h>

#include "common/logging.h"
#include "common/metrics.h"
#include "distributor/metrics.h"
#include "ingester/metrics.h"
#include "ingester/wal/wal_record.h"

namespace vivace::ingester {

Ingester::Ingester(const config::LiveStoreConfig& config, const overrides::Overrides* overrides,
                   const Clock* clock, wal::Wal* wal)
    : config_(config), overrides_(overrides), clock_(clock), wal_(wal) {
  auto& reg = metrics::DefaultRegistry();
  reg.NewCallbackGauge("tempo_live_store_live_traces", "The current number of live traces.",
                       [this] { return static_cast<double>(live_traces()); });
  reg.NewCallbackGauge("tempo_live_store_live_trace_bytes",
                       "The current number of bytes held in live traces.",
                       [this] { return static_cast<double>(live_bytes()); });
  // Vivace's own: bytes of cut traces held in memory until the storage layer takes them.
  reg.NewCallbackGauge("vivace_ingester_cut_trace_bytes",
                       "The current number of bytes of cut traces held in memory (head and "
                       "complete blocks).",
                       [this] { return static_cast<double>(cut_bytes()); });
}

Ingester::~Ingester() {
  Stop();
  auto& reg = metrics::DefaultRegistry();
  reg.RemoveCallbackGauge("tempo_live_store_live_traces");
  reg.RemoveCallbackGauge("tempo_live_store_live_trace_bytes");
  reg.RemoveCallbackGauge("vivace_ingester_cut_trace_bytes");
}

void Ingester::Start() {
  loop_ = std::thread([this] { Loop(); });
}

void Ingester::Stop() {
  accepting_.store(false);
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) {
    loop_.join();
  }
}

void Ingester::Loop() {
  std::unique_lock<std::mutex> lock(loop_mu_);
  while (!stopping_) {
    loop_cv_.wait_for(lock, config_.flush_check_period, [this] { return stopping_; });
    if (stopping_) {
      break;
    }
    lock.unlock();
    Sweep(false);
    lock.lock();
  }
}

Ingester::Instance* Ingester::GetOrCreate(const std::string& tenant) {
  {
    std::shared_lock<std::shared_mutex> lock(tenants_mu_);
    auto it = tenants_.find(tenant);
    if (it != tenants_.end()) {
      return it->second.get();
    }
  }
  std::unique_lock<std::shared_mutex> lock(tenants_mu_);
  auto& slot = tenants_[tenant];
  if (!slot) {
    CutTraces::Options o;
    o.max_block_bytes = config_.max_block_bytes;
    o.max_block_duration_ns = config_.max_block_duration.count();
    o.complete_block_timeout_ns = config_.complete_block_timeout.count();
    o.memory_budget_bytes = config_.max_live_traces_bytes;
    slot = std::make_unique<Instance>(o);
  }
  return slot.get();
}

const Ingester::Instance* Ingester::Get(const std::string& tenant) const {
  std::shared_lock<std::shared_mutex> lock(tenants_mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second.get();
}

void Ingester::PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                          std::function<void(Status)> done) {
  if (!accepting_.load()) {
    done(Status::Unavailable("ingester is shutting down"));
    return;
  }
  if (config_.max_live_traces_bytes > 0) {
    int64_t held = live_bytes();
    if (held >= config_.max_live_traces_bytes) {
      done(Status::ResourceExhausted(fmt::format(
          "live traces hold {} bytes, at the live_store.max_live_traces_bytes limit of {}; retry "
          "later",
          held, config_.max_live_traces_bytes)));
      return;
    }
  }
  Instance* inst = GetOrCreate(tenant);
  auto limits = overrides_->ForTenant(tenant);
  LiveTraces::Limits l{limits->ingestion_max_traces_per_user, limits->global_max_bytes_per_trace};
  int64_t now = clock_->MonotonicNanos();
  uint32_t too_many = 0;
  uint32_t too_large = 0;
  uint32_t created = 0;
  {
    std::lock_guard<std::mutex> lock(inst->push_mu);
    uint64_t seq = inst->next_seq++;
    std::optional<wal::RecordBuilder> record;
    if (wal_ != nullptr) {
      record.emplace(seq);
    }
    for (const model::TraceSlice& t : batch.traces) {
      ByteView fragment = batch.fragment(t);
      AppendResult r = inst->live.Append(t.id, fragment, t.span_count, t.start_unix_nano,
                                         t.end_unix_nano, now, l, seq);
      switch (r) {
        case AppendResult::kNewTrace:
          ++created;
          break;
        case AppendResult::kOk:
          break;
        case AppendResult::kTooManyTraces:
          too_many += t.span_count;
          continue;
        case AppendResult::kTraceTooLarge:
          too_large += t.span_count;
          continue;
      }
      if (record) {
        record->Add(t.id, t.start_unix_nano, t.end_unix_nano, t.span_count, fragment);
      }
    }
    if (record) {
      // Acknowledged once durable (the WAL writer calls `done` after its sync). Queued under
      // push_mu so records reach the log in sequence order.
      wal_->Append(tenant, record->Finish(), seq, std::move(done));
    }
  }
  if (created > 0) {
    TracesCreatedTotal().WithLabels({tenant}).Inc(created);
  }
  BytesReceivedTotal().WithLabels({tenant, "trace"}).Inc(static_cast<double>(batch.data.size()));
  if (too_many > 0) {
    distributor::DiscardedSpansTotal().WithLabels({"live_traces_exceeded", tenant}).Inc(too_many);
  }
  if (too_large > 0) {
    distributor::DiscardedSpansTotal().WithLabels({"trace_too_large", tenant}).Inc(too_large);
  }
  if (wal_ == nullptr) {
    done(Status::Ok());
  }
}

Status Ingester::Replay() {
  if (wal_ == nullptr) {
    return Status::Ok();
  }
  int64_t now = clock_->MonotonicNanos();
  LiveTraces::Limits unlimited;
  uint64_t traces = 0;
  Status bad;
  wal::Wal::ReplayStats stats;
  VV_RETURN_IF_ERROR(wal_->Replay(
      [&](const std::string& tenant, uint64_t seq, ByteView payload) {
        Instance* inst = GetOrCreate(tenant);
        uint64_t parsed_seq = 0;
        Status s = wal::ParsePayload(payload, &parsed_seq, [&](const wal::WalTrace& t) {
          inst->live.Append(t.id, t.fragment, t.spans, t.start_unix_nano, t.end_unix_nano, now,
                            unlimited, seq);
          ++traces;
        });
        if (!s.ok() && bad.ok()) {
          bad = s;  // checksummed but unparseable: a bug, not a torn write; keep going
        }
        std::lock_guard<std::mutex> lock(inst->push_mu);
        inst->next_seq = std::max(inst->next_seq, seq + 1);
      },
      &stats));
  if (!bad.ok()) {
    VV_ERROR("wal record could not be decoded", {"err", bad});
  }
  VV_INFO("wal replayed", {"segments", stats.segments}, {"records", stats.records},
          {"traces", traces}, {"torn_segments", stats.torn_segments},
          {"bytes_dropped", stats.dropped_bytes});
  return Status::Ok();
}

std::string Ingester::FindTraceById(const std::string& tenant, const model::TraceId& id) const {
  std::string out;
  const Instance* inst = Get(tenant);
  if (inst == nullptr) {
    return out;
  }
  inst->live.Find(id, &out);
  inst->cut.Find(id, &out);
  return out;
}

void Ingester::Sweep(bool force) {
  std::vector<std::pair<std::string, Instance*>> instances;
  {
    std::shared_lock<std::shared_mutex> lock(tenants_mu_);
    for (auto& [t, inst] : tenants_) {
      instances.emplace_back(t, inst.get());
    }
  }
  int64_t now = clock_->MonotonicNanos();
  for (auto& [tenant, inst] : instances) {
    uint64_t next_seq = 0;
    {
      // Every push below next_seq is in memory (live or cut) from here on.
      std::lock_guard<std::mutex> lock(inst->push_mu);
      next_seq = inst->next_seq;
    }
    uint64_t live_min =
        inst->live.Cut(now, config_.max_trace_idle.count(), config_.max_trace_live.count(), force,
                       [inst = inst, now](const model::TraceId& id, LiveTrace&& t) {
                         inst->cut.Append(id, std::move(t), now);
                       });
    int cut = inst->cut.Maintain(now, force);
    if (cut > 0) {
      BlocksCutTotal().WithLabels({tenant}).Inc(cut);
    }
    if (wal_ != nullptr) {
      wal_->Truncate(tenant, std::min({next_seq, live_min, inst->cut.min_unflushed_seq()}));
    }
  }
}

int64_t Ingester::live_traces() const {
  std::shared_lock<std::shared_mutex> lock(tenants_mu_);
  int64_t n = 0;
  for (const auto& [t, inst] : tenants_) {
    n += inst->live.count();
  }
  return n;
}

int64_t Ingester::cut_bytes() const {
  std::shared_lock<std::shared_mutex> lock(tenants_mu_);
  int64_t n = 0;
  for (const auto& [t, inst] : tenants_) {
    n += inst->cut.bytes();
  }
  return n;
}

int64_t Ingester::live_bytes() const {
  std::shared_lock<std::shared_mutex> lock(tenants_mu_);
  int64_t n = 0;
  for (const auto& [t, inst] : tenants_) {
    n += inst->live.bytes();
  }
  return n;
}

}  // namespace vivace::ingester
