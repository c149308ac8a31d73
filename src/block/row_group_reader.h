#pragma once

// Reads one `vvc1` row group held in memory: parses and checks its header, decodes only the
// pages that cover the requested rows (verifying each page's checksum), finds a trace by ID
// and rebuilds it as a serialized tempopb.Trace. Decoded pages are cached for the reader's
// lifetime. Keeps views into the row-group bytes, which must outlive it. Not thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "block/compression.h"
#include "block/dictionary.h"
#include "block/row_group_format.h"
#include "common/bytes.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::block {

class RowGroupReader {
 public:
  // DataLoss when the header is malformed or fails its checksum.
  static Result<std::unique_ptr<RowGroupReader>> Open(ByteView rowgroup);

  const RowGroupHeader& header() const { return header_; }
  uint32_t rows(Table t) const { return header_.rows[static_cast<int>(t)]; }
  const ChunkDesc* chunk(uint16_t column) const;

  // Rows [first, first + count) of a column, appended to `out`. A column without a chunk reads
  // as zeros / empty strings. DataLoss on corrupt pages; OutOfRange past the table's end.
  Status ReadU64(uint16_t column, uint32_t first, uint32_t count, std::vector<uint64_t>* out);
  Status ReadFixed(uint16_t column, uint32_t first, uint32_t count, std::string* out);
  Status ReadStrings(uint16_t column, uint32_t first, uint32_t count,
                     std::vector<std::string>* out);

  // The ordinal of the trace with `id`, or nullopt.
  Result<std::optional<uint32_t>> FindTrace(const model::TraceId& id);
  // The trace at `ordinal`, as a serialized tempopb.Trace (Tempo's rebatched shape).
  Result<std::string> ReadTrace(uint32_t ordinal);

  // Decodes every page of every chunk (checksums and encodings): for `verify`.
  Status VerifyAllPages();

 private:
  struct Page {
    std::unique_ptr<PageBuffer> buffer;   // keeps decompressed bytes alive for views
    std::vector<uint64_t> u64;            // kU64/kF64, or dictionary codes
    std::string fixed;                    // kFixed8/16
    std::vector<std::string_view> str;    // kBytes / BYTES-encoded strings
  };

  RowGroupReader() = default;
  // Status + out-parameter rather than Result<const T*>: GCC 12 misreports dangling pointers
  // for the latter at -O2.
  Status GetPage(const ChunkDesc& chunk, size_t page, const Page** out);
  Status GetDictionary(const ChunkDesc& chunk, const Dictionary** out);
  // Calls fn(page, first value index in page, count) for the pages covering the rows.
  template <typename Fn>
  Status ForRows(uint16_t column, uint32_t first, uint32_t count, Fn&& fn);

  ByteView data_;  // chunk data area
  RowGroupHeader header_;
  std::vector<int> chunk_index_;  // column -> index in header_.chunks, -1 if none
  std::map<uint64_t, std::unique_ptr<Page>> pages_;
  std::map<uint16_t, std::unique_ptr<Dictionary>> dicts_;
};

}  // namespace vivace::block
