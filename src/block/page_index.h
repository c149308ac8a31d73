#pragma once

// The page index of a column chunk (storage spec §8.6): one 48-byte entry per data page, after
// the pages, so a reader can pick pages by row range, min/max and dictionary-code signature
// before reading them. Byte layout: docs/format/encodings.md.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "block/encoding.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

constexpr size_t kPageIndexEntryBytes = 48;

struct PageIndexEntry {
  uint32_t rel_offset = 0;  // of the stored page, from the start of the chunk
  uint32_t stored_len = 0;  // bytes as stored (after compression)
  uint32_t first_row = 0;   // row/owner ordinal of the page's first value
  uint32_t n_values = 0;    // slots in the page, nulls included
  Encoding encoding = Encoding::kPlain;
  Codec codec = Codec::kNone;
  uint16_t bit_width = 0;  // packed width, or 8 * byte width for PLAIN
  uint32_t null_count = 0;
  uint64_t min = 0;  // i64/u64/f64 bits, or dict codes for dict columns
  uint64_t max = 0;
  uint64_t code_signature = 0;  // dict columns: OR of 1 << (code & 63); else 0

  friend bool operator==(const PageIndexEntry&, const PageIndexEntry&) = default;
};

// Appends the 48-byte form of `e`.
void AppendPageIndexEntry(const PageIndexEntry& e, std::string& out);
std::string EncodePageIndex(std::span<const PageIndexEntry> entries);

// One entry. DataLoss when `bytes` is not 48 bytes or a field is out of range (unknown encoding
// or codec, bit width > 128, null_count > n_values, n_values > kMaxPageValues).
Result<PageIndexEntry> DecodePageIndexEntry(ByteView bytes);

// A whole page index of `n_pages` entries for a chunk whose pages span `chunk_bytes` bytes.
// DataLoss unless the size is exactly 48 * n_pages, every entry is valid, pages lie inside the
// chunk in ascending non-overlapping order, and first_row never decreases.
Result<std::vector<PageIndexEntry>> DecodePageIndex(ByteView bytes, uint32_t n_pages,
                                                    uint64_t chunk_bytes);

}  // namespace vivace::block
