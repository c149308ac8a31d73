#include "block/page_index.h"

#include "block/little_endian.h"

namespace vivace::block {

void AppendPageIndexEntry(const PageIndexEntry& e, bool first, uint32_t prev_first_row, bool dict,
                          std::string& out) {
  AppendVarint(out, first ? e.first_row : e.first_row - prev_first_row);
  AppendVarint(out, e.n_values);
  out.push_back(static_cast<char>(e.encoding));
  out.push_back(static_cast<char>(e.codec));
  AppendVarint(out, e.stored_len);
  AppendLe32(out, e.crc);
  AppendVarint(out, e.min);
  AppendVarint(out, e.max);
  if (dict) {
    AppendLe64(out, e.code_signature);
  }
}

std::string EncodePageIndex(std::span<const PageIndexEntry> entries, bool dict) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    AppendPageIndexEntry(entries[i], i == 0, i == 0 ? 0 : entries[i - 1].first_row, dict, out);
  }
  return out;
}

const char* ParsePageIndexEntry(ByteView in, size_t* pos, bool first, uint64_t* row,
                                uint64_t* offset, uint64_t chunk_bytes, bool dict,
                                PageIndexEntry* e) {
  uint64_t delta = 0;
  uint64_t n = 0;
  uint64_t len = 0;
  if (!ReadVarint(in.data(), in.size(), pos, &delta) || !ReadVarint(in.data(), in.size(), pos, &n)
      || in.size() - *pos < 2) {
    return "truncated entry";
  }
  if (!first && delta == 0) {
    return "first_row does not increase";
  }
  *row += delta;
  if (*row > UINT32_MAX || n > kMaxPageValues) {
    return "row or value count out of range";
  }
  const uint8_t encoding = in[(*pos)++];
  const uint8_t codec = in[(*pos)++];
  if (encoding > kMaxEncoding || codec > kMaxCodec) {
    return "unknown encoding or codec";
  }
  if (!ReadVarint(in.data(), in.size(), pos, &len) || in.size() - *pos < 4) {
    return "truncated entry";
  }
  e->crc = LoadLe32(in.data() + *pos);
  *pos += 4;
  if (!ReadVarint(in.data(), in.size(), pos, &e->min)
      || !ReadVarint(in.data(), in.size(), pos, &e->max)) {
    return "truncated entry";
  }
  e->code_signature = 0;
  if (dict) {
    if (in.size() - *pos < 8) {
      return "truncated entry";
    }
    e->code_signature = LoadLe64(in.data() + *pos);
    *pos += 8;
  }
  if (len > chunk_bytes || *offset > chunk_bytes - len) {
    return "page lies outside its chunk";
  }
  e->first_row = static_cast<uint32_t>(*row);
  e->n_values = static_cast<uint32_t>(n);
  e->encoding = static_cast<Encoding>(encoding);
  e->codec = static_cast<Codec>(codec);
  e->rel_offset = static_cast<uint32_t>(*offset);
  e->stored_len = static_cast<uint32_t>(len);
  *offset += len;
  return nullptr;
}

Result<std::vector<PageIndexEntry>> DecodePageIndex(ByteView in, size_t* pos, uint32_t n_pages,
                                                    uint64_t first_offset, uint64_t chunk_bytes,
                                                    bool dict) {
  auto bad = [](const char* what) { return Status::DataLoss(std::string("page index: ") + what); };
  // Each entry takes at least 10 bytes: do not reserve for counts the input cannot hold.
  if (n_pages > (in.size() - *pos) / 10 + 1) {
    return bad("more pages than bytes");
  }
  std::vector<PageIndexEntry> entries;
  entries.reserve(n_pages);
  uint64_t offset = first_offset;
  uint64_t row = 0;
  for (uint32_t i = 0; i < n_pages; ++i) {
    PageIndexEntry e;
    if (const char* err = ParsePageIndexEntry(in, pos, i == 0, &row, &offset, chunk_bytes, dict,
                                              &e)) {
      return bad(err);
    }
    entries.push_back(e);
  }
  return entries;
}

}  // namespace vivace::block
