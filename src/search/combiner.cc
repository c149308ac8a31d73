#include "search/combiner.h"

#include <algorithm>

namespace vivace::search {
namespace {

constexpr char kRootNotReceived[] = "<root span not yet received>";

// A spanset's identity across jobs: its by() attributes (Tempo: keys starting with "by").
std::string SpansetId(const tempopb::SpanSet& ss) {
  std::string id;
  for (const auto& kv : ss.attributes()) {
    if (kv.key().rfind("by", 0) == 0) {
      id += kv.key();
      id += '\0';
      id += kv.value().SerializeAsString();
      id += '\0';
    }
  }
  return id;
}

}  // namespace

void CombineSearchResults(tempopb::TraceSearchMetadata* existing,
                          const tempopb::TraceSearchMetadata& incoming) {
  if (existing->traceid().empty()) {
    existing->set_traceid(incoming.traceid());
  }
  if (existing->rootservicename().empty()) {
    existing->set_rootservicename(incoming.rootservicename());
  }
  if (existing->roottracename().empty()) {
    existing->set_roottracename(incoming.roottracename());
  }
  if (existing->starttimeunixnano() > incoming.starttimeunixnano()
      || existing->starttimeunixnano() == 0) {
    existing->set_starttimeunixnano(incoming.starttimeunixnano());
  }
  if (existing->durationms() < incoming.durationms() || existing->durationms() == 0) {
    existing->set_durationms(incoming.durationms());
  }
  auto& stats = *existing->mutable_servicestats();
  for (const auto& [service, in] : incoming.servicestats()) {
    auto it = stats.find(service);
    if (it == stats.end()) {
      stats[service] = in;
      continue;
    }
    it->second.set_spancount(std::max(it->second.spancount(), in.spancount()));
    it->second.set_errorcount(std::max(it->second.errorcount(), in.errorcount()));
  }
  std::unordered_map<std::string, int> ids;
  for (int i = 0; i < existing->spansets_size(); ++i) {
    ids.emplace(SpansetId(existing->spansets(i)), i);
  }
  for (const tempopb::SpanSet& ss : incoming.spansets()) {
    auto it = ids.find(SpansetId(ss));
    if (it == ids.end()) {
      *existing->add_spansets() = ss;
      continue;
    }
    tempopb::SpanSet* have = existing->mutable_spansets(it->second);
    if (have->matched() < ss.matched()) {  // keep the more representative one
      *have = ss;
    }
  }
  if (existing->spansets_size() > 0) {
    *existing->mutable_spanset() = existing->spansets(0);
  }
}

bool SearchCombiner::Add(tempopb::TraceSearchMetadata md) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(md.traceid());
  if (it != by_id_.end()) {
    CombineSearchResults(&traces_[it->second], md);
    return true;
  }
  if (limit_ != 0 && traces_.size() >= limit_) {
    if (!keep_most_recent_) {
      return false;
    }
    // Replace the trace that starts first, if this one starts later.
    size_t oldest = 0;
    for (size_t i = 1; i < traces_.size(); ++i) {
      if (traces_[i].starttimeunixnano() < traces_[oldest].starttimeunixnano()) {
        oldest = i;
      }
    }
    if (md.starttimeunixnano() <= traces_[oldest].starttimeunixnano()) {
      return false;
    }
    by_id_.erase(traces_[oldest].traceid());
    by_id_.emplace(md.traceid(), oldest);
    traces_[oldest] = std::move(md);
    return true;
  }
  by_id_.emplace(md.traceid(), traces_.size());
  traces_.push_back(std::move(md));
  if (limit_ != 0 && traces_.size() >= limit_ && !keep_most_recent_) {
    full_.store(true, std::memory_order_relaxed);
  }
  return true;
}

void SearchCombiner::AddJob(const JobMetrics& m) {
  std::lock_guard<std::mutex> lock(mu_);
  metrics_.set_completedjobs(metrics_.completedjobs() + 1);
  metrics_.set_inspectedtraces(
      static_cast<uint32_t>(metrics_.inspectedtraces() + m.inspected_traces));
  metrics_.set_inspectedbytes(metrics_.inspectedbytes() + m.inspected_bytes);
  metrics_.set_inspectedspans(metrics_.inspectedspans() + m.inspected_spans);
}

void SearchCombiner::SetPlan(uint32_t total_jobs, uint32_t total_blocks,
                             uint64_t total_block_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  metrics_.set_totaljobs(total_jobs);
  metrics_.set_totalblocks(total_blocks);
  metrics_.set_totalblockbytes(total_block_bytes);
}

size_t SearchCombiner::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return traces_.size();
}

tempopb::SearchResponse SearchCombiner::Final() const {
  tempopb::SearchResponse out;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const tempopb::TraceSearchMetadata*> order;
  order.reserve(traces_.size());
  for (const auto& t : traces_) {
    order.push_back(&t);
  }
  // Most recent first; ties by trace ID so that answers are deterministic.
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    if (a->starttimeunixnano() != b->starttimeunixnano()) {
      return a->starttimeunixnano() > b->starttimeunixnano();
    }
    return a->traceid() < b->traceid();
  });
  for (const auto* t : order) {
    tempopb::TraceSearchMetadata* md = out.add_traces();
    *md = *t;
    if (md->rootservicename().empty()) {
      md->set_rootservicename(kRootNotReceived);
    }
  }
  *out.mutable_metrics() = metrics_;
  return out;
}

tempopb::SearchResponse SearchCombiner::Held() const {
  tempopb::SearchResponse out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& t : traces_) {
    *out.add_traces() = t;
  }
  *out.mutable_metrics() = metrics_;
  return out;
}

}  // namespace vivace::search
