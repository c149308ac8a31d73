#pragma once

// Poller: keeps a Blocklist in step with the backend (Tempo's tempodb/blocklist poller; spec
// storage.md §2.3, config-and-operations.md §5.3). Every blocklist_poll it lists the tenants
// and, for each one:
//  - an index builder lists the tenant's blocks, reads the meta of blocks it does not know yet
//    (blocklist_poll_concurrency at a time; known metas are reused) and writes the tenant
//    index (index.pb.zst + index.json.gz);
//  - everyone else reads the tenant index, and lists the bucket itself only when the index is
//    missing, unreadable or older than blocklist_poll_stale_tenant_index and
//    blocklist_poll_fallback is on.
// A tenant whose poll fails keeps its previous list.
//
// Thread-safe: Poll() may be called from any thread (polls run one at a time); Start() and
// Stop() from the owner.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "backend/block_store.h"
#include "blocklist/blocklist.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/status.h"
#include "config/config.h"

namespace vivace::blocklist {

struct PollerOptions {
  Duration poll_interval = std::chrono::minutes(5);
  int concurrency = 50;  // meta reads in flight per tenant
  bool fallback = true;
  int tenant_index_builders = 2;
  Duration stale_tenant_index{0};  // 0 = any age is fine
  // Whether this process owns a sharding job key (a ring lookup in a cluster). The process
  // builds a tenant's index when it owns one of the keys
  // "build-tenant-index-<i>-<tenant>", i < tenant_index_builders. Unset: owns every key, as a
  // single binary does.
  std::function<bool(std::string_view job)> owns;

  static PollerOptions FromConfig(const config::StorageConfig& storage);
};

class Poller {
 public:
  // Neither `store`, `blocklist` nor `clock` is owned; all must outlive the poller.
  Poller(backend::BlockStore& store, Blocklist& blocklist, PollerOptions options,
         const Clock& clock = SystemClock::Get());
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;
  Poller(Poller&&) = delete;
  Poller& operator=(Poller&&) = delete;
  ~Poller();

  // One full poll. Errors: the tenant listing failed (nothing changed), or some tenants
  // failed (the others were updated); Cancelled when Stop() interrupted it.
  Status Poll();

  // Polls once now (so the blocklist is filled when Start returns; errors are logged), then
  // starts a thread that polls every poll_interval.
  void Start();
  // Stops the thread, interrupting a poll in progress between backend requests.
  void Stop();

  bool IsIndexBuilder(std::string_view tenant) const;

  // Full polls finished since construction (successful or not).
  uint64_t polls_completed() const { return polls_completed_.load(); }

 private:
  Status PollTenant(const std::string& tenant);
  // Lists the tenant's blocks and reads the metas not in `known`.
  Result<TenantBlocks> PollBucket(const std::string& tenant, const TenantBlocks& known);
  void Loop();

  backend::BlockStore& store_;
  Blocklist& blocklist_;
  const PollerOptions options_;
  const Clock& clock_;

  std::mutex poll_mu_;  // one poll at a time
  std::atomic<uint64_t> polls_completed_{0};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_flag_ = false;         // guarded by stop_mu_, for the wait
  std::atomic<bool> stopping_{false};  // checked by a running poll
  std::thread thread_;
};

}  // namespace vivace::blocklist
