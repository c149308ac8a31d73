#include "blocklist/poller.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "blocklist/metrics.h"
#include "common/logging.h"

namespace vivace::blocklist {

namespace {

using backend::BlockId;
using backend::BlockMeta;
using backend::CompactedBlockMeta;

constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Runs fn(0..n-1) on up to `workers` threads (the caller's included). fn must not throw.
void ParallelFor(size_t n, int workers, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      fn(i);
    }
  };
  size_t threads = std::min<size_t>(n, static_cast<size_t>(std::max(1, workers)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) {
    pool.emplace_back(run);
  }
  run();
  for (auto& t : pool) {
    t.join();
  }
}

// Keeps the first error reported from several threads.
class FirstError {
 public:
  void Record(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (status_.ok()) {
      status_ = std::move(s);
    }
  }

  Status Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(status_);
  }

 private:
  std::mutex mu_;
  Status status_;
};

// Nanoseconds since the epoch, saturated (Go's zero time does not fit in int64 nanoseconds).
int64_t ToNanos(const backend::Timestamp& t) {
  constexpr int64_t kMaxSeconds = INT64_MAX / kNanosPerSecond - 1;
  if (t.seconds > kMaxSeconds) {
    return INT64_MAX;
  }
  if (t.seconds < -kMaxSeconds) {
    return INT64_MIN;
  }
  return t.seconds * kNanosPerSecond + t.nanos;
}

}  // namespace

PollerOptions PollerOptions::FromConfig(const config::StorageConfig& storage) {
  PollerOptions o;
  o.poll_interval = storage.blocklist_poll;
  o.concurrency = storage.blocklist_poll_concurrency;
  o.fallback = storage.blocklist_poll_fallback;
  o.tenant_index_builders = storage.blocklist_poll_tenant_index_builders;
  o.stale_tenant_index = storage.blocklist_poll_stale_tenant_index;
  return o;
}

Poller::Poller(backend::BlockStore& store, Blocklist& blocklist, PollerOptions options,
               const Clock& clock)
    : store_(store), blocklist_(blocklist), options_(std::move(options)), clock_(clock) {}

Poller::~Poller() { Stop(); }

bool Poller::IsIndexBuilder(std::string_view tenant) const {
  if (options_.tenant_index_builders <= 0) {
    return false;
  }
  if (!options_.owns) {
    return true;
  }
  for (int i = 0; i < options_.tenant_index_builders; ++i) {
    if (options_.owns(fmt::format("build-tenant-index-{}-{}", i, tenant))) {
      return true;
    }
  }
  return false;
}

Status Poller::Poll() {
  std::lock_guard<std::mutex> poll_lock(poll_mu_);
  const int64_t start = clock_.MonotonicNanos();
  auto finish = [&](Status s) {
    double seconds = static_cast<double>(clock_.MonotonicNanos() - start) / 1e9;
    PollDuration().WithLabels().Observe(seconds);
    polls_completed_.fetch_add(1);
    return s;
  };

  auto tenants = store_.Tenants();
  if (!tenants.ok()) {
    PollErrors().WithLabels({""}).Inc();
    return finish(tenants.status().WithContext("blocklist poll: listing tenants"));
  }
  int failed = 0;
  Status last_error;
  for (const std::string& tenant : *tenants) {
    if (stopping_.load()) {
      return finish(Status::Cancelled("blocklist poll: stopping"));
    }
    Status s = PollTenant(tenant);
    if (s.code() == Code::kCancelled) {
      return finish(s);
    }
    if (!s.ok()) {
      ++failed;
      PollErrors().WithLabels({tenant}).Inc();
      VV_ERROR("failed to poll tenant blocks", {"tenant", tenant}, {"err", s});
      last_error = std::move(s);
    }
  }
  for (const std::string& gone : blocklist_.RetainTenants(*tenants)) {
    TenantIndexBuilder().WithLabels({gone}).Set(0);
  }
  if (failed > 0) {
    return finish(
        Status(last_error.code(), fmt::format("blocklist poll: {} of {} tenants failed, last: {}",
                                              failed, tenants->size(), last_error.message())));
  }
  double seconds = static_cast<double>(clock_.MonotonicNanos() - start) / 1e9;
  VV_INFO("blocklist poll complete", {"tenants", tenants->size()}, {"seconds", seconds});
  return finish(Status::Ok());
}

Status Poller::PollTenant(const std::string& tenant) {
  const bool builder = IsIndexBuilder(tenant);
  TenantIndexBuilder().WithLabels({tenant}).Set(builder ? 1 : 0);
  const int64_t started = clock_.NowNanos();

  if (!builder) {
    auto index = store_.ReadTenantIndex(tenant);
    Status err;
    if (index.ok()) {
      const int64_t age_seconds = started / kNanosPerSecond - index->created_at.seconds;
      const auto age = static_cast<double>(age_seconds);
      auto stale = std::chrono::duration_cast<std::chrono::seconds>(options_.stale_tenant_index);
      if (stale.count() > 0 && age > static_cast<double>(stale.count())) {
        err = Status::FailedPrecondition(
            fmt::format("tenant index is {}s old, older than the {}s allowed", age, stale.count()));
      } else {
        TenantIndexAgeSeconds().WithLabels({tenant}).Set(age);
        TenantBlocks blocks{std::move(index->metas), std::move(index->compacted)};
        blocklist_.ApplyPollResult(tenant, std::move(blocks), ToNanos(index->created_at));
        return Status::Ok();
      }
    } else {
      err = index.status();
    }
    TenantIndexErrors().WithLabels({tenant}).Inc();
    if (!options_.fallback) {
      return err.WithContext("reading the tenant index (no fallback configured)");
    }
    VV_WARN("cannot use the tenant index, polling the bucket", {"tenant", tenant}, {"err", err});
  }

  TenantBlocks known = *blocklist_.Blocks(tenant);
  if (builder && known.metas.empty() && known.compacted.empty()) {
    // First poll after a start: the last index saves reading every meta.json again.
    auto index = store_.ReadTenantIndex(tenant);
    if (index.ok()) {
      known.metas = std::move(index->metas);
      known.compacted = std::move(index->compacted);
    }
  }
  VV_ASSIGN_OR_RETURN(TenantBlocks polled, PollBucket(tenant, known));

  Status status;
  if (builder) {
    backend::TenantIndex index{
        {started / kNanosPerSecond, static_cast<int32_t>(started % kNanosPerSecond)},
        polled.metas,
        polled.compacted};
    status = store_.WriteTenantIndex(tenant, index);
    if (status.ok()) {
      TenantIndexAgeSeconds().WithLabels({tenant}).Set(0);
    } else {
      TenantIndexErrors().WithLabels({tenant}).Inc();
      status = status.WithContext("writing the tenant index");
    }
  }
  // The listing started after `started`, so it saw every block published before then.
  blocklist_.ApplyPollResult(tenant, std::move(polled), started);
  return status;
}

Result<TenantBlocks> Poller::PollBucket(const std::string& tenant, const TenantBlocks& known) {
  VV_ASSIGN_OR_RETURN(backend::BlockListing listing, store_.ListBlocks(tenant));
  std::unordered_map<BlockId, const BlockMeta*> known_live;
  std::unordered_map<BlockId, const CompactedBlockMeta*> known_compacted;
  for (const BlockMeta& m : known.metas) {
    known_live.emplace(m.block_id, &m);
  }
  for (const CompactedBlockMeta& c : known.compacted) {
    known_compacted.emplace(c.meta.block_id, &c);
  }

  TenantBlocks out;
  std::vector<BlockId> unknown_live;
  std::vector<BlockId> unknown_compacted;
  for (const BlockId& id : listing.live) {
    if (auto it = known_live.find(id); it != known_live.end()) {
      out.metas.push_back(*it->second);
    } else {
      unknown_live.push_back(id);
    }
  }
  for (const BlockId& id : listing.compacted) {
    if (auto it = known_compacted.find(id); it != known_compacted.end()) {
      out.compacted.push_back(*it->second);
    } else {
      unknown_compacted.push_back(id);
    }
  }

  // Each slot is written by the one worker that reads that block.
  std::vector<std::optional<BlockMeta>> live(unknown_live.size());
  std::vector<std::optional<CompactedBlockMeta>> compacted(unknown_compacted.size());
  FirstError first_error;
  auto handle = [&](const Status& s, const BlockId& id) {
    if (s.code() == Code::kNotFound) {
      return;  // compacted or deleted since the listing; the next poll sees where it went
    }
    if (s.code() == Code::kDataLoss) {
      // One corrupt meta must not hide the tenant's other blocks.
      PollErrors().WithLabels({tenant}).Inc();
      VV_ERROR("skipping block with an unreadable meta", {"tenant", tenant},
               {"block", id.ToString()}, {"err", s});
      return;
    }
    first_error.Record(s);
  };
  const size_t n_live = unknown_live.size();
  ParallelFor(n_live + unknown_compacted.size(), options_.concurrency, [&](size_t i) {
    if (stopping_.load()) {
      first_error.Record(Status::Cancelled("blocklist poll: stopping"));
      return;
    }
    try {
      if (i < n_live) {
        auto r = store_.ReadBlockMeta(tenant, unknown_live[i]);
        if (r.ok()) {
          live[i].emplace(std::move(*r));
        } else {
          handle(r.status(), unknown_live[i]);
        }
      } else {
        const BlockId& id = unknown_compacted[i - n_live];
        auto r = store_.ReadCompactedBlockMeta(tenant, id);
        if (r.ok()) {
          compacted[i - n_live].emplace(std::move(*r));
        } else {
          handle(r.status(), id);
        }
      }
    } catch (const std::exception& e) {  // worker thread entry point: nothing may escape
      first_error.Record(Status::Internal(fmt::format("reading block meta: {}", e.what())));
    }
  });
  VV_RETURN_IF_ERROR(first_error.Take());

  const int64_t now_seconds = clock_.NowNanos() / kNanosPerSecond;
  for (auto& m : live) {
    if (m) {
      out.metas.push_back(std::move(*m));
    }
  }
  for (auto& c : compacted) {
    if (c) {
      // Tempo's meta.compacted.json is a plain copy of meta.json (its compaction time is the
      // object's modification time): count from when we first saw it.
      if (c->compacted_time == 0) {
        c->compacted_time = now_seconds;
      }
      out.compacted.push_back(std::move(*c));
    }
  }
  SortBlocks(out);
  return out;
}

void Poller::Start() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (thread_.joinable()) {
      return;
    }
    stopping_flag_ = false;
    stopping_.store(false);
  }
  Status s = Poll();
  if (!s.ok()) {
    VV_WARN("initial blocklist poll failed", {"err", s});
  }
  std::lock_guard<std::mutex> lock(stop_mu_);
  thread_ = std::thread([this] { Loop(); });
}

void Poller::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_flag_ = true;
    stopping_.store(true);
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Poller::Loop() {
  const Duration interval =
      std::max<Duration>(options_.poll_interval, std::chrono::milliseconds(1));
  try {
    std::unique_lock<std::mutex> lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_flag_; })) {
      lock.unlock();
      Status s = Poll();
      if (!s.ok() && s.code() != Code::kCancelled) {
        VV_WARN("blocklist poll failed", {"err", s});
      }
      lock.lock();
    }
  } catch (const std::exception& e) {  // thread entry point
    VV_ERROR("blocklist poller stopped", {"err", e.what()});
  }
}

}  // namespace vivace::blocklist
