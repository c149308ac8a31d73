#include "block/inspect.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "block/bloom.h"
#include "common/hex.h"

namespace vivace::block {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (s.size() - i < n || at(i + 1) < lo || at(i + 1) > hi) {
    return 0;
  }
  for (size_t k = 2; k < n; ++k) {
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) {
      return 0;
    }
  }
  return n;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : Utf8SequenceLength(s, i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F || n == 0) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  out += '"';
  return out;
}

// The rows of table `child` owned by the `parent` rows, through the parent's CSR column
// `end_col` (children of row i are [end[i-1], end[i])).
Result<RowRange> ChildRange(RowGroupReader& r, uint16_t end_col, RowRange parent, Table child) {
  std::vector<uint64_t> ends;
  uint64_t begin = 0;
  if (parent.first > 0) {
    VV_RETURN_IF_ERROR(r.ReadU64(end_col, parent.first - 1, 1, &ends));
    begin = ends[0];
  }
  uint64_t end = begin;
  if (parent.count > 0) {
    ends.clear();
    VV_RETURN_IF_ERROR(r.ReadU64(end_col, parent.first + parent.count - 1, 1, &ends));
    end = ends[0];
  }
  if (end < begin || end > r.rows(child)) {
    return Status::DataLoss(fmt::format("corrupt row group: {} points outside table {}",
                                        r.ColumnName(end_col), TableLabel(child)));
  }
  return RowRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(end - begin)};
}

std::string DescribeRowGroup(size_t i, size_t n, const RowGroupEntry& e) {
  return fmt::format("row group {} of {} (offset {}, {} bytes)", i, n, e.offset, e.length);
}

// After VerifyAllPages failed: reads the columns one by one to name the one at fault.
Status NameBadColumn(ByteView rowgroup, const Status& failure) {
  auto reader = RowGroupReader::Open(rowgroup);
  if (!reader.ok()) {
    return failure;
  }
  for (const ChunkDesc& chunk : (*reader)->header().chunks) {
    std::vector<std::string> sink;
    Status s = ReadColumnText(**reader, chunk.column, {0, chunk.n_values}, &sink);
    if (!s.ok()) {
      return s.WithContext(fmt::format("column {}", (*reader)->ColumnName(chunk.column)));
    }
  }
  return failure;
}

// Sorted distinct rows as runs: {3, 4, 5, 9} -> [3, +3) [9, +1).
RowRuns ToRuns(std::vector<uint64_t> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  RowRuns runs;
  for (uint64_t row : rows) {
    if (!runs.empty() && runs.back().first + runs.back().count == row) {
      ++runs.back().count;
    } else {
      runs.push_back({static_cast<uint32_t>(row), 1});
    }
  }
  return runs;
}

// The rows of the shared table `to` that the `from` rows reference through `ref_col`
// (0: no message; r + 1: row r).
Result<RowRuns> ReferencedRows(RowGroupReader& r, uint16_t ref_col, RowRange from, Table to) {
  std::vector<uint64_t> refs;
  VV_RETURN_IF_ERROR(r.ReadU64(ref_col, from.first, from.count, &refs));
  std::erase(refs, 0);
  for (uint64_t& ref : refs) {
    if (ref > r.rows(to)) {
      return Status::DataLoss(fmt::format("corrupt row group: {} refers past table {}",
                                          r.ColumnName(ref_col), TableLabel(to)));
    }
    --ref;
  }
  return ToRuns(std::move(refs));
}

// Assigns the values of sparse columns to rows: values are counted from row 0 of the owner
// table, and the ordinals of those of rows inside the trace are kept as runs.
class SparseOrdinals {
 public:
  void Count(uint16_t column, bool inside) {
    uint32_t ordinal = next_[column]++;
    if (!inside) {
      return;
    }
    RowRuns& runs = runs_[column];
    if (!runs.empty() && runs.back().first + runs.back().count == ordinal) {
      ++runs.back().count;
    } else {
      runs.push_back({ordinal, 1});
    }
  }

  std::map<uint16_t, RowRuns>& runs() { return runs_; }

 private:
  std::map<uint16_t, uint32_t> next_;
  std::map<uint16_t, RowRuns> runs_;
};

// Rows [0, end) of a table, each marked whether it is one of the trace's `runs`.
std::vector<bool> InsideMask(const RowRuns& runs) {
  std::vector<bool> inside(runs.empty() ? 0 : runs.back().first + runs.back().count);
  for (const RowRange& run : runs) {
    std::fill_n(inside.begin() + run.first, run.count, true);
  }
  return inside;
}

// The value ordinals of every sparse column for the trace's rows. Which rows of its table a
// sparse column has values for comes from other columns: span.parent_external from
// span.parent == 1, link.trace_id and link.span_id from link.trace_ref / link.span_ref == 1,
// attribute columns from each owner row's key set (the header's slots: promoted keys, generic
// attributes by type, service.name).
Result<std::map<uint16_t, RowRuns>> SparseRows(RowGroupReader& r, const TraceRows& rows) {
  SparseOrdinals ordinals;

  struct Selected {
    Col column;
    Col selector;  // the column has a value where the selector is 1
    Table table;
  };

  for (const Selected& sel : {Selected{Col::kSpanParentExt, Col::kSpanParent, Table::kSpan},
                              Selected{Col::kLinkTraceId, Col::kLinkTraceRef, Table::kLink},
                              Selected{Col::kLinkSpanId, Col::kLinkSpanRef, Table::kLink}}) {
    std::vector<bool> inside = InsideMask(rows.tables[static_cast<int>(sel.table)]);
    std::vector<uint64_t> selector;
    VV_RETURN_IF_ERROR(r.ReadU64(static_cast<uint16_t>(sel.selector), 0,
                                 static_cast<uint32_t>(inside.size()), &selector));
    for (size_t row = 0; row < selector.size(); ++row) {
      if (selector[row] == 1) {
        ordinals.Count(static_cast<uint16_t>(sel.column), inside[row]);
      }
    }
  }
  for (int si = 0; si < kAttrScopes; ++si) {
    auto scope = static_cast<AttrScope>(si);
    const ScopeAttrs& attrs = r.header().attrs[si];
    std::vector<bool> inside = InsideMask(rows.tables[static_cast<int>(OwnerTable(scope))]);
    std::vector<uint64_t> codes;
    VV_RETURN_IF_ERROR(r.ReadU64(AttrColumn(scope, AttrCol::kKeys), 0,
                                 static_cast<uint32_t>(inside.size()), &codes));
    for (size_t row = 0; row < codes.size(); ++row) {
      if (attrs.keysets.empty() && codes[row] == 0) {
        continue;  // no attributes in this scope at all
      }
      if (codes[row] >= attrs.keysets.size()) {
        return Status::DataLoss(
            fmt::format("corrupt row group: key set {} of {} past the {} key sets", codes[row],
                        AttrScopeName(scope), attrs.keysets.size()));
      }
      for (uint32_t slot : attrs.keysets[codes[row]]) {
        if (slot == kServiceNameSlot) {
          continue;  // a dense column (resource.service_name)
        }
        if (slot >= kGenericSlot) {
          uint32_t type = slot - kGenericSlot;
          if (type >= static_cast<uint32_t>(kAttrTypes)) {
            return Status::DataLoss(fmt::format("corrupt row group: key-set slot {}", slot));
          }
          ordinals.Count(AttrColumn(scope, AttrCol::kGenericKey), inside[row]);
          ordinals.Count(GenericValueColumn(scope, static_cast<AttrType>(type)), inside[row]);
        } else if (slot < attrs.promoted.size()) {
          ordinals.Count(attrs.promoted[slot].column, inside[row]);
        } else {
          return Status::DataLoss(fmt::format("corrupt row group: key-set slot {}", slot));
        }
      }
    }
  }
  return std::move(ordinals.runs());
}

// Shared state of one VerifyBlock run.
class Verifier {
 public:
  Verifier(backend::RawBackend& raw, const backend::BlockMeta& meta)
      : raw_(raw), meta_(meta), id_(meta.block_id.ToString()) {}

  Result<VerifyReport> Run(const InspectProgress& progress);

 private:
  std::string Key(std::string_view name) const { return ObjectKey(meta_.tenant_id, id_, name); }

  // NotFound naming the object, or the error in its context.
  static Status ObjectError(std::string_view object, const Status& s) {
    if (s.code() == Code::kNotFound) {
      return Status::NotFound(fmt::format("{}: object is missing", object));
    }
    return s.WithContext(object);
  }

  Result<std::string> ReadRange(std::string_view object, uint64_t offset, uint64_t length) {
    auto bytes = raw_.ReadRange(Key(object), offset, length);
    if (!bytes.ok()) {
      return ObjectError(object, bytes.status());
    }
    report_.bytes_read += bytes->size();
    return bytes;
  }

  Status CheckData();
  Status CheckIndex();
  Status CheckBlooms();
  Status CheckRowGroup(size_t i);

  backend::RawBackend& raw_;
  const backend::BlockMeta& meta_;
  std::string id_;
  VerifyReport report_;
  uint64_t data_size_ = 0;
  std::vector<RowGroupEntry> footer_;
  std::vector<RowGroupEntry> index_;
  std::vector<BloomShard> blooms_;
};

Status Verifier::CheckData() {
  auto size = raw_.Size(Key("data"));
  if (!size.ok()) {
    return ObjectError("data", size.status());
  }
  data_size_ = *size;
  if (data_size_ != meta_.size) {
    return Status::DataLoss(
        fmt::format("data: object is {} bytes, meta.json says {}", data_size_, meta_.size));
  }
  if (data_size_ < kDataHeaderSize + kDataTrailerSize) {
    return Status::DataLoss(fmt::format("data: object is too small ({} bytes)", data_size_));
  }
  VV_ASSIGN_OR_RETURN(std::string header, ReadRange("data", 0, kDataHeaderSize));
  uint32_t version = 0;
  std::memcpy(&version, header.data() + 8, 4);
  if (std::memcmp(header.data(), kDataMagic, 8) != 0) {
    return Status::DataLoss("data: bad header magic");
  }
  if (version != kBlockVersion) {
    return Status::DataLoss(fmt::format("data: unknown version {}", version));
  }
  if (meta_.footer_size < kDataTrailerSize || meta_.footer_size > data_size_ - kDataHeaderSize) {
    return Status::DataLoss(
        fmt::format("meta.json: footerSize {} does not fit a {}-byte data object",
                    meta_.footer_size, data_size_));
  }
  VV_ASSIGN_OR_RETURN(std::string tail,
                      ReadRange("data", data_size_ - meta_.footer_size, meta_.footer_size));
  auto footer = DecodeDataTail(ByteView(tail));
  if (!footer.ok()) {
    return footer.status().WithContext("data: trailer");
  }
  footer_ = std::move(footer).value();
  if (footer_.size() * kIndexEntrySize + kDataTrailerSize != meta_.footer_size) {
    return Status::DataLoss(fmt::format(
        "data: trailer holds a {}-byte footer, meta.json footerSize says {} with the trailer",
        footer_.size() * kIndexEntrySize, meta_.footer_size));
  }
  return Status::Ok();
}

Status Verifier::CheckIndex() {
  auto bytes = raw_.Read(Key("index"));
  if (!bytes.ok()) {
    return ObjectError("index", bytes.status());
  }
  report_.bytes_read += bytes->size();
  auto index = DecodeIndex(ByteView(*bytes));
  if (!index.ok()) {
    return index.status().WithContext("index");
  }
  index_ = std::move(index).value();
  if (EncodeIndexEntries(index_) != EncodeIndexEntries(footer_)) {
    return Status::DataLoss(
        fmt::format("index: disagrees with the data footer ({} and {} row groups)", index_.size(),
                    footer_.size()));
  }
  if (index_.size() != meta_.total_records) {
    return Status::DataLoss(
        fmt::format("meta.json: totalRecords is {}, the index has {} row groups",
                    meta_.total_records, index_.size()));
  }
  uint64_t data_end = data_size_ - meta_.footer_size;
  uint64_t prev_end = kDataHeaderSize;
  for (size_t i = 0; i < index_.size(); ++i) {
    const RowGroupEntry& e = index_[i];
    if (e.offset < prev_end || e.offset > data_end || e.length > data_end - e.offset) {
      return Status::DataLoss(fmt::format("index: {} lies outside the data object's row area",
                                          DescribeRowGroup(i, index_.size(), e)));
    }
    prev_end = e.offset + e.length;
  }
  return Status::Ok();
}

Status Verifier::CheckBlooms() {
  for (uint32_t s = 0; s < meta_.bloom_shards; ++s) {
    std::string name = BloomName(s);
    auto bytes = raw_.Read(Key(name));
    if (!bytes.ok()) {
      return ObjectError(name, bytes.status());
    }
    report_.bytes_read += bytes->size();
    auto shard = BloomShard::Parse(ByteView(*bytes));
    if (!shard.ok()) {
      return shard.status().WithContext(name);
    }
    blooms_.push_back(std::move(shard).value());
  }
  report_.bloom_shards = meta_.bloom_shards;
  // Stray shards are harmless to readers (they use bloomShards) but worth a word.
  auto names = raw_.List(fmt::format("{}/{}", meta_.tenant_id, id_));
  if (names.ok()) {
    for (const std::string& name : *names) {
      uint32_t n = 0;
      std::string_view digits = std::string_view(name).substr(std::min<size_t>(name.size(), 6));
      if (name.starts_with("bloom-")
          && std::from_chars(digits.data(), digits.data() + digits.size(), n).ec == std::errc()
          && n >= meta_.bloom_shards) {
        report_.warnings.push_back(
            fmt::format("{}: not used (meta.json says bloomShards {})", name, meta_.bloom_shards));
      }
    }
  }
  return Status::Ok();
}

Status Verifier::CheckRowGroup(size_t i) {
  const RowGroupEntry& e = index_[i];
  std::string where = fmt::format("data: {}", DescribeRowGroup(i, index_.size(), e));
  VV_ASSIGN_OR_RETURN(std::string rg, ReadRange("data", e.offset, e.length));
  auto opened = RowGroupReader::Open(ByteView(rg));
  if (!opened.ok()) {
    return opened.status().WithContext(where);
  }
  RowGroupReader& r = **opened;
  if (Status s = r.VerifyAllPages(); !s.ok()) {
    return NameBadColumn(ByteView(rg), s).WithContext(where);
  }
  uint32_t n = r.rows(Table::kTrace);
  if (r.header().n_traces != e.summary.n_traces || n != e.summary.n_traces) {
    return Status::DataLoss(
        fmt::format("{}: holds {} traces, the index says {}", where, n, e.summary.n_traces));
  }
  if (r.rows(Table::kSpan) != e.summary.n_spans) {
    return Status::DataLoss(fmt::format("{}: holds {} spans, the index says {}", where,
                                        r.rows(Table::kSpan), e.summary.n_spans));
  }
  std::string ids;
  VV_RETURN_IF_ERROR(
      r.ReadFixed(static_cast<uint16_t>(Col::kTraceId), 0, n, &ids).WithContext(where));
  model::TraceId prev;
  for (uint32_t t = 0; t < n; ++t) {
    auto id = model::TraceId::FromBytes(ByteView(ids).substr(size_t{t} * 16, 16));
    if (t > 0 && !(prev < id)) {
      return Status::DataLoss(
          fmt::format("{}: trace {} is not above the one before it", where, id.Hex()));
    }
    if ((t == 0 && !(id == e.summary.min_id)) || (t + 1 == n && !(id == e.summary.max_id))) {
      return Status::DataLoss(fmt::format("{}: trace {} disagrees with the index's ID range {}-{}",
                                          where, id.Hex(), e.summary.min_id.Hex(),
                                          e.summary.max_id.Hex()));
    }
    prev = id;
    if (!blooms_.empty()) {
      std::span<const uint8_t, 16> bytes(id.bytes);
      uint32_t shard = ShardedBloom::ShardFor(bytes, static_cast<uint32_t>(blooms_.size()));
      if (!blooms_[shard].MayContain(bytes)) {
        return Status::DataLoss(fmt::format("{}: trace {} (row group {}) is missing from it",
                                            BloomName(shard), id.Hex(), i));
      }
    }
  }
  report_.traces += n;
  report_.spans += r.rows(Table::kSpan);
  return Status::Ok();
}

Result<VerifyReport> Verifier::Run(const InspectProgress& progress) {
  if (meta_.format != kFormatName) {
    return Status::FailedPrecondition(
        fmt::format("block format {} is not {}", meta_.format, kFormatName));
  }
  VV_RETURN_IF_ERROR(CheckData());
  VV_RETURN_IF_ERROR(CheckIndex());
  VV_RETURN_IF_ERROR(CheckBlooms());
  for (size_t i = 0; i < index_.size(); ++i) {
    VV_RETURN_IF_ERROR(CheckRowGroup(i));
    ++report_.row_groups;
    if (progress) {
      progress(i + 1, index_.size());
    }
  }
  if (report_.traces != static_cast<uint64_t>(meta_.total_objects)) {
    return Status::DataLoss(fmt::format("meta.json: totalObjects is {}, the row groups hold {}",
                                        meta_.total_objects, report_.traces));
  }
  return std::move(report_);
}

}  // namespace

const std::vector<uint16_t>& SchemaColumns() {
  static const std::vector<uint16_t> columns = [] {
    std::vector<uint16_t> ids;
    for (uint16_t id = 0; id < kPromotedBase; ++id) {
      if (GetColumnInfo(id) != nullptr) {
        ids.push_back(id);
      }
    }
    return ids;
  }();
  return columns;
}

std::string TableLabel(Table t) { return std::string(TableName(t)); }

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kU64:
      return "u64";
    case Kind::kF64:
      return "f64";
    case Kind::kFixed8:
      return "fixed8";
    case Kind::kFixed16:
      return "fixed16";
    case Kind::kString:
      return "string";
    case Kind::kBytes:
      return "bytes";
  }
  return "?";
}

std::optional<uint16_t> FindColumn(std::string_view name) {
  for (uint16_t c : SchemaColumns()) {
    if (GetColumnInfo(c)->name == name) {
      return c;
    }
  }
  return std::nullopt;
}

std::vector<TableStats> ColumnSizes::Tables() const {
  std::vector<TableStats> tables(kTables);
  for (int t = 0; t < kTables; ++t) {
    tables[t].table = static_cast<Table>(t);
    tables[t].rows = rows[t];
  }
  for (const ColumnStats& c : columns) {
    const ColumnInfo* info = GetColumnInfo(c.column);
    TableStats& t = tables[static_cast<int>(info->table)];
    t.bytes += c.bytes;
    t.columns++;
  }
  std::erase_if(tables, [](const TableStats& t) { return t.rows == 0 && t.columns == 0; });
  return tables;
}

void AddRowGroupSizes(const RowGroupReader& reader, const RowGroupEntry& entry,
                      ColumnSizes* sizes) {
  const RowGroupHeader& header = reader.header();
  RowGroupStats rg;
  rg.index = static_cast<uint32_t>(sizes->row_groups.size());
  rg.offset = entry.offset;
  rg.bytes = entry.length;
  rg.traces = header.n_traces;
  rg.spans = header.rows[static_cast<int>(Table::kSpan)];
  for (const ChunkDesc& chunk : header.chunks) {
    std::string name = reader.ColumnName(chunk.column);
    auto [pos, fresh] = sizes->column_index.try_emplace(name, sizes->columns.size());
    if (fresh) {
      ColumnStats stats;
      stats.column = chunk.column;
      stats.name = std::move(name);
      sizes->columns.push_back(std::move(stats));
    }
    ColumnStats* it = &sizes->columns[pos->second];
    it->bytes += chunk.length;
    it->dict_bytes += chunk.dict_length;
    it->values += chunk.n_values;
    it->pages += chunk.pages.size();
    it->chunks++;
    rg.column_bytes += chunk.length;
    rg.chunks++;
  }
  for (int t = 0; t < kTables; ++t) {
    sizes->rows[t] += header.rows[t];
  }
  sizes->column_bytes += rg.column_bytes;
  sizes->row_group_bytes += rg.bytes;
  sizes->row_groups.push_back(rg);
}

Result<ColumnSizes> MeasureColumns(BlockReader& reader, const InspectProgress& progress) {
  VV_ASSIGN_OR_RETURN(std::vector<RowGroupEntry> index, reader.Index());
  ColumnSizes sizes;
  for (size_t i = 0; i < index.size(); ++i) {
    std::string where = fmt::format("data: {}", DescribeRowGroup(i, index.size(), index[i]));
    auto rg = reader.ReadRowGroup(index[i]);
    if (!rg.ok()) {
      return rg.status().WithContext(where);
    }
    auto opened = RowGroupReader::Open(ByteView(*rg));
    if (!opened.ok()) {
      return opened.status().WithContext(where);
    }
    AddRowGroupSizes(**opened, index[i], &sizes);
    if (progress) {
      progress(i + 1, index.size());
    }
  }
  std::sort(sizes.columns.begin(), sizes.columns.end(),
            [](const ColumnStats& a, const ColumnStats& b) {
              return std::tie(a.column, a.name) < std::tie(b.column, b.name);
            });
  for (size_t i = 0; i < sizes.columns.size(); ++i) {
    sizes.column_index[sizes.columns[i].name] = i;
  }
  return sizes;
}

uint64_t RunLength(const RowRuns& runs) {
  uint64_t n = 0;
  for (const RowRange& run : runs) {
    n += run.count;
  }
  return n;
}

Result<TraceRows> FindTraceRows(RowGroupReader& reader, uint32_t ordinal) {
  if (ordinal >= reader.rows(Table::kTrace)) {
    return Status::OutOfRange(fmt::format("trace ordinal {} past the row group's {} traces",
                                          ordinal, reader.rows(Table::kTrace)));
  }
  auto col = [](Col c) { return static_cast<uint16_t>(c); };
  RowRange trace{ordinal, 1};
  VV_ASSIGN_OR_RETURN(RowRange rs,
                      ChildRange(reader, col(Col::kTraceRsEnd), trace, Table::kResourceSpans));
  VV_ASSIGN_OR_RETURN(RowRange ss, ChildRange(reader, col(Col::kRsSsEnd), rs, Table::kScopeSpans));
  VV_ASSIGN_OR_RETURN(RowRange spans, ChildRange(reader, col(Col::kSsSpanEnd), ss, Table::kSpan));
  VV_ASSIGN_OR_RETURN(RowRange events,
                      ChildRange(reader, col(Col::kSpanEventEnd), spans, Table::kEvent));
  VV_ASSIGN_OR_RETURN(RowRange links,
                      ChildRange(reader, col(Col::kSpanLinkEnd), spans, Table::kLink));
  TraceRows rows;
  auto set = [&rows](Table t, RowRange range) {
    if (range.count > 0) {
      rows.tables[static_cast<int>(t)] = {range};
    }
  };
  set(Table::kTrace, trace);
  set(Table::kResourceSpans, rs);
  set(Table::kScopeSpans, ss);
  set(Table::kSpan, spans);
  set(Table::kEvent, events);
  set(Table::kLink, links);
  // Resources and scopes are rows shared by the traces of the row group, referenced by the
  // trace's resource_spans and scope_spans rows.
  VV_ASSIGN_OR_RETURN(rows.tables[static_cast<int>(Table::kResource)],
                      ReferencedRows(reader, col(Col::kRsResource), rs, Table::kResource));
  VV_ASSIGN_OR_RETURN(rows.tables[static_cast<int>(Table::kScope)],
                      ReferencedRows(reader, col(Col::kSsScope), ss, Table::kScope));
  return rows;
}

Status ReadColumnText(RowGroupReader& reader, uint16_t column, RowRange rows,
                      std::vector<std::string>* out) {
  const ColumnInfo* info = GetColumnInfo(column);
  if (info == nullptr) {
    return Status::InvalidArgument(fmt::format("no column {}", column));
  }
  switch (info->kind) {
    case Kind::kU64:
    case Kind::kF64: {
      std::vector<uint64_t> values;
      VV_RETURN_IF_ERROR(reader.ReadU64(column, rows.first, rows.count, &values));
      for (uint64_t v : values) {
        out->push_back(info->kind == Kind::kU64 ? fmt::format("{}", v)
                                                : fmt::format("{}", std::bit_cast<double>(v)));
      }
      break;
    }
    case Kind::kFixed8:
    case Kind::kFixed16: {
      size_t width = info->kind == Kind::kFixed8 ? 8 : 16;
      std::string fixed;
      VV_RETURN_IF_ERROR(reader.ReadFixed(column, rows.first, rows.count, &fixed));
      for (size_t i = 0; i + width <= fixed.size(); i += width) {
        out->push_back(HexEncode(ByteView(fixed).substr(i, width)));
      }
      break;
    }
    case Kind::kString:
    case Kind::kBytes: {
      std::vector<std::string> values;
      VV_RETURN_IF_ERROR(reader.ReadStrings(column, rows.first, rows.count, &values));
      for (const std::string& v : values) {
        if (info->kind == Kind::kString) {
          out->push_back(Quote(v));
        } else {
          out->push_back(v.empty() ? "(empty)" : HexEncode(ByteView(v)));
        }
      }
      break;
    }
  }
  return Status::Ok();
}

Result<TraceDump> DumpTrace(BlockReader& reader, const model::TraceId& id) {
  VV_ASSIGN_OR_RETURN(std::vector<RowGroupEntry> index, reader.Index());
  auto it = std::lower_bound(
      index.begin(), index.end(), id,
      [](const RowGroupEntry& e, const model::TraceId& v) { return e.summary.max_id < v; });
  std::string not_found =
      fmt::format("trace {} is not in block {}", id.Hex(), reader.meta().block_id.ToString());
  if (it == index.end() || id < it->summary.min_id) {
    return Status::NotFound(not_found);
  }
  TraceDump dump;
  dump.row_group = static_cast<uint32_t>(it - index.begin());
  std::string where = fmt::format("data: {}", DescribeRowGroup(dump.row_group, index.size(), *it));
  auto rg = reader.ReadRowGroup(*it);
  if (!rg.ok()) {
    return rg.status().WithContext(where);
  }
  auto opened = RowGroupReader::Open(ByteView(*rg));
  if (!opened.ok()) {
    return opened.status().WithContext(where);
  }
  RowGroupReader& r = **opened;
  auto ordinal = r.FindTrace(id);
  if (!ordinal.ok()) {
    return ordinal.status().WithContext(where);
  }
  if (!*ordinal) {
    return Status::NotFound(not_found);
  }
  dump.ordinal = **ordinal;
  auto rows = FindTraceRows(r, dump.ordinal);
  if (!rows.ok()) {
    return rows.status().WithContext(where);
  }
  dump.rows = *rows;
  auto sparse = SparseRows(r, dump.rows);
  if (!sparse.ok()) {
    return sparse.status().WithContext(where);
  }
  std::vector<uint16_t> columns = SchemaColumns();
  for (const ScopeAttrs& attrs : r.header().attrs) {
    for (const PromotedKey& key : attrs.promoted) {
      columns.push_back(key.column);
    }
  }
  for (uint16_t c : columns) {
    const ColumnInfo* info = GetColumnInfo(c);
    ColumnDump col;
    col.column = c;
    col.name = r.ColumnName(c);
    col.stored = r.chunk(c) != nullptr;
    col.sparse = info->layout == Layout::kSparse;
    if (col.sparse) {
      auto values = sparse->find(c);
      if (values == sparse->end()) {
        continue;
      }
      col.rows = values->second;
    } else {
      col.rows = dump.rows.tables[static_cast<int>(info->table)];
    }
    if (col.rows.empty()) {
      continue;
    }
    for (const RowRange& run : col.rows) {
      Status s = ReadColumnText(r, c, run, &col.values);
      if (!s.ok()) {
        return s.WithContext(fmt::format("{}, column {}", where, col.name));
      }
    }
    dump.columns.push_back(std::move(col));
  }
  return dump;
}

Result<VerifyReport> VerifyBlock(backend::RawBackend& raw, const backend::BlockMeta& meta,
                                 const InspectProgress& progress) {
  Verifier verifier(raw, meta);
  return verifier.Run(progress);
}

}  // namespace vivace::block
