#include "block/row_group_reader.h"

#include <cstring>

#include <fmt/format.h>

#include "block/bytes_codec.h"
#include "block/int_codec.h"
#include "common/crc32c.h"

namespace vivace::block {
namespace {

Status Corrupt(std::string_view what) {
  return Status::DataLoss(fmt::format("corrupt row group: {}", what));
}

template <typename T>
bool Get(ByteView in, size_t* pos, T* v) {
  if (in.size() - *pos < sizeof(T)) {
    return false;
  }
  std::memcpy(v, in.data() + *pos, sizeof(T));
  *pos += sizeof(T);
  return true;
}

size_t FixedWidth(Kind k) { return k == Kind::kFixed8 ? 8 : 16; }

}  // namespace

Result<std::unique_ptr<RowGroupReader>> RowGroupReader::Open(ByteView rowgroup) {
  std::unique_ptr<RowGroupReader> r(new RowGroupReader());
  size_t pos = 0;
  uint32_t header_len = 0;
  if (!Get(rowgroup, &pos, &header_len) || header_len > rowgroup.size() - pos ||
      rowgroup.size() - pos - header_len < 4) {
    return Corrupt("header length");
  }
  ByteView h = rowgroup.substr(pos, header_len);
  uint32_t crc = 0;
  std::memcpy(&crc, rowgroup.data() + pos + header_len, 4);
  if (Crc32c(h) != crc) {
    return Corrupt("header checksum mismatch");
  }
  r->data_ = rowgroup.substr(pos + header_len + 4);
  size_t hp = 0;
  uint32_t version = 0;
  uint32_t n_chunks = 0;
  if (h.size() < 4 || std::memcmp(h.data(), kRowGroupMagic, 4) != 0) {
    return Corrupt("magic");
  }
  hp = 4;
  if (!Get(h, &hp, &version) || version != kRowGroupVersion ||
      !Get(h, &hp, &r->header_.n_traces)) {
    return Corrupt("version");
  }
  for (uint32_t& rows : r->header_.rows) {
    if (!Get(h, &hp, &rows)) {
      return Corrupt("row counts");
    }
  }
  if (!Get(h, &hp, &n_chunks) || n_chunks > kColumnCount) {
    return Corrupt("chunk count");
  }
  r->chunk_index_.assign(kColumnCount, -1);
  for (uint32_t i = 0; i < n_chunks; ++i) {
    ChunkDesc d;
    uint8_t kind = 0;
    uint32_t n_pages = 0;
    if (!Get(h, &hp, &d.column) || !Get(h, &hp, &kind) || !Get(h, &hp, &d.flags) ||
        !Get(h, &hp, &d.n_values) || !Get(h, &hp, &d.offset) || !Get(h, &hp, &d.length) ||
        !Get(h, &hp, &d.dict_length) || !Get(h, &hp, &d.dict_count) || !Get(h, &hp, &d.dict_crc) ||
        !Get(h, &hp, &n_pages)) {
      return Corrupt("chunk descriptor");
    }
    const ColumnInfo* info = GetColumnInfo(d.column);
    if (info == nullptr || static_cast<uint8_t>(info->kind) != kind ||
        r->chunk_index_[d.column] >= 0) {
      return Corrupt("unknown or repeated column");
    }
    d.kind = info->kind;
    if (d.offset > r->data_.size() || d.length > r->data_.size() - d.offset ||
        d.dict_length > d.length || n_pages > (h.size() - hp) / (4 + kPageIndexEntryBytes) ||
        d.n_values != r->header_.rows[static_cast<int>(info->table)]) {
      return Corrupt("chunk bounds");
    }
    d.page_crcs.resize(n_pages);
    for (uint32_t& c : d.page_crcs) {
      Get(h, &hp, &c);
    }
    VV_ASSIGN_OR_RETURN(d.pages,
                        DecodePageIndex(h.substr(hp, n_pages * kPageIndexEntryBytes), n_pages,
                                        d.length));
    hp += n_pages * kPageIndexEntryBytes;
    uint64_t covered = 0;
    for (const PageIndexEntry& e : d.pages) {
      if (e.first_row != covered) {
        return Corrupt("pages do not cover the rows in order");
      }
      covered += e.n_values;
    }
    if (covered != d.n_values) {
      return Corrupt("pages do not cover the rows");
    }
    r->chunk_index_[d.column] = static_cast<int>(r->header_.chunks.size());
    r->header_.chunks.push_back(std::move(d));
  }
  if (hp != h.size()) {
    return Corrupt("trailing header bytes");
  }
  return r;
}

const ChunkDesc* RowGroupReader::chunk(uint16_t column) const {
  if (column >= chunk_index_.size() || chunk_index_[column] < 0) {
    return nullptr;
  }
  return &header_.chunks[static_cast<size_t>(chunk_index_[column])];
}

Status RowGroupReader::GetDictionary(const ChunkDesc& c, const Dictionary** out) {
  auto it = dicts_.find(c.column);
  if (it != dicts_.end()) {
    *out = it->second.get();
    return Status::Ok();
  }
  ByteView stored = data_.substr(c.offset, c.dict_length);
  if (Crc32c(stored) != c.dict_crc) {
    return Corrupt(fmt::format("dictionary checksum mismatch (column {})", c.column));
  }
  VV_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, ZstdDecompress(stored, kMaxDictionaryPageBytes));
  VV_ASSIGN_OR_RETURN(Dictionary d, Dictionary::ParseRaw(ByteView(raw.data(), raw.size())));
  if (d.size() != c.dict_count) {
    return Corrupt("dictionary size");
  }
  auto owned = std::make_unique<Dictionary>(std::move(d));
  *out = owned.get();
  dicts_[c.column] = std::move(owned);
  return Status::Ok();
}

Status RowGroupReader::GetPage(const ChunkDesc& c, size_t page, const Page** out) {
  uint64_t key = uint64_t{c.column} << 32 | page;
  auto it = pages_.find(key);
  if (it != pages_.end()) {
    *out = it->second.get();
    return Status::Ok();
  }
  const PageIndexEntry& e = c.pages[page];
  ByteView chunk = data_.substr(c.offset, c.length);
  if (e.rel_offset > chunk.size() || e.stored_len > chunk.size() - e.rel_offset) {
    return Corrupt("page bounds");
  }
  ByteView stored = chunk.substr(e.rel_offset, e.stored_len);
  if (Crc32c(stored) != c.page_crcs[page]) {
    return Corrupt(fmt::format("page checksum mismatch (column {}, page {})", c.column, page));
  }
  auto p = std::make_unique<Page>();
  VV_ASSIGN_OR_RETURN(PageBuffer buf, OpenPage(stored, e.codec));
  p->buffer = std::make_unique<PageBuffer>(std::move(buf));
  ByteView raw = p->buffer->view();
  switch (c.kind) {
    case Kind::kU64:
    case Kind::kF64: {
      VV_ASSIGN_OR_RETURN(p->u64, DecodeU64(e.encoding, raw, e.n_values));
      break;
    }
    case Kind::kFixed8:
    case Kind::kFixed16: {
      if (e.encoding != Encoding::kPlain) {
        return Corrupt("fixed column not PLAIN");
      }
      VV_ASSIGN_OR_RETURN(FixedPage fp, DecodePlainFixed(raw, e.n_values));
      if (static_cast<size_t>(fp.width) != FixedWidth(c.kind)) {
        return Corrupt("fixed width");
      }
      p->fixed = fp.values.ToString();
      break;
    }
    case Kind::kString:
    case Kind::kBytes: {
      if (e.encoding == Encoding::kDict) {
        if (!(c.flags & kChunkDict)) {
          return Corrupt("dictionary codes without a dictionary");
        }
        VV_ASSIGN_OR_RETURN(std::vector<uint32_t> codes,
                            DecodeDictCodes(raw, e.n_values, c.dict_count));
        p->u64.assign(codes.begin(), codes.end());
      } else if (e.encoding == Encoding::kBytes) {
        VV_ASSIGN_OR_RETURN(BytesPage bp, DecodeBytes(raw, e.n_values));
        p->str.reserve(bp.size());
        for (size_t i = 0; i < bp.size(); ++i) {
          p->str.push_back(bp[i]);
        }
      } else {
        return Corrupt("string column encoding");
      }
      break;
    }
  }
  *out = p.get();
  pages_[key] = std::move(p);
  return Status::Ok();
}

template <typename Fn>
Status RowGroupReader::ForRows(uint16_t column, uint32_t first, uint32_t count, Fn&& fn) {
  const ChunkDesc* c = chunk(column);
  const ColumnInfo* info = GetColumnInfo(column);
  if (info == nullptr) {
    return Status::InvalidArgument("unknown column");
  }
  uint64_t rows = header_.rows[static_cast<int>(info->table)];
  if (uint64_t{first} + count > rows) {
    return Status::OutOfRange(fmt::format("rows {}+{} past {} in column {}", first, count, rows,
                                          info->name));
  }
  if (count == 0) {
    return Status::Ok();
  }
  if (c == nullptr) {
    fn(nullptr, 0u, count);
    return Status::Ok();
  }
  // Pages are in row order: binary search for the first page holding `first`.
  size_t lo = 0;
  size_t hi = c->pages.size();
  while (lo + 1 < hi) {
    size_t mid = (lo + hi) / 2;
    if (c->pages[mid].first_row <= first) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  uint32_t row = first;
  uint32_t end = first + count;
  for (size_t pi = lo; row < end && pi < c->pages.size(); ++pi) {
    const PageIndexEntry& e = c->pages[pi];
    uint32_t in_page = row - e.first_row;
    uint32_t take = std::min(end, e.first_row + e.n_values) - row;
    const Page* page = nullptr;
    VV_RETURN_IF_ERROR(GetPage(*c, pi, &page));
    fn(page, in_page, take);
    row += take;
  }
  return Status::Ok();
}

Status RowGroupReader::ReadU64(uint16_t column, uint32_t first, uint32_t count,
                               std::vector<uint64_t>* out) {
  return ForRows(column, first, count, [&](const Page* p, uint32_t at, uint32_t n) {
    if (p == nullptr) {
      out->insert(out->end(), n, 0);
    } else {
      out->insert(out->end(), p->u64.begin() + at, p->u64.begin() + at + n);
    }
  });
}

Status RowGroupReader::ReadFixed(uint16_t column, uint32_t first, uint32_t count,
                                 std::string* out) {
  const ColumnInfo* info = GetColumnInfo(column);
  size_t w = info != nullptr ? FixedWidth(info->kind) : 8;
  return ForRows(column, first, count, [&](const Page* p, uint32_t at, uint32_t n) {
    if (p == nullptr) {
      out->append(n * w, '\0');
    } else {
      out->append(p->fixed, at * w, n * w);
    }
  });
}

Status RowGroupReader::ReadStrings(uint16_t column, uint32_t first, uint32_t count,
                                   std::vector<std::string>* out) {
  const ChunkDesc* c = chunk(column);
  const Dictionary* dict = nullptr;
  if (c != nullptr && (c->flags & kChunkDict)) {
    VV_RETURN_IF_ERROR(GetDictionary(*c, &dict));
  }
  return ForRows(column, first, count, [&](const Page* p, uint32_t at, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      if (p == nullptr) {
        out->emplace_back();
      } else if (!p->str.empty()) {
        out->emplace_back(p->str[at + i]);
      } else {
        out->emplace_back(dict->value(static_cast<uint32_t>(p->u64[at + i])));
      }
    }
  });
}

Result<std::optional<uint32_t>> RowGroupReader::FindTrace(const model::TraceId& id) {
  uint32_t n = rows(Table::kTrace);
  uint32_t lo = 0;
  uint32_t hi = n;
  std::string one;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    one.clear();
    VV_RETURN_IF_ERROR(ReadFixed(static_cast<uint16_t>(Col::kTraceId), mid, 1, &one));
    int cmp = std::memcmp(one.data(), id.bytes.data(), 16);
    if (cmp == 0) {
      return std::optional<uint32_t>(mid);
    }
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return std::optional<uint32_t>();
}

Status RowGroupReader::VerifyAllPages() {
  for (const ChunkDesc& c : header_.chunks) {
    if (c.flags & kChunkDict) {
      const Dictionary* dict = nullptr;
      VV_RETURN_IF_ERROR(GetDictionary(c, &dict));
    }
    for (size_t p = 0; p < c.pages.size(); ++p) {
      const Page* page = nullptr;
      VV_RETURN_IF_ERROR(GetPage(c, p, &page));
    }
    pages_.clear();  // verification does not need to keep them
  }
  return Status::Ok();
}

}  // namespace vivace::block
