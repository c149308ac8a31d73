// list tenants / blocks / block / index / column, view index.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "backend/block_store.h"
#include "backend/rfc3339.h"
#include "block/block_format.h"
#include "block/block_reader.h"
#include "block/inspect.h"
#include "cli/commands.h"
#include "cli/format.h"

namespace vivace::cli {
namespace {

std::string Count(uint64_t n) { return fmt::format("{}", n); }

std::string TenantIndexSummary(backend::BlockStore& store, std::string_view tenant) {
  auto index = store.ReadTenantIndex(tenant);
  if (!index.ok()) {
    return index.status().code() == Code::kNotFound
               ? "none"
               : fmt::format("unreadable ({})", index.status().message());
  }
  return fmt::format("{} ({} blocks, {} compacted)", backend::FormatRfc3339(index->created_at),
                     index->metas.size(), index->compacted.size());
}

// The block named by arguments `tenant_arg` and `tenant_arg + 1`, for commands that need a
// `vvc1` block's contents.
Result<BlockInfo> LoadVvc1Block(Context& ctx, size_t tenant_arg = 0) {
  VV_ASSIGN_OR_RETURN(backend::BlockId id, ParseBlockIdArg(ctx.arg(tenant_arg + 1)));
  VV_ASSIGN_OR_RETURN(BlockInfo info, ctx.LoadBlock(ctx.arg(tenant_arg), id));
  if (info.meta.format != block::kFormatName) {
    return Status::FailedPrecondition(
        fmt::format("block {} has format {}; vivace-cli reads the contents of {} blocks only",
                    id.ToString(), info.meta.format, block::kFormatName));
  }
  return info;
}

void PrintMeta(Context& ctx, const BlockInfo& info) {
  const backend::BlockMeta& m = info.meta;
  std::ostream& out = ctx.out();
  std::string state = "live (meta.json)";
  if (info.compacted) {
    state = info.compacted_time != 0 ? fmt::format("compacted at {} (meta.compacted.json)",
                                                   FormatUnixSeconds(info.compacted_time))
                                     : "compacted (meta.compacted.json)";
  }
  out << "Block " << m.block_id.ToString() << "  tenant " << m.tenant_id << "  " << state
      << "\n\nmeta.json\n";
  TextTable t({"KEY", "VALUE"}, "ll");
  t.AddRow({"format", m.format});
  t.AddRow({"blockID", m.block_id.ToString()});
  t.AddRow({"tenantID", m.tenant_id});
  t.AddRow({"startTime", FormatUnixSeconds(m.start_time)});
  t.AddRow({"endTime", fmt::format("{}  (duration {})", FormatUnixSeconds(m.end_time),
                                   FormatSeconds(m.end_time - m.start_time))});
  t.AddRow({"totalObjects", fmt::format("{}  (traces)", m.total_objects)});
  t.AddRow({"size", fmt::format("{}  ({}, the data object)", m.size, HumanBytes(m.size))});
  t.AddRow({"compactionLevel", Count(m.compaction_level)});
  t.AddRow({"indexPageSize", Count(m.index_page_size)});
  t.AddRow({"totalRecords", fmt::format("{}  (row groups)", m.total_records)});
  t.AddRow({"bloomShards", Count(m.bloom_shards)});
  t.AddRow({"footerSize", Count(m.footer_size)});
  t.AddRow({"dedicatedColumns", m.dedicated_columns.empty() ? "-" : m.dedicated_columns});
  t.AddRow({"replicationFactor", Count(m.replication_factor)});
  t.Print(out, "  ");
}

Status PrintObjects(Context& ctx, const BlockInfo& info) {
  const backend::BlockMeta& m = info.meta;
  std::string prefix = fmt::format("{}/{}", m.tenant_id, m.block_id.ToString());
  VV_ASSIGN_OR_RETURN(std::vector<std::string> names, ctx.raw().List(prefix));
  std::vector<std::string> expected = {"data", "index"};
  for (uint32_t s = 0; s < m.bloom_shards; ++s) {
    expected.push_back(block::BloomName(s));
  }
  TextTable t({"OBJECT", "BYTES", "SIZE", "SHARE"}, "lrrr");
  std::vector<std::pair<std::string, uint64_t>> sizes;
  uint64_t total = 0;
  for (const std::string& name : names) {
    auto size = ctx.raw().Size(fmt::format("{}/{}", prefix, name));
    if (!size.ok()) {
      continue;  // a directory-like prefix, or removed meanwhile
    }
    sizes.emplace_back(name, *size);
    total += *size;
  }
  uint64_t blooms = 0;
  for (const auto& [name, size] : sizes) {
    t.AddRow({name, Count(size), HumanBytes(size), Percent(size, total)});
    if (name.starts_with("bloom-")) {
      blooms += size;
    }
  }
  for (const std::string& name : expected) {
    if (std::none_of(sizes.begin(), sizes.end(), [&](const auto& s) { return s.first == name; })) {
      t.AddRow({name, "missing", "", ""});
    }
  }
  t.SetFooter(
      {fmt::format("total ({} objects)", sizes.size()), Count(total), HumanBytes(total), ""});
  ctx.out() << "\nObjects (blooms: " << m.bloom_shards << " shards, " << HumanBytes(blooms)
            << ")\n";
  t.Print(ctx.out(), "  ");
  return Status::Ok();
}

void PrintColumnSizes(Context& ctx, const BlockInfo& info, const block::ColumnSizes& sizes) {
  std::ostream& out = ctx.out();
  uint64_t whole = sizes.column_bytes;
  std::vector<block::ColumnStats> columns = sizes.columns;
  std::stable_sort(columns.begin(), columns.end(),
                   [](const auto& a, const auto& b) { return a.bytes > b.bytes; });
  out << "\nColumns (stored bytes: dictionary + pages, largest first)\n";
  TextTable t({"COLUMN", "TABLE", "KIND", "BYTES", "SIZE", "SHARE", "DICT", "VALUES", "PAGES",
               "ROW GROUPS"},
              "lllrrrrrrr");
  for (const block::ColumnStats& c : columns) {
    const block::ColumnInfo* ci = block::GetColumnInfo(c.column);
    t.AddRow({c.name, block::TableLabel(ci->table), std::string(block::KindName(ci->kind)),
              Count(c.bytes), HumanBytes(c.bytes), Percent(c.bytes, whole), Count(c.dict_bytes),
              Count(c.values), Count(c.pages), Count(c.chunks)});
  }
  t.SetFooter({fmt::format("total ({} columns)", columns.size()), "", "", Count(whole),
               HumanBytes(whole), Percent(whole, whole)});
  t.Print(out, "  ");

  out << "\nTables\n";
  TextTable tables({"TABLE", "ROWS", "COLUMNS", "BYTES", "SIZE", "SHARE", "BYTES/ROW"}, "lrrrrrr");
  for (const block::TableStats& s : sizes.Tables()) {
    tables.AddRow({block::TableLabel(s.table), Count(s.rows), Count(s.columns), Count(s.bytes),
                   HumanBytes(s.bytes), Percent(s.bytes, whole),
                   s.rows == 0 ? "-"
                               : fmt::format("{:.1f}", static_cast<double>(s.bytes)
                                                           / static_cast<double>(s.rows))});
  }
  tables.Print(out, "  ");

  out << "\nRow groups\n";
  TextTable rgs({"#", "OFFSET", "BYTES", "SIZE", "COLUMNS", "HEADER", "TRACES", "SPANS"},
                "rrrrrrrr");
  uint64_t headers = 0;
  uint64_t traces = 0;
  uint64_t spans = 0;
  for (const block::RowGroupStats& rg : sizes.row_groups) {
    rgs.AddRow({Count(rg.index), Count(rg.offset), Count(rg.bytes), HumanBytes(rg.bytes),
                Count(rg.column_bytes), Count(rg.header_bytes()), Count(rg.traces),
                Count(rg.spans)});
    headers += rg.header_bytes();
    traces += rg.traces;
    spans += rg.spans;
  }
  rgs.SetFooter({"total", "", Count(sizes.row_group_bytes), HumanBytes(sizes.row_group_bytes),
                 Count(sizes.column_bytes), Count(headers), Count(traces), Count(spans)});
  rgs.Print(out, "  ");
  uint64_t data = info.meta.size;
  uint64_t rest = data >= sizes.row_group_bytes ? data - sizes.row_group_bytes : 0;
  out << fmt::format(
      "\ndata object: {} bytes = row groups {} (columns {}, row-group headers {}) + file "
      "header, footer and trailer {}\n",
      data, sizes.row_group_bytes, sizes.column_bytes, headers, rest);
}

}  // namespace

Status ListTenants(Context& ctx) {
  VV_ASSIGN_OR_RETURN(backend::BlockStore * store, ctx.Store());
  VV_ASSIGN_OR_RETURN(std::vector<std::string> tenants, store->Tenants());
  TextTable t({"TENANT", "BLOCKS", "COMPACTED", "TENANT INDEX"}, "lrrl");
  size_t live = 0;
  size_t compacted = 0;
  for (const std::string& tenant : tenants) {
    auto listing = store->ListBlocks(tenant);
    if (!listing.ok()) {
      t.AddRow({tenant, "?", "?", std::string(listing.status().message())});
      continue;
    }
    live += listing->live.size();
    compacted += listing->compacted.size();
    t.AddRow({tenant, Count(listing->live.size()), Count(listing->compacted.size()),
              TenantIndexSummary(*store, tenant)});
  }
  t.SetFooter({fmt::format("{} tenants", tenants.size()), Count(live), Count(compacted), ""});
  t.Print(ctx.out());
  return Status::Ok();
}

Status ListBlocks(Context& ctx) {
  bool include_compacted = ctx.flags().Bool("include-compacted");
  VV_ASSIGN_OR_RETURN(TenantBlocks found, LoadTenantBlocks(ctx, ctx.arg(0), include_compacted));
  std::vector<BlockInfo>& blocks = found.blocks;
  std::sort(blocks.begin(), blocks.end(), StartsBefore);
  std::vector<std::string> header = {"ID",   "START",      "END", "DURATION", "TRACES",
                                     "SIZE", "ROW GROUPS", "LVL", "FORMAT"};
  std::string align = "llllrrrrl";
  if (include_compacted) {
    header.emplace_back("CMP");
    align += 'l';
  }
  TextTable t(std::move(header), align);
  uint64_t traces = 0;
  uint64_t bytes = 0;
  uint64_t row_groups = 0;
  for (const BlockInfo& b : blocks) {
    const backend::BlockMeta& m = b.meta;
    t.AddRow({m.block_id.ToString(), FormatUnixSeconds(m.start_time), FormatUnixSeconds(m.end_time),
              FormatSeconds(m.end_time - m.start_time),
              Count(static_cast<uint64_t>(m.total_objects)), HumanBytes(m.size),
              Count(m.total_records), Count(m.compaction_level), m.format, b.compacted ? "Y" : ""});
    traces += static_cast<uint64_t>(m.total_objects);
    bytes += m.size;
    row_groups += m.total_records;
  }
  t.SetFooter({fmt::format("{} blocks", blocks.size()), "", "", "", Count(traces),
               HumanBytes(bytes), Count(row_groups)});
  t.Print(ctx.out());
  if (found.hidden_compacted > 0) {
    ctx.out() << found.hidden_compacted
              << " compacted blocks not shown (--include-compacted lists them)\n";
  }
  ctx.out() << "tenant index: " << TenantIndexSummary(**ctx.Store(), ctx.arg(0)) << '\n';
  if (found.unreadable > 0) {
    return Status::DataLoss(fmt::format("{} blocks have an unreadable meta", found.unreadable));
  }
  return Status::Ok();
}

Status ListBlock(Context& ctx) {
  VV_ASSIGN_OR_RETURN(backend::BlockId id, ParseBlockIdArg(ctx.arg(1)));
  VV_ASSIGN_OR_RETURN(BlockInfo info, ctx.LoadBlock(ctx.arg(0), id));
  PrintMeta(ctx, info);
  VV_RETURN_IF_ERROR(PrintObjects(ctx, info));
  if (!ctx.flags().Bool("columns", true)) {
    return Status::Ok();
  }
  if (info.meta.format != block::kFormatName) {
    ctx.out() << "\nColumns: not measured (format " << info.meta.format << "; vivace-cli reads "
              << block::kFormatName << " blocks)\n";
    return Status::Ok();
  }
  block::BlockReader reader(&ctx.raw(), info.meta);
  auto sizes = block::MeasureColumns(reader, ctx.Progress("measuring " + id.ToString()));
  if (!sizes.ok()) {
    return sizes.status().WithContext(fmt::format("block {}", id.ToString()));
  }
  PrintColumnSizes(ctx, info, *sizes);
  return Status::Ok();
}

Status ListIndex(Context& ctx) {
  VV_ASSIGN_OR_RETURN(BlockInfo info, LoadVvc1Block(ctx));
  block::BlockReader reader(&ctx.raw(), info.meta);
  auto index = reader.Index();
  if (!index.ok()) {
    return index.status().WithContext(fmt::format("block {}: index", ctx.arg(1)));
  }
  std::ostream& out = ctx.out();
  out << "Index entries (row groups): " << index->size() << '\n';
  if (index->empty()) {
    return Status::Ok();
  }
  auto by_length = [](const block::RowGroupEntry& a, const block::RowGroupEntry& b) {
    return a.length < b.length;
  };
  auto smallest = std::min_element(index->begin(), index->end(), by_length);
  auto largest = std::max_element(index->begin(), index->end(), by_length);
  uint64_t traces = 0;
  uint64_t spans = 0;
  uint64_t bytes = 0;
  for (const block::RowGroupEntry& e : *index) {
    traces += e.summary.n_traces;
    spans += e.summary.n_spans;
    bytes += e.length;
  }
  auto describe = [&](const block::RowGroupEntry& e) {
    return fmt::format("#{} offset {} length {} ({}) traces {}", &e - index->data(), e.offset,
                       e.length, HumanBytes(e.length), e.summary.n_traces);
  };
  out << "Smallest row group: " << describe(*smallest) << '\n'
      << "Largest row group:  " << describe(*largest) << '\n'
      << "Row group bytes:    " << bytes << " (" << HumanBytes(bytes) << ", mean "
      << HumanBytes(bytes / index->size()) << ")\n"
      << "Traces: " << traces << "  Spans: " << spans << '\n'
      << "Trace IDs: " << index->front().summary.min_id.Hex() << " - "
      << index->back().summary.max_id.Hex() << '\n';
  return Status::Ok();
}

Status ViewIndex(Context& ctx) {
  VV_ASSIGN_OR_RETURN(BlockInfo info, LoadVvc1Block(ctx));
  block::BlockReader reader(&ctx.raw(), info.meta);
  auto index = reader.Index();
  if (!index.ok()) {
    return index.status().WithContext(fmt::format("block {}: index", ctx.arg(1)));
  }
  TextTable t(
      {"#", "MIN TRACE ID", "MAX TRACE ID", "OFFSET", "LENGTH", "TRACES", "SPANS", "START", "END"},
      "rllrrrrll");
  for (size_t i = 0; i < index->size(); ++i) {
    const block::RowGroupEntry& e = (*index)[i];
    t.AddRow({Count(i), e.summary.min_id.Hex(), e.summary.max_id.Hex(), Count(e.offset),
              Count(e.length), Count(e.summary.n_traces), Count(e.summary.n_spans),
              FormatUnixNanos(e.summary.min_start), FormatUnixNanos(e.summary.max_end)});
  }
  t.Print(ctx.out());
  return Status::Ok();
}

Status ListColumn(Context& ctx) {
  std::string name = ctx.arg(2);
  std::optional<uint16_t> fixed = block::FindColumn(name);
  // Promoted attribute columns are named by key ("attr.span.string[http.route]") and have a
  // different ID in each row group.
  bool promoted =
      name.starts_with("attr.") && name.find('[') != std::string::npos && name.ends_with("]");
  if (!fixed && !promoted) {
    std::string family = name.substr(0, name.find('.'));
    std::vector<std::string_view> similar;
    for (uint16_t c : block::SchemaColumns()) {
      std::string_view candidate = block::GetColumnInfo(c)->name;
      if (candidate.starts_with(family)) {
        similar.push_back(candidate);
      }
    }
    return Status::InvalidArgument(
        similar.empty()
            ? fmt::format("unknown column \"{}\" (`list block` prints the column names)", name)
            : fmt::format("unknown column \"{}\"; columns like it: {}", name,
                          fmt::join(similar, ", ")));
  }
  uint64_t limit = UINT64_MAX;
  if (ctx.flags().Has("limit")) {
    std::string text = ctx.flags().Get("limit");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Status::InvalidArgument(fmt::format("--limit wants a number, not \"{}\"", text));
    }
  }
  VV_ASSIGN_OR_RETURN(BlockInfo info, LoadVvc1Block(ctx));
  block::BlockReader reader(&ctx.raw(), info.meta);
  VV_ASSIGN_OR_RETURN(std::vector<block::RowGroupEntry> index, reader.Index());
  uint64_t printed = 0;
  for (size_t i = 0; i < index.size() && printed < limit; ++i) {
    std::string where = fmt::format("block {}: row group {}", ctx.arg(1), i);
    auto rg = reader.ReadRowGroup(index[i]);
    if (!rg.ok()) {
      return rg.status().WithContext(where);
    }
    auto opened = block::RowGroupReader::Open(ByteView(*rg));
    if (!opened.ok()) {
      return opened.status().WithContext(where);
    }
    block::RowGroupReader& r = **opened;
    std::optional<uint16_t> column = fixed;
    for (const block::ChunkDesc& chunk : r.header().chunks) {
      if (!column && r.ColumnName(chunk.column) == name) {
        column = chunk.column;
      }
    }
    if (!column) {
      ctx.out() << "# row group " << i << ": no column " << name << '\n';
      continue;
    }
    const block::ColumnInfo* ci = block::GetColumnInfo(*column);
    const block::ChunkDesc* chunk = r.chunk(*column);
    bool sparse = ci->layout == block::Layout::kSparse;
    uint32_t n = sparse ? (chunk != nullptr ? chunk->n_values : 0) : r.rows(ci->table);
    auto count = static_cast<uint32_t>(std::min<uint64_t>(n, limit - printed));
    std::vector<std::string> values;
    Status s = block::ReadColumnText(r, *column, {0, count}, &values);
    if (!s.ok()) {
      return s.WithContext(where);
    }
    ctx.out() << "# row group " << i << ": " << n << " values of " << name << " ("
              << block::KindName(ci->kind) << ", table " << block::TableLabel(ci->table)
              << (sparse ? ", sparse" : "") << (chunk == nullptr ? ", not stored: defaults" : "")
              << ")\n";
    for (const std::string& v : values) {
      ctx.out() << v << '\n';
    }
    printed += values.size();
  }
  return Status::Ok();
}

}  // namespace vivace::cli
