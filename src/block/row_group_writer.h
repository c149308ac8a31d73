#pragma once

// Builds one `vvc1` row group: traces are shredded into per-table column buffers as they are
// added (ascending trace ID), and Finish() encodes every non-empty column into pages
// (dictionary codes, bit packing or deltas, zstd when it pays) behind a header that indexes
// them. Not thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "block/schema.h"
#include "block/trace_shape.h"
#include "common/arena.h"
#include "common/bytes.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::block {

struct RowGroupSummary {
  model::TraceId min_id;
  model::TraceId max_id;
  uint32_t n_traces = 0;
  uint32_t n_spans = 0;
  uint64_t min_start = 0;
  uint64_t max_end = 0;
};

class RowGroupWriter {
 public:
  RowGroupWriter();

  // Adds one trace. REQUIRES: `id` greater than the previous one. `trace` is a serialized
  // tempopb.Trace with its parts already combined. DataLoss if it is not well formed.
  Status AddTrace(const model::TraceId& id, ByteView trace);

  uint32_t n_traces() const { return summary_.n_traces; }
  // Estimated encoded-before-compression size of what was added.
  size_t approx_bytes() const { return approx_bytes_; }

  // Encodes the row group and resets the writer.
  std::string Finish(RowGroupSummary* summary);

 private:
  struct Column {
    std::vector<uint64_t> u64;          // kU64, kF64 (bits)
    std::string fixed;                  // kFixed8, kFixed16
    std::vector<std::string_view> str;  // kString, kBytes (views into arena_)
  };

  void U64(uint16_t col, uint64_t v);
  void F64(uint16_t col, uint64_t bits);
  void Fixed(uint16_t col, ByteView v, size_t width);
  void Str(uint16_t col, ByteView v);
  // Appends the attribute list of one owner row of scope `s` (KeyValue messages), then its CSR
  // ends. For resources, `service` receives service.name and its position.
  Status AddAttributes(AttrScope s, const std::vector<ByteView>& kvs, ByteView* service,
                       uint64_t* service_pos);
  Status AddResource(const ResourceShape& r, uint32_t scope_end);
  Status AddScope(const ScopeShape& s, uint32_t span_end);
  Status AddSpan(const SpanShape& s, uint64_t trace_start, const TraceShape& t);
  void EndRow(Table t) { rows_[static_cast<int>(t)]++; }
  void Reset();

  std::vector<Column> cols_;
  uint32_t rows_[kTables] = {};
  Arena arena_;
  RowGroupSummary summary_;
  size_t approx_bytes_ = 0;
  TraceShape shape_;  // reused between traces
};

}  // namespace vivace::block
