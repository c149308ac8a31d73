#pragma once

// Test support for the columnar scan: random traces over a small vocabulary (so that random
// queries hit), written to a real `vvc1` row group, and the exact evaluator's answer for a
// query over every trace of it.

#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "block/row_group_reader.h"
#include "block/row_group_writer.h"
#include "common/status.h"
#include "tempopb/tempo.pb.h"
#include "traceql/eval/trace.h"

namespace vivace::search::testing {

struct GenOptions {
  int traces = 40;
  int max_spans = 8;
  bool arrays = true;  // array values under key "arr" (type "other" in the block)
};

// Deterministic for a seed.
std::vector<tempopb::Trace> RandomTraces(uint64_t seed, const GenOptions& options);

struct WrittenRowGroup {
  std::string bytes;
  std::unique_ptr<block::RowGroupReader> reader;
};

// Trace IDs are ascending in the order given.
Result<WrittenRowGroup> WriteRowGroup(const std::vector<tempopb::Trace>& traces,
                                      block::RowGroupWriterOptions options);

// Every trace of the row group rebuilt from its columns, as the exact evaluator reads them.
Result<std::vector<traceql::eval::Trace>> RebuildAll(block::RowGroupReader& rg);

// Indexes of the traces that `query` (sub-query 0) matches, by the exact evaluator.
// InvalidArgument when the query does not compile or fails at run time.
Result<std::set<uint32_t>> ExactMatches(const std::vector<traceql::eval::Trace>& traces,
                                        const std::string& query);

}  // namespace vivace::search::testing
