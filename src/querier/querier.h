#pragma once

// The querier: runs query jobs against the data it can reach: the in-process ingester's recent
// data (live traces, blocks in memory, its recently flushed blocks) and the backend blocks the
// blocklist knows. Thread-safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "blocklist/blocklist.h"
#include "common/thread_pool.h"
#include "common/status.h"
#include "ingester/ingester.h"
#include "model/trace_assembler.h"
#include "model/trace_id.h"
#include "overrides/overrides.h"
#include "querier/block_readers.h"

namespace vivace::querier {

enum class QueryMode { kAll, kIngesters, kBlocks };

struct TraceByIdRequest {
  std::vector<std::string> tenants;  // several for cross-tenant queries
  model::TraceId id;
  int64_t start_unix_s = 0;  // 0 = unbounded
  int64_t end_unix_s = 0;
  QueryMode mode = QueryMode::kAll;
  // Backend blocks with IDs in [block_start, block_end] only (the frontend's query shards).
  std::optional<backend::BlockId> block_start{};
  std::optional<backend::BlockId> block_end{};
};

struct TraceByIdResult {
  std::string data;  // the fragments found; the assembler keeps views into it
  std::unique_ptr<model::TraceAssembler> trace;
  bool found = false;
  bool too_large = false;  // stopped at the tenant's max_bytes_per_trace
  int64_t max_bytes = 0;
  uint64_t inspected_bytes = 0;
  uint32_t blocks_searched = 0;  // backend blocks
  uint32_t blocks_failed = 0;    // skipped because they could not be read
};

class Querier {
 public:
  // `blocklist` and `backend` may be null (no backend blocks). None is owned. Up to
  // `block_read_concurrency` backend blocks are searched at once (the calling thread included;
  // querier.max_concurrent_queries in the app).
  Querier(const ingester::Ingester* ingester, const overrides::Overrides* overrides,
          const blocklist::Blocklist* blocklist = nullptr, backend::RawBackend* backend = nullptr,
          int block_read_concurrency = 1);
  ~Querier();
  Querier(const Querier&) = delete;
  Querier& operator=(const Querier&) = delete;

  // DataLoss if data held in memory cannot be decoded. Blocks that cannot be read are logged,
  // counted (vivace_block_read_failures_total) and skipped.
  Result<TraceByIdResult> FindTraceById(const TraceByIdRequest& request) const;

  // What search jobs read (search/): the ingester's recent data, the backend blocks (null
  // when there is no backend) and their cached readers.
  const ingester::Ingester* ingester() const { return ingester_; }
  const blocklist::Blocklist* blocklist() const { return blocklist_; }
  BlockReaders& block_readers() const { return readers_; }

 private:
  // Appends the trace's parts from the tenant's backend blocks, except `skip`.
  void SearchBlocks(const std::string& tenant, const TraceByIdRequest& request,
                    const std::vector<backend::BlockId>& skip, TraceByIdResult* result) const;

  const ingester::Ingester* ingester_;
  const overrides::Overrides* overrides_;
  const blocklist::Blocklist* blocklist_;
  mutable BlockReaders readers_;
  std::unique_ptr<ThreadPool> block_pool_;  // null: blocks are searched on the calling thread
  size_t block_pool_threads_;
};

}  // namespace vivace::querier
