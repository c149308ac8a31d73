#pragma once

// Objects of a `vvc1` block (docs/block-format.md §2-3):
//
//   <tenant>/<blockID>/data       "VVCDATA1" | u32 version | u32 flags | rowgroup* | footer |
//   trailer
//                                 footer  := index entries (same bytes as `index` entries)
//                                 trailer := u32 footer_len | u32 crc32c(footer) | "VVCDATA1"
//   <tenant>/<blockID>/index      "VVCIDX01" | u32 version | u32 n | u32 crc32c(entries) | entry*
//   <tenant>/<blockID>/bloom-<n>  Tempo's bloom shards (block/bloom.h)
//   <tenant>/<blockID>/meta.json  written last: the block exists once it does
//
//   entry := min_id[16] | max_id[16] | u64 offset | u32 length | u32 n_traces | u32 n_spans
//            | u32 header_bytes | u64 min_start_ns | u64 max_end_ns
//            | u64 min_duration_ns | u64 max_duration_ns                  (88 bytes, by ID)

#include <cstdint>
#include <string>
#include <vector>

#include "block/row_group_writer.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

inline constexpr char kFormatName[] = "vvc1";
inline constexpr char kDataMagic[8] = {'V', 'V', 'C', 'D', 'A', 'T', 'A', '1'};
inline constexpr char kIndexMagic[8] = {'V', 'V', 'C', 'I', 'D', 'X', '0', '1'};
inline constexpr uint32_t kBlockVersion = 3;
inline constexpr size_t kDataHeaderSize = 16;
inline constexpr size_t kDataTrailerSize = 16;
inline constexpr size_t kIndexHeaderSize = 20;
inline constexpr size_t kIndexEntrySize = 88;

struct RowGroupEntry {
  RowGroupSummary summary;
  uint64_t offset = 0;  // in `data`
  uint32_t length = 0;
  uint32_t header_bytes = 0;  // prefix + stored header: a reader may fetch only these first
};

std::string EncodeIndexEntries(const std::vector<RowGroupEntry>& entries);
std::string EncodeIndex(const std::vector<RowGroupEntry>& entries);
// DataLoss on a malformed index (bad magic, checksum, sizes, unsorted entries).
Result<std::vector<RowGroupEntry>> DecodeIndex(ByteView index);
// Decodes the footer entries given the data object's last kDataTrailerSize + footer bytes.
Result<std::vector<RowGroupEntry>> DecodeDataTail(ByteView tail);

std::string ObjectKey(std::string_view tenant, std::string_view block_id, std::string_view name);
std::string BloomName(uint32_t shard);

}  // namespace vivace::block
