#pragma once

// Writes one `vvc1` block to a backend: traces (ascending ID, parts already combined) are
// shredded into row groups that are streamed to `data` as they fill; Finish() writes the data
// footer, `index`, the bloom shards and finally `meta.json`, which makes the block visible.
// A block abandoned before Finish has no meta.json and is never read. Not thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "block/block_format.h"
#include "block/bloom.h"
#include "block/row_group_writer.h"

namespace vivace::block {

struct BlockWriterOptions {
  std::string tenant;
  backend::BlockId block_id;
  uint64_t estimated_traces = 1000;  // sizes the bloom filter
  double bloom_false_positive = 0.01;
  uint64_t bloom_shard_bytes = 102400;
  // A row group is cut once this many bytes of serialized traces were added to it (about 1/12
  // of that is stored on the loadgen mix). Find-by-ID reads one whole row group.
  size_t row_group_bytes = 8 << 20;
  uint32_t compaction_level = 0;
  RowGroupWriterOptions row_group;  // pages, compression, attribute promotion
};

class DecodedRowGroup;

class BlockWriter {
 public:
  BlockWriter(backend::RawBackend* backend, BlockWriterOptions options);

  // REQUIRES: `id` greater than the previous one.
  Status Add(const model::TraceId& id, ByteView trace);
  // Adds trace `t` of a decoded row group by copying its columns (RowGroupWriter::CopyTrace).
  // REQUIRES: its ID greater than the previous one.
  Status Copy(const DecodedRowGroup& src, uint32_t t);
  // Writes everything and returns the block's meta. After an error the block is left without
  // meta.json (invisible); callers may delete its objects.
  Result<backend::BlockMeta> Finish();

  uint64_t traces() const { return traces_; }

 private:
  Status Open();                           // starts `data` before the first trace
  Status Added(const model::TraceId& id);  // bloom, counts, row-group cutting
  Status FlushRowGroup();

  backend::RawBackend* backend_;
  BlockWriterOptions options_;
  std::string block_id_text_;
  std::unique_ptr<backend::AppendWriter> data_;
  uint64_t data_size_ = 0;
  RowGroupWriter row_group_;
  std::vector<RowGroupEntry> entries_;
  ShardedBloom bloom_;
  uint64_t traces_ = 0;
  uint64_t min_start_ = 0;
  uint64_t max_end_ = 0;
  Status error_;
};

}  // namespace vivace::block
