#pragma once

// The columnar half of a block search: from a row group's columns alone, which traces may
// satisfy a sub-query's fetch request (traceql/plan.h). Predicates are pushed down to the
// columns; row groups and pages are skipped by their statistics and dictionaries. The answer is
// a superset of the traces the query matches: the caller rebuilds each candidate and confirms
// it with the exact evaluator (traceql/eval), so results never depend on how much the scan
// could prove.

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "traceql/plan.h"

namespace vivace::block {
class RowGroupReader;
}

namespace vivace::search {

struct ScanStats {
  uint64_t spans_scanned = 0;       // span rows whose columns were examined (or skipped as a whole)
  uint64_t bytes_read = 0;          // stored bytes of the column chunks read
  uint64_t row_groups_skipped = 0;  // row groups answered from statistics/dictionaries alone
};

// A fetch request compiled once (predicates, regexes, integer ranges) and applied to many row
// groups. Conditions the scan cannot judge from columns (nested sets, IDs, arithmetic, an
// intrinsic without a column) never narrow: with all_conditions they are skipped, otherwise
// every trace is a candidate. Immutable after construction: Scan may run on many threads at
// once (each with its own reader).
class CandidateScanner {
 public:
  explicit CandidateScanner(const traceql::FetchRequest& request);
  ~CandidateScanner();
  CandidateScanner(const CandidateScanner&) = delete;
  CandidateScanner& operator=(const CandidateScanner&) = delete;

  // Whether every trace is a candidate whatever the row group holds (nothing to push down).
  bool selects_all() const;

  // Ordinals of the traces of `rg` (ascending) that may hold what the request asks for.
  // DataLoss when the columns it reads are corrupt.
  Result<std::vector<uint32_t>> Scan(block::RowGroupReader& rg, ScanStats* stats) const;

  struct Plan;  // implementation detail (candidates.cc)

 private:
  std::unique_ptr<Plan> plan_;
};

// Ordinals of the traces of `rg` (ascending) that may hold what `request` asks for
// (CandidateScanner(request).Scan(rg, stats)).
Result<std::vector<uint32_t>> CandidateTraces(block::RowGroupReader& rg,
                                              const traceql::FetchRequest& request,
                                              ScanStats* stats);

}  // namespace vivace::search
