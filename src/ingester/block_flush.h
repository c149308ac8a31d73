#pragma once

// Turning a complete block (the cut traces of one tenant, held in memory) into a backend block,
// and cleaning up after flushes a crash cut short.
//
// Crash safety: before the first object of a block is written, a marker file
// "<blockID>+<tenant>.flushing" is made durable in the WAL directory; it is removed once
// meta.json is written. At startup every marker names a block that may be partial: without
// meta.json its objects are deleted; with it the block is complete (its traces are also still
// in the WAL and come back as a second copy, which reads deduplicate by span ID).

#include <string>

#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "block/block_writer.h"
#include "common/status.h"
#include "ingester/trace_buffer.h"
#include "model/trace_map.h"

namespace vivace::ingester {

// Writes `traces` (framed fragments per trace ID) as one block, parts of a trace combined and
// deduplicated by (span ID, kind) as Tempo's block builders do. `options.block_id` and
// `options.tenant` name the block; `marker_dir` ("" = no marker) is where the in-progress
// marker goes.
Result<backend::BlockMeta> WriteCompleteBlock(backend::RawBackend* backend,
                                              block::BlockWriterOptions options,
                                              const model::TraceMap<std::string>& traces,
                                              const std::string& marker_dir);
Result<backend::BlockMeta> WriteCompleteBlock(backend::RawBackend* backend,
                                              block::BlockWriterOptions options,
                                              const model::TraceMap<OwnedTraceBuffer>& traces,
                                              const std::string& marker_dir);

// The trace as one serialized tempopb.Trace from its framed fragments: a single part as is,
// several combined and deduplicated. DataLoss on corrupt framing or protobuf.
Status CombineParts(ByteView framed, std::string* out);

// Deletes the partial blocks named by markers in `marker_dir` and the markers. Returns the
// number of partial blocks removed.
Result<int> CleanUpInterruptedFlushes(backend::RawBackend* backend, const std::string& marker_dir);

}  // namespace vivace::ingester
