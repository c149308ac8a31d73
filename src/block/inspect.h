#pragma once

// Introspection of `vvc1` blocks for operators' tools (vivace-cli): where a block's bytes go
// (per column, per table, per row group), the stored column values of one trace, and a
// verification pass that names the object and row group at fault. Built on the public reading
// API (BlockReader, RowGroupReader and its header, block_format.h, schema.h); only the walk
// from a trace row to its rows in the other tables (FindTraceRows) knows the row-group layout.
// Nothing here is on a query path.
//
//   BlockReader reader(&backend, meta);
//   VV_ASSIGN_OR_RETURN(ColumnSizes sizes, MeasureColumns(reader));
//   VV_ASSIGN_OR_RETURN(TraceDump dump, DumpTrace(reader, trace_id));
//   VV_ASSIGN_OR_RETURN(VerifyReport report, VerifyBlock(backend, meta, progress));
//
// Free functions without shared state: thread-compatible.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/block_meta.h"
#include "backend/raw_backend.h"
#include "block/block_format.h"
#include "block/block_reader.h"
#include "block/row_group_format.h"
#include "block/row_group_reader.h"
#include "block/schema.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::block {

// Called after each unit of a long operation (a row group): done of total.
using InspectProgress = std::function<void(size_t done, size_t total)>;

// The column IDs with a fixed meaning (GetColumnInfo is not null below kPromotedBase),
// ascending. Promoted attribute columns are per row group (RowGroupReader::ColumnName).
const std::vector<uint16_t>& SchemaColumns();
// "trace", "resource_spans", "span", ...
std::string TableLabel(Table t);
// "u64", "f64", "fixed8", "fixed16", "string", "bytes".
std::string_view KindName(Kind k);
// The fixed column named `name` ("span.name", "attr.span.keys").
std::optional<uint16_t> FindColumn(std::string_view name);

// ---- Sizes -----------------------------------------------------------------------------------

// One column summed over the row groups that store it. Promoted attribute columns are told
// apart by name ("attr.span.string[http.route]"): their IDs mean other keys in other row groups.
struct ColumnStats {
  uint16_t column = 0;  // the ID in the first row group holding the column
  std::string name;
  uint64_t bytes = 0;       // stored: dictionary page + data pages
  uint64_t dict_bytes = 0;  // of which the dictionary pages
  uint64_t values = 0;
  uint64_t pages = 0;
  uint32_t chunks = 0;  // row groups holding the column
};

struct RowGroupStats {
  uint32_t index = 0;
  uint64_t offset = 0;  // in `data`
  uint64_t bytes = 0;   // the whole row group
  uint64_t column_bytes = 0;
  uint32_t traces = 0;
  uint32_t spans = 0;
  uint32_t chunks = 0;

  uint64_t header_bytes() const { return bytes - column_bytes; }
};

struct TableStats {
  Table table = Table::kTrace;
  uint64_t rows = 0;
  uint64_t bytes = 0;  // of the columns whose values belong to this table's rows
  uint32_t columns = 0;
};

struct ColumnSizes {
  // Stored columns: by ID, then name, from MeasureColumns; AddRowGroupSizes appends new ones.
  std::vector<ColumnStats> columns;
  std::map<std::string, size_t> column_index;  // name -> position in `columns`
  std::vector<RowGroupStats> row_groups;
  std::array<uint64_t, kTables> rows{};  // per table, summed over row groups
  uint64_t column_bytes = 0;             // every chunk
  uint64_t row_group_bytes = 0;          // every row group: chunks + headers

  // Per table, in table order; tables without rows or columns are left out.
  std::vector<TableStats> Tables() const;
};

// Adds one row group (an opened reader and its index entry) to `sizes`.
void AddRowGroupSizes(const RowGroupReader& reader, const RowGroupEntry& entry, ColumnSizes* sizes);

// Reads every row group of the block (one at a time) and sums its chunks. Errors name the row
// group.
Result<ColumnSizes> MeasureColumns(BlockReader& reader, const InspectProgress& progress = nullptr);

// ---- Per-trace column dump ---------------------------------------------------------------------

struct RowRange {
  uint32_t first = 0;
  uint32_t count = 0;

  friend bool operator==(const RowRange&, const RowRange&) = default;
};

// Ascending, non-overlapping runs of rows (or of value ordinals, for sparse columns).
using RowRuns = std::vector<RowRange>;
uint64_t RunLength(const RowRuns& runs);

// The rows one trace occupies in each table of a row group: one run in the tables a trace owns
// (trace, resource_spans, scope_spans, span, event, link), the referenced rows in the shared
// resource and scope tables.
struct TraceRows {
  std::array<RowRuns, kTables> tables{};
};

// DataLoss when the CSR ends or references are inconsistent; OutOfRange past the row group's
// traces.
Result<TraceRows> FindTraceRows(RowGroupReader& reader, uint32_t ordinal);

// Values of a column as text, by kind: u64 in decimal, f64 as the shortest round-trip decimal,
// fixed IDs in hex, strings quoted with C-style escapes for control and invalid UTF-8 bytes,
// bytes in hex ("(empty)" when empty). `rows` index the column's values (rows of its table for
// dense columns, value ordinals for sparse ones). Appends to `out`.
Status ReadColumnText(RowGroupReader& reader, uint16_t column, RowRange rows,
                      std::vector<std::string>* out);

struct ColumnDump {
  uint16_t column = 0;
  std::string name;     // RowGroupReader::ColumnName: promoted columns carry their key
  bool stored = false;  // false: the row group has no chunk, values are the defaults
  bool sparse = false;  // `rows` are value ordinals, not rows of the column's table
  RowRuns rows;
  std::vector<std::string> values;
};

struct TraceDump {
  uint32_t row_group = 0;
  uint32_t ordinal = 0;  // trace row within the row group
  TraceRows rows;
  // Every column holding values for the trace's rows, ascending column ID; dense columns of
  // the trace's tables also when the row group does not store them (stored = false).
  std::vector<ColumnDump> columns;
};

// Finds the trace through the row-group index (no bloom) and reads every column for its rows.
// NotFound when the block does not hold it.
Result<TraceDump> DumpTrace(BlockReader& reader, const model::TraceId& id);

// ---- Verification --------------------------------------------------------------------------

struct VerifyReport {
  uint32_t row_groups = 0;
  uint64_t traces = 0;
  uint64_t spans = 0;
  uint32_t bloom_shards = 0;
  uint64_t bytes_read = 0;
  // Oddities that do not make the block unreadable (stray bloom objects, ...).
  std::vector<std::string> warnings;
};

// Checks every object of the block against its checksums and against each other: the data
// header, trailer and footer; the index (and that it matches the footer); every bloom shard;
// every row group's header, dictionaries and pages; trace counts, ID order and ranges against
// the index and meta.json; and that each trace ID is in its bloom shard. Calls progress after
// each row group. Errors name the object ("data", "index", "bloom-3", "meta.json") and, for
// data, the row group and column: NotFound for a missing object, DataLoss for corruption,
// FailedPrecondition for a format other than vvc1.
Result<VerifyReport> VerifyBlock(backend::RawBackend& raw, const backend::BlockMeta& meta,
                                 const InspectProgress& progress = nullptr);

}  // namespace vivace::block
