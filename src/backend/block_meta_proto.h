#pragma once

// BlockMeta <-> the protobuf messages of proto/tempodb/backend/v1/v1.proto, used by the
// tenant index (`index.pb.zst`).

#include "backend/block_meta.h"
#include "common/status.h"
#include "tempodb/backend/v1/v1.pb.h"

namespace vivace::backend {

void ToProto(const BlockMeta& meta, tempodb::backend::v1::BlockMeta* out);
void ToProto(const CompactedBlockMeta& meta, tempodb::backend::v1::CompactedBlockMeta* out);

// InvalidArgument for a block ID that is not 16 bytes or dedicated columns that are not a
// JSON array.
Result<BlockMeta> FromProto(const tempodb::backend::v1::BlockMeta& pb);
Result<CompactedBlockMeta> FromProto(const tempodb::backend::v1::CompactedBlockMeta& pb);

}  // namespace vivace::backend
