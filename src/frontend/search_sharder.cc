#include "frontend/search_sharder.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "block/metrics.h"
#include "common/logging.h"
#include "search/block_search.h"
#include "search/combiner.h"
#include "search/recent_search.h"

namespace vivace::frontend {

struct SearchSharder::Job {
  std::string tenant;
  // Recent data in memory (when set), else row groups [first_rg, first_rg + n_rgs) of `reader`
  // (n_rgs == 0: the whole block).
  std::shared_ptr<const ingester::Ingester::RecentData> recent;
  std::shared_ptr<block::BlockReader> reader;
  uint32_t first_rg = 0;
  uint32_t n_rgs = 0;
};

namespace {

constexpr int64_t kNanos = 1'000'000'000;

// Everything the jobs of one search share; owned jointly by the caller and the helper tasks,
// since a helper may start after the search has finished.
struct RunState {
  std::shared_ptr<const search::PreparedSearch> search;
  std::vector<SearchSharder::Job> jobs;
  search::SearchCombiner combiner;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;       // helpers inside Work()
  bool closed = false;  // the caller is done: late helpers leave at once
  Status error;         // the first query error

  explicit RunState(uint32_t limit) : combiner(limit) {}
};

Status RunJob(const SearchSharder::Job& job, const search::PreparedSearch& s,
              search::SearchCombiner* out, search::JobMetrics* m) {
  if (job.recent) {
    return search::SearchInMemory(*job.recent, s, out, m);
  }
  if (job.n_rgs == 0) {
    return search::SearchBlock(*job.reader, s, out, m);
  }
  VV_ASSIGN_OR_RETURN(std::vector<block::RowGroupEntry> index, job.reader->Index());
  return search::SearchRowGroups(*job.reader, index, job.first_rg, job.n_rgs, s, out, m);
}

void Work(RunState& st) {
  while (!st.combiner.Full() && !st.failed.load(std::memory_order_relaxed)) {
    size_t i = st.next.fetch_add(1);
    if (i >= st.jobs.size()) {
      return;
    }
    const SearchSharder::Job& job = st.jobs[i];
    search::JobMetrics m;
    Status s = RunJob(job, *st.search, &st.combiner, &m);
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
      VV_ERROR("search skipping unreadable block", {"tenant", job.tenant},
               {"block", job.reader ? job.reader->meta().block_id.ToString() : "recent"},
               {"err", s});
    }
    st.combiner.AddJob(m);
  }
}

// Adds jobs for `reader`'s block, split by row groups.
void AddBlockJobs(const std::string& tenant, std::shared_ptr<block::BlockReader> reader,
                  int64_t target_bytes, std::vector<SearchSharder::Job>* jobs) {
  const backend::BlockMeta& meta = reader->meta();
  uint32_t rgs = meta.total_records;
  if (rgs == 0 || meta.size == 0 || target_bytes <= 0) {
    jobs->push_back({tenant, nullptr, std::move(reader), 0, 0});
    return;
  }
  uint64_t per_rg = std::max<uint64_t>(1, meta.size / rgs);
  auto per_job = static_cast<uint32_t>(
      std::clamp<uint64_t>(static_cast<uint64_t>(target_bytes) / per_rg, 1, rgs));
  for (uint32_t first = 0; first < rgs; first += per_job) {
    jobs->push_back({tenant, nullptr, reader, first, std::min(per_job, rgs - first)});
  }
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

Result<tempopb::SearchResponse> SearchSharder::Search(
    const std::vector<std::string>& tenants, std::shared_ptr<const search::PreparedSearch> search,
    int64_t now_unix_s) const {
  const search::SearchOptions& o = search->options();
  auto st = std::make_shared<RunState>(o.limit);
  st->search = search;
  const int64_t backend_before = now_unix_s - options_.query_backend_after_s;
  const bool windowed = search->has_window();
  const bool query_recent = !windowed || int64_t{o.end_unix_s} > backend_before;
  const bool query_backend =
      windowed && int64_t{o.start_unix_s} < backend_before && querier_->blocklist() != nullptr;
  uint32_t total_blocks = 0;
  uint64_t total_block_bytes = 0;
  for (const std::string& tenant : tenants) {
    std::vector<backend::BlockId> searched;
    if (query_recent && querier_->ingester() != nullptr) {
      auto recent = std::make_shared<ingester::Ingester::RecentData>(
          querier_->ingester()->SnapshotRecent(tenant));
      std::vector<std::shared_ptr<block::BlockReader>> flushed = std::move(recent->flushed);
      st->jobs.push_back({tenant, recent, nullptr, 0, 0});
      // Flushed blocks, newest first.
      std::reverse(flushed.begin(), flushed.end());
      for (auto& reader : flushed) {
        searched.push_back(reader->meta().block_id);
        const backend::BlockMeta& meta = reader->meta();
        if (windowed
            && !search->OverlapsWindow(static_cast<uint64_t>(meta.start_time) * kNanos,
                                       static_cast<uint64_t>(meta.end_time + 1) * kNanos)) {
          continue;
        }
        ++total_blocks;
        total_block_bytes += meta.size;
        AddBlockJobs(tenant, std::move(reader), options_.target_bytes_per_job, &st->jobs);
      }
    }
    if (!query_backend) {
      continue;
    }
    auto blocks = querier_->blocklist()->Blocks(tenant);
    std::vector<const backend::BlockMeta*> metas;
    for (const backend::BlockMeta& meta : blocks->metas) {
      if (meta.end_time < int64_t{o.start_unix_s}
          || meta.start_time > std::min<int64_t>(o.end_unix_s, backend_before)) {
        continue;
      }
      if (std::find(searched.begin(), searched.end(), meta.block_id) != searched.end()) {
        continue;  // the ingester's job searched it
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
      ++total_blocks;
      total_block_bytes += meta->size;
      AddBlockJobs(tenant, querier_->block_readers().Get(*meta), options_.target_bytes_per_job,
                   &st->jobs);
    }
  }
  st->combiner.SetPlan(static_cast<uint32_t>(st->jobs.size()), total_blocks, total_block_bytes);
  if (search->noop()) {
    return st->combiner.Final();
  }
  size_t helpers = std::min<size_t>(helpers_, st->jobs.empty() ? 0 : st->jobs.size() - 1);
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
  if (!st->error.ok()) {
    return st->error;
  }
  return st->combiner.Final();
}

}  // namespace vivace::frontend
