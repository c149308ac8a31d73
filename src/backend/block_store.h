#pragma once

// BlockStore: the typed layer over a RawBackend (Tempo's backend Reader/Writer/Compactor): it
// knows tenants, blocks, meta.json and the tenant index, and leaves block payload objects to
// the block format code, which writes them through raw() before calling WriteBlockMeta.
// Object layout: spec storage.md §1; visibility rule: a block exists once meta.json does.
//
// Thread-safe (as thread-safe as the RawBackend, which all are).

#include <string>
#include <string_view>
#include <vector>

#include "backend/block_id.h"
#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "backend/tenant_index.h"
#include "common/clock.h"
#include "common/status.h"

namespace vivace::backend {

// The block IDs found under one tenant.
struct BlockListing {
  std::vector<BlockId> live;       // have meta.json
  std::vector<BlockId> compacted;  // have meta.compacted.json (and no longer count as live)
};

class BlockStore {
 public:
  // Neither `raw` nor `clock` is owned; both must outlive the store.
  explicit BlockStore(RawBackend& raw, const Clock& clock = SystemClock::Get());

  RawBackend& raw() { return raw_; }

  // "<tenant>/<blockID>/<name>" and "<tenant>/<name>".
  static std::string BlockKey(std::string_view tenant, const BlockId& id, std::string_view name);
  static std::string TenantKey(std::string_view tenant, std::string_view name);

  // Writes meta.json, which makes the block visible. Callers write it after every other
  // object of the block. InvalidArgument when the meta has no tenant.
  Status WriteBlockMeta(const BlockMeta& meta);
  // NotFound when the block has no meta.json; DataLoss when it does not decode.
  Result<BlockMeta> ReadBlockMeta(std::string_view tenant, const BlockId& id);
  // NotFound when the block has no meta.compacted.json; DataLoss when it does not decode.
  // compacted_time is 0 when the object does not carry it (Tempo's copies do not).
  Result<CompactedBlockMeta> ReadCompactedBlockMeta(std::string_view tenant, const BlockId& id);

  // Tenant names at the bucket root (not tempo_cluster_seed.json or work.json), sorted.
  Result<std::vector<std::string>> Tenants();
  // Block IDs of the tenant, sorted. Entries that are not UUIDs (index.json.gz, ...) and block
  // prefixes without a meta file (partial blocks) are skipped. A block with both meta files
  // (a MarkBlockCompacted cut short) is listed as compacted.
  Result<BlockListing> ListBlocks(std::string_view tenant);

  // Retires a block: writes meta.compacted.json with compactedTime = now, then deletes
  // meta.json. NotFound when the block has no meta.json.
  Status MarkBlockCompacted(std::string_view tenant, const BlockId& id);
  // Deletes every object of the block, the meta files first so the block disappears from
  // listings before its payload does.
  Status ClearBlock(std::string_view tenant, const BlockId& id);

  // Writes index.pb.zst then index.json.gz; deletes both when the index has no blocks.
  Status WriteTenantIndex(std::string_view tenant, const TenantIndex& index);
  // Reads index.pb.zst, falling back to index.json.gz when it is missing or corrupt. NotFound
  // when neither exists; otherwise the error of the JSON object (DataLoss when corrupt).
  Result<TenantIndex> ReadTenantIndex(std::string_view tenant);

 private:
  RawBackend& raw_;
  const Clock& clock_;
};

}  // namespace vivace::backend
