#pragma once

// The page index of a column chunk (docs/block-format.md §5.3): one compact entry per data
// page, in page order, inside the row-group header, so a reader can pick pages by row range,
// min/max and dictionary-code signature before decoding them, and check each page's CRC32C.
// Pages of a chunk are contiguous after its dictionary page: offsets are implied by the
// stored lengths.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "block/encoding.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

struct PageIndexEntry {
  uint32_t rel_offset = 0;  // of the stored page, from the start of the chunk (implied on disk)
  uint32_t stored_len = 0;  // bytes as stored (after compression)
  uint32_t first_row = 0;   // row of the owner table where the page starts
  uint32_t n_values = 0;    // values in the page
  Encoding encoding = Encoding::kPlain;
  Codec codec = Codec::kNone;
  uint32_t crc = 0;             // crc32c of the stored page
  uint64_t min = 0;             // u64 values, f64 bits or dictionary codes; 0 for bytes/IDs
  uint64_t max = 0;             //
  uint64_t code_signature = 0;  // dictionary chunks: OR of 1 << (code & 63); else 0

  friend bool operator==(const PageIndexEntry&, const PageIndexEntry&) = default;
};

// Appends the compact form of `e`; `prev_first_row` is the previous entry's first_row (ignored
// for the first entry of a chunk, `first` = true). `dict`: the chunk is dictionary-coded (the
// entry then carries code_signature).
void AppendPageIndexEntry(const PageIndexEntry& e, bool first, uint32_t prev_first_row, bool dict,
                          std::string& out);
std::string EncodePageIndex(std::span<const PageIndexEntry> entries, bool dict);

// Parses one entry at in[*pos...] and advances *pos: `row` and `offset` carry the previous
// entry's first_row and the chunk offset where this page starts (updated). nullptr on success,
// else what is wrong. DecodePageIndex's checks, one entry at a time (for walking a page index
// without storing it).
const char* ParsePageIndexEntry(ByteView in, size_t* pos, bool first, uint64_t* row,
                                uint64_t* offset, uint64_t chunk_bytes, bool dict,
                                PageIndexEntry* e);

// Parses `n_pages` entries of a chunk from in[*pos...] and advances *pos. The first page starts
// at chunk offset `first_offset` (after the dictionary page) and every page must end within
// `chunk_bytes`. DataLoss on truncation, overlong varints, an unknown encoding or codec,
// n_values > kMaxPageValues, a first_row that does not increase, or pages past the chunk.
Result<std::vector<PageIndexEntry>> DecodePageIndex(ByteView in, size_t* pos, uint32_t n_pages,
                                                    uint64_t first_offset, uint64_t chunk_bytes,
                                                    bool dict);

}  // namespace vivace::block
