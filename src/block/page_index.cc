#include "block/page_index.h"

#include "block/little_endian.h"

namespace vivace::block {

void AppendPageIndexEntry(const PageIndexEntry& e, std::string& out) {
  AppendLe32(out, e.rel_offset);
  AppendLe32(out, e.stored_len);
  AppendLe32(out, e.first_row);
  AppendLe32(out, e.n_values);
  out.push_back(static_cast<char>(e.encoding));
  out.push_back(static_cast<char>(e.codec));
  AppendLe16(out, e.bit_width);
  AppendLe32(out, e.null_count);
  AppendLe64(out, e.min);
  AppendLe64(out, e.max);
  AppendLe64(out, e.code_signature);
}

std::string EncodePageIndex(std::span<const PageIndexEntry> entries) {
  std::string out;
  out.reserve(entries.size() * kPageIndexEntryBytes);
  for (const PageIndexEntry& e : entries) {
    AppendPageIndexEntry(e, out);
  }
  return out;
}

Result<PageIndexEntry> DecodePageIndexEntry(ByteView bytes) {
  if (bytes.size() != kPageIndexEntryBytes) {
    return Status::DataLoss("page index entry is not 48 bytes");
  }
  const uint8_t* p = bytes.data();
  PageIndexEntry e;
  e.rel_offset = LoadLe32(p);
  e.stored_len = LoadLe32(p + 4);
  e.first_row = LoadLe32(p + 8);
  e.n_values = LoadLe32(p + 12);
  if (p[16] > kMaxEncoding) {
    return Status::DataLoss("page index entry has unknown encoding " + std::to_string(p[16]));
  }
  e.encoding = static_cast<Encoding>(p[16]);
  if (p[17] > kMaxCodec) {
    return Status::DataLoss("page index entry has unknown codec " + std::to_string(p[17]));
  }
  e.codec = static_cast<Codec>(p[17]);
  e.bit_width = LoadLe16(p + 18);
  e.null_count = LoadLe32(p + 20);
  e.min = LoadLe64(p + 24);
  e.max = LoadLe64(p + 32);
  e.code_signature = LoadLe64(p + 40);
  if (e.bit_width > 128) {
    return Status::DataLoss("page index entry has invalid bit width");
  }
  if (e.n_values > kMaxPageValues) {
    return Status::DataLoss("page index entry value count exceeds the limit");
  }
  if (e.null_count > e.n_values) {
    return Status::DataLoss("page index entry null count exceeds its value count");
  }
  return e;
}

Result<std::vector<PageIndexEntry>> DecodePageIndex(ByteView bytes, uint32_t n_pages,
                                                    uint64_t chunk_bytes) {
  if (bytes.size() / kPageIndexEntryBytes != n_pages
      || bytes.size() % kPageIndexEntryBytes != 0) {
    return Status::DataLoss("page index size does not match its page count");
  }
  std::vector<PageIndexEntry> entries;
  entries.reserve(n_pages);
  uint64_t end = 0;
  for (uint32_t i = 0; i < n_pages; ++i) {
    VV_ASSIGN_OR_RETURN(PageIndexEntry e,
                        DecodePageIndexEntry(bytes.substr(i * kPageIndexEntryBytes,
                                                          kPageIndexEntryBytes)));
    if (e.rel_offset < end) {
      return Status::DataLoss("page index entry " + std::to_string(i)
                              + " overlaps its predecessor");
    }
    end = uint64_t{e.rel_offset} + e.stored_len;
    if (end > chunk_bytes) {
      return Status::DataLoss("page index entry " + std::to_string(i) + " lies outside the chunk");
    }
    if (!entries.empty() && e.first_row < entries.back().first_row) {
      return Status::DataLoss("page index first_row decreases at entry " + std::to_string(i));
    }
    entries.push_back(e);
  }
  return entries;
}

}  // namespace vivace::block
