#pragma once

// Builds one `vvc1` row group (docs/block-format.md): traces are shredded into per-table column
// buffers as they are added (ascending trace ID); resources and scopes are deduplicated, and
// string columns build their dictionaries as values arrive. Finish() decides which attribute
// keys get their own columns, encodes every non-empty column into pages (dictionary codes, bit
// packing, per-page value tables, variable bit widths, exact decimals; then zstd or LZ4 when it
// pays) and puts the header that indexes them in front. Not thread-safe.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "block/compression.h"
#include "block/schema.h"
#include "block/trace_shape.h"
#include "common/bytes.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::block {

struct RowGroupWriterOptions {
  // Rows per page (of the column's table). Variable-length columns get fewer: a power-of-two
  // share of this (down to its largest power-of-two divisor, at most 256) that keeps their
  // pages near target_page_bytes before compression, so find-by-ID decompresses little.
  uint32_t page_rows = 4096;
  size_t target_page_bytes = 16 << 10;
  // Compression of data pages that may benefit (not IDs, not VARBITS pages).
  PageCompression compression;
  // An attribute (key, type) of a scope gets its own column when it occurs at least this often
  // in the row group; at most kMaxPromoted per scope and type (the most frequent win).
  uint32_t min_promote_count = 32;
  // zstd-compress the row-group header. Off by default: every search opens the header of
  // every row group it scans, and decompressing it cost about as much as parsing it (20 us
  // for 8 KB) to save 3 KB of a 420 KB row group (docs/benchmarks.md, "search scan").
  bool compress_header = false;
  // Compress the pages a scan reads for nearly every query: dictionary codes and the
  // structure columns (CSR ends, resource/scope references). They are bit-packed or
  // delta-coded already; decompressing them was ~15% of a span-level equality scan.
  bool compress_scan_pages = false;
};

struct RowGroupSummary {
  model::TraceId min_id;
  model::TraceId max_id;
  uint32_t n_traces = 0;
  uint32_t n_spans = 0;
  uint64_t min_start = 0;
  uint64_t max_end = 0;
  uint64_t min_duration = 0;
  uint64_t max_duration = 0;
};

class DecodedRowGroup;

class RowGroupWriter {
 public:
  explicit RowGroupWriter(RowGroupWriterOptions options = {});
  ~RowGroupWriter();
  RowGroupWriter(const RowGroupWriter&) = delete;
  RowGroupWriter& operator=(const RowGroupWriter&) = delete;
  RowGroupWriter(RowGroupWriter&&) = delete;
  RowGroupWriter& operator=(RowGroupWriter&&) = delete;

  // Adds one trace. REQUIRES: `id` greater than the previous one. `trace` is a serialized
  // tempopb.Trace with its parts already combined; it is copied. DataLoss if it is not
  // well-formed protobuf (nothing of it is then added).
  Status AddTrace(const model::TraceId& id, ByteView trace);

  // Adds trace `t` of a decoded row group by copying its rows column by column, without
  // protobuf: what AddTrace(src.ids()[t], src.reader().ReadTrace(t)) would store. REQUIRES: as
  // AddTrace. Its size for approx_bytes() is estimated from the values copied.
  void CopyTrace(const DecodedRowGroup& src, uint32_t t);

  uint32_t n_traces() const;
  // Bytes of serialized traces added: the row-group cutting measure.
  size_t approx_bytes() const;

  // Encodes the row group and resets the writer.
  std::string Finish(RowGroupSummary* summary);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vivace::block
