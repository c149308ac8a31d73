#pragma once

// The row-group writer's column buffers and chunk encoders (docs/block-format.md §5): values
// are buffered while traces are added, and each column becomes one chunk of pages when the row
// group is finished. StringBuffer builds its dictionary as values arrive (one hash lookup per
// value) and falls back to plain bytes as soon as the values turn out to be mostly distinct, so
// high-cardinality columns never pay for sorting. Not thread-safe.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "block/compression.h"
#include "block/row_group_format.h"
#include "common/arena.h"

namespace vivace::block {

class StringBuffer {
 public:
  // `try_dictionary`: collect a dictionary until the values prove mostly distinct.
  explicit StringBuffer(bool try_dictionary = true) : dict_(try_dictionary) {}

  // Returns the value's id while the buffer is in dictionary mode, else kNoId (also when this
  // value made it fall back to plain bytes).
  uint32_t Add(std::string_view v);

  // Adds again the value of an id Add returned. REQUIRES: dictionary().
  void AddId(uint32_t id) { ids_.push_back(id); }

  static constexpr uint32_t kNoId = UINT32_MAX;

  size_t size() const { return dict_ ? ids_.size() : ends_.size(); }

  bool dictionary() const { return dict_; }

  std::string_view Get(size_t i) const {
    if (dict_) {
      return distinct_[ids_[i]];
    }
    const uint32_t b = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(data_).substr(b, ends_[i] - b);
  }

  // Dictionary mode: the provisional id of each value (first-seen order) and the values.
  const std::vector<uint32_t>& ids() const { return ids_; }

  const std::vector<std::string_view>& distinct() const { return distinct_; }

  // Plain mode: the values back to back and the end of each.
  const std::string& data() const { return data_; }

  const std::vector<uint32_t>& ends() const { return ends_; }

  // About how many bytes its pages will hold before compression.
  size_t page_bytes() const { return dict_ ? 2 * ids_.size() : data_.size() + 2 * ends_.size(); }

 private:
  void ToPlain();

  bool dict_;
  Arena arena_;
  absl::flat_hash_map<std::string_view, uint32_t> index_;
  std::vector<std::string_view> distinct_;
  std::vector<uint32_t> ids_;
  size_t distinct_bytes_ = 0;
  std::string data_;
  std::vector<uint32_t> ends_;
};

// The values of one page: owner rows from `first_row`, values [begin, begin + count).
struct PageSpan {
  uint32_t first_row = 0;
  uint32_t begin = 0;
  uint32_t count = 0;
};

// Pages of a dense column of `n` rows, `page_rows` each.
std::vector<PageSpan> DensePages(size_t n, uint32_t page_rows);
// Pages of a sparse column of `page_rows` owner rows each, from its value count per `granule`
// owner rows (REQUIRES: page_rows a multiple of granule). Pages without values are skipped.
std::vector<PageSpan> SparsePages(std::span<const uint32_t> per_granule, uint32_t granule,
                                  uint32_t page_rows);
// Rows per page for a column of `bytes_per_row` raw bytes per row of its table: the largest
// granule * 2^k <= max_rows whose page stays within `target_bytes` (at least one granule).
uint32_t ChoosePageRows(double bytes_per_row, uint32_t max_rows, uint32_t granule,
                        size_t target_bytes);

// Encoders: append the chunk's bytes to `out` and return its descriptor (`offset`: where the
// chunk starts in `out`; page offsets relative to the start of the chunk).
ChunkDesc EncodeU64Chunk(uint16_t column, std::span<const uint64_t> values,
                         std::span<const PageSpan> pages, PageCompression compression,
                         std::string* out);
ChunkDesc EncodeF64Chunk(uint16_t column, std::span<const uint64_t> bits,
                         std::span<const PageSpan> pages, PageCompression compression,
                         std::string* out);
// Fixed-width IDs (8 or 16 bytes): PLAIN, never compressed (random bytes do not compress).
ChunkDesc EncodeFixedChunk(uint16_t column, Kind kind, std::string_view bytes,
                           std::span<const PageSpan> pages, std::string* out);
// kString columns in dictionary mode get a sorted dictionary page and code pages (compressed
// as `codes`); others BYTES pages (compressed as `compression`).
ChunkDesc EncodeStringChunk(uint16_t column, Kind kind, const StringBuffer& values,
                            std::span<const PageSpan> pages, PageCompression compression,
                            PageCompression codes, std::string* out);

}  // namespace vivace::block
