#pragma once

// Reads one `vvc1` row group held in memory (docs/block-format.md §5): parses and checks its
// header, decodes only the pages that cover the requested rows (verifying each page's
// checksum), finds a trace by ID and rebuilds it as a serialized tempopb.Trace. Decoded pages,
// dictionaries and rebuilt resources/scopes are cached for the reader's lifetime. Keeps views
// into the row-group bytes, which must outlive it. Not thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "block/bytes_codec.h"
#include "block/compression.h"
#include "block/dictionary.h"
#include "block/page_view.h"
#include "block/row_group_format.h"
#include "common/bytes.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::block {

struct RowGroupReadOptions {
  // Check the header's and each page's CRC32C. Only fuzzers turn this off, to reach the
  // structure behind the checksums: every decoder stays bounds-safe without them.
  bool verify_checksums = true;
};

// At most this many rows of any table belong to one trace (Tempo's default trace size limit
// is 5 MB, some 10^4 spans): ReadTrace rejects larger ranges as corrupt rather than allocate
// for them.
inline constexpr uint32_t kMaxTraceRows = 1u << 20;

// Reads `length` bytes at `offset` of a row group's chunk area (the bytes after its header).
using ChunkFetcher = std::function<Result<std::string>(uint64_t offset, uint64_t length)>;

class RowGroupReader {
 public:
  // DataLoss when the header is malformed or fails its checksum.
  static Result<std::unique_ptr<RowGroupReader>> Open(ByteView rowgroup,
                                                      RowGroupReadOptions options = {});
  // Opens a row group from its prefix and stored header alone (the first `header_bytes` of
  // its index entry, docs/block-format.md §3.1) for a row group of `rowgroup_bytes` in all;
  // each chunk is fetched through `fetch` when first read, so a query that the header rules
  // out reads nothing more. DataLoss as Open, and when `header` is not exactly the prefix and
  // stored header or a fetched chunk has the wrong size; the fetcher's own errors pass through.
  static Result<std::unique_ptr<RowGroupReader>> OpenHeader(ByteView header,
                                                            uint64_t rowgroup_bytes,
                                                            ChunkFetcher fetch,
                                                            RowGroupReadOptions options = {});
  ~RowGroupReader();
  RowGroupReader(const RowGroupReader&) = delete;
  RowGroupReader& operator=(const RowGroupReader&) = delete;
  RowGroupReader(RowGroupReader&&) = delete;
  RowGroupReader& operator=(RowGroupReader&&) = delete;

  // The whole header, every chunk's page index included (parsed on first use: a scan should
  // use rows(), attrs() and chunk(), which parse only the page indexes of chunks it reads).
  const RowGroupHeader& header() const;

  uint32_t rows(Table t) const { return header_.rows[static_cast<int>(t)]; }

  const ScopeAttrs& attrs(AttrScope s) const { return header_.attrs[static_cast<int>(s)]; }

  // The column's chunk with its page index, or nullptr when the row group has none.
  const ChunkDesc* chunk(uint16_t column) const;
  // The column's name in this row group: GetColumnInfo's name, with the key for promoted
  // attribute columns ("attr.span.string[http.route]").
  std::string ColumnName(uint16_t column) const;

  // Bytes of the row-group prefix and stored header.
  size_t header_bytes() const { return header_bytes_; }

  // Readers from OpenHeader: fetches the rest of the row group in one read (before reading
  // many columns, e.g. rebuilding traces), unless it is already all here. Chunks fetched
  // before stay valid.
  Status FetchAll();
  // Bytes fetched through the fetcher so far (0 for readers from Open).
  uint64_t fetched_bytes() const { return fetched_bytes_; }

  // Values [first, first + count) of a column: rows of its table for dense columns, value
  // ordinals for sparse ones. A dense column without a chunk reads as zeros / empty strings;
  // kF64 columns read as their bit patterns. DataLoss on corrupt pages; OutOfRange past the
  // column's end; InvalidArgument for a column of another kind.
  Status ReadU64(uint16_t column, uint32_t first, uint32_t count, std::vector<uint64_t>* out);
  // As above, into `out` (values [first, first + out.size())): scans reuse their buffers.
  Status ReadU64(uint16_t column, uint32_t first, std::span<uint64_t> out);
  Status ReadFixed(uint16_t column, uint32_t first, uint32_t count, std::string* out);
  Status ReadStrings(uint16_t column, uint32_t first, uint32_t count,
                     std::vector<std::string>* out);
  // As ReadStrings, as views into this reader's pages (valid while it lives).
  Status ReadStringViews(uint16_t column, uint32_t first, uint32_t count,
                         std::vector<std::string_view>* out);

  // One attribute as stored: for kOther, `str` is the KeyValue's bytes after its key.
  struct Attribute {
    std::string_view key;
    AttrType type = AttrType::kOther;
    uint64_t num = 0;      // int (zigzag), double (bits), bool
    std::string_view str;  // string value or kOther bytes
  };

  // The attributes of owner rows [first, first + count) of scope `s`, in their original order:
  // (*out)[i] holds those of row first + i. Views are valid while the reader lives.
  Status ReadAttributes(AttrScope s, uint32_t first, uint32_t count,
                        std::vector<std::vector<Attribute>>* out);

  // Statistics for skipping (docs/block-format.md §6). Whether a string column's chunk may
  // hold `value`, from the header alone (false: certainly not; columns without a chunk hold
  // nothing; plain-bytes chunks always "may").
  bool ChunkMayContain(uint16_t column, std::string_view value) const;
  // The dictionary code of `value` in a dictionary chunk, nullopt when absent (an exact
  // presence check that reads the dictionary page).
  Result<std::optional<uint32_t>> DictionaryCode(uint16_t column, std::string_view value);
  // The dictionary of a column's chunk (*out = nullptr when the column has no chunk or its
  // chunk holds BYTES pages). Valid while the reader lives.
  Status GetChunkDictionary(uint16_t column, const Dictionary** out);
  // Values [first, first + count) of a dictionary-encoded string column as codes (below the
  // dictionary's size: DataLoss otherwise), for scans that evaluate a predicate once per
  // dictionary entry. InvalidArgument when the column's chunk is not a dictionary chunk.
  Status ReadCodes(uint16_t column, uint32_t first, uint32_t count, std::vector<uint64_t>* out);
  Status ReadCodes(uint16_t column, uint32_t first, std::span<uint64_t> out);

  // The ordinal of the trace with `id`, or nullopt.
  Result<std::optional<uint32_t>> FindTrace(const model::TraceId& id);
  // The trace at `ordinal`, as a serialized tempopb.Trace.
  Result<std::string> ReadTrace(uint32_t ordinal);

  // Row `row` of the resource / scope table rebuilt as its serialized message (cached; the view
  // is valid until the next call, which may rehash the cache).
  Result<std::string_view> ResourceBytes(uint32_t row);
  Result<std::string_view> ScopeBytes(uint32_t row);

  // Decodes every page of every chunk (checksums and encodings) and checks that
  // trace.span_end agrees with the CSR columns: for `verify`.
  Status VerifyAllPages();

 private:
  struct Page {
    std::unique_ptr<PageBuffer> buffer;  // keeps decompressed bytes alive for views
    U64PageView numbers;                 // kU64/kF64 values, or dictionary codes
    ByteView fixed;                      // kFixed8/16: the values, back to back
    BytesPage bytes;                     // BYTES-encoded strings
    bool dict = false;
  };

  struct Cache {
    std::vector<std::vector<std::unique_ptr<Page>>> pages;  // per chunk, per page
    std::vector<std::unique_ptr<Dictionary>> dicts;         // per chunk
    absl::flat_hash_map<uint32_t, std::string> resources;   // serialized Resource by row
    absl::flat_hash_map<uint32_t, std::string> scopes;      // serialized scope by row
  };

  RowGroupReader();
  // VerifyAllPages' page decoding.
  Status VerifyPages();
  // chunk_index_ and the per-chunk caches, once header_ is parsed.
  void IndexChunks();
  // Chunk `ci` of the header with its page index materialized.
  const ChunkDesc& Chunk(size_t ci) const;
  // Status + out-parameter rather than Result<const T*>: GCC 12 misreports dangling pointers
  // for the latter at -O2.
  Status GetPage(size_t chunk_index, size_t page, const Page** out);
  // Reads and checks a page without caching it.
  Result<std::unique_ptr<Page>> LoadPage(size_t chunk_index, size_t page);
  Status GetDictionary(size_t chunk_index, const Dictionary** out);
  // Calls fn(page, first value index in page, count) for the pages covering the values.
  template <typename Fn>
  Status ForValues(uint16_t column, uint32_t first, uint32_t count, Fn&& fn);
  // The first row of the page of sparse column `column` that covers owner row `row`.
  uint32_t PageStart(uint16_t column, uint32_t row) const;
  // The ordinal, in sparse column `column`, of the first value of owner row `row`, given how
  // many values the rows of its page before `row` have.
  Result<uint32_t> SparseOrdinal(uint16_t column, uint32_t row, uint64_t before_in_page);
  // How many rows of the page of `column` that covers `row`, before `row`, have `value` in the
  // dense column `selector` (which says which rows have a value in `column`).
  Result<uint64_t> CountBeforeInPage(uint16_t selector, uint16_t column, uint32_t row,
                                     uint64_t value);
  // The stored bytes of a chunk (fetched first when the reader holds only the header).
  Result<ByteView> ChunkBytes(size_t chunk_index);

  RowGroupReadOptions options_;
  ByteView data_;  // chunk area, when all of it is here (Open, or after FetchAll)
  bool have_all_ = false;
  ChunkFetcher fetch_;                // OpenHeader: reads from the chunk area
  std::string fetched_all_;           // FetchAll's chunk area
  std::vector<std::string> fetched_;  // per chunk, fetched alone (never resized after open)
  std::vector<bool> have_chunk_;
  uint64_t fetched_bytes_ = 0;
  size_t header_bytes_ = 0;
  std::string raw_header_;  // what header_ was decoded from (page indexes are parsed lazily)
  // Page indexes are filled in on first use (logically const: the header does not change).
  mutable RowGroupHeader header_;
  mutable std::vector<bool> pages_ready_;
  mutable bool all_pages_ready_ = false;
  std::vector<int> chunk_index_;  // column -> index in header_.chunks, -1 if none
  std::unique_ptr<Cache> cache_;
};

}  // namespace vivace::block
