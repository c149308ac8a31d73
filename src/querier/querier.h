#pragma once

// The querier: runs query jobs against the data it can reach. Today that is the in-process
// ingester's recent data; backend blocks join when the storage layer lands. Thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingester/ingester.h"
#include "model/trace_assembler.h"
#include "model/trace_id.h"
#include "overrides/overrides.h"

namespace vivace::querier {

enum class QueryMode { kAll, kIngesters, kBlocks };

struct TraceByIdRequest {
  std::vector<std::string> tenants;  // several for cross-tenant queries
  model::TraceId id;
  int64_t start_unix_s = 0;  // 0 = unbounded
  int64_t end_unix_s = 0;
  QueryMode mode = QueryMode::kAll;
};

struct TraceByIdResult {
  std::string data;  // the fragments found; the assembler keeps views into it
  std::unique_ptr<model::TraceAssembler> trace;
  bool found = false;
  bool too_large = false;       // stopped at the tenant's max_bytes_per_trace
  int64_t max_bytes = 0;
  uint64_t inspected_bytes = 0;
};

class Querier {
 public:
  Querier(const ingester::Ingester* ingester, const overrides::Overrides* overrides)
      : ingester_(ingester), overrides_(overrides) {}

  // DataLoss if stored data cannot be decoded.
  Result<TraceByIdResult> FindTraceById(const TraceByIdRequest& request) const;

 private:
  const ingester::Ingester* ingester_;
  const overrides::Overrides* overrides_;
};

}  // namespace vivace::querier
