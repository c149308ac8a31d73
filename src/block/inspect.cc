#include "block/inspect.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <tuple>

#include <fmt/format.h>

#include "block/bloom.h"
#include "common/hex.h"

namespace vivace::block {
namespace {

constexpr uint16_t C(Col c) { return static_cast<uint16_t>(c); }

std::string_view ColumnName(uint16_t column) {
  const ColumnInfo* info = GetColumnInfo(column);
  return info != nullptr ? info->name : std::string_view("?");
}

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
                                        ColumnName(end_col), TableLabel(child)));
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
    const ColumnInfo* info = GetColumnInfo(chunk.column);
    std::vector<std::string> sink;
    Status s = ReadColumnText(**reader, chunk.column, {0, chunk.n_values}, &sink);
    if (!s.ok()) {
      return s.WithContext(fmt::format("column {}", info->name));
    }
  }
  return failure;
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
  VV_RETURN_IF_ERROR(r.ReadFixed(C(Col::kTraceId), 0, n, &ids).WithContext(where));
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
  for (uint32_t c = 0; c < kColumnIdLimit; ++c) {
    const ColumnInfo* info = GetColumnInfo(static_cast<uint16_t>(c));
    if (info != nullptr && info->name == name) {
      return static_cast<uint16_t>(c);
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

void AddRowGroupSizes(const RowGroupHeader& header, const RowGroupEntry& entry,
                      ColumnSizes* sizes) {
  RowGroupStats rg;
  rg.index = static_cast<uint32_t>(sizes->row_groups.size());
  rg.offset = entry.offset;
  rg.bytes = entry.length;
  rg.traces = header.n_traces;
  rg.spans = header.rows[static_cast<int>(Table::kSpan)];
  for (const ChunkDesc& chunk : header.chunks) {
    auto it =
        std::lower_bound(sizes->columns.begin(), sizes->columns.end(), chunk.column,
                         [](const ColumnStats& c, uint16_t column) { return c.column < column; });
    if (it == sizes->columns.end() || it->column != chunk.column) {
      it = sizes->columns.insert(it, ColumnStats{.column = chunk.column});
    }
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
    AddRowGroupSizes((*opened)->header(), index[i], &sizes);
    if (progress) {
      progress(i + 1, index.size());
    }
  }
  return sizes;
}

Result<std::array<RowRange, kTables>> TraceRows(RowGroupReader& reader, uint32_t ordinal) {
  if (ordinal >= reader.rows(Table::kTrace)) {
    return Status::OutOfRange(fmt::format("trace ordinal {} past the row group's {} traces",
                                          ordinal, reader.rows(Table::kTrace)));
  }
  std::array<RowRange, kTables> rows{};
  auto at = [&rows](Table t) -> RowRange& { return rows[static_cast<int>(t)]; };
  at(Table::kTrace) = {ordinal, 1};
  // Resources and scopes are shared rows referenced by resource_spans/scope_spans, not children.
  VV_ASSIGN_OR_RETURN(at(Table::kResourceSpans),
                      ChildRange(reader, C(Col::kTraceRsEnd), at(Table::kTrace),
                                 Table::kResourceSpans));
  VV_ASSIGN_OR_RETURN(at(Table::kScopeSpans),
                      ChildRange(reader, C(Col::kRsSsEnd), at(Table::kResourceSpans),
                                 Table::kScopeSpans));
  VV_ASSIGN_OR_RETURN(at(Table::kSpan), ChildRange(reader, C(Col::kSsSpanEnd),
                                                   at(Table::kScopeSpans), Table::kSpan));
  // The shared resource and scope rows the trace references, when they are one run.
  for (auto [ref, from, to] : {std::tuple{C(Col::kRsResource), Table::kResourceSpans,
                                          Table::kResource},
                               std::tuple{C(Col::kSsScope), Table::kScopeSpans, Table::kScope}}) {
    std::vector<uint64_t> refs;
    VV_RETURN_IF_ERROR(reader.ReadU64(ref, at(from).first, at(from).count, &refs));
    std::erase(refs, 0);  // 0: no message; r + 1: row r
    for (uint64_t& r : refs) {
      --r;
    }
    if (!refs.empty()) {
      auto [lo, hi] = std::minmax_element(refs.begin(), refs.end());
      if (*hi - *lo + 1 == refs.size() || *hi == *lo) {
        at(to) = {static_cast<uint32_t>(*lo), static_cast<uint32_t>(*hi - *lo + 1)};
      }
    }
  }
  VV_ASSIGN_OR_RETURN(at(Table::kEvent),
                      ChildRange(reader, C(Col::kSpanEventEnd), at(Table::kSpan), Table::kEvent));
  VV_ASSIGN_OR_RETURN(at(Table::kLink),
                      ChildRange(reader, C(Col::kSpanLinkEnd), at(Table::kSpan), Table::kLink));
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
        out->push_back(info->kind == Kind::kString ? Quote(v) : HexEncode(ByteView(v)));
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
  auto rows = TraceRows(r, dump.ordinal);
  if (!rows.ok()) {
    return rows.status().WithContext(where);
  }
  dump.rows = *rows;
  for (uint16_t c = 0; c < kPromotedBase; ++c) {
    const ColumnInfo* info = GetColumnInfo(c);
    // Sparse columns (attribute values) are not row-aligned: not dumped by row range.
    if (info == nullptr || info->layout == Layout::kSparse ||
        dump.rows[static_cast<int>(info->table)].count == 0) {
      continue;
    }
    ColumnDump col;
    col.column = c;
    col.stored = r.chunk(c) != nullptr;
    col.rows = dump.rows[static_cast<int>(info->table)];
    Status s = ReadColumnText(r, c, col.rows, &col.values);
    if (!s.ok()) {
      return s.WithContext(fmt::format("{}, column {}", where, info->name));
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
