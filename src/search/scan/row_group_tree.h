#pragma once

// The parent/child structure of one row group (docs/block-format.md §6.1), read from its CSR
// "end" columns and checked, in the form a scan needs to move selections between levels:
// which spans each trace holds (trace.span_end, one column), and only when a condition is
// about resources or scopes, which spans each resource_spans and scope_spans row holds and
// which resource and scope row each references. Event and link ends per span are loaded on
// demand.

#include <cstdint>
#include <vector>

#include "common/status.h"

namespace vivace::block {
class RowGroupReader;
}

namespace vivace::search {

struct ScanStats;

struct RowGroupTree {
  uint32_t n_traces = 0;
  uint32_t n_spans = 0;
  // Prefix forms: children of row i are [x[i], x[i + 1]); x[0] = 0, one more entry than rows.
  std::vector<uint32_t> trace_span;   // trace -> span rows (Load)
  std::vector<uint32_t> trace_rs;     // trace -> resource_spans rows (LoadResourceSpans)
  std::vector<uint32_t> rs_ss;        // resource_spans -> scope_spans rows (Load: resources or
  std::vector<uint32_t> ss_span;      // scope_spans -> span rows            scopes)
  std::vector<uint64_t> rs_resource;  // 0: no Resource, r + 1: resource row r (checked < rows)
  std::vector<uint64_t> ss_scope;     // 0: no scope, r + 1: scope row r (checked)
  std::vector<uint32_t> span_event;   // when loaded (LoadEvents): span -> event rows
  std::vector<uint32_t> span_link;    // when loaded (LoadLinks): span -> link rows

  uint32_t TraceSpanBegin(uint32_t t) const { return trace_span[t]; }

  uint32_t TraceSpanEnd(uint32_t t) const { return trace_span[t + 1]; }

  uint32_t RsSpanBegin(uint32_t r) const { return ss_span[rs_ss[r]]; }

  uint32_t RsSpanEnd(uint32_t r) const { return ss_span[rs_ss[r + 1]]; }

  // Reads and checks the spans of each trace and, with `resources` or `scopes`, the
  // resource_spans and scope_spans structure with those references. DataLoss when an end
  // column decreases or points past its child table, or trace.span_end does not end at the
  // last span.
  static Status Load(block::RowGroupReader& rg, bool resources, bool scopes, ScanStats* stats,
                     RowGroupTree* out);
  // Only trace_rs and rs_resource: enough when every condition is about resources or traces.
  static Status LoadResourceSpans(block::RowGroupReader& rg, ScanStats* stats, RowGroupTree* out);
  Status LoadEvents(block::RowGroupReader& rg, ScanStats* stats);
  Status LoadLinks(block::RowGroupReader& rg, ScanStats* stats);
};

// Adds the stored bytes of a column's chunk to stats->bytes_read.
void CountColumnBytes(const block::RowGroupReader& rg, uint16_t column, ScanStats* stats);

}  // namespace vivace::search
