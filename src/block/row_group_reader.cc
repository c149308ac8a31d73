#include "block/row_group_reader.h"

#include <algorithm>
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

size_t FixedWidth(Kind k) { return k == Kind::kFixed8 ? 8 : 16; }

}  // namespace

RowGroupReader::RowGroupReader() : cache_(std::make_unique<Cache>()) {}

RowGroupReader::~RowGroupReader() = default;

Result<std::unique_ptr<RowGroupReader>> RowGroupReader::Open(ByteView rowgroup,
                                                             RowGroupReadOptions options) {
  std::unique_ptr<RowGroupReader> r(new RowGroupReader());
  r->options_ = options;
  VV_ASSIGN_OR_RETURN(RowGroupParts parts, SplitRowGroup(rowgroup, options.verify_checksums));
  r->data_ = parts.chunks;
  r->have_all_ = true;
  r->header_bytes_ = parts.header_bytes;
  r->raw_header_ = std::move(parts.raw_header);
  VV_ASSIGN_OR_RETURN(r->header_,
                      DecodeRowGroupHeader(ByteView(r->raw_header_), parts.chunks.size(), false));
  r->IndexChunks();
  return r;
}

Result<std::unique_ptr<RowGroupReader>> RowGroupReader::OpenHeader(ByteView header,
                                                                   uint64_t rowgroup_bytes,
                                                                   ChunkFetcher fetch,
                                                                   RowGroupReadOptions options) {
  std::unique_ptr<RowGroupReader> r(new RowGroupReader());
  r->options_ = options;
  VV_ASSIGN_OR_RETURN(RowGroupParts parts, SplitRowGroup(header, options.verify_checksums));
  if (parts.header_bytes != header.size() || rowgroup_bytes < header.size()) {
    return Corrupt(fmt::format("header is {} bytes, the index entry says {} (row group {})",
                               parts.header_bytes, header.size(), rowgroup_bytes));
  }
  r->header_bytes_ = parts.header_bytes;
  r->fetch_ = std::move(fetch);
  r->raw_header_ = std::move(parts.raw_header);
  VV_ASSIGN_OR_RETURN(r->header_, DecodeRowGroupHeader(ByteView(r->raw_header_),
                                                       rowgroup_bytes - parts.header_bytes, false));
  r->IndexChunks();
  r->fetched_.resize(r->header_.chunks.size());
  r->have_chunk_.assign(r->header_.chunks.size(), false);
  return r;
}

void RowGroupReader::IndexChunks() {
  chunk_index_.assign(kColumnIdLimit, -1);
  for (size_t i = 0; i < header_.chunks.size(); ++i) {
    chunk_index_[header_.chunks[i].column] = static_cast<int>(i);
  }
  cache_->pages.resize(header_.chunks.size());
  cache_->dicts.resize(header_.chunks.size());
  pages_ready_.assign(header_.chunks.size(), false);
}

const ChunkDesc& RowGroupReader::Chunk(size_t ci) const {
  ChunkDesc& c = header_.chunks[ci];
  if (!pages_ready_[ci]) {
    MaterializePages(ByteView(raw_header_), header_, &c);
    pages_ready_[ci] = true;
  }
  return c;
}

const RowGroupHeader& RowGroupReader::header() const {
  if (!all_pages_ready_) {
    for (size_t ci = 0; ci < header_.chunks.size(); ++ci) {
      Chunk(ci);
    }
    all_pages_ready_ = true;
  }
  return header_;
}

Result<ByteView> RowGroupReader::ChunkBytes(size_t ci) {
  const ChunkDesc& c = header_.chunks[ci];
  if (have_all_) {
    return data_.substr(c.offset, c.length);
  }
  if (!have_chunk_[ci]) {
    VV_ASSIGN_OR_RETURN(std::string bytes, fetch_(c.offset, c.length));
    if (bytes.size() != c.length) {
      return Corrupt(fmt::format("read {} bytes of column {}'s chunk of {}", bytes.size(),
                                 ColumnName(c.column), c.length));
    }
    fetched_bytes_ += bytes.size();
    fetched_[ci] = std::move(bytes);
    have_chunk_[ci] = true;
  }
  return ByteView(fetched_[ci]);
}

Status RowGroupReader::FetchAll() {
  if (have_all_) {
    return Status::Ok();
  }
  const uint64_t area = header_.chunks.empty()
                            ? 0
                            : uint64_t{header_.chunks.back().offset} + header_.chunks.back().length;
  VV_ASSIGN_OR_RETURN(fetched_all_, fetch_(0, area));
  if (fetched_all_.size() != area) {
    return Corrupt(
        fmt::format("read {} bytes of a chunk area of {}", fetched_all_.size(), area));
  }
  fetched_bytes_ += area;
  data_ = ByteView(fetched_all_);
  have_all_ = true;
  return Status::Ok();
}

const ChunkDesc* RowGroupReader::chunk(uint16_t column) const {
  if (column >= chunk_index_.size() || chunk_index_[column] < 0) {
    return nullptr;
  }
  return &Chunk(static_cast<size_t>(chunk_index_[column]));
}

std::string RowGroupReader::ColumnName(uint16_t column) const {
  AttrScope s;
  AttrType t;
  uint16_t i;
  if (DecodePromotedColumn(column, &s, &t, &i)) {
    for (const PromotedKey& p : header_.attrs[static_cast<int>(s)].promoted) {
      if (p.column == column) {
        return fmt::format("attr.{}.{}[{}]", AttrScopeName(s), AttrTypeName(t), p.key);
      }
    }
  }
  const ColumnInfo* info = GetColumnInfo(column);
  return info != nullptr ? std::string(info->name) : fmt::format("column {}", column);
}

Status RowGroupReader::GetDictionary(size_t ci, const Dictionary** out) {
  std::unique_ptr<Dictionary>& slot = cache_->dicts[ci];
  if (slot) {
    *out = slot.get();
    return Status::Ok();
  }
  const ChunkDesc& c = header_.chunks[ci];
  VV_ASSIGN_OR_RETURN(ByteView chunk, ChunkBytes(ci));
  ByteView stored = chunk.substr(0, c.dict_length);
  if (options_.verify_checksums && Crc32c(stored) != c.dict_crc) {
    return Corrupt(fmt::format("dictionary checksum mismatch (column {})", c.column));
  }
  VV_ASSIGN_OR_RETURN(Dictionary d, DecodeDictionaryPage(stored, c.dict_count));
  slot = std::make_unique<Dictionary>(std::move(d));
  *out = slot.get();
  return Status::Ok();
}

Status RowGroupReader::GetPage(size_t ci, size_t page, const Page** out) {
  std::vector<std::unique_ptr<Page>>& pages = cache_->pages[ci];
  if (pages.empty()) {
    pages.resize(Chunk(ci).pages.size());
  }
  if (!pages[page]) {
    VV_ASSIGN_OR_RETURN(pages[page], LoadPage(ci, page));
  }
  *out = pages[page].get();
  return Status::Ok();
}

Result<std::unique_ptr<RowGroupReader::Page>> RowGroupReader::LoadPage(size_t ci, size_t page) {
  const ChunkDesc& c = Chunk(ci);
  const PageIndexEntry& e = c.pages[page];
  VV_ASSIGN_OR_RETURN(ByteView chunk, ChunkBytes(ci));
  ByteView stored = chunk.substr(e.rel_offset, e.stored_len);
  if (options_.verify_checksums && Crc32c(stored) != e.crc) {
    return Corrupt(fmt::format("page checksum mismatch (column {}, page {})", c.column, page));
  }
  auto p = std::make_unique<Page>();
  VV_ASSIGN_OR_RETURN(PageBuffer buf, OpenPage(stored, e.codec));
  p->buffer = std::make_unique<PageBuffer>(std::move(buf));
  ByteView raw = p->buffer->view();
  const bool dict = (c.flags & kChunkDict) != 0;
  switch (c.kind) {
    case Kind::kU64: {
      VV_ASSIGN_OR_RETURN(p->numbers, U64PageView::Open(e.encoding, raw, e.n_values));
      break;
    }
    case Kind::kF64: {
      VV_ASSIGN_OR_RETURN(p->numbers, U64PageView::OpenF64(e.encoding, raw, e.n_values));
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
      p->fixed = fp.values;
      break;
    }
    case Kind::kString:
    case Kind::kBytes:
      if (dict) {
        VV_ASSIGN_OR_RETURN(p->numbers, U64PageView::Open(e.encoding, raw, e.n_values));
        p->dict = true;
      } else if (e.encoding == Encoding::kBytes) {
        VV_ASSIGN_OR_RETURN(p->bytes, DecodeBytes(raw, e.n_values));
      } else {
        return Corrupt("string column encoding");
      }
      break;
  }
  return p;
}

template <typename Fn>
Status RowGroupReader::ForValues(uint16_t column, uint32_t first, uint32_t count, Fn&& fn) {
  const ColumnInfo* info = GetColumnInfo(column);
  if (info == nullptr) {
    return Status::InvalidArgument(fmt::format("unknown column {}", column));
  }
  const ChunkDesc* c = chunk(column);
  const uint64_t n = c != nullptr                     ? c->n_values
                     : info->layout == Layout::kDense ? header_.rows[static_cast<int>(info->table)]
                                                      : 0;
  if (uint64_t{first} + count > n) {
    return Status::OutOfRange(
        fmt::format("values {}+{} past {} in column {}", first, count, n, ColumnName(column)));
  }
  if (count == 0) {
    return Status::Ok();
  }
  if (c == nullptr) {
    fn(nullptr, 0u, count);
    return Status::Ok();
  }
  const size_t ci = static_cast<size_t>(chunk_index_[column]);
  // value_starts[i] = values before page i (one more entry than pages).
  auto it = std::upper_bound(c->value_starts.begin(), c->value_starts.end() - 1, first);
  size_t pi = static_cast<size_t>(it - c->value_starts.begin()) - 1;
  uint32_t at = first;
  const uint32_t end = first + count;
  for (; at < end && pi < c->pages.size(); ++pi) {
    const uint32_t page_first = c->value_starts[pi];
    const uint32_t in_page = at - page_first;
    const uint32_t take = std::min(end, page_first + c->pages[pi].n_values) - at;
    const Page* page = nullptr;
    VV_RETURN_IF_ERROR(GetPage(ci, pi, &page));
    fn(page, in_page, take);
    at += take;
  }
  return Status::Ok();
}

Status RowGroupReader::ReadU64(uint16_t column, uint32_t first, std::span<uint64_t> out) {
  const ColumnInfo* info = GetColumnInfo(column);
  if (info != nullptr && info->kind != Kind::kU64 && info->kind != Kind::kF64) {
    return Status::InvalidArgument(fmt::format("column {} is not numeric", ColumnName(column)));
  }
  Status status;
  size_t done = 0;
  VV_RETURN_IF_ERROR(ForValues(column, first, static_cast<uint32_t>(out.size()),
                               [&](const Page* p, uint32_t at, uint32_t n) {
                                 std::span<uint64_t> dst = out.subspan(done, n);
                                 done += n;
                                 if (p == nullptr) {
                                   std::fill(dst.begin(), dst.end(), 0);
                                 } else if (status.ok()) {
                                   status = p->numbers.Get(at, dst);
                                 }
                               }));
  return status;
}

Status RowGroupReader::ReadU64(uint16_t column, uint32_t first, uint32_t count,
                               std::vector<uint64_t>* out) {
  const size_t old = out->size();
  out->resize(old + count);
  Status s = ReadU64(column, first, std::span<uint64_t>(out->data() + old, count));
  if (!s.ok()) {
    out->resize(old);
  }
  return s;
}

Status RowGroupReader::ReadFixed(uint16_t column, uint32_t first, uint32_t count,
                                 std::string* out) {
  const ColumnInfo* info = GetColumnInfo(column);
  if (info != nullptr && info->kind != Kind::kFixed8 && info->kind != Kind::kFixed16) {
    return Status::InvalidArgument(fmt::format("column {} is not fixed", ColumnName(column)));
  }
  const size_t w = info != nullptr ? FixedWidth(info->kind) : 8;
  return ForValues(column, first, count, [&](const Page* p, uint32_t at, uint32_t n) {
    if (p == nullptr) {
      out->append(n * w, '\0');
    } else {
      out->append(p->fixed.str().substr(at * w, n * w));
    }
  });
}

Status RowGroupReader::ReadStringViews(uint16_t column, uint32_t first, uint32_t count,
                                       std::vector<std::string_view>* out) {
  const ColumnInfo* info = GetColumnInfo(column);
  if (info != nullptr && info->kind != Kind::kString && info->kind != Kind::kBytes) {
    return Status::InvalidArgument(fmt::format("column {} is not a string", ColumnName(column)));
  }
  const ChunkDesc* c = chunk(column);
  const Dictionary* dict = nullptr;
  if (c != nullptr && (c->flags & kChunkDict) && count > 0) {
    VV_RETURN_IF_ERROR(GetDictionary(static_cast<size_t>(chunk_index_[column]), &dict));
  }
  Status status;
  std::vector<uint64_t> codes;
  VV_RETURN_IF_ERROR(ForValues(column, first, count, [&](const Page* p, uint32_t at, uint32_t n) {
    if (p == nullptr) {
      out->insert(out->end(), n, std::string_view());
      return;
    }
    if (!p->dict) {
      for (uint32_t i = 0; i < n; ++i) {
        out->push_back(p->bytes[at + i]);
      }
      return;
    }
    codes.resize(n);
    if (status.ok()) {
      status = p->numbers.Get(at, codes);
    }
    for (uint32_t i = 0; i < n && status.ok(); ++i) {
      if (codes[i] >= dict->size()) {
        status = Corrupt(
            fmt::format("dictionary code outside the dictionary (column {})", ColumnName(column)));
        break;
      }
      out->push_back(dict->value(static_cast<uint32_t>(codes[i])));
    }
  }));
  return status;
}

Status RowGroupReader::ReadStrings(uint16_t column, uint32_t first, uint32_t count,
                                   std::vector<std::string>* out) {
  std::vector<std::string_view> views;
  VV_RETURN_IF_ERROR(ReadStringViews(column, first, count, &views));
  for (std::string_view v : views) {
    out->emplace_back(v);
  }
  return Status::Ok();
}

uint32_t RowGroupReader::PageStart(uint16_t column, uint32_t row) const {
  const ChunkDesc* c = chunk(column);
  return c == nullptr ? row : row - row % c->page_rows;
}

Result<uint32_t> RowGroupReader::SparseOrdinal(uint16_t column, uint32_t row,
                                               uint64_t before_in_page) {
  const ChunkDesc* c = chunk(column);
  if (c == nullptr) {
    return 0u;
  }
  const uint32_t page_start = row - row % c->page_rows;
  // Values of the pages before the one covering `row`, plus those of its earlier rows.
  auto it = std::lower_bound(c->pages.begin(), c->pages.end(), page_start,
                             [](const PageIndexEntry& e, uint32_t r) { return e.first_row < r; });
  const uint64_t ordinal =
      c->value_starts[static_cast<size_t>(it - c->pages.begin())] + before_in_page;
  if (ordinal > c->n_values) {
    return Corrupt(
        fmt::format("sparse column {} has fewer values than its owners name", ColumnName(column)));
  }
  return static_cast<uint32_t>(ordinal);
}

Result<uint64_t> RowGroupReader::CountBeforeInPage(uint16_t selector, uint16_t column, uint32_t row,
                                                   uint64_t value) {
  const uint32_t page_start = PageStart(column, row);
  std::vector<uint64_t> before;
  VV_RETURN_IF_ERROR(ReadU64(selector, page_start, row - page_start, &before));
  return static_cast<uint64_t>(std::count(before.begin(), before.end(), value));
}

Status RowGroupReader::ReadAttributes(AttrScope s, uint32_t first, uint32_t count,
                                      std::vector<std::vector<Attribute>>* out) {
  out->assign(count, {});
  const ScopeAttrs& sa = header_.attrs[static_cast<int>(s)];
  const uint16_t keys_col = AttrColumn(s, AttrCol::kKeys);
  if (count == 0) {
    return Status::Ok();
  }
  if (chunk(keys_col) == nullptr) {
    return Corrupt(fmt::format("no key sets for {} attributes", AttrScopeName(s)));
  }
  // Slots: promoted 0..n-1, then the generic types, then the generic key column.
  const size_t n_promoted = sa.promoted.size();
  const size_t n_slots = n_promoted + kAttrTypes + 1;
  auto slot_index = [&](uint32_t slot) -> size_t {
    return slot < n_promoted ? slot : n_promoted + (slot - kGenericSlot);
  };
  auto column_of = [&](size_t si) -> uint16_t {
    if (si < n_promoted) {
      return sa.promoted[si].column;
    }
    if (si == n_slots - 1) {
      return AttrColumn(s, AttrCol::kGenericKey);
    }
    return GenericValueColumn(s, static_cast<AttrType>(si - n_promoted));
  };
  auto tally = [&](std::span<const uint64_t> keysets, uint32_t row0, std::vector<uint32_t>* n,
                   const std::vector<uint32_t>* from) -> Status {
    for (size_t i = 0; i < keysets.size(); ++i) {
      if (keysets[i] >= sa.keysets.size()) {
        return Corrupt(fmt::format("key set code {} outside the header's", keysets[i]));
      }
      const uint32_t row = row0 + static_cast<uint32_t>(i);
      for (uint32_t slot : sa.keysets[keysets[i]]) {
        if (slot == kServiceNameSlot) {
          continue;
        }
        const size_t si = slot_index(slot);
        if (from == nullptr || row >= (*from)[si]) {
          (*n)[si]++;
        }
        if (slot >= kGenericSlot && (from == nullptr || row >= (*from)[n_slots - 1])) {
          (*n)[n_slots - 1]++;
        }
      }
    }
    return Status::Ok();
  };
  // Key sets of the requested rows: how many values each column gives them.
  std::vector<uint64_t> keysets;
  VV_RETURN_IF_ERROR(ReadU64(keys_col, first, count, &keysets));
  std::vector<uint32_t> wanted(n_slots, 0);
  VV_RETURN_IF_ERROR(tally(keysets, first, &wanted, nullptr));
  // Where each needed column's page starts, and the values of its rows before `first`.
  std::vector<uint32_t> page_start(n_slots, first);
  uint32_t earliest = first;
  for (size_t si = 0; si < n_slots; ++si) {
    if (wanted[si] != 0) {
      page_start[si] = PageStart(column_of(si), first);
      earliest = std::min(earliest, page_start[si]);
    }
  }
  // Counted per key set code over each stretch between page starts (few distinct codes and
  // boundaries), then spread to the slots whose page starts at or before the stretch.
  std::vector<uint32_t> before(n_slots, 0);
  if (earliest < first) {
    std::vector<uint64_t> earlier;
    VV_RETURN_IF_ERROR(ReadU64(keys_col, earliest, first - earliest, &earlier));
    std::vector<uint32_t> bounds;
    for (size_t si = 0; si < n_slots; ++si) {
      if (wanted[si] != 0 && page_start[si] < first) {
        bounds.push_back(page_start[si]);
      }
    }
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    bounds.push_back(first);
    std::vector<uint32_t> histogram(sa.keysets.size(), 0);
    for (size_t b = 0; b + 1 < bounds.size(); ++b) {
      std::fill(histogram.begin(), histogram.end(), 0);
      for (uint32_t row = bounds[b]; row < bounds[b + 1]; ++row) {
        const uint64_t k = earlier[row - earliest];
        if (k >= sa.keysets.size()) {
          return Corrupt(fmt::format("key set code {} outside the header's", k));
        }
        histogram[k]++;
      }
      for (size_t k = 0; k < histogram.size(); ++k) {
        if (histogram[k] == 0) {
          continue;
        }
        for (uint32_t slot : sa.keysets[k]) {
          if (slot == kServiceNameSlot) {
            continue;
          }
          const size_t si = slot_index(slot);
          if (page_start[si] <= bounds[b]) {
            before[si] += histogram[k];
          }
          if (slot >= kGenericSlot && page_start[n_slots - 1] <= bounds[b]) {
            before[n_slots - 1] += histogram[k];
          }
        }
      }
    }
  }

  // Values per slot.
  struct SlotValues {
    std::vector<uint64_t> nums;
    std::vector<std::string_view> strs;
    size_t cursor = 0;
  };

  std::vector<SlotValues> values(n_slots);
  for (size_t si = 0; si < n_slots; ++si) {
    if (wanted[si] == 0) {
      continue;
    }
    const uint16_t col = column_of(si);
    VV_ASSIGN_OR_RETURN(uint32_t start, SparseOrdinal(col, first, before[si]));
    const ChunkDesc* c = chunk(col);
    if (c == nullptr || uint64_t{start} + wanted[si] > c->n_values) {
      return Corrupt(fmt::format("attribute column {} has fewer values than its key sets name",
                                 ColumnName(col)));
    }
    if (c->kind == Kind::kString || c->kind == Kind::kBytes) {
      VV_RETURN_IF_ERROR(ReadStringViews(col, start, wanted[si], &values[si].strs));
    } else {
      VV_RETURN_IF_ERROR(ReadU64(col, start, wanted[si], &values[si].nums));
    }
  }
  std::vector<std::string_view> services;
  for (uint32_t i = 0; i < count; ++i) {
    const std::vector<uint32_t>& ks = sa.keysets[keysets[i]];
    std::vector<Attribute>& attrs = (*out)[i];
    attrs.reserve(ks.size());
    for (uint32_t slot : ks) {
      Attribute a;
      if (slot == kServiceNameSlot) {
        services.clear();
        VV_RETURN_IF_ERROR(
            ReadStringViews(static_cast<uint16_t>(Col::kResService), first + i, 1, &services));
        a.key = "service.name";
        a.type = AttrType::kString;
        a.str = services[0];
        attrs.push_back(a);
        continue;
      }
      const size_t si = slot_index(slot);
      SlotValues& v = values[si];
      if (slot < n_promoted) {
        a.key = sa.promoted[slot].key;
        a.type = sa.promoted[slot].type;
      } else {
        SlotValues& k = values[n_slots - 1];
        a.key = k.strs[k.cursor++];
        a.type = static_cast<AttrType>(slot - kGenericSlot);
      }
      if (a.type == AttrType::kString || a.type == AttrType::kOther) {
        a.str = v.strs[v.cursor++];
      } else {
        a.num = v.nums[v.cursor++];
      }
      attrs.push_back(a);
    }
  }
  return Status::Ok();
}

bool RowGroupReader::ChunkMayContain(uint16_t column, std::string_view value) const {
  const ChunkDesc* c = chunk(column);
  if (c == nullptr) {
    return false;
  }
  if ((c->flags & kChunkDict) == 0) {
    return true;
  }
  return ValueFilterMayContain(c->value_filter, value);
}

Result<std::optional<uint32_t>> RowGroupReader::DictionaryCode(uint16_t column,
                                                               std::string_view value) {
  const ChunkDesc* c = chunk(column);
  if (c == nullptr || (c->flags & kChunkDict) == 0) {
    return Status::InvalidArgument(
        fmt::format("column {} has no dictionary in this row group", ColumnName(column)));
  }
  const Dictionary* dict = nullptr;
  VV_RETURN_IF_ERROR(GetDictionary(static_cast<size_t>(chunk_index_[column]), &dict));
  return dict->Find(value);
}

Status RowGroupReader::GetChunkDictionary(uint16_t column, const Dictionary** out) {
  *out = nullptr;
  const ChunkDesc* c = chunk(column);
  if (c == nullptr || (c->flags & kChunkDict) == 0) {
    return Status::Ok();
  }
  return GetDictionary(static_cast<size_t>(chunk_index_[column]), out);
}

Status RowGroupReader::ReadCodes(uint16_t column, uint32_t first, std::span<uint64_t> out) {
  const ChunkDesc* c = chunk(column);
  if (c == nullptr || (c->flags & kChunkDict) == 0) {
    return Status::InvalidArgument(
        fmt::format("column {} has no dictionary in this row group", ColumnName(column)));
  }
  const uint64_t limit = c->dict_count;
  Status status;
  size_t done = 0;
  VV_RETURN_IF_ERROR(ForValues(column, first, static_cast<uint32_t>(out.size()),
                               [&](const Page* p, uint32_t at, uint32_t n) {
                                 std::span<uint64_t> dst = out.subspan(done, n);
                                 done += n;
                                 if (p == nullptr || !status.ok()) {
                                   std::fill(dst.begin(), dst.end(), 0);
                                   return;
                                 }
                                 status = p->numbers.Get(at, dst);
                                 uint64_t max = 0;
                                 for (uint64_t v : dst) {
                                   max = std::max(max, v);
                                 }
                                 if (status.ok() && n > 0 && max >= limit) {
                                   status = Corrupt(fmt::format(
                                       "dictionary code outside the dictionary (column {})",
                                       ColumnName(column)));
                                 }
                               }));
  return status;
}

Status RowGroupReader::ReadCodes(uint16_t column, uint32_t first, uint32_t count,
                                 std::vector<uint64_t>* out) {
  const size_t old = out->size();
  out->resize(old + count);
  Status s = ReadCodes(column, first, std::span<uint64_t>(out->data() + old, count));
  if (!s.ok()) {
    out->resize(old);
  }
  return s;
}

Result<std::optional<uint32_t>> RowGroupReader::FindTrace(const model::TraceId& id) {
  const uint16_t col = static_cast<uint16_t>(Col::kTraceId);
  const ChunkDesc* c = chunk(col);
  if (c == nullptr) {
    return std::optional<uint32_t>();
  }
  // Binary search over pages by their first ID, then within the page.
  const size_t ci = static_cast<size_t>(chunk_index_[col]);
  size_t lo = 0;
  size_t hi = c->pages.size();
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    const Page* p = nullptr;
    VV_RETURN_IF_ERROR(GetPage(ci, mid, &p));
    if (std::memcmp(p->fixed.data(), id.bytes.data(), 16) <= 0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const Page* p = nullptr;
  VV_RETURN_IF_ERROR(GetPage(ci, lo, &p));
  uint32_t a = 0;
  uint32_t b = c->pages[lo].n_values;
  while (a < b) {
    const uint32_t mid = a + (b - a) / 2;
    const int cmp = std::memcmp(p->fixed.data() + size_t{mid} * 16, id.bytes.data(), 16);
    if (cmp == 0) {
      return std::optional<uint32_t>(c->value_starts[lo] + mid);
    }
    if (cmp < 0) {
      a = mid + 1;
    } else {
      b = mid;
    }
  }
  return std::optional<uint32_t>();
}

Status RowGroupReader::VerifyAllPages() {
  VV_RETURN_IF_ERROR(VerifyPages());
  // trace.span_end is the composition of the three CSR steps (scans read it alone).
  auto col = [](Col c) { return static_cast<uint16_t>(c); };
  std::vector<uint64_t> trace_rs;
  std::vector<uint64_t> rs_ss;
  std::vector<uint64_t> ss_span;
  std::vector<uint64_t> span_end;
  VV_RETURN_IF_ERROR(ReadU64(col(Col::kTraceRsEnd), 0, rows(Table::kTrace), &trace_rs));
  VV_RETURN_IF_ERROR(ReadU64(col(Col::kRsSsEnd), 0, rows(Table::kResourceSpans), &rs_ss));
  VV_RETURN_IF_ERROR(ReadU64(col(Col::kSsSpanEnd), 0, rows(Table::kScopeSpans), &ss_span));
  VV_RETURN_IF_ERROR(ReadU64(col(Col::kTraceSpanEnd), 0, rows(Table::kTrace), &span_end));
  for (size_t t = 0; t < trace_rs.size(); ++t) {
    const uint64_t rs = trace_rs[t];
    const uint64_t ss = rs == 0 ? 0 : (rs <= rs_ss.size() ? rs_ss[rs - 1] : UINT64_MAX);
    const uint64_t spans =
        ss == 0 ? 0 : (ss <= ss_span.size() ? ss_span[ss - 1] : UINT64_MAX - 1);
    if (spans != span_end[t]) {
      return Corrupt(fmt::format("trace.span_end of trace {} disagrees with its scope_spans", t));
    }
  }
  if (!span_end.empty() && span_end.back() != rows(Table::kSpan)) {
    return Corrupt("trace.span_end does not end at the last span");
  }
  return Status::Ok();
}

Status RowGroupReader::VerifyPages() {
  for (size_t ci = 0; ci < header_.chunks.size(); ++ci) {
    const ChunkDesc& c = Chunk(ci);
    if (c.flags & kChunkDict) {
      const Dictionary* dict = nullptr;
      VV_RETURN_IF_ERROR(GetDictionary(ci, &dict));
    }
    std::vector<uint64_t> values;
    for (size_t p = 0; p < c.pages.size(); ++p) {
      // Opening checks the structure; decoding every value checks the rest (table codes,
      // dictionary codes). Pages are not cached: a chunk may be large.
      VV_ASSIGN_OR_RETURN(std::unique_ptr<Page> page, LoadPage(ci, p));
      if (c.kind == Kind::kU64 || c.kind == Kind::kF64 || page->dict) {
        values.resize(c.pages[p].n_values);
        VV_RETURN_IF_ERROR(page->numbers.Get(0, values));
        for (uint64_t v : values) {
          if (page->dict && v >= c.dict_count) {
            return Corrupt(
                fmt::format("dictionary code outside the dictionary (column {})", c.column));
          }
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace vivace::block
