#pragma once

// The compactor: keeps each tenant's blocks few and bounded in time (spec storage.md §6,
// config-and-operations.md §2.10). Every compaction_cycle, for every tenant, it
//  1. finishes or undoes jobs a crash interrupted (see "Journal" below),
//  2. runs jobs picked by the time-window selector until none is left or max_time_per_tenant
//     is spent: merge the inputs into one block (meta.json last), mark the inputs compacted
//     (meta.compacted.json), update the in-memory blocklist;
//  3. every retention interval, marks blocks past block_retention compacted and deletes
//     compacted blocks older than compacted_block_retention;
// then calls `after_pass` (the app re-polls so the tenant index is rewritten).
//
// Journal: before writing its output, a job writes `<tenant>/vivace-compaction/<output>.json`
// naming its inputs, and deletes it once every input is marked compacted. A journal left by a
// crash is resolved at the start of the next run: output complete (meta.json present) → the
// inputs still live are marked compacted (the job is finished); output incomplete → its
// objects are deleted (the job is redone later). Between the output's meta.json and the
// inputs' marking, a trace is in two live blocks; readers dedupe spans by (span ID, kind), so
// queries still see each span once.
//
// Thread-safe: RunCycle may be called from any thread (cycles run one at a time).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backend/block_store.h"
#include "block/block_writer.h"
#include "blocklist/blocklist.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/status.h"
#include "compactor/block_selector.h"
#include "overrides/overrides.h"

namespace vivace::compactor {

struct CompactorOptions {
  SelectorOptions selector;
  Duration cycle = std::chrono::seconds(30);
  Duration max_time_per_tenant = std::chrono::minutes(5);
  Duration block_retention = std::chrono::hours(336);
  Duration compacted_block_retention = std::chrono::hours(1);
  Duration retention_interval = std::chrono::hours(1);
  // Journals older than this are treated as abandoned even without a restart (a compactor
  // that died elsewhere).
  Duration abandoned_job_age = std::chrono::hours(1);
  bool disabled = false;  // 2.x compactor.disabled: no compaction and no retention
  block::BlockWriterOptions block;  // bloom and page settings of output blocks
};

struct CycleStats {
  int jobs = 0;
  int blocks_compacted = 0;
  int blocks_retained = 0;  // marked compacted by retention
  int blocks_cleared = 0;
  int journals_resolved = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t spans_read = 0;
  uint64_t otlp_bytes = 0;  // serialized traces rebuilt to be combined (the slow path)
};

class Compactor {
 public:
  // None of the pointers is owned; all must outlive the compactor.
  Compactor(backend::BlockStore* store, blocklist::Blocklist* blocklist,
            const overrides::Overrides* overrides, CompactorOptions options,
            const Clock& clock = SystemClock::Get());
  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;
  ~Compactor();

  // Called after a cycle that changed the bucket (the app re-polls to rewrite tenant indexes).
  void SetAfterPass(std::function<void()> fn) { after_pass_ = std::move(fn); }

  // One cycle over every tenant of the blocklist. `resolve_all_journals`: treat every journal
  // as abandoned (true for the first cycle after a start). Errors are logged and counted; the
  // first one is returned after the cycle finished what it could.
  Status RunCycle(CycleStats* stats = nullptr, bool resolve_all_journals = false);
  // Runs a cycle now (journals of a previous run resolved), then one every `cycle`.
  void Start();
  void Stop();

  // Jobs the selector would run now for the tenant (for tools and the outstanding gauge).
  std::vector<CompactionJob> PendingJobs(const std::string& tenant) const;

 private:
  Status ResolveJournals(const std::string& tenant, bool all, CycleStats* stats);
  Status CompactTenant(const std::string& tenant, CycleStats* stats);
  Status RunJob(const std::string& tenant, const CompactionJob& job, CycleStats* stats);
  Status ApplyRetention(const std::string& tenant, CycleStats* stats);
  void Loop();

  backend::BlockStore* store_;
  blocklist::Blocklist* blocklist_;
  const overrides::Overrides* overrides_;
  const CompactorOptions options_;
  const Clock& clock_;
  std::function<void()> after_pass_;

  std::mutex cycle_mu_;  // one cycle at a time
  int64_t last_retention_ns_ = 0;  // guarded by cycle_mu_

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_flag_ = false;  // guarded by stop_mu_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The journal object of a job: `<tenant>/vivace-compaction/<output>.json`.
std::string JournalKey(std::string_view tenant, const backend::BlockId& output);

}  // namespace vivace::compactor
