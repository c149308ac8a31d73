#include "frontend/search_sharder.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "backend/cache/caching_backend.h"
#include "block/metrics.h"
#include "common/hash.h"
#include "common/logging.h"
#include "search/block_search.h"
#include "search/recent_search.h"
#include "traceql/printer.h"

namespace vivace::frontend {
namespace {

// Recent data is split across jobs once it holds about this many traces per job.
constexpr size_t kRecentTracesPerJob = 2000;

// Everything the jobs of one query share; owned jointly by the caller and the helper tasks,
// since a helper may start after the query has finished.
struct RunState {
  const JobPlan* plan = nullptr;
  std::chrono::nanoseconds job_timeout{0};
  std::optional<search::JobDeadline::Clock::time_point>
      request_deadline;  // valid while the caller waits; late helpers never read it
  SearchSharder::JobFn run;
  std::function<bool()> stop;
  std::function<void(const search::JobMetrics&)> done;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;       // helpers inside Work()
  bool closed = false;  // the caller is done: late helpers leave at once
  Status error;         // the first query error
};

// Runs one job under its deadline; a job that ran out of time fails with the timeout error.
Status RunJob(RunState& st, const QueryJob& job, search::JobMetrics* m, bool* timed_out) {
  using Clock = search::JobDeadline::Clock;
  std::optional<Clock::time_point> deadline = st.request_deadline;
  if (st.job_timeout.count() > 0) {
    Clock::time_point own = Clock::now() + st.job_timeout;
    deadline = deadline ? std::min(*deadline, own) : own;
  }
  if (!deadline) {
    return st.run(job, m);
  }
  search::JobDeadline scope(*deadline);
  Status s = st.run(job, m);
  if (!search::JobDeadline::Passed()) {
    return s;
  }
  const bool request_expired = st.request_deadline && Clock::now() >= *st.request_deadline;
  *timed_out = true;
  return request_expired ? ApiTimeoutError() : JobTimeoutError();
}

void Work(RunState& st) {
  while (!st.stop() && !st.failed.load(std::memory_order_relaxed)) {
    size_t i = st.next.fetch_add(1);
    if (i >= st.plan->jobs.size()) {
      return;
    }
    const QueryJob& job = st.plan->jobs[i];
    search::JobMetrics m;
    bool timed_out = false;
    Status s = RunJob(st, job, &m, &timed_out);
    if (!s.ok() && (timed_out || s.code() == Code::kInvalidArgument)) {
      std::lock_guard<std::mutex> lock(st.mu);
      if (st.error.ok()) {
        st.error = s;
      }
      st.failed = true;
      return;
    }
    if (!s.ok()) {
      block::ReadFailuresTotal().WithLabels({job.tenant}).Inc();
      VV_ERROR("query skipping unreadable data", {"tenant", job.tenant},
               {"block", job.reader ? job.reader->meta().block_id.ToString() : "recent"},
               {"err", s});
    }
    st.done(m);
  }
}

// Adds jobs for `reader`'s block, split by row groups.
void AddBlockJobs(const std::string& tenant, std::shared_ptr<block::BlockReader> reader,
                  int64_t target_bytes, bool backend_block, std::vector<QueryJob>* jobs) {
  const backend::BlockMeta& meta = reader->meta();
  uint32_t rgs = meta.total_records;
  if (rgs == 0 || meta.size == 0 || target_bytes <= 0) {
    jobs->push_back({tenant, nullptr, std::move(reader), 0, 0, {}, backend_block});
    return;
  }
  uint64_t per_rg = std::max<uint64_t>(1, meta.size / rgs);
  auto per_job = static_cast<uint32_t>(
      std::clamp<uint64_t>(static_cast<uint64_t>(target_bytes) / per_rg, 1, rgs));
  for (uint32_t first = 0; first < rgs; first += per_job) {
    jobs->push_back(
        {tenant, nullptr, reader, first, std::min(per_job, rgs - first), {}, backend_block});
  }
}

Status RunSearchJob(const QueryJob& job, const search::PreparedSearch& s,
                    search::SearchCombiner* out, search::JobMetrics* m) {
  if (job.recent) {
    return search::SearchInMemory(*job.recent, s, out, m, job.shard);
  }
  if (job.n_rgs == 0) {
    return search::SearchBlock(*job.reader, s, out, m);
  }
  VV_ASSIGN_OR_RETURN(std::vector<block::RowGroupEntry> index, job.reader->Index());
  return search::SearchRowGroups(*job.reader, index, job.first_rg, job.n_rgs, s, out, m);
}

// Cached job answers: a tag for the format, then a serialized SearchResponse.
constexpr std::string_view kCachedJobTag = "vvsj1:";

}  // namespace

std::string BlockJobCacheKey(std::string_view prefix, const QueryJob& job, uint32_t start_s,
                             uint32_t end_s, uint64_t hash) {
  if (!job.backend_block || job.reader == nullptr || (start_s == 0 && end_s == 0)) {
    return {};
  }
  const backend::BlockMeta& meta = job.reader->meta();
  if (!(meta.start_time > int64_t{start_s} && meta.end_time < int64_t{end_s})) {
    return {};
  }
  return fmt::format("{}:{}:{:016x}:{}:{}:{}", prefix, job.tenant, hash, meta.block_id.ToString(),
                     job.first_rg, job.n_rgs);
}

backend::cache::CachingBackend* SearchSharder::job_cache() const {
  backend::cache::CachingBackend* cache = options_.job_cache;
  return cache != nullptr && cache->HasRole(backend::cache::kRoleFrontendSearch) ? cache : nullptr;
}

Status JobTimeoutError() { return Status(Code::kUnknown, "context deadline exceeded"); }

Status ApiTimeoutError() {
  return Status::Unavailable("unable to process request in the configured timeout");
}

// The window is not part of the hash: only jobs of blocks wholly inside the window are
// cached, and for those the window filters nothing (Tempo's rule too).
uint64_t SearchJobQueryHash(const search::PreparedSearch& s) {
  const search::SearchOptions& o = s.options();
  std::string text =
      fmt::format("limit={};spss={};min_ms={};max_ms={};most_recent={};q=", o.limit,
                  o.spans_per_spanset, o.min_duration_ms, o.max_duration_ms, s.most_recent());
  text += traceql::ToString(s.compiled().query);
  return Hash64(text.data(), text.size());
}

namespace {

// The cache key of `job`, empty when its answer is not cached (Tempo's "sj:" keys).
std::string JobCacheKey(const QueryJob& job, const search::PreparedSearch& s, uint64_t hash) {
  const search::SearchOptions& o = s.options();
  return BlockJobCacheKey("sj", job, o.start_unix_s, o.end_unix_s, hash);
}

// Adds a cached answer to `out`; false (a miss) when `value` is not one.
bool ReplayCachedJob(std::string_view value, search::SearchCombiner* out, search::JobMetrics* m) {
  if (!value.starts_with(kCachedJobTag)) {
    return false;
  }
  value.remove_prefix(kCachedJobTag.size());
  tempopb::SearchResponse r;
  if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return false;
  }
  for (tempopb::TraceSearchMetadata& md : *r.mutable_traces()) {
    out->Add(std::move(md));
  }
  m->inspected_traces = r.metrics().inspectedtraces();
  m->inspected_bytes = r.metrics().inspectedbytes();
  m->inspected_spans = r.metrics().inspectedspans();
  return true;
}

// Runs a cacheable job: from the cache, or into a job-local combiner (so that what is stored
// is the job's own complete answer) stored unless the job failed or stopped because the
// search was full, then merged into `out`.
Status RunCachedSearchJob(const QueryJob& job, const search::PreparedSearch& s,
                          const std::string& key, backend::cache::CachingBackend& cache,
                          search::SearchCombiner* out, search::JobMetrics* m) {
  if (std::optional<std::string> hit = cache.FetchFor(backend::cache::kRoleFrontendSearch, key)) {
    if (ReplayCachedJob(*hit, out, m)) {
      return Status::Ok();
    }
    VV_DEBUG("ignoring an unreadable cached search job", {"key", key});
  }
  search::SearchCombiner local(s.options().limit, s.most_recent(), out);
  Status status = RunSearchJob(job, s, &local, m);
  tempopb::SearchResponse answer = local.Held();
  const bool cut_short = !local.OwnLimitReached() && out->Full();
  if (status.ok() && !cut_short) {
    answer.mutable_metrics()->set_inspectedtraces(static_cast<uint32_t>(m->inspected_traces));
    answer.mutable_metrics()->set_inspectedbytes(m->inspected_bytes);
    answer.mutable_metrics()->set_inspectedspans(m->inspected_spans);
    std::string value(kCachedJobTag);
    answer.AppendToString(&value);
    cache.StoreFor(backend::cache::kRoleFrontendSearch, key, std::move(value));
  }
  for (tempopb::TraceSearchMetadata& md : *answer.mutable_traces()) {
    out->Add(std::move(md));
  }
  return status;
}

}  // namespace

Status RunSearchJobCached(const QueryJob& job, const search::PreparedSearch& search,
                          uint64_t query_hash, backend::cache::CachingBackend* cache,
                          search::SearchCombiner* out, search::JobMetrics* metrics) {
  std::string key = cache != nullptr ? JobCacheKey(job, search, query_hash) : std::string();
  if (key.empty()) {
    return RunSearchJob(job, search, out, metrics);
  }
  return RunCachedSearchJob(job, search, key, *cache, out, metrics);
}

SearchSharder::SearchSharder(const querier::Querier* querier, SearchSharderOptions options)
    : querier_(querier), options_(options) {
  helpers_ = std::max(0, options.concurrency - 1);
  if (helpers_ > 0) {
    pool_ = std::make_unique<ThreadPool>("search-job", helpers_);
  }
}

SearchSharder::~SearchSharder() {
  if (pool_) {
    pool_->Stop();
  }
}

JobPlan SearchSharder::Plan(const std::vector<std::string>& tenants, uint32_t start_s,
                            uint32_t end_s, int64_t now_unix_s) const {
  JobPlan plan;
  const int64_t backend_before = now_unix_s - options_.query_backend_after_s;
  const bool windowed = start_s != 0 || end_s != 0;
  const bool query_recent = !windowed || int64_t{end_s} > backend_before;
  const bool query_backend =
      windowed && int64_t{start_s} < backend_before && querier_->blocklist() != nullptr;
  auto overlaps = [&](const backend::BlockMeta& meta, int64_t end) {
    return meta.end_time >= int64_t{start_s} && meta.start_time <= end;
  };
  for (const std::string& tenant : tenants) {
    std::vector<backend::BlockId> searched;
    if (query_recent && querier_->ingester() != nullptr) {
      querier_->ingester()->EnsureSearchCache(
          tenant, [] { return std::make_shared<search::RecentColumnar>(); });
      auto recent = std::make_shared<ingester::Ingester::RecentData>(
          querier_->ingester()->SnapshotRecent(tenant));
      std::vector<std::shared_ptr<block::BlockReader>> flushed = std::move(recent->flushed);
      // Recent data in as many jobs as run at once, when there is enough of it to share.
      size_t items = recent->buffers.size();
      auto shards = static_cast<uint32_t>(std::clamp<size_t>(
          items / kRecentTracesPerJob, 1, static_cast<size_t>(options_.concurrency)));
      for (uint32_t i = 0; i < shards; ++i) {
        plan.jobs.push_back({tenant, recent, nullptr, 0, 0, {i, shards}});
      }
      std::reverse(flushed.begin(), flushed.end());  // newest first
      for (auto& reader : flushed) {
        searched.push_back(reader->meta().block_id);
        const backend::BlockMeta& meta = reader->meta();
        if (windowed && !overlaps(meta, end_s)) {
          continue;
        }
        ++plan.total_blocks;
        plan.total_block_bytes += meta.size;
        AddBlockJobs(tenant, std::move(reader), options_.target_bytes_per_job, false, &plan.jobs);
      }
    }
    if (!query_backend) {
      continue;
    }
    auto blocks = querier_->blocklist()->Blocks(tenant);
    std::vector<const backend::BlockMeta*> metas;
    for (const backend::BlockMeta& meta : blocks->metas) {
      if (!overlaps(meta, std::min<int64_t>(end_s, backend_before))) {
        continue;
      }
      if (std::find(searched.begin(), searched.end(), meta.block_id) != searched.end()) {
        continue;  // the ingester's jobs cover it
      }
      metas.push_back(&meta);
    }
    // Most recent blocks first: a search that stops at its limit returns recent traces.
    std::sort(metas.begin(), metas.end(), [](const auto* a, const auto* b) {
      if (a->end_time != b->end_time) {
        return a->end_time > b->end_time;
      }
      return a->block_id < b->block_id;
    });
    for (const backend::BlockMeta* meta : metas) {
      ++plan.total_blocks;
      plan.total_block_bytes += meta->size;
      AddBlockJobs(tenant, querier_->block_readers().Get(*meta), options_.target_bytes_per_job,
                   true, &plan.jobs);
    }
  }
  return plan;
}

Status SearchSharder::Run(const JobPlan& plan, JobFn run, std::function<bool()> stop,
                          std::function<void(const search::JobMetrics&)> done) const {
  auto st = std::make_shared<RunState>();
  st->plan = &plan;
  st->run = std::move(run);
  st->stop = std::move(stop);
  st->done = std::move(done);
  st->job_timeout = options_.job_timeout;
  if (options_.api_timeout.count() > 0) {
    st->request_deadline = search::JobDeadline::Clock::now() + options_.api_timeout;
  }
  size_t helpers = std::min<size_t>(helpers_, plan.jobs.empty() ? 0 : plan.jobs.size() - 1);
  for (size_t i = 0; i < helpers; ++i) {
    pool_->Submit([st]() {
      {
        std::lock_guard<std::mutex> lock(st->mu);
        if (st->closed) {
          return;
        }
        ++st->active;
      }
      Work(*st);
      std::lock_guard<std::mutex> lock(st->mu);
      --st->active;
      st->cv.notify_all();
    });
  }
  Work(*st);
  std::unique_lock<std::mutex> lock(st->mu);
  st->closed = true;
  st->cv.wait(lock, [&] { return st->active == 0; });
  return st->error;
}

namespace {

// Sends what the combiner holds that was not sent yet, every `interval`, until stopped: Tempo's
// streaming diffs (new traces, cumulative metrics).
class ProgressReporter {
 public:
  ProgressReporter(const search::SearchCombiner* combiner, const SearchProgress& progress)
      : combiner_(combiner), progress_(progress) {
    if (progress_.fn) {
      thread_ = std::thread([this] { Loop(); });
    }
  }

  ~ProgressReporter() { Stop(); }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, progress_.interval, [this] { return stopped_; })) {
      tempopb::SearchResponse snapshot = combiner_->Final();
      tempopb::SearchResponse diff;
      for (tempopb::TraceSearchMetadata& md : *snapshot.mutable_traces()) {
        if (sent_.insert(md.traceid()).second) {
          *diff.add_traces() = std::move(md);
        }
      }
      *diff.mutable_metrics() = snapshot.metrics();
      progress_.fn(std::move(diff));
    }
  }

  const search::SearchCombiner* combiner_;
  const SearchProgress& progress_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  std::set<std::string> sent_;
  std::thread thread_;
};

}  // namespace

Result<tempopb::SearchResponse> SearchSharder::Search(
    const std::vector<std::string>& tenants, std::shared_ptr<const search::PreparedSearch> search,
    int64_t now_unix_s, const SearchProgress& progress) const {
  const search::SearchOptions& o = search->options();
  JobPlan plan = Plan(tenants, o.start_unix_s, o.end_unix_s, now_unix_s);
  search::SearchCombiner combiner(o.limit, search->most_recent());
  combiner.SetPlan(static_cast<uint32_t>(plan.jobs.size()), plan.total_blocks,
                   plan.total_block_bytes);
  if (search->noop()) {
    return combiner.Final();
  }
  backend::cache::CachingBackend* cache = job_cache();
  const uint64_t hash = cache != nullptr ? SearchJobQueryHash(*search) : 0;
  ProgressReporter reporter(&combiner, progress);
  Status status = Run(
      plan,
      [&search, &combiner, cache, hash](const QueryJob& job, search::JobMetrics* m) {
        return RunSearchJobCached(job, *search, hash, cache, &combiner, m);
      },
      [&combiner] { return combiner.Full(); },
      [&combiner](const search::JobMetrics& m) { combiner.AddJob(m); });
  reporter.Stop();  // no partial answer after the final one
  VV_RETURN_IF_ERROR(status);
  return combiner.Final();
}

}  // namespace vivace::frontend
