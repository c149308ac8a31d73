#include "search/scan/row_group_tree.h"

#include <span>
#include <vector>

#include <fmt/format.h>

#include "block/row_group_reader.h"
#include "block/schema.h"
#include "search/scan/candidates.h"

namespace vivace::search {

using block::Col;
using block::Table;

namespace {

// Reads an end column of `rows` parent rows into prefix form, checking that it never
// decreases and stays within `child_rows`.
Status ReadEnds(block::RowGroupReader& rg, Col column, uint32_t rows, uint32_t child_rows,
                ScanStats* stats, std::vector<uint32_t>* out) {
  // Reused across row groups: decoding must not pay for zeroing a fresh buffer.
  thread_local std::vector<uint64_t> scratch;
  if (scratch.size() < rows) {
    scratch.resize(rows);
  }
  const uint64_t* ends = scratch.data();
  VV_RETURN_IF_ERROR(
      rg.ReadU64(static_cast<uint16_t>(column), 0, std::span<uint64_t>(scratch.data(), rows)));
  CountColumnBytes(rg, static_cast<uint16_t>(column), stats);
  out->resize(size_t{rows} + 1);
  uint32_t* o = out->data();
  o[0] = 0;
  // Non-decreasing and within the child table: checked with one flag, branch-free.
  uint64_t prev = 0;
  bool bad = false;
  for (uint32_t i = 0; i < rows; ++i) {
    bad |= ends[i] < prev;
    prev = ends[i];
    o[i + 1] = static_cast<uint32_t>(ends[i]);
  }
  if (bad || prev > child_rows) {
    return Status::DataLoss(fmt::format("corrupt row group: {} is not a valid end column",
                                        rg.ColumnName(static_cast<uint16_t>(column))));
  }
  return Status::Ok();
}

Status ReadRefs(block::RowGroupReader& rg, Col column, uint32_t rows, uint32_t targets,
                ScanStats* stats, std::vector<uint64_t>* out) {
  out->clear();
  out->reserve(rows);
  VV_RETURN_IF_ERROR(rg.ReadU64(static_cast<uint16_t>(column), 0, rows, out));
  CountColumnBytes(rg, static_cast<uint16_t>(column), stats);
  for (uint64_t v : *out) {
    if (v > targets) {
      return Status::DataLoss(fmt::format("corrupt row group: {} points past its table",
                                          rg.ColumnName(static_cast<uint16_t>(column))));
    }
  }
  return Status::Ok();
}

}  // namespace

void CountColumnBytes(const block::RowGroupReader& rg, uint16_t column, ScanStats* stats) {
  if (stats == nullptr) {
    return;
  }
  if (const block::ChunkDesc* c = rg.chunk(column); c != nullptr) {
    stats->bytes_read += c->length;
  }
}

Status RowGroupTree::Load(block::RowGroupReader& rg, bool resources, bool scopes, ScanStats* stats,
                          RowGroupTree* out) {
  out->n_traces = rg.rows(Table::kTrace);
  out->n_spans = rg.rows(Table::kSpan);
  const uint32_t n_rs = rg.rows(Table::kResourceSpans);
  const uint32_t n_ss = rg.rows(Table::kScopeSpans);
  VV_RETURN_IF_ERROR(
      ReadEnds(rg, Col::kTraceSpanEnd, out->n_traces, out->n_spans, stats, &out->trace_span));
  if (out->trace_span.back() != out->n_spans) {
    return Status::DataLoss("corrupt row group: trace.span_end does not end at the last span");
  }
  if (resources || scopes) {
    VV_RETURN_IF_ERROR(ReadEnds(rg, Col::kRsSsEnd, n_rs, n_ss, stats, &out->rs_ss));
    VV_RETURN_IF_ERROR(ReadEnds(rg, Col::kSsSpanEnd, n_ss, out->n_spans, stats, &out->ss_span));
  }
  if (resources) {
    VV_RETURN_IF_ERROR(
        ReadRefs(rg, Col::kRsResource, n_rs, rg.rows(Table::kResource), stats, &out->rs_resource));
  }
  if (scopes) {
    VV_RETURN_IF_ERROR(
        ReadRefs(rg, Col::kSsScope, n_ss, rg.rows(Table::kScope), stats, &out->ss_scope));
  }
  return Status::Ok();
}

Status RowGroupTree::LoadResourceSpans(block::RowGroupReader& rg, ScanStats* stats,
                                       RowGroupTree* out) {
  out->n_traces = rg.rows(Table::kTrace);
  out->n_spans = rg.rows(Table::kSpan);
  const uint32_t n_rs = rg.rows(Table::kResourceSpans);
  VV_RETURN_IF_ERROR(ReadEnds(rg, Col::kTraceRsEnd, out->n_traces, n_rs, stats, &out->trace_rs));
  return ReadRefs(rg, Col::kRsResource, n_rs, rg.rows(Table::kResource), stats, &out->rs_resource);
}

Status RowGroupTree::LoadEvents(block::RowGroupReader& rg, ScanStats* stats) {
  if (!span_event.empty()) {
    return Status::Ok();
  }
  return ReadEnds(rg, Col::kSpanEventEnd, n_spans, rg.rows(Table::kEvent), stats, &span_event);
}

Status RowGroupTree::LoadLinks(block::RowGroupReader& rg, ScanStats* stats) {
  if (!span_link.empty()) {
    return Status::Ok();
  }
  return ReadEnds(rg, Col::kSpanLinkEnd, n_spans, rg.rows(Table::kLink), stats, &span_link);
}

}  // namespace vivace::search
