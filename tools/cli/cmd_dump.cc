// dump trace: the stored column values of one trace in one block.

#include <algorithm>

#include <fmt/format.h>

#include "block/block_format.h"
#include "block/block_reader.h"
#include "block/inspect.h"
#include "cli/commands.h"

namespace vivace::cli {
namespace {

// "3", "3-7", "2, 9-10".
std::string JoinRuns(const block::RowRuns& runs) {
  std::vector<std::string> parts;
  for (const block::RowRange& r : runs) {
    parts.push_back(r.count == 1 ? fmt::format("{}", r.first)
                                 : fmt::format("{}-{}", r.first, r.first + r.count - 1));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

// "row 3", "rows 3-7 (5 rows)", "rows 2, 9-10 (3 rows)".
std::string DescribeRows(const block::RowRuns& runs) {
  uint64_t n = block::RunLength(runs);
  return n == 1 ? fmt::format("row {}", JoinRuns(runs))
                : fmt::format("rows {} ({} rows)", JoinRuns(runs), n);
}

}  // namespace

Status DumpTraceCommand(Context& ctx) {
  std::string tenant = ctx.arg(0);
  VV_ASSIGN_OR_RETURN(backend::BlockId block_id, ParseBlockIdArg(ctx.arg(1)));
  VV_ASSIGN_OR_RETURN(model::TraceId trace_id, ParseTraceIdArg(ctx.arg(2)));
  std::vector<std::string> filters = ctx.flags().All("column");
  for (const std::string& f : filters) {
    // Promoted attribute columns ("attr.span.string[http.route]") are named per row group.
    const auto& known = block::SchemaColumns();
    if (!f.starts_with("attr.") && std::none_of(known.begin(), known.end(), [&](uint16_t c) {
          return block::GetColumnInfo(c)->name.starts_with(f);
        })) {
      return Status::InvalidArgument(fmt::format("--column {} matches no column", f));
    }
  }
  bool all_columns = ctx.flags().Bool("all-columns");
  VV_ASSIGN_OR_RETURN(BlockInfo info, ctx.LoadBlock(tenant, block_id));
  if (info.meta.format != block::kFormatName) {
    return Status::FailedPrecondition(
        fmt::format("block {} has format {}; vivace-cli reads the contents of {} blocks only",
                    block_id.ToString(), info.meta.format, block::kFormatName));
  }
  block::BlockReader reader(&ctx.raw(), info.meta);
  auto dump = block::DumpTrace(reader, trace_id);
  if (!dump.ok()) {
    return dump.status().WithContext(fmt::format("block {}", block_id.ToString()));
  }
  auto wanted = [&](const block::ColumnDump& d) {
    if (!d.stored && !all_columns) {
      return false;
    }
    return filters.empty() || std::any_of(filters.begin(), filters.end(), [&](const auto& f) {
             return d.name.starts_with(f);
           });
  };
  size_t width = 0;
  for (const block::ColumnDump& d : dump->columns) {
    if (wanted(d)) {
      width = std::max(width, d.name.size());
    }
  }
  std::ostream& out = ctx.out();
  out << fmt::format("trace {} in block {} of tenant {}: row group {} of {}, trace row {}\n",
                     trace_id.Hex(), block_id.ToString(), tenant, dump->row_group,
                     info.meta.total_records, dump->ordinal);
  for (int t = 0; t < block::kTables; ++t) {
    auto table = static_cast<block::Table>(t);
    const block::RowRuns& rows = dump->rows.tables[t];
    std::vector<const block::ColumnDump*> columns;
    for (const block::ColumnDump& d : dump->columns) {
      if (block::GetColumnInfo(d.column)->table == table && wanted(d)) {
        columns.push_back(&d);
      }
    }
    if (rows.empty() || columns.empty()) {
      continue;
    }
    out << '\n' << block::TableLabel(table) << "  " << DescribeRows(rows) << '\n';
    for (const block::ColumnDump* d : columns) {
      std::string note;
      if (d->sparse) {
        note = fmt::format("  (sparse: value{} {})", block::RunLength(d->rows) == 1 ? "" : "s",
                           JoinRuns(d->rows));
      }
      if (!d->stored) {
        note += "  (not stored)";
      }
      out << fmt::format("  {:<{}}  {:<7}  {}{}\n", d->name, width,
                         block::KindName(block::GetColumnInfo(d->column)->kind),
                         fmt::join(d->values, " "), note);
    }
  }
  return Status::Ok();
}

}  // namespace vivace::cli
