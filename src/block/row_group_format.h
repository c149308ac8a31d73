#pragma once

// Byte layout of one `vvc1` row group (docs/format/block.md §Row group):
//
//   rowgroup := u32 header_len | header | u32 crc32c(header) | chunk data
//   header   := "VVRG" | u32 version | u32 n_traces | u32 rows[kTables] | u32 n_chunks | chunk*
//   chunk    := u16 column | u8 kind | u8 flags | u32 n_values | u32 offset | u32 length
//               | u32 dict_length | u32 dict_count | u32 dict_crc | u32 n_pages
//               | u32 page_crc[n_pages]
//               | page_index_entry[n_pages] (48 bytes each, block/page_index.h)
//
// Offsets are relative to the start of the chunk data. A chunk's bytes are its dictionary page
// (when flags & kChunkDict; zstd-compressed) followed by its data pages.

#include <cstdint>
#include <vector>

#include "block/page_index.h"
#include "block/schema.h"

namespace vivace::block {

inline constexpr char kRowGroupMagic[4] = {'V', 'V', 'R', 'G'};
inline constexpr uint32_t kRowGroupVersion = 1;
inline constexpr uint8_t kChunkDict = 1;  // values are dictionary codes

// Values per data page. Small pages keep find-by-ID decoding cheap; dictionaries and bit packing
// keep them compact.
inline constexpr uint32_t kPageValues = 2048;

struct ChunkDesc {
  uint16_t column = 0;
  Kind kind = Kind::kU64;
  uint8_t flags = 0;
  uint32_t n_values = 0;
  uint32_t offset = 0;
  uint32_t length = 0;
  uint32_t dict_length = 0;
  uint32_t dict_count = 0;
  uint32_t dict_crc = 0;  // crc32c of the stored dictionary page
  std::vector<uint32_t> page_crcs;
  std::vector<PageIndexEntry> pages;
};

struct RowGroupHeader {
  uint32_t n_traces = 0;
  uint32_t rows[kTables] = {};
  std::vector<ChunkDesc> chunks;  // ascending column ID
};

}  // namespace vivace::block
