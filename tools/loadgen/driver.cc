#include "loadgen/driver.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/clock.h"
#include "common/hex.h"
#include "common/logging.h"

namespace vivace::loadgen {
namespace {

int64_t MonoNow() { return SystemClock::Get().MonotonicNanos(); }

// Sleeps are cut into pieces this long so that Ctrl-C and the deadline are noticed quickly.
constexpr int64_t kMaxWaitNs = 50'000'000;

}  // namespace

Driver::Driver(const Options& options, const TemplatePool& pool, Stats* stats, std::FILE* trace_ids)
    : options_(options),
      pool_(pool),
      stats_(stats),
      trace_ids_(trace_ids),
      ids_(options.id_seed),
      slots_(static_cast<size_t>(options.concurrency)) {
  for (int i = options.concurrency - 1; i >= 0; --i) {
    free_.push_back(i);
  }
}

void Driver::OnDone(int slot, Outcome outcome) {
  const Slot& s = slots_[static_cast<size_t>(slot)];
  int64_t latency = MonoNow() - s.start_ns;
  if (stats_->Record(outcome, s.traces, s.spans, s.bytes, latency)) {
    VV_WARN("request failed", {"error", outcome.error}, {"message", outcome.message});
  }
  if (outcome.ok && trace_ids_ != nullptr) {
    WriteTraceIds(s);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(slot);
  }
  freed_.notify_one();
}

void Driver::WriteTraceIds(const Slot& slot) {
  std::string lines;
  lines.reserve(size_t{slot.traces} * 33);
  for (uint32_t i = 0; i < slot.traces; ++i) {
    TraceKey key = ids_.Key(slot.first_seq + i);
    AppendHex(lines, ByteView(key.id.data(), key.id.size()));
    lines += '\n';
  }
  std::lock_guard<std::mutex> lock(ids_mu_);
  std::fwrite(lines.data(), 1, lines.size(), trace_ids_);
}

int Driver::AcquireSlot(int64_t wait_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  if (free_.empty() && !freed_.wait_for(lock, std::chrono::nanoseconds(wait_ns), [this] {
        return !free_.empty();
      })) {
    return -1;
  }
  int slot = free_.back();
  free_.pop_back();
  return slot;
}

double Driver::Run(Sender& sender, const std::atomic<bool>& stop) {
  const int64_t start = MonoNow();
  const int64_t deadline =
      options_.duration.count() > 0 ? start + options_.duration.count() : INT64_MAX;
  const uint64_t total = options_.total_traces;
  const auto tpr = static_cast<uint64_t>(options_.traces_per_request);
  std::vector<TraceKey> keys(std::max<size_t>(tpr, pool_.tail().trace_count));
  uint64_t seq = 0;       // next trace sequence number
  uint64_t requests = 0;  // picks the template
  int64_t next_send = start;

  while (!stop.load(std::memory_order_relaxed) && (total == 0 || seq < total)) {
    int64_t now = MonoNow();
    if (now >= deadline) {
      break;
    }
    if (options_.rate > 0 && next_send > now) {
      std::this_thread::sleep_for(
          std::chrono::nanoseconds(std::min({next_send - now, deadline - now, kMaxWaitNs})));
      continue;
    }
    int slot = AcquireSlot(std::min(deadline - now, kMaxWaitNs));
    if (slot < 0) {
      continue;
    }
    const RequestTemplate& t =
        total != 0 && total - seq < tpr ? pool_.tail() : pool_.Get(requests++);
    for (uint32_t i = 0; i < t.trace_count; ++i) {
      keys[i] = ids_.Key(seq + i);
    }
    // The latest span ends now; everything else lies before, as if just exported.
    uint64_t base = static_cast<uint64_t>(SystemClock::Get().NowNanos()) - t.max_time;
    t.Instantiate(keys.data(), base, sender.Buffer(slot, t.size()));
    Slot& s = slots_[static_cast<size_t>(slot)];
    s.first_seq = seq;
    s.traces = t.trace_count;
    s.spans = t.span_count;
    s.bytes = t.size();
    s.start_ns = MonoNow();
    seq += t.trace_count;
    if (options_.rate > 0) {
      // Keep the schedule, but after a stall catch up for at most a second's worth.
      next_send = std::max(next_send, now - 1'000'000'000)
                  + static_cast<int64_t>(1e9 * t.span_count / options_.rate);
    }
    sender.Send(slot, t.size());
  }

  // Drain: every request in flight completes (at the latest by its deadline).
  std::unique_lock<std::mutex> lock(mu_);
  freed_.wait(lock, [this] { return free_.size() == slots_.size(); });
  return static_cast<double>(MonoNow() - start) / 1e9;
}

}  // namespace vivace::loadgen
