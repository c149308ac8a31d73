#pragma once

// The tenant index: every live and compacted block meta of one tenant, written by the index
// builders after each poll so other components read one object instead of listing the bucket
// (spec storage.md §2.2, config-and-operations.md §5.3). Two encodings, both Tempo's:
//  - `index.pb.zst`: one zstd frame of the TenantIndex protobuf (read first);
//  - `index.json.gz`: gzip (inner name "index.json") of
//    {"created_at": RFC3339, "meta": [meta...], "compacted": [meta + compactedTime...]}.

#include <string>
#include <vector>

#include "backend/block_meta.h"
#include "backend/rfc3339.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::backend {

struct TenantIndex {
  Timestamp created_at;
  std::vector<BlockMeta> metas;
  std::vector<CompactedBlockMeta> compacted;

  friend bool operator==(const TenantIndex&, const TenantIndex&) = default;
};

// Decompressed indexes larger than this are rejected (ResourceExhausted); about a million
// block metas.
inline constexpr size_t kMaxTenantIndexBytes = size_t{512} << 20;

// The bytes of index.pb.zst.
std::string EncodeTenantIndexProto(const TenantIndex& index);
// DataLoss for a corrupt frame or protobuf; InvalidArgument for bad meta values.
Result<TenantIndex> DecodeTenantIndexProto(ByteView zst);

// The bytes of index.json.gz.
std::string EncodeTenantIndexJson(const TenantIndex& index);
// DataLoss for corrupt gzip; InvalidArgument for bad JSON or meta values.
Result<TenantIndex> DecodeTenantIndexJson(ByteView gz);
// The same without the gzip layer (exposed for tests and tools).
Result<TenantIndex> DecodeTenantIndexJsonText(ByteView json);

}  // namespace vivace::backend
