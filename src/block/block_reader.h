#pragma once

// Reads one `vvc1` block from a backend. Find-by-ID: the meta's time range, then the bloom
// shard for the ID, then the row-group index (both loaded once and cached), then one range read
// of the row group that may hold the ID, of which only the pages covering the trace are decoded.
// Thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "block/block_format.h"
#include "block/bloom.h"
#include "model/trace_id.h"

namespace vivace::block {

struct FindStats {
  uint64_t bytes_read = 0;
  bool bloom_negative = false;
};

class BlockReader {
 public:
  BlockReader(backend::RawBackend* backend, backend::BlockMeta meta);

  const backend::BlockMeta& meta() const { return meta_; }

  // The trace as a serialized tempopb.Trace, or nullopt if the block does not hold it.
  // DataLoss when the objects it reads are corrupt.
  Result<std::optional<std::string>> FindTrace(const model::TraceId& id,
                                               FindStats* stats = nullptr);

  // The row-group index (loaded on first use).
  Result<std::vector<RowGroupEntry>> Index();
  // Reads a whole row group.
  Result<std::string> ReadRowGroup(const RowGroupEntry& entry);
  // Reads `length` bytes at `offset` of a row group (its header: [0, entry.header_bytes)).
  // OutOfRange when the range is not within the row group.
  Result<std::string> ReadRowGroupRange(const RowGroupEntry& entry, uint64_t offset,
                                        uint64_t length);
  // Checks every object: data trailer, index, every row group's header and page checksums,
  // blooms. Calls progress(done, total) per row group.
  Status Verify(const std::function<void(size_t, size_t)>& progress = nullptr);

 private:
  Status LoadIndex();
  // Out-param rather than Result<const T*>: GCC 12 reports a false dangling pointer otherwise.
  Status Shard(uint32_t shard, const BloomShard** out);

  backend::RawBackend* backend_;
  backend::BlockMeta meta_;
  std::string block_id_;
  std::mutex mu_;
  bool index_loaded_ = false;
  std::vector<RowGroupEntry> index_;
  std::map<uint32_t, std::unique_ptr<BloomShard>> shards_;
};

}  // namespace vivace::block
