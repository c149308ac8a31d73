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

Result<std::unique_ptr<RowGroupReader>> RowGroupReader::Open(ByteView rowgroup) {
  std::unique_ptr<RowGroupReader> r(new RowGroupReader());
  VV_ASSIGN_OR_RETURN(RowGroupParts parts, SplitRowGroup(rowgroup));
  r->data_ = parts.chunks;
  r->header_bytes_ = parts.header_bytes;
  VV_ASSIGN_OR_RETURN(r->header_,
                      DecodeRowGroupHeader(ByteView(parts.raw_header), parts.chunks.size()));
  r->chunk_index_.assign(kColumnIdLimit, -1);
  for (size_t i = 0; i < r->header_.chunks.size(); ++i) {
    r->chunk_index_[r->header_.chunks[i].column] = static_cast<int>(i);
  }
  r->cache_->pages.resize(r->header_.chunks.size());
  r->cache_->dicts.resize(r->header_.chunks.size());
  r->cache_->resources.resize(r->rows(Table::kResource));
  r->cache_->scopes.resize(r->rows(Table::kScope));
  return r;
}

const ChunkDesc* RowGroupReader::chunk(uint16_t column) const {
  if (column >= chunk_index_.size() || chunk_index_[column] < 0) {
    return nullptr;
  }
  return &header_.chunks[static_cast<size_t>(chunk_index_[column])];
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
  ByteView stored = data_.substr(c.offset, c.dict_length);
  if (Crc32c(stored) != c.dict_crc) {
    return Corrupt(fmt::format("dictionary checksum mismatch (column {})", c.column));
  }
  VV_ASSIGN_OR_RETURN(Dictionary d, DecodeDictionaryPage(stored, c.dict_count));
  slot = std::make_unique<Dictionary>(std::move(d));
  *out = slot.get();
  return Status::Ok();
}

Status RowGroupReader::GetPage(size_t ci, size_t page, const Page** out) {
  std::vector<std::unique_ptr<Page>>& pages = cache_->pages[ci];
  const ChunkDesc& c = header_.chunks[ci];
  if (pages.empty()) {
    pages.resize(c.pages.size());
  }
  if (pages[page]) {
    *out = pages[page].get();
    return Status::Ok();
  }
  const PageIndexEntry& e = c.pages[page];
  ByteView stored = data_.substr(c.offset + e.rel_offset, e.stored_len);
  if (Crc32c(stored) != e.crc) {
    return Corrupt(fmt::format("page checksum mismatch (column {}, page {})", c.column, page));
  }
  auto p = std::make_unique<Page>();
  VV_ASSIGN_OR_RETURN(PageBuffer buf, OpenPage(stored, e.codec));
  p->buffer = std::make_unique<PageBuffer>(std::move(buf));
  ByteView raw = p->buffer->view();
  const bool dict = (c.flags & kChunkDict) != 0;
  switch (c.kind) {
    case Kind::kU64: {
      VV_ASSIGN_OR_RETURN(p->u64, DecodeU64(e.encoding, raw, e.n_values));
      break;
    }
    case Kind::kF64:
      p->u64.resize(e.n_values);
      VV_RETURN_IF_ERROR(DecodeF64Into(e.encoding, raw, p->u64));
      break;
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
        if (e.encoding == Encoding::kDict) {
          VV_ASSIGN_OR_RETURN(std::vector<uint32_t> codes,
                              DecodeDictCodes(raw, e.n_values, c.dict_count));
          p->u64.assign(codes.begin(), codes.end());
        } else {
          VV_ASSIGN_OR_RETURN(p->u64, DecodeU64(e.encoding, raw, e.n_values));
          for (uint64_t code : p->u64) {
            if (code >= c.dict_count) {
              return Corrupt(
                  fmt::format("dictionary code outside the dictionary (column {})", c.column));
            }
          }
        }
        p->dict = true;
      } else if (e.encoding == Encoding::kBytes) {
        VV_ASSIGN_OR_RETURN(p->bytes, DecodeBytes(raw, e.n_values));
      } else {
        return Corrupt("string column encoding");
      }
      break;
  }
  *out = p.get();
  pages[page] = std::move(p);
  return Status::Ok();
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

Status RowGroupReader::ReadU64(uint16_t column, uint32_t first, uint32_t count,
                               std::vector<uint64_t>* out) {
  const ColumnInfo* info = GetColumnInfo(column);
  if (info != nullptr && info->kind != Kind::kU64 && info->kind != Kind::kF64) {
    return Status::InvalidArgument(fmt::format("column {} is not numeric", ColumnName(column)));
  }
  return ForValues(column, first, count, [&](const Page* p, uint32_t at, uint32_t n) {
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
  return ForValues(column, first, count, [&](const Page* p, uint32_t at, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      if (p == nullptr) {
        out->emplace_back();
      } else if (p->dict) {
        out->push_back(dict->value(static_cast<uint32_t>(p->u64[at + i])));
      } else {
        out->push_back(p->bytes[at + i]);
      }
    }
  });
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

Result<uint32_t> RowGroupReader::SparseOrdinal(uint16_t column, Table owner, uint32_t row,
                                               uint64_t before_in_page) {
  const ChunkDesc* c = chunk(column);
  if (c == nullptr) {
    return 0u;
  }
  const uint32_t page_rows = header_.page_rows[static_cast<int>(owner)];
  const uint32_t page_start = row - row % page_rows;
  // Values of the pages before the owner page holding `row`, plus those of its earlier rows.
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

Result<uint64_t> RowGroupReader::CountBeforeInPage(uint16_t selector, Table owner, uint32_t row,
                                                   uint64_t value) {
  const uint32_t page_rows = header_.page_rows[static_cast<int>(owner)];
  const uint32_t page_start = row - row % page_rows;
  std::vector<uint64_t> before;
  VV_RETURN_IF_ERROR(ReadU64(selector, page_start, row - page_start, &before));
  return static_cast<uint64_t>(std::count(before.begin(), before.end(), value));
}

Status RowGroupReader::ReadAttributes(AttrScope s, uint32_t first, uint32_t count,
                                      std::vector<std::vector<Attribute>>* out) {
  out->assign(count, {});
  const ScopeAttrs& sa = header_.attrs[static_cast<int>(s)];
  const Table owner = OwnerTable(s);
  const uint32_t page_rows = header_.page_rows[static_cast<int>(owner)];
  const uint16_t keys_col = AttrColumn(s, AttrCol::kKeys);
  if (count == 0) {
    return Status::Ok();
  }
  if (chunk(keys_col) == nullptr) {
    return Corrupt(fmt::format("no key sets for {} attributes", AttrScopeName(s)));
  }
  // Key sets of the owner page's rows before `first` (to count the values before it) and of
  // the requested rows.
  const uint32_t page_start = first - first % page_rows;
  std::vector<uint64_t> keysets;
  VV_RETURN_IF_ERROR(ReadU64(keys_col, page_start, first - page_start + count, &keysets));
  for (uint64_t k : keysets) {
    if (k >= sa.keysets.size()) {
      return Corrupt(fmt::format("key set code {} outside the header's", k));
    }
  }
  const size_t n_promoted = sa.promoted.size();
  // Per slot: values before `first` within the page, and values of the requested rows.
  // Slots: promoted 0..n-1, then generic types, then the generic key column.
  const size_t n_slots = n_promoted + kAttrTypes + 1;
  std::vector<uint32_t> before(n_slots, 0);
  std::vector<uint32_t> wanted(n_slots, 0);
  auto slot_index = [&](uint32_t slot) -> size_t {
    return slot < n_promoted ? slot : n_promoted + (slot - kGenericSlot);
  };
  for (size_t i = 0; i < keysets.size(); ++i) {
    std::vector<uint32_t>& tally = i < first - page_start ? before : wanted;
    for (uint32_t slot : sa.keysets[keysets[i]]) {
      if (slot == kServiceNameSlot) {
        continue;
      }
      tally[slot_index(slot)]++;
      if (slot >= kGenericSlot) {
        tally[n_slots - 1]++;
      }
    }
  }
  auto column_of = [&](size_t si) -> uint16_t {
    if (si < n_promoted) {
      return sa.promoted[si].column;
    }
    if (si == n_slots - 1) {
      return AttrColumn(s, AttrCol::kGenericKey);
    }
    return GenericValueColumn(s, static_cast<AttrType>(si - n_promoted));
  };

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
    VV_ASSIGN_OR_RETURN(uint32_t start, SparseOrdinal(col, owner, first, before[si]));
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
  std::string_view service;
  std::vector<std::string_view> services;
  for (uint32_t i = 0; i < count; ++i) {
    const std::vector<uint32_t>& ks = sa.keysets[keysets[first - page_start + i]];
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
  for (size_t ci = 0; ci < header_.chunks.size(); ++ci) {
    const ChunkDesc& c = header_.chunks[ci];
    if (c.flags & kChunkDict) {
      const Dictionary* dict = nullptr;
      VV_RETURN_IF_ERROR(GetDictionary(ci, &dict));
    }
    for (size_t p = 0; p < c.pages.size(); ++p) {
      const Page* page = nullptr;
      VV_RETURN_IF_ERROR(GetPage(ci, p, &page));
    }
    cache_->pages[ci].clear();  // verification does not need to keep them
  }
  return Status::Ok();
}

}  // namespace vivace::block
