#include "block/row_group_format.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "block/compression.h"
#include "block/little_endian.h"
#include "common/crc32c.h"

namespace vivace::block {
namespace {

Status Corrupt(std::string_view what) {
  return Status::DataLoss(fmt::format("corrupt row group header: {}", what));
}

// Reads the raw header with bounds checks; every failure is DataLoss.
class HeaderReader {
 public:
  explicit HeaderReader(ByteView in) : in_(in) {}

  bool Varint(uint64_t* v) { return ReadVarint(in_.data(), in_.size(), &pos_, v); }

  bool Varint32(uint32_t* v, uint64_t limit) {
    uint64_t x = 0;
    if (!Varint(&x) || x > limit) {
      return false;
    }
    *v = static_cast<uint32_t>(x);
    return true;
  }

  bool Byte(uint8_t* b) {
    if (pos_ >= in_.size()) {
      return false;
    }
    *b = in_[pos_++];
    return true;
  }

  bool U32(uint32_t* v) {
    if (in_.size() - pos_ < 4) {
      return false;
    }
    *v = LoadLe32(in_.data() + pos_);
    pos_ += 4;
    return true;
  }

  bool Bytes(size_t n, std::string* out) {
    if (in_.size() - pos_ < n) {
      return false;
    }
    out->assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return true;
  }

  size_t remaining() const { return in_.size() - pos_; }

  size_t* pos() { return &pos_; }

  ByteView in() const { return in_; }

 private:
  ByteView in_;
  size_t pos_ = 0;
};

bool ValidSlot(uint32_t slot, AttrScope s, size_t n_promoted) {
  if (slot < n_promoted) {
    return true;
  }
  if (slot >= kGenericSlot && slot < kGenericSlot + kAttrTypes) {
    return true;
  }
  return slot == kServiceNameSlot && s == AttrScope::kResource;
}

Status DecodeScopeAttrs(HeaderReader& r, AttrScope s, ScopeAttrs* out) {
  uint32_t n = 0;
  if (!r.Varint32(&n, uint64_t{kPromotedTypes} * kMaxPromoted)) {
    return Corrupt("promoted key count");
  }
  uint16_t per_type[kPromotedTypes] = {};
  out->promoted.resize(n);
  for (PromotedKey& p : out->promoted) {
    uint8_t type = 0;
    uint32_t len = 0;
    if (!r.Byte(&type) || type >= kPromotedTypes || !r.Varint32(&len, kMaxHeaderBytes)
        || !r.Bytes(len, &p.key)) {
      return Corrupt("promoted key");
    }
    if (per_type[type] >= kMaxPromoted) {
      return Corrupt("too many promoted keys");
    }
    p.type = static_cast<AttrType>(type);
    p.column = PromotedColumn(s, p.type, per_type[type]++);
  }
  uint32_t n_keysets = 0;
  if (!r.Varint32(&n_keysets, r.remaining())) {
    return Corrupt("key set count");
  }
  out->keysets.resize(n_keysets);
  for (std::vector<uint32_t>& ks : out->keysets) {
    uint32_t len = 0;
    if (!r.Varint32(&len, r.remaining())) {
      return Corrupt("key set length");
    }
    ks.resize(len);
    bool service = false;
    for (uint32_t& slot : ks) {
      if (!r.Varint32(&slot, kServiceNameSlot) || !ValidSlot(slot, s, n)) {
        return Corrupt("key set slot");
      }
      if (slot == kServiceNameSlot) {
        if (service) {
          return Corrupt("service.name twice in a key set");
        }
        service = true;
      }
    }
  }
  return Status::Ok();
}

// Whether `id` is a column this header can hold: a fixed or generic attribute column, or a
// promoted column the header's key lists name.
const ColumnInfo* HeaderColumn(const RowGroupHeader& h, uint16_t id) {
  const ColumnInfo* info = GetColumnInfo(id);
  AttrScope s;
  AttrType t;
  uint16_t i;
  if (info != nullptr && DecodePromotedColumn(id, &s, &t, &i)) {
    for (const PromotedKey& p : h.attrs[static_cast<int>(s)].promoted) {
      if (p.column == id) {
        return info;
      }
    }
    return nullptr;
  }
  return info;
}

// Walks the page index of chunk `c` at in[*pos...] (advancing *pos) and checks it against the
// chunk and its table: extents tile the chunk after the dictionary page; dense columns have
// exactly one value per row, pages at multiples of page_rows; sparse pages start at such
// multiples within the table and hold values. With `store`, fills c->pages and
// c->value_starts.
Status WalkPages(ByteView in, size_t* pos, const RowGroupHeader& h, const ColumnInfo& info,
                 ChunkDesc* c, bool store) {
  const uint32_t n_pages = c->n_pages;
  // Each entry takes at least 10 bytes: do not reserve for counts the input cannot hold.
  if (n_pages > (in.size() - *pos) / 10 + 1) {
    return Corrupt("page index: more pages than bytes");
  }
  const bool dict = (c->flags & kChunkDict) != 0;
  const uint32_t rows = h.rows[static_cast<size_t>(info.table)];
  const uint32_t page_rows = c->page_rows;
  if (store) {
    c->pages.clear();
    c->pages.reserve(n_pages);
    c->value_starts.clear();
    c->value_starts.reserve(size_t{n_pages} + 1);
  }
  uint64_t offset = c->dict_length;
  uint64_t row = 0;
  uint64_t values = 0;
  PageIndexEntry e;
  for (uint32_t i = 0; i < n_pages; ++i) {
    if (const char* err =
            ParsePageIndexEntry(in, pos, i == 0, &row, &offset, c->length, dict, &e)) {
      return Corrupt(fmt::format("page index of column {}: {}", c->column, err));
    }
    if (e.first_row % page_rows != 0 || e.first_row >= rows) {
      return Corrupt(
          fmt::format("page {} of column {} starts at row {}", i, c->column, e.first_row));
    }
    if (info.layout == Layout::kDense) {
      if (e.first_row != i * uint64_t{page_rows}
          || e.n_values != std::min<uint64_t>(page_rows, rows - e.first_row)) {
        return Corrupt(fmt::format("page {} of column {} does not cover its rows", i, c->column));
      }
    } else if (e.n_values == 0) {
      return Corrupt("empty sparse page");
    }
    if (store) {
      c->pages.push_back(e);
      c->value_starts.push_back(static_cast<uint32_t>(values));
    }
    values += e.n_values;
  }
  if (store) {
    c->value_starts.push_back(static_cast<uint32_t>(std::min<uint64_t>(values, UINT32_MAX)));
  }
  if (offset != c->length) {
    return Corrupt(fmt::format("pages of column {} do not fill its chunk", c->column));
  }
  if (values != c->n_values) {
    return Corrupt(
        fmt::format("pages of column {} hold {} values, not {}", c->column, values, c->n_values));
  }
  if (info.layout == Layout::kDense && c->n_values != rows) {
    return Corrupt(
        fmt::format("column {} has {} values for {} rows", c->column, c->n_values, rows));
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeRowGroupHeader(const RowGroupHeader& h) {
  std::string out;
  for (uint32_t r : h.rows) {
    AppendVarint(out, r);
  }
  for (const ScopeAttrs& a : h.attrs) {
    AppendVarint(out, a.promoted.size());
    for (const PromotedKey& p : a.promoted) {
      out.push_back(static_cast<char>(p.type));
      AppendVarint(out, p.key.size());
      out += p.key;
    }
    AppendVarint(out, a.keysets.size());
    for (const auto& ks : a.keysets) {
      AppendVarint(out, ks.size());
      for (uint32_t slot : ks) {
        AppendVarint(out, slot);
      }
    }
  }
  AppendVarint(out, h.chunks.size());
  for (const ChunkDesc& c : h.chunks) {
    const bool dict = (c.flags & kChunkDict) != 0;
    AppendVarint(out, c.column);
    out.push_back(static_cast<char>(c.kind));
    out.push_back(static_cast<char>(c.flags));
    AppendVarint(out, c.page_rows);
    AppendVarint(out, c.n_values);
    AppendVarint(out, c.length);
    AppendVarint(out, c.min);
    AppendVarint(out, c.max);
    if (dict) {
      AppendVarint(out, c.dict_count);
      AppendVarint(out, c.dict_length);
      AppendLe32(out, c.dict_crc);
      AppendVarint(out, c.value_filter.size());
      out += c.value_filter;
    }
    AppendVarint(out, c.pages.size());
    out += EncodePageIndex(c.pages, dict);
  }
  return out;
}

Result<RowGroupHeader> DecodeRowGroupHeader(ByteView raw, uint64_t data_size, bool pages) {
  RowGroupHeader h;
  HeaderReader r(raw);
  for (uint32_t& rows : h.rows) {
    if (!r.Varint32(&rows, kMaxRows)) {
      return Corrupt("row counts");
    }
  }
  h.n_traces = h.rows[static_cast<int>(Table::kTrace)];
  for (int s = 0; s < kAttrScopes; ++s) {
    VV_RETURN_IF_ERROR(DecodeScopeAttrs(r, static_cast<AttrScope>(s), &h.attrs[s]));
  }
  uint32_t n_chunks = 0;
  if (!r.Varint32(&n_chunks, kColumnIdLimit)) {
    return Corrupt("chunk count");
  }
  h.chunks.resize(n_chunks);
  uint64_t offset = 0;
  int prev_column = -1;
  for (ChunkDesc& c : h.chunks) {
    uint32_t column = 0;
    uint8_t kind = 0;
    uint32_t n_pages = 0;
    if (!r.Varint32(&column, kColumnIdLimit - 1) || !r.Byte(&kind) || !r.Byte(&c.flags)
        || !r.Varint32(&c.page_rows, kMaxPageValues) || c.page_rows == 0
        || !r.Varint32(&c.n_values, kMaxRows) || !r.Varint32(&c.length, UINT32_MAX)
        || !r.Varint(&c.min) || !r.Varint(&c.max)) {
      return Corrupt("chunk descriptor");
    }
    c.column = static_cast<uint16_t>(column);
    const ColumnInfo* info = HeaderColumn(h, c.column);
    if (info == nullptr || static_cast<uint8_t>(info->kind) != kind
        || static_cast<int>(column) <= prev_column || (c.flags & ~kChunkDict) != 0) {
      return Corrupt(fmt::format("unknown, repeated or out-of-order column {}", column));
    }
    prev_column = static_cast<int>(column);
    c.kind = info->kind;
    const bool dict = (c.flags & kChunkDict) != 0;
    if (dict) {
      uint32_t filter_len = 0;
      if (c.kind != Kind::kString || !r.Varint32(&c.dict_count, kMaxRows)
          || !r.Varint32(&c.dict_length, c.length) || !r.U32(&c.dict_crc)
          || !r.Varint32(&filter_len, r.remaining()) || !r.Bytes(filter_len, &c.value_filter)
          || (c.dict_count == 0) != (filter_len == 0)
          || (filter_len != 0 && (filter_len < 8 || (filter_len & (filter_len - 1)) != 0))) {
        return Corrupt("dictionary descriptor");
      }
    }
    if (c.length > data_size - std::min(offset, data_size) || !r.Varint32(&n_pages, kMaxRows)) {
      return Corrupt("chunk bounds");
    }
    c.offset = static_cast<uint32_t>(offset);
    c.n_pages = n_pages;
    c.page_index_at = static_cast<uint32_t>(*r.pos());
    VV_RETURN_IF_ERROR(WalkPages(r.in(), r.pos(), h, *info, &c, pages));
    offset += c.length;
  }
  if (offset != data_size) {
    return Corrupt("chunks do not fill the row group");
  }
  // Every dense column of a non-empty table, and every scope's key sets, are stored: readers
  // never have to invent values for rows.
  std::vector<bool> present(kColumnIdLimit, false);
  for (const ChunkDesc& c : h.chunks) {
    present[c.column] = true;
  }
  for (uint16_t id = 0; id < static_cast<uint16_t>(Col::kFixedCount); ++id) {
    const ColumnInfo* info = GetColumnInfo(id);
    if (info->layout == Layout::kDense && h.rows[static_cast<int>(info->table)] > 0
        && !present[id]) {
      return Corrupt(fmt::format("column {} is missing", info->name));
    }
  }
  for (int s = 0; s < kAttrScopes; ++s) {
    const auto scope = static_cast<AttrScope>(s);
    if (h.rows[static_cast<int>(OwnerTable(scope))] > 0
        && !present[AttrColumn(scope, AttrCol::kKeys)]) {
      return Corrupt(fmt::format("key sets of {} attributes are missing", AttrScopeName(scope)));
    }
  }
  if (r.remaining() != 0) {
    return Corrupt("trailing bytes");
  }
  return h;
}

void MaterializePages(ByteView raw, const RowGroupHeader& h, ChunkDesc* c) {
  size_t pos = c->page_index_at;
  const ColumnInfo* info = GetColumnInfo(c->column);
  // Checked when the header was decoded from these bytes: cannot fail. Should it, the chunk
  // reads as having no pages (every read of it then fails as out of range).
  if (info == nullptr || !WalkPages(raw, &pos, h, *info, c, true).ok()) {
    c->pages.clear();
    c->value_starts.assign(1, 0);
    c->n_values = 0;
  }
}

std::string AssembleRowGroup(const std::string& raw_header, const std::string& chunks,
                             bool compress_header) {
  std::string z = compress_header ? ZstdCompress(ByteView(raw_header), 3) : std::string();
  const bool compressed = !z.empty() && z.size() < raw_header.size();
  const std::string& stored = compressed ? z : raw_header;
  std::string out;
  out.reserve(kRowGroupPrefixBytes + stored.size() + chunks.size());
  out.append(kRowGroupMagic, 4);
  out.push_back(static_cast<char>(kRowGroupVersion));
  out.push_back(static_cast<char>(compressed ? 1 : 0));
  AppendLe16(out, 0);
  AppendLe32(out, static_cast<uint32_t>(stored.size()));
  AppendLe32(out, static_cast<uint32_t>(raw_header.size()));
  uint32_t crc = Crc32cExtend(Crc32c(ByteView(out)), ByteView(stored));
  AppendLe32(out, crc);
  out += stored;
  out += chunks;
  return out;
}

Result<RowGroupParts> SplitRowGroup(ByteView rg, bool verify_checksum) {
  if (rg.size() < kRowGroupPrefixBytes || std::memcmp(rg.data(), kRowGroupMagic, 4) != 0) {
    return Status::DataLoss("corrupt row group: magic");
  }
  if (rg[4] != kRowGroupVersion) {
    return Status::DataLoss(fmt::format("corrupt row group: version {}", rg[4]));
  }
  const uint8_t codec = rg[5];
  const uint32_t stored_len = LoadLe32(rg.data() + 8);
  const uint32_t raw_len = LoadLe32(rg.data() + 12);
  if (codec > 1 || LoadLe16(rg.data() + 6) != 0 || stored_len > rg.size() - kRowGroupPrefixBytes
      || raw_len > kMaxHeaderBytes || (codec == 0 && raw_len != stored_len)) {
    return Status::DataLoss("corrupt row group: header length");
  }
  ByteView stored = rg.substr(kRowGroupPrefixBytes, stored_len);
  uint32_t crc = Crc32cExtend(Crc32c(rg.substr(0, 16)), stored);
  if (verify_checksum && crc != LoadLe32(rg.data() + 16)) {
    return Status::DataLoss("corrupt row group: header checksum mismatch");
  }
  RowGroupParts parts;
  if (codec == 1) {
    VV_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, ZstdDecompress(stored, raw_len));
    if (raw.size() != raw_len) {
      return Status::DataLoss("corrupt row group: header length");
    }
    parts.raw_header.assign(raw.begin(), raw.end());
  } else {
    parts.raw_header = stored.ToString();
  }
  parts.header_bytes = kRowGroupPrefixBytes + stored_len;
  parts.chunks = rg.substr(parts.header_bytes);
  return parts;
}

std::string BuildValueFilter(const std::vector<std::string_view>& values) {
  if (values.empty()) {
    return std::string();
  }
  // ~10 bits per value (about 1% false positives with 3 probes), a power of two of 8..8192 bytes.
  size_t bytes = 8;
  while (bytes * 8 < values.size() * 10 && bytes < 8192) {
    bytes *= 2;
  }
  std::string filter(bytes, '\0');
  const uint64_t mask = bytes * 8 - 1;
  for (std::string_view v : values) {
    const uint64_t h = XXH64(v.data(), v.size(), 0);
    const uint64_t h1 = h & 0xffffffff;
    const uint64_t h2 = h >> 32;
    for (uint64_t i = 0; i < 3; ++i) {
      const uint64_t bit = (h1 + i * h2) & mask;
      filter[bit / 8] = static_cast<char>(filter[bit / 8] | (1 << (bit % 8)));
    }
  }
  return filter;
}

bool ValueFilterMayContain(const std::string& filter, std::string_view value) {
  const size_t bytes = filter.size();
  if (bytes == 0 || (bytes & (bytes - 1)) != 0) {
    return bytes != 0;  // no filter: cannot rule anything out (an empty one: no values)
  }
  const uint64_t mask = bytes * 8 - 1;
  const uint64_t h = XXH64(value.data(), value.size(), 0);
  const uint64_t h1 = h & 0xffffffff;
  const uint64_t h2 = h >> 32;
  for (uint64_t i = 0; i < 3; ++i) {
    const uint64_t bit = (h1 + i * h2) & mask;
    if (((static_cast<uint8_t>(filter[bit / 8]) >> (bit % 8)) & 1) == 0) {
      return false;
    }
  }
  return true;
}

}  // namespace vivace::block
