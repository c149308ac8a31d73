#pragma once

// The columnar half of a block search: from a row group's columns alone, which traces may
// satisfy a sub-query's fetch request (traceql/plan.h). Predicates are pushed down to the
// columns; row groups and pages are skipped by their statistics and dictionaries. The answer is
// a superset of the traces the query matches: the caller rebuilds each candidate and confirms
// it with the exact evaluator (traceql/eval), so results never depend on how much the scan
// could prove.

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "traceql/plan.h"

namespace vivace::block {
class RowGroupReader;
}

namespace vivace::search {

struct ScanStats {
  uint64_t spans_scanned = 0;  // span rows whose columns were examined (or skipped as a whole)
  uint64_t bytes_read = 0;     // page bytes decoded
};

// Ordinals of the traces of `rg` (ascending) that may hold what `request` asks for.
Result<std::vector<uint32_t>> CandidateTraces(block::RowGroupReader& rg,
                                              const traceql::FetchRequest& request,
                                              ScanStats* stats);

}  // namespace vivace::search
