#include "block/column_builder.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "block/bytes_codec.h"
#include "block/encoding.h"
#include "block/int_codec.h"
#include "block/little_endian.h"
#include "common/crc32c.h"

namespace vivace::block {
namespace {

// A dictionary stops paying once more than half the values are distinct; decide after this many.
constexpr size_t kDictionaryProbe = 256;

// Appends one page and its index entry.
void AddPage(ChunkDesc* d, std::string* out, size_t chunk_start, ByteView raw, PageIndexEntry e,
             PageCompression compression) {
  StoredPage stored = CompressPage(raw, compression);
  e.rel_offset = static_cast<uint32_t>(out->size() - chunk_start);
  e.stored_len = static_cast<uint32_t>(stored.bytes.size());
  e.codec = stored.codec;
  e.crc = Crc32c(ByteView(stored.bytes));
  out->append(stored.bytes);
  d->pages.push_back(e);
}

void Finish(ChunkDesc* d, std::string* out, size_t chunk_start) {
  d->offset = static_cast<uint32_t>(chunk_start);
  d->length = static_cast<uint32_t>(out->size() - chunk_start);
}

// Whether compressing a u64 page can pay: VARBITS pages already squeezed their compressible
// part, and wide BITPACK pages are near-random bits.
bool WorthCompressing(Encoding e, int width) {
  return e != Encoding::kVarbits && !(e == Encoding::kBitpack && width >= 20);
}

double AsDouble(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

}  // namespace

uint32_t StringBuffer::Add(std::string_view v) {
  if (!dict_) {
    data_.append(v);
    ends_.push_back(static_cast<uint32_t>(data_.size()));
    return kNoId;
  }
  auto it = index_.find(v);
  if (it != index_.end()) {
    ids_.push_back(it->second);
    return it->second;
  }
  const auto id = static_cast<uint32_t>(distinct_.size());
  std::string_view copy = arena_.CopyString(v);  // the map's key views the stable copy
  index_.emplace(copy, id);
  distinct_.push_back(copy);
  distinct_bytes_ += v.size();
  ids_.push_back(id);
  if ((ids_.size() >= kDictionaryProbe && distinct_.size() * 2 > ids_.size())
      || distinct_bytes_ > kMaxDictionaryPageBytes / 2) {
    ToPlain();
    return kNoId;
  }
  return id;
}

void StringBuffer::ToPlain() {
  data_.clear();
  ends_.clear();
  ends_.reserve(ids_.size());
  for (uint32_t id : ids_) {
    data_.append(distinct_[id]);
    ends_.push_back(static_cast<uint32_t>(data_.size()));
  }
  dict_ = false;
  ids_ = {};
  distinct_ = {};
  index_ = {};
  arena_.Reset();
}

std::vector<PageSpan> DensePages(size_t n, uint32_t page_rows) {
  std::vector<PageSpan> pages;
  for (size_t p = 0; p < n; p += page_rows) {
    pages.push_back({static_cast<uint32_t>(p), static_cast<uint32_t>(p),
                     static_cast<uint32_t>(std::min<size_t>(page_rows, n - p))});
  }
  return pages;
}

std::vector<PageSpan> SparsePages(std::span<const uint32_t> per_granule, uint32_t granule,
                                  uint32_t page_rows) {
  const size_t per_page = page_rows / granule;
  std::vector<PageSpan> pages;
  uint32_t begin = 0;
  for (size_t g = 0; g < per_granule.size(); g += per_page) {
    uint32_t count = 0;
    for (size_t i = g; i < g + per_page && i < per_granule.size(); ++i) {
      count += per_granule[i];
    }
    if (count != 0) {
      pages.push_back({static_cast<uint32_t>(g * granule), begin, count});
      begin += count;
    }
  }
  return pages;
}

uint32_t ChoosePageRows(double bytes_per_row, uint32_t max_rows, uint32_t granule,
                        size_t target_bytes) {
  uint32_t rows = granule;
  while (rows * 2 <= max_rows && bytes_per_row * rows * 2 <= static_cast<double>(target_bytes)) {
    rows *= 2;
  }
  return rows;
}

ChunkDesc EncodeU64Chunk(uint16_t column, std::span<const uint64_t> values,
                         std::span<const PageSpan> pages, PageCompression compression,
                         std::string* out) {
  ChunkDesc d;
  d.column = column;
  d.kind = Kind::kU64;
  d.n_values = static_cast<uint32_t>(values.size());
  const size_t start = out->size();
  for (const PageSpan& p : pages) {
    U64Page page = EncodeU64Page(values.subspan(p.begin, p.count));
    PageIndexEntry e;
    e.first_row = p.first_row;
    e.n_values = p.count;
    e.encoding = page.encoding;
    e.min = page.min;
    e.max = page.max;
    PageCompression how = compression;
    if (!WorthCompressing(page.encoding, page.bit_width)) {
      how.codec = Codec::kNone;
    }
    AddPage(&d, out, start, ByteView(page.bytes), e, how);
    d.min = d.pages.size() == 1 ? page.min : std::min(d.min, page.min);
    d.max = std::max(d.max, page.max);
  }
  Finish(&d, out, start);
  return d;
}

ChunkDesc EncodeF64Chunk(uint16_t column, std::span<const uint64_t> bits,
                         std::span<const PageSpan> pages, PageCompression compression,
                         std::string* out) {
  ChunkDesc d;
  d.column = column;
  d.kind = Kind::kF64;
  d.n_values = static_cast<uint32_t>(bits.size());
  const size_t start = out->size();
  bool any = false;
  for (const PageSpan& p : pages) {
    F64Page page = EncodeF64Page(bits.subspan(p.begin, p.count));
    PageIndexEntry e;
    e.first_row = p.first_row;
    e.n_values = p.count;
    e.encoding = page.encoding;
    e.min = page.min;
    e.max = page.max;
    PageCompression how = compression;
    if (page.encoding == Encoding::kDecimal) {
      how.codec = Codec::kNone;
    }
    AddPage(&d, out, start, ByteView(page.bytes), e, how);
    if (!any || AsDouble(page.min) < AsDouble(d.min)) {
      d.min = page.min;
    }
    if (!any || AsDouble(page.max) > AsDouble(d.max)) {
      d.max = page.max;
    }
    any = true;
  }
  Finish(&d, out, start);
  return d;
}

ChunkDesc EncodeFixedChunk(uint16_t column, Kind kind, std::string_view bytes,
                           std::span<const PageSpan> pages, std::string* out) {
  const int width = kind == Kind::kFixed8 ? 8 : 16;
  ChunkDesc d;
  d.column = column;
  d.kind = kind;
  d.n_values = static_cast<uint32_t>(bytes.size() / static_cast<size_t>(width));
  const size_t start = out->size();
  for (const PageSpan& p : pages) {
    PageIndexEntry e;
    e.first_row = p.first_row;
    e.n_values = p.count;
    e.encoding = Encoding::kPlain;
    std::string raw =
        EncodePlainFixed(ByteView(bytes.substr(size_t{p.begin} * static_cast<size_t>(width),
                                               size_t{p.count} * static_cast<size_t>(width))),
                         width);
    AddPage(&d, out, start, ByteView(raw), e, PageCompression{Codec::kNone, 0});
  }
  Finish(&d, out, start);
  return d;
}

ChunkDesc EncodeStringChunk(uint16_t column, Kind kind, const StringBuffer& values,
                            std::span<const PageSpan> pages, PageCompression compression,
                            PageCompression codes_compression, std::string* out) {
  ChunkDesc d;
  d.column = column;
  d.kind = kind;
  d.n_values = static_cast<uint32_t>(values.size());
  const size_t start = out->size();
  const bool dict = kind == Kind::kString && values.dictionary() && values.size() > 0
                    && values.distinct().size() * 2 <= values.size();
  if (dict) {
    // Codes follow the bytewise order of the values.
    const std::vector<std::string_view>& distinct = values.distinct();
    std::vector<uint32_t> order(distinct.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return distinct[a] < distinct[b]; });
    std::vector<uint32_t> code_of(distinct.size());
    std::vector<std::string_view> sorted(distinct.size());
    for (uint32_t c = 0; c < order.size(); ++c) {
      code_of[order[c]] = c;
      sorted[c] = distinct[order[c]];
    }
    std::string raw_dict;
    AppendLe32(raw_dict, static_cast<uint32_t>(sorted.size()));
    raw_dict += EncodeBytes(sorted);
    std::string dict_page = ZstdCompress(ByteView(raw_dict));
    d.flags = kChunkDict;
    d.dict_count = static_cast<uint32_t>(sorted.size());
    d.dict_length = static_cast<uint32_t>(dict_page.size());
    d.dict_crc = Crc32c(ByteView(dict_page));
    d.value_filter = BuildValueFilter(sorted);
    out->append(dict_page);
    std::vector<uint64_t> codes;
    const std::vector<uint32_t>& ids = values.ids();
    d.min = UINT64_MAX;
    for (const PageSpan& p : pages) {
      codes.resize(p.count);
      uint64_t sig = 0;
      for (uint32_t i = 0; i < p.count; ++i) {
        codes[i] = code_of[ids[p.begin + i]];
        sig |= uint64_t{1} << (codes[i] & 63);
      }
      U64Page page = EncodeU64Page(codes);
      PageIndexEntry e;
      e.first_row = p.first_row;
      e.n_values = p.count;
      e.encoding = page.encoding;
      e.min = page.min;
      e.max = page.max;
      e.code_signature = sig;
      PageCompression how = codes_compression;
      if (!WorthCompressing(page.encoding, page.bit_width)) {
        how.codec = Codec::kNone;
      }
      AddPage(&d, out, start, ByteView(page.bytes), e, how);
      d.min = std::min(d.min, page.min);
      d.max = std::max(d.max, page.max);
    }
    if (pages.empty()) {
      d.min = 0;
    }
  } else {
    std::vector<std::string_view> views;
    for (const PageSpan& p : pages) {
      views.resize(p.count);
      for (uint32_t i = 0; i < p.count; ++i) {
        views[i] = values.Get(p.begin + i);
      }
      PageIndexEntry e;
      e.first_row = p.first_row;
      e.n_values = p.count;
      e.encoding = Encoding::kBytes;
      std::string raw = EncodeBytes(views);
      AddPage(&d, out, start, ByteView(raw), e, compression);
    }
  }
  Finish(&d, out, start);
  return d;
}

}  // namespace vivace::block
