#pragma once

// Reads every trace of a `vvc1` block in trace-ID order, one row group at a time: the input
// side of compaction. Each row group is fetched with one sequential range read and decoded
// whole (DecodedRowGroup), so memory holds one row group, not the block; a trace is copied from
// its columns (BlockWriter::Copy) or rebuilt as protobuf on request (ReadTrace). Not
// thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "block/block_format.h"
#include "common/bytes.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::block {

class DecodedRowGroup;

class BlockTraceStream {
 public:
  BlockTraceStream(backend::RawBackend* backend, backend::BlockMeta meta);
  ~BlockTraceStream();
  BlockTraceStream(const BlockTraceStream&) = delete;
  BlockTraceStream& operator=(const BlockTraceStream&) = delete;

  // Moves to the next trace: true while there is one. DataLoss when the block is corrupt.
  Result<bool> Next();
  // The current trace. REQUIRES: the last Next() returned true.
  const model::TraceId& id() const;

  // Its row group and ordinal there, valid until Next() opens another row group.
  const DecodedRowGroup& row_group() const { return *row_group_; }

  uint32_t ordinal() const { return ordinal_; }

  // The current trace rebuilt as a serialized tempopb.Trace; valid until the next call to Next().
  Result<ByteView> ReadTrace();

  const backend::BlockMeta& meta() const { return meta_; }

  // Bytes of `data` (and `index`) read so far.
  uint64_t bytes_read() const { return bytes_read_; }

  // Spans of the row groups opened so far (from the index).
  uint64_t spans_read() const { return spans_read_; }

 private:
  Status OpenRowGroup(size_t i);

  backend::RawBackend* backend_;
  backend::BlockMeta meta_;
  bool index_loaded_ = false;
  std::vector<RowGroupEntry> index_;
  size_t next_row_group_ = 0;
  std::string row_group_bytes_;
  std::unique_ptr<DecodedRowGroup> row_group_;
  uint32_t ordinal_ = 0;
  bool started_ = false;  // ordinal_ names a trace of the open row group
  std::string trace_;
  uint64_t bytes_read_ = 0;
  uint64_t spans_read_ = 0;
};

}  // namespace vivace::block
