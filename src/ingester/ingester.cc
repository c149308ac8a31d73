#include "ingester/ingester.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "block/metrics.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "distributor/metrics.h"
#include "ingester/block_flush.h"
#include "ingester/fragments.h"
#include "ingester/metrics.h"
#include "ingester/wal/wal_record.h"

namespace vivace::ingester {

Ingester::Ingester(const config::LiveStoreConfig& config, const overrides::Overrides* overrides,
                   const Clock* clock, Storage storage)
    : config_(config),
      overrides_(overrides),
      clock_(clock),
      storage_(std::move(storage)),
      wal_(storage_.wal) {
  auto& reg = metrics::DefaultRegistry();
  reg.NewCallbackGauge("tempo_live_store_live_traces", "The current number of live traces.",
                       [this] { return static_cast<double>(live_traces()); });
  reg.NewCallbackGauge("tempo_live_store_live_trace_bytes",
                       "The current number of bytes held in live traces.",
                       [this] { return static_cast<double>(live_bytes()); });
  // Vivace's own: bytes of cut traces held in memory until their block is flushed.
  reg.NewCallbackGauge("vivace_ingester_cut_trace_bytes",
                       "The current number of bytes of cut traces held in memory (head and "
                       "complete blocks not yet flushed).",
                       [this] { return static_cast<double>(cut_bytes()); });
  reg.NewCallbackGauge("tempo_live_store_complete_queue_length",
                       "Number of complete blocks waiting to be written to the backend.",
                       [this] { return static_cast<double>(flush_queue_length()); });
}

Ingester::~Ingester() {
  Stop();
  auto& reg = metrics::DefaultRegistry();
  reg.RemoveCallbackGauge("tempo_live_store_live_traces");
  reg.RemoveCallbackGauge("tempo_live_store_live_trace_bytes");
  reg.RemoveCallbackGauge("vivace_ingester_cut_trace_bytes");
  reg.RemoveCallbackGauge("tempo_live_store_complete_queue_length");
}

void Ingester::Start() {
  loop_ = std::thread([this] { Loop(); });
  int workers = std::max(1, config_.complete_block_concurrency);
  for (int i = 0; i < workers; ++i) {
    flush_workers_.emplace_back([this] { FlushWorker(); });
  }
}

void Ingester::Stop() {
  accepting_.store(false);
  RefuseParked(Status::Unavailable("ingester is shutting down"));
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) {
    loop_.join();
  }
  {
    std::lock_guard<std::mutex> lock(flush_mu_);
    flush_stopping_ = true;
  }
  flush_cv_.notify_all();
  flush_idle_cv_.notify_all();
  for (auto& t : flush_workers_) {
    t.join();
  }
  flush_workers_.clear();
}

void Ingester::FlushWorker() {
  std::unique_lock<std::mutex> lock(flush_mu_);
  while (true) {
    if (flush_stopping_) {
      return;
    }
    int64_t now = clock_->MonotonicNanos();
    auto ready = std::find_if(flush_queue_.begin(), flush_queue_.end(),
                              [now](const FlushJob& j) { return j.not_before_ns <= now; });
    if (ready == flush_queue_.end()) {
      if (flush_queue_.empty()) {
        flush_cv_.wait(lock);
      } else {
        // Only retries waiting out their backoff.
        flush_cv_.wait_for(lock, std::chrono::milliseconds(100));
      }
      continue;
    }
    FlushJob job = std::move(*ready);
    flush_queue_.erase(ready);
    ++flushes_in_flight_;
    lock.unlock();
    Flush(std::move(job));
    lock.lock();
    --flushes_in_flight_;
    flush_idle_cv_.notify_all();
  }
}

void Ingester::Flush(FlushJob job) {
  const CutTraces::Block& block = *job.block;
  block::BlockWriterOptions options = storage_.block;
  options.tenant = job.tenant;
  options.block_id = block.id;
  int64_t start = clock_->MonotonicNanos();
  auto meta = WriteCompleteBlock(storage_.backend, options, block.traces, storage_.marker_dir);
  if (!meta.ok()) {
    // 1s, 2s, 4s, ... up to a minute; the block stays in memory and the WAL meanwhile.
    int64_t backoff_s = std::min<int64_t>(int64_t{1} << std::min(job.attempts, 6), 60);
    VV_ERROR("failed to write complete block; will retry", {"tenant", job.tenant},
             {"block", block.id.ToString()}, {"attempt", job.attempts + 1},
             {"retry_in_s", backoff_s}, {"err", meta.status()});
    std::string tenant = job.tenant;
    job.attempts++;
    job.not_before_ns = clock_->MonotonicNanos() + backoff_s * 1'000'000'000;
    {
      std::lock_guard<std::mutex> lock(flush_mu_);
      flush_queue_.push_back(std::move(job));
    }
    flush_cv_.notify_one();
    // Counted once the retry is queued, so that an observer of the metric sees it queued.
    FailedCompletionsTotal().WithLabels({tenant}).Inc();
    CompletionRetriesTotal().WithLabels({tenant}).Inc();
    return;
  }
  if (storage_.blocklist != nullptr) {
    storage_.blocklist->AddBlock(*meta);
  }
  auto reader = std::make_shared<block::BlockReader>(storage_.backend, *meta);
  int64_t now = clock_->MonotonicNanos();
  job.inst->cut.MarkFlushed(&block, std::move(reader), now);
  RetryParked();  // the block's memory is free now
  BlocksCompletedTotal().WithLabels({job.tenant}).Inc();
  CompletionDurationSeconds().WithLabels().Observe(static_cast<double>(now - start) / 1e9);
  CompletionSizeBytes().WithLabels().Observe(static_cast<double>(meta->size));
  VV_INFO("block flushed", {"tenant", job.tenant}, {"block", block.id.ToString()},
          {"traces", meta->total_objects}, {"size", meta->size},
          {"duration_ms", (now - start) / 1'000'000});
}

Status Ingester::FlushAll() {
  Sweep(true);
  {
    // Now means now: blocks waiting out a retry backoff are tried again at once.
    std::lock_guard<std::mutex> lock(flush_mu_);
    for (FlushJob& job : flush_queue_) {
      job.not_before_ns = 0;
    }
  }
  flush_cv_.notify_all();
  auto deadline = std::chrono::steady_clock::now() + config_.flush_op_timeout;
  {
    std::unique_lock<std::mutex> lock(flush_mu_);
    bool done = flush_idle_cv_.wait_until(lock, deadline, [this] {
      return flush_stopping_ || (flush_queue_.empty() && flushes_in_flight_ == 0);
    });
    if (!done) {
      return Status::DeadlineExceeded(
          "complete blocks were not all flushed within "
          "flush_op_timeout");
    }
  }
  Sweep(false);  // truncates the WAL behind the blocks just flushed
  return Status::Ok();
}

size_t Ingester::flush_queue_length() const {
  std::lock_guard<std::mutex> lock(flush_mu_);
  return flush_queue_.size() + static_cast<size_t>(flushes_in_flight_);
}

void Ingester::Loop() {
  // Wakes every second to let parked pushes in (Tempo's back-pressure checks once a second)
  // and sweeps every flush_check_period.
  auto tick = std::min<Duration>(config_.flush_check_period, std::chrono::seconds(1));
  auto next_sweep = std::chrono::steady_clock::now() + config_.flush_check_period;
  std::unique_lock<std::mutex> lock(loop_mu_);
  while (!stopping_) {
    loop_cv_.wait_for(lock, tick, [this] { return stopping_; });
    if (stopping_) {
      break;
    }
    lock.unlock();
    if (std::chrono::steady_clock::now() >= next_sweep) {
      Sweep(false);
      next_sweep = std::chrono::steady_clock::now() + config_.flush_check_period;
    }
    RetryParked();
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
    slot = std::make_unique<Instance>(o);
  }
  return slot.get();
}

const Ingester::Instance* Ingester::Get(const std::string& tenant) const {
  std::shared_lock<std::shared_mutex> lock(tenants_mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second.get();
}

Status Ingester::MemoryPressure() const {
  if (config_.max_live_traces_bytes <= 0) {
    return Status::Ok();
  }
  int64_t held = live_bytes();
  if (held >= config_.max_live_traces_bytes) {
    return Status::ResourceExhausted(fmt::format(
        "live traces hold {} bytes, at the live_store.max_live_traces_bytes limit of {}", held,
        config_.max_live_traces_bytes));
  }
  int64_t waiting = unflushed_bytes();
  if (waiting >= config_.max_live_traces_bytes) {
    return Status::ResourceExhausted(
        fmt::format("complete blocks waiting to be flushed hold {} bytes, at the "
                    "live_store.max_live_traces_bytes limit of {}",
                    waiting, config_.max_live_traces_bytes));
  }
  return Status::Ok();
}

void Ingester::PushTraces(const std::string& tenant, model::RegroupedBatch batch,
                          std::function<void(Status)> done) {
  if (!accepting_.load()) {
    done(Status::Unavailable("ingester is shutting down"));
    return;
  }
  {
    std::unique_lock<std::mutex> lock(parked_mu_);
    // Pushes wait in arrival order: while any is parked, new ones queue behind it.
    if (!parked_.empty() || !MemoryPressure().ok()) {
      auto size = static_cast<int64_t>(batch.data.size());
      if (!parked_.empty() && parked_bytes_ + size > MaxParkedBytes()) {
        lock.unlock();
        done(Status::ResourceExhausted(fmt::format(
            "{}; {} bytes of pushes are already waiting for memory, retry later",
            MemoryPressure().message(), parked_bytes_)));
        return;
      }
      parked_bytes_ += size;
      parked_.push_back({tenant, std::move(batch), std::move(done), clock_->MonotonicNanos()});
      return;
    }
  }
  Apply(tenant, std::move(batch), std::move(done));
}

int64_t Ingester::MaxParkedBytes() const { return config_.max_live_traces_bytes / 10; }

void Ingester::RetryParked() {
  while (true) {
    ParkedPush p;
    std::vector<ParkedPush> expired;
    Status pressure;
    int64_t now = clock_->MonotonicNanos();
    {
      std::lock_guard<std::mutex> lock(parked_mu_);
      if (parked_.empty()) {
        return;
      }
      pressure = MemoryPressure();
      if (!pressure.ok()) {
        // Still no room: refuse what has waited too long, so clients can back off and retry.
        while (!parked_.empty() && now - parked_.front().parked_ns >= kMaxParkNanos) {
          parked_bytes_ -= static_cast<int64_t>(parked_.front().batch.data.size());
          expired.push_back(std::move(parked_.front()));
          parked_.pop_front();
        }
      } else {
        p = std::move(parked_.front());
        parked_.pop_front();
        parked_bytes_ -= static_cast<int64_t>(p.batch.data.size());
      }
    }
    if (!pressure.ok()) {
      for (ParkedPush& e : expired) {
        BackPressureSecondsTotal().Inc(static_cast<double>(now - e.parked_ns) / 1e9);
        e.done(Status::ResourceExhausted(
            fmt::format("{}; the push waited {} s for memory, retry later", pressure.message(),
                        kMaxParkNanos / 1'000'000'000)));
      }
      return;
    }
    BackPressureSecondsTotal().Inc(static_cast<double>(now - p.parked_ns) / 1e9);
    Apply(p.tenant, std::move(p.batch), std::move(p.done));
  }
}

void Ingester::RefuseParked(const Status& why) {
  std::deque<ParkedPush> refused;
  {
    std::lock_guard<std::mutex> lock(parked_mu_);
    refused.swap(parked_);
    parked_bytes_ = 0;
  }
  for (ParkedPush& p : refused) {
    p.done(why);
  }
}

void Ingester::Apply(const std::string& tenant, model::RegroupedBatch batch,
                     std::function<void(Status)> done) {
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
  if (!storage_.marker_dir.empty()) {
    VV_ASSIGN_OR_RETURN(int removed,
                        CleanUpInterruptedFlushes(storage_.backend, storage_.marker_dir));
    if (removed > 0) {
      VV_INFO("removed partial blocks of interrupted flushes", {"blocks", removed});
    }
  }
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

std::string Ingester::FindTraceById(const std::string& tenant, const model::TraceId& id,
                                    std::vector<backend::BlockId>* searched_blocks) const {
  std::string out;
  const Instance* inst = Get(tenant);
  if (inst == nullptr) {
    return out;
  }
  inst->live.Find(id, &out);
  inst->cut.FindInMemory(id, &out);
  for (const auto& reader : inst->cut.FlushedBlocks()) {
    if (searched_blocks != nullptr) {
      searched_blocks->push_back(reader->meta().block_id);
    }
    auto trace = reader->FindTrace(id);
    if (!trace.ok()) {
      block::ReadFailuresTotal().WithLabels({tenant}).Inc();
      VV_ERROR("skipping unreadable block", {"tenant", tenant},
               {"block", reader->meta().block_id.ToString()}, {"err", trace.status()});
      continue;
    }
    if (trace->has_value()) {
      AppendFramed(out, ByteView(**trace));
    }
  }
  return out;
}

Ingester::RecentData Ingester::SnapshotRecent(const std::string& tenant) const {
  RecentData out;
  const Instance* inst = Get(tenant);
  if (inst == nullptr) {
    return out;
  }
  {
    std::lock_guard<std::mutex> lock(inst->search_mu);
    out.columnar = inst->search_cache;
  }
  std::vector<std::pair<model::TraceId, TraceBufferRef>> parts;
  parts.reserve(static_cast<size_t>(inst->live.count()) + 16);
  inst->live.ForEach([&parts](const model::TraceId& id, const LiveTrace& t) {
    parts.emplace_back(id, t.data.ref());
  });
  std::vector<std::shared_ptr<const CutTraces::Block>> complete;
  inst->cut.SnapshotInMemory(&parts, &complete);
  for (const auto& block : complete) {
    block->traces.ForEach([&parts](const model::TraceId& id, const OwnedTraceBuffer& t) {
      parts.emplace_back(id, t.ref());
    });
  }
  out.buffers = std::move(parts);
  GroupByBucket(&out);
  out.flushed = inst->cut.FlushedBlocks();
  return out;
}

void Ingester::GroupByBucket(RecentData* data) {
  // A stable counting sort, so that each search job reads only its own buckets.
  std::vector<std::pair<model::TraceId, TraceBufferRef>> parts = std::move(data->buffers);
  std::vector<uint8_t> bucket(parts.size());
  data->bucket_begin.assign(kSearchBuckets + 1, 0);
  for (size_t i = 0; i < parts.size(); ++i) {
    bucket[i] = static_cast<uint8_t>(SearchBucket(parts[i].first));
    ++data->bucket_begin[bucket[i] + 1];
  }
  for (uint32_t b = 0; b < kSearchBuckets; ++b) {
    data->bucket_begin[b + 1] += data->bucket_begin[b];
  }
  std::vector<uint32_t> next(data->bucket_begin.begin(), data->bucket_begin.end() - 1);
  data->buffers.resize(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    data->buffers[next[bucket[i]]++] = std::move(parts[i]);
  }
}

void Ingester::EnsureSearchCache(
    const std::string& tenant,
    const std::function<std::shared_ptr<search::RecentColumnar>()>& make) const {
  const Instance* inst = Get(tenant);
  if (inst == nullptr) {
    return;  // nothing to search; the cache comes with the tenant's first query after a push
  }
  std::lock_guard<std::mutex> lock(inst->search_mu);
  if (!inst->search_cache) {
    inst->search_cache = make();
  }
}

std::vector<std::pair<std::string, Ingester::Instance*>> Ingester::Instances() const {
  std::vector<std::pair<std::string, Instance*>> instances;
  std::shared_lock<std::shared_mutex> lock(tenants_mu_);
  for (const auto& [t, inst] : tenants_) {
    instances.emplace_back(t, inst.get());
  }
  return instances;
}

void Ingester::Sweep(bool force) {
  int64_t now = clock_->MonotonicNanos();
  // Plain variables, not structured bindings: clang 14 (the fuzz build) cannot capture bindings.
  for (auto& entry : Instances()) {
    const std::string& tenant = entry.first;
    Instance* inst = entry.second;
    uint64_t next_seq = 0;
    {
      // Every push below next_seq is in memory (live or cut) from here on.
      std::lock_guard<std::mutex> lock(inst->push_mu);
      next_seq = inst->next_seq;
    }
    auto queue_flush = [this, &tenant, inst](
                           std::shared_ptr<const CutTraces::Block> block) {
      BlocksCutTotal().WithLabels({tenant}).Inc();
      {
        std::lock_guard<std::mutex> lock(flush_mu_);
        flush_queue_.push_back({tenant, inst, std::move(block)});
      }
      flush_cv_.notify_one();
    };
    uint64_t live_min = inst->live.Cut(
        now, config_.max_trace_idle.count(), config_.max_trace_live.count(), force,
        [&](const model::TraceId& id, LiveTrace&& t) {
          inst->cut.Append(id, std::move(t), now);
          // A full head block is cut at once, not at the end of the sweep: under heavy ingest
          // one sweep cuts far more than max_block_bytes, and blocks stay near that size.
          if (inst->cut.head_bytes() >= config_.max_block_bytes) {
            if (auto block = inst->cut.CutHead(now, true)) {
              queue_flush(std::move(block));
            }
          }
        });
    if (auto block = inst->cut.CutHead(now, force)) {
      queue_flush(std::move(block));
    }
    if (int cleared = inst->cut.ExpireFlushed(now); cleared > 0) {
      BlocksClearedTotal().WithLabels({tenant}).Inc(cleared);
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

int64_t Ingester::unflushed_bytes() const {
  std::shared_lock<std::shared_mutex> lock(tenants_mu_);
  int64_t n = 0;
  for (const auto& [t, inst] : tenants_) {
    n += inst->cut.unflushed_bytes();
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
