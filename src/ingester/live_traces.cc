#include "ingester/live_traces.h"

#include <algorithm>
#include <vector>

#include "ingester/fragments.h"

namespace vivace::ingester {

LiveTraces::Shard& LiveTraces::ShardFor(const model::TraceId& id) {
  // High bits pick the shard; the maps use the low bits of the same hash.
  return shards_[model::HashTraceId(id) >> 60];
}

const LiveTraces::Shard& LiveTraces::ShardFor(const model::TraceId& id) const {
  return shards_[model::HashTraceId(id) >> 60];
}

AppendResult LiveTraces::Append(const model::TraceId& id, ByteView fragment, uint32_t spans,
                                uint64_t start_unix_nano, uint64_t end_unix_nano, int64_t now_ns,
                                const Limits& limits, uint64_t seq) {
  Shard& shard = ShardFor(id);
  std::lock_guard<std::mutex> lock(shard.mu);
  LiveTrace* t = shard.traces.Find(id);
  bool created = false;
  if (t == nullptr) {
    if (limits.max_traces > 0 && count_.load(std::memory_order_relaxed) >= limits.max_traces) {
      return AppendResult::kTooManyTraces;
    }
    if (limits.max_bytes_per_trace > 0 &&
        static_cast<int64_t>(fragment.size()) > limits.max_bytes_per_trace) {
      return AppendResult::kTraceTooLarge;
    }
    bool inserted = false;
    t = &shard.traces.FindOrInsert(id, &inserted);
    t->first_append_ns = now_ns;
    t->first_seq = seq;
    count_.fetch_add(1, std::memory_order_relaxed);
    created = true;
  } else if (limits.max_bytes_per_trace > 0 &&
             static_cast<int64_t>(t->payload_bytes + fragment.size()) >
                 limits.max_bytes_per_trace) {
    return AppendResult::kTraceTooLarge;
  }
  t->data.AppendFragment(fragment);
  bytes_.fetch_add(static_cast<int64_t>(fragment.size() + 4), std::memory_order_relaxed);
  t->spans += spans;
  t->payload_bytes += static_cast<uint32_t>(fragment.size());
  t->last_append_ns = now_ns;
  if (start_unix_nano != 0 && (t->start_unix_nano == 0 || start_unix_nano < t->start_unix_nano)) {
    t->start_unix_nano = start_unix_nano;
  }
  t->end_unix_nano = std::max(t->end_unix_nano, end_unix_nano);
  return created ? AppendResult::kNewTrace : AppendResult::kOk;
}

uint64_t LiveTraces::Cut(int64_t now_ns, int64_t idle_ns, int64_t live_ns, bool all,
                         const std::function<void(const model::TraceId&, LiveTrace&&)>& cut) {
  std::vector<std::pair<model::TraceId, LiveTrace>> out;
  uint64_t min_seq = UINT64_MAX;
  for (Shard& shard : shards_) {
    out.clear();
    {
      std::lock_guard<std::mutex> lock(shard.mu);
      shard.traces.EraseIf([&](const model::TraceId& id, LiveTrace& t) {
        bool due = all || now_ns - t.last_append_ns >= idle_ns ||
                   now_ns - t.first_append_ns >= live_ns;
        if (due) {
          out.emplace_back(id, std::move(t));
        } else {
          min_seq = std::min(min_seq, t.first_seq);
        }
        return due;
      });
    }
    // Hand over outside the shard lock so pushes are not held up by the head block.
    for (auto& [id, t] : out) {
      count_.fetch_sub(1, std::memory_order_relaxed);
      bytes_.fetch_sub(static_cast<int64_t>(t.data.size()), std::memory_order_relaxed);
      cut(id, std::move(t));
    }
  }
  return min_seq;
}

bool LiveTraces::Find(const model::TraceId& id, std::string* out) const {
  const Shard& shard = ShardFor(id);
  std::lock_guard<std::mutex> lock(shard.mu);
  const LiveTrace* t = shard.traces.Find(id);
  if (t == nullptr) {
    return false;
  }
  out->append(t->data.data());
  return true;
}

void LiveTraces::ForEach(
    const std::function<void(const model::TraceId&, const LiveTrace&)>& fn) const {
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    shard.traces.ForEach(fn);
  }
}

}  // namespace vivace::ingester
