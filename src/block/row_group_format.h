#pragma once

// Byte layout of one `vvc1` row group (docs/block-format.md §5):
//
//   rowgroup := prefix | header (stored) | chunk*
//   prefix   := "VVRG" | u8 version (2) | u8 header codec (0 none, 1 zstd) | u16 reserved (0)
//               | u32 stored header length | u32 raw header length
//               | u32 crc32c(prefix[0..16) ‖ stored header)
//   header   := varint rows[8] | scope_attrs[5] | varint n_chunks |
//   chunk_desc* chunk    := [dictionary page] data page*        (contiguous, in chunk_desc order)
//
// A chunk's pages start at multiples of its page_rows (rows of the column's table), also for
// the sparse columns (attribute values, span.parent_external, link IDs: a page holds the values
// of those rows), so a reader can find the pages of any row range directly. Variable-length
// columns get fewer rows per page so that a page stays small to decompress.

#include <cstdint>
#include <string>
#include <vector>

#include "block/page_index.h"
#include "block/schema.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

inline constexpr char kRowGroupMagic[4] = {'V', 'V', 'R', 'G'};
inline constexpr uint8_t kRowGroupVersion = 3;
inline constexpr size_t kRowGroupPrefixBytes = 20;
inline constexpr uint8_t kChunkDict = 1;  // values are codes into the chunk's dictionary
inline constexpr uint32_t kMaxRows = 1u << 30;
inline constexpr size_t kMaxHeaderBytes = size_t{64} << 20;

// Key-set slots (docs/block-format.md §4.4): below kGenericSlot, the index of a promoted key of
// the scope; kGenericSlot + type, a generic attribute of that type; kServiceNameSlot (resource
// scope only), the resource's service.name, stored in resource.service_name.
inline constexpr uint32_t kGenericSlot = 0xFFF0;
inline constexpr uint32_t kServiceNameSlot = 0xFFFF;

struct ChunkDesc {
  uint16_t column = 0;
  Kind kind = Kind::kU64;
  uint8_t flags = 0;
  uint32_t page_rows = 0;  // rows of the column's table per page
  uint32_t n_values = 0;
  uint32_t offset = 0;  // in the chunk area (implied on disk: chunks are contiguous)
  uint32_t length = 0;
  uint64_t min = 0;  // over the chunk: u64 values, f64 bits (by double order), dict codes
  uint64_t max = 0;
  // Dictionary chunks.
  uint32_t dict_length = 0;
  uint32_t dict_count = 0;
  uint32_t dict_crc = 0;
  std::string value_filter;  // bloom filter of the dictionary values (ValueFilterMayContain)
  std::vector<PageIndexEntry> pages;
  std::vector<uint32_t> value_starts;  // derived: values before each page (+ total at the end)
  // Decoded headers: the page count and where the chunk's page index starts in the raw header
  // (for MaterializePages).
  uint32_t n_pages = 0;
  uint32_t page_index_at = 0;
};

struct PromotedKey {
  std::string key;
  AttrType type = AttrType::kString;
  uint16_t column = 0;  // derived: PromotedColumn(scope, type, index among the same type)
};

struct ScopeAttrs {
  std::vector<PromotedKey> promoted;
  std::vector<std::vector<uint32_t>> keysets;  // slots, in attribute order
};

struct RowGroupHeader {
  uint32_t n_traces = 0;  // == rows[kTrace]
  uint32_t rows[kTables] = {};
  ScopeAttrs attrs[kAttrScopes];
  std::vector<ChunkDesc> chunks;  // ascending column ID
};

// The raw (uncompressed) header.
std::string EncodeRowGroupHeader(const RowGroupHeader& header);
// Parses and validates a raw header for a chunk area of `data_size` bytes: sizes, column IDs
// and kinds, page coverage (dense columns have exactly one value per row; pages start at
// multiples of the chunk's page_rows), chunk extents that tile the chunk area. DataLoss when
// anything is off. With `pages` false every page index is checked the same but not stored:
// each chunk's `pages` and `value_starts` stay empty until MaterializePages fills them (a
// reader that uses a few chunks of many allocates for those only).
Result<RowGroupHeader> DecodeRowGroupHeader(ByteView raw, uint64_t data_size, bool pages = true);
// Fills c->pages and c->value_starts from `raw`, the bytes `h` was decoded from with `pages`
// false.
void MaterializePages(ByteView raw, const RowGroupHeader& h, ChunkDesc* c);

// Wraps an encoded header and the chunk area into a row group (prefix, CRC; the header is
// zstd-compressed when `compress_header` and that makes it smaller).
std::string AssembleRowGroup(const std::string& raw_header, const std::string& chunks,
                             bool compress_header = true);

// Splits a row group into its checked, decompressed raw header and its chunk area.
struct RowGroupParts {
  std::string raw_header;
  ByteView chunks;
  size_t header_bytes = 0;  // prefix + stored header
};

Result<RowGroupParts> SplitRowGroup(ByteView rowgroup, bool verify_checksum = true);

// Bloom filter of a dictionary's values for the header (docs/block-format.md §5.4): m =
// 8 * filter bytes bits, k = 3 probes from xxhash64(value). Empty for empty dictionaries.
std::string BuildValueFilter(const std::vector<std::string_view>& values);
bool ValueFilterMayContain(const std::string& filter, std::string_view value);

}  // namespace vivace::block
