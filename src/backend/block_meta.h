#pragma once

// BlockMeta: what `meta.json` says about a block, and its JSON form (spec storage.md §2.1,
// §8.2; config-and-operations.md §5.2). The JSON keys, their order and the omitempty rules are
// Tempo's, so Tempo tooling can read Vivace's metas and the other way round. The protobuf form
// (tenant index) is in block_meta_proto.h.
//
// Decoding follows Go's encoding/json as Tempo uses it: unknown keys (including the legacy
// `encoding`, `dataEncoding`, `minID`, `maxID`) are ignored, null leaves a field at its
// default, keys match case-insensitively, the last duplicate wins, and numbers must be integers
// in the field's range.

#include <cstdint>
#include <string>

#include "backend/block_id.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::backend {

struct BlockMeta {
  std::string format;  // "vvc1", "vParquet4", ...; picks the block reader
  BlockId block_id;
  std::string tenant_id;
  int64_t start_time = 0;  // unix seconds; RFC 3339 in JSON
  int64_t end_time = 0;
  int64_t total_objects = 0;  // traces
  uint64_t size = 0;          // bytes of the data object; omitted from JSON when 0
  uint32_t compaction_level = 0;
  uint32_t index_page_size = 0;
  uint32_t total_records = 0;  // row groups (the query-sharding unit)
  uint32_t bloom_shards = 0;
  uint32_t footer_size = 0;
  // The dedicated-column assignment as minified JSON array text; "" when absent or empty.
  std::string dedicated_columns;
  uint32_t replication_factor = 0;  // omitted from JSON when 0

  friend bool operator==(const BlockMeta&, const BlockMeta&) = default;
};

// `meta.compacted.json`: the meta of a block that compaction or retention retired.
struct CompactedBlockMeta {
  BlockMeta meta;
  int64_t compacted_time = 0;  // unix seconds; 0 when the object did not say

  friend bool operator==(const CompactedBlockMeta&, const CompactedBlockMeta&) = default;
};

// JSON text of meta.json / meta.compacted.json. REQUIRES: format and tenant_id are valid
// UTF-8 and dedicated_columns is "" or a JSON array (both hold for decoded metas).
std::string EncodeBlockMetaJson(const BlockMeta& meta);
std::string EncodeCompactedBlockMetaJson(const CompactedBlockMeta& meta);

// InvalidArgument for malformed JSON, a non-object, or a value of the wrong type or range.
Result<BlockMeta> DecodeBlockMetaJson(ByteView json);
Result<CompactedBlockMeta> DecodeCompactedBlockMetaJson(ByteView json);

}  // namespace vivace::backend
