#pragma once

// Blocklist: the per-tenant lists of backend blocks that queriers and compaction work from.
// The Poller (poller.h) refreshes it from the bucket or the tenant index every
// blocklist_poll; a process that has just written a block adds it with AddBlock so it is
// queryable before any poll could have seen it.
//
// Readers get immutable snapshots (std::shared_ptr<const TenantBlocks>) that stay valid while
// later polls publish new ones. Thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "backend/block_meta.h"
#include "common/clock.h"

namespace vivace::blocklist {

// One tenant's blocks, each list sorted by start time, then block ID.
struct TenantBlocks {
  std::vector<backend::BlockMeta> metas;
  std::vector<backend::CompactedBlockMeta> compacted;
};

class Blocklist {
 public:
  // `clock` is not owned.
  explicit Blocklist(const Clock& clock = SystemClock::Get());

  // The tenant's current snapshot; an empty one for an unknown tenant. Never null.
  std::shared_ptr<const TenantBlocks> Blocks(std::string_view tenant) const;
  // Tenants with a snapshot, sorted.
  std::vector<std::string> Tenants() const;

  // Adds (or replaces) a live block right away. It stays listed until a poll result taken
  // after this call has had the chance to see it. REQUIRES: the block's meta.json is written.
  void AddBlock(const backend::BlockMeta& meta);

  // Applies what compaction or retention did to the bucket, at once: `added` blocks become
  // live (as AddBlock), `compacted` live blocks move to the compacted list with compacted_time
  // `compacted_unix_s`, and `cleared` compacted blocks are dropped.
  void Update(const std::string& tenant, const std::vector<backend::BlockMeta>& added,
              const std::vector<backend::BlockId>& compacted, int64_t compacted_unix_s,
              const std::vector<backend::BlockId>& cleared);

  // Replaces the tenant's lists with a poll result that reflects the bucket as of
  // `as_of_nanos` (wall clock: the poll's start, or the tenant index's creation time). Blocks
  // added locally after that instant and missing from the result are kept.
  void ApplyPollResult(const std::string& tenant, TenantBlocks polled, int64_t as_of_nanos);

  // Drops tenants that are not in `tenants` (gone from the bucket) and have no block added
  // locally since. Returns the dropped tenants.
  std::vector<std::string> RetainTenants(const std::vector<std::string>& tenants);

 private:
  struct Pending {
    backend::BlockMeta meta;
    int64_t added_at_nanos = 0;
  };

  // REQUIRES: mu_ held.
  void Publish(const std::string& tenant, TenantBlocks blocks);

  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const TenantBlocks>, std::less<>> tenants_;
  // Locally added blocks per tenant, by block ID, until a poll confirms or supersedes them.
  std::map<std::string, std::map<backend::BlockId, Pending>, std::less<>> pending_;
};

// Sorts both lists by start time, then block ID.
void SortBlocks(TenantBlocks& blocks);

}  // namespace vivace::blocklist
