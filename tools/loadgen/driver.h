#pragma once

// The sending loop of vivace-loadgen. One thread stamps requests from the template pool and
// hands them to a Sender, keeping at most `concurrency` in flight and, with --rate, pacing them
// to a fixed number of spans per second. Completions (from the sender's threads) update Stats,
// free the slot and append acknowledged trace IDs to the --print-trace-ids file.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "loadgen/options.h"
#include "loadgen/request_template.h"
#include "loadgen/sender.h"
#include "loadgen/stats.h"

namespace vivace::loadgen {

class Driver {
 public:
  // `trace_ids` may be null. All arguments must outlive the driver.
  Driver(const Options& options, const TemplatePool& pool, Stats* stats, std::FILE* trace_ids);

  // The sender's completion callback. Thread-safe.
  void OnDone(int slot, Outcome outcome);

  // Sends until the duration or trace total is reached or `stop` becomes true, then waits for
  // every request in flight. Returns the run time in seconds, from the first send to the last
  // completion.
  double Run(Sender& sender, const std::atomic<bool>& stop);

 private:
  struct Slot {
    uint64_t first_seq = 0;
    uint32_t traces = 0;
    uint32_t spans = 0;
    uint64_t bytes = 0;
    int64_t start_ns = 0;
  };

  // A free slot, or -1 if none freed up within `wait_ns`.
  int AcquireSlot(int64_t wait_ns);
  void WriteTraceIds(const Slot& slot);

  const Options& options_;
  const TemplatePool& pool_;
  Stats* stats_;
  std::FILE* trace_ids_;
  IdSource ids_;
  std::vector<Slot> slots_;

  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<int> free_;  // guarded by mu_
  std::mutex ids_mu_;      // serializes writes to trace_ids_
};

}  // namespace vivace::loadgen
