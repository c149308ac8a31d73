#include "search/scan/candidates.h"

#include <numeric>

#include "block/row_group_reader.h"
#include "block/schema.h"

namespace vivace::search {

// Every trace is a candidate until the columnar scan lands: always a correct superset.
Result<std::vector<uint32_t>> CandidateTraces(block::RowGroupReader& rg,
                                              const traceql::FetchRequest& /*request*/,
                                              ScanStats* stats) {
  std::vector<uint32_t> all(rg.rows(block::Table::kTrace));
  std::iota(all.begin(), all.end(), 0u);
  if (stats != nullptr) {
    stats->spans_scanned += rg.rows(block::Table::kSpan);
  }
  return all;
}

}  // namespace vivace::search
