#include "frontend/search_sharder.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "block/metrics.h"
#include "common/logging.h"
#include "search/block_search.h"
#include "search/recent_search.h"

namespace vivace::frontend {
namespace {

// Recent data is split across jobs once it holds about this many traces per job.
constexpr size_t kRecentTracesPerJob = 2000;

// Everything the jobs of one query share; owned jointly by the caller and the helper tasks,
// since a helper may start after the query has finished.
struct RunState {
  const JobPlan* plan = nullptr;  // valid while the caller waits; late helpers never read it
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

void Work(RunState& st) {
  while (!st.stop() && !st.failed.load(std::memory_order_relaxed)) {
    size_t i = st.next.fetch_add(1);
    if (i >= st.plan->jobs.size()) {
      return;
    }
    const QueryJob& job = st.plan->jobs[i];
    search::JobMetrics m;
    Status s = st.run(job, &m);
    if (!s.ok() && s.code() == Code::kInvalidArgument) {
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
                  int64_t target_bytes, std::vector<QueryJob>* jobs) {
  const backend::BlockMeta& meta = reader->meta();
  uint32_t rgs = meta.total_records;
  if (rgs == 0 || meta.size == 0 || target_bytes <= 0) {
    jobs->push_back({tenant, nullptr, std::move(reader), 0, 0, {}});
    return;
  }
  uint64_t per_rg = std::max<uint64_t>(1, meta.size / rgs);
  auto per_job = static_cast<uint32_t>(
      std::clamp<uint64_t>(static_cast<uint64_t>(target_bytes) / per_rg, 1, rgs));
  for (uint32_t first = 0; first < rgs; first += per_job) {
    jobs->push_back({tenant, nullptr, reader, first, std::min(per_job, rgs - first), {}});
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

}  // namespace

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
      auto recent = std::make_shared<ingester::Ingester::RecentData>(
          querier_->ingester()->SnapshotRecent(tenant));
      std::vector<std::shared_ptr<block::BlockReader>> flushed = std::move(recent->flushed);
      // Recent data in as many jobs as run at once, when there is enough of it to share.
      size_t items = recent->copied.size() + recent->complete.size() * 1000;
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
        AddBlockJobs(tenant, std::move(reader), options_.target_bytes_per_job, &plan.jobs);
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
                   &plan.jobs);
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

Result<tempopb::SearchResponse> SearchSharder::Search(
    const std::vector<std::string>& tenants, std::shared_ptr<const search::PreparedSearch> search,
    int64_t now_unix_s) const {
  const search::SearchOptions& o = search->options();
  JobPlan plan = Plan(tenants, o.start_unix_s, o.end_unix_s, now_unix_s);
  search::SearchCombiner combiner(o.limit, search->most_recent());
  combiner.SetPlan(static_cast<uint32_t>(plan.jobs.size()), plan.total_blocks,
                   plan.total_block_bytes);
  if (search->noop()) {
    return combiner.Final();
  }
  VV_RETURN_IF_ERROR(Run(
      plan,
      [&search, &combiner](const QueryJob& job, search::JobMetrics* m) {
        return RunSearchJob(job, *search, &combiner, m);
      },
      [&combiner] { return combiner.Full(); },
      [&combiner](const search::JobMetrics& m) { combiner.AddJob(m); }));
  return combiner.Final();
}

}  // namespace vivace::frontend
