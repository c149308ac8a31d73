#pragma once

// Every column of one `vvc1` row group decoded at once, page by page, into flat arrays: the
// input side of compaction's column copy (RowGroupWriter::CopyTrace). Reading a whole row group
// this way costs one pass over each page, where rebuilding its traces one by one (ReadTrace)
// costs a protobuf per trace and random access per column. String columns keep their
// dictionary codes, so that the writer maps each distinct value once rather than hashing every
// value. Decode() checks what the copy relies on (CSR ends, references, parent and link
// indexes, key sets, sparse value counts), so a corrupt input is DataLoss, never a corrupt
// output. Immutable after Decode; views into the reader it owns, which also serves ReadTrace
// for traces that must be combined. Not thread-safe (the reader caches pages).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "block/dictionary.h"
#include "block/row_group_reader.h"
#include "block/schema.h"
#include "common/bytes.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::block {

// One string column, every value: dictionary codes (and the chunk's dictionary), or views.
struct DecodedStrings {
  const Dictionary* dict = nullptr;     // dictionary chunks
  std::vector<uint32_t> codes;          // dictionary chunks: one per value
  std::vector<std::string_view> views;  // other chunks: one per value (none: no chunk)

  std::string_view Get(size_t i) const {
    if (dict != nullptr) {
      return dict->value(codes[i]);
    }
    return i < views.size() ? views[i] : std::string_view();
  }
};

// The attributes of one scope, flattened in owner order. Attribute i of owner row o is entry
// begin[o] + i; `value` is its ordinal in the column its slot names, `key` its ordinal in
// generic.key (generic slots only).
struct DecodedAttrs {
  struct Attr {
    uint32_t slot = 0;
    uint32_t key = 0;
    uint32_t value = 0;
  };

  std::vector<uint64_t> keyset;  // per owner row
  std::vector<uint32_t> begin;   // per owner row, plus the end
  std::vector<Attr> attrs;
  // Value columns: promoted slot i at index i, then generic string..other, then generic.key.
  std::vector<std::vector<uint64_t>> nums;
  std::vector<DecodedStrings> strs;
  size_t n_promoted = 0;

  size_t generic(AttrType t) const { return n_promoted + static_cast<size_t>(t); }

  size_t generic_key() const { return n_promoted + kAttrTypes; }

  size_t column_of(uint32_t slot) const {
    return slot < n_promoted ? slot : n_promoted + (slot - kGenericSlot);
  }
};

class DecodedRowGroup {
 public:
  // Decodes every column of the row group `reader` reads. DataLoss when it is corrupt.
  static Result<std::unique_ptr<DecodedRowGroup>> Decode(std::unique_ptr<RowGroupReader> reader);

  // The reader it was decoded from, for ReadTrace (traces that are combined).
  RowGroupReader& reader() const { return *reader_; }

  uint32_t rows(Table t) const { return rows_[static_cast<size_t>(t)]; }

  uint32_t n_traces() const { return rows(Table::kTrace); }

  const std::vector<model::TraceId>& ids() const { return ids_; }

  // Dense columns of the kinds named.
  std::span<const uint64_t> u64(Col c) const { return u64_[static_cast<size_t>(c)]; }

  const DecodedStrings& str(Col c) const { return str_[static_cast<size_t>(c)]; }

  std::string_view span_ids() const { return span_ids_; }

  // Sparse fixed columns, every value, and where trace t's first value is in each.
  std::string_view parent_ext() const { return parent_ext_; }

  std::string_view link_trace_ids() const { return link_trace_ids_; }

  std::string_view link_span_ids() const { return link_span_ids_; }

  struct TraceStart {
    uint32_t parent_ext = 0;
    uint32_t link_trace_id = 0;
    uint32_t link_span_id = 0;
  };

  const TraceStart& sparse_start(uint32_t t) const { return sparse_start_[t]; }

  // Attributes of the span, event and link scopes (resources and scopes are copied through
  // their rebuilt messages, resource_bytes / scope_bytes).
  const DecodedAttrs& attrs(AttrScope s) const { return attrs_[static_cast<size_t>(s)]; }

  const ScopeAttrs& header_attrs(AttrScope s) const {
    return reader_->header().attrs[static_cast<int>(s)];
  }

  // Each row of the resource and scope tables as its serialized message.
  std::string_view resource_bytes(uint32_t row) const { return resource_bytes_[row]; }

  std::string_view scope_bytes(uint32_t row) const { return scope_bytes_[row]; }

  // Row of the first child of parent row `row` in a CSR end column (0 for row 0).
  uint32_t Begin(Col ends, uint32_t row) const {
    return row == 0 ? 0 : static_cast<uint32_t>(u64_[static_cast<size_t>(ends)][row - 1]);
  }

  uint32_t End(Col ends, uint32_t row) const {
    return static_cast<uint32_t>(u64_[static_cast<size_t>(ends)][row]);
  }

  // Distinguishes decoded row groups for the writer's per-source caches (never reused).
  uint64_t serial() const { return serial_; }

 private:
  DecodedRowGroup() = default;
  Status DecodeColumns();
  Status DecodeAttrs(AttrScope s);
  Status Check();

  std::unique_ptr<RowGroupReader> reader_;
  uint32_t rows_[kTables] = {};
  std::vector<model::TraceId> ids_;
  std::vector<uint64_t> u64_[static_cast<size_t>(Col::kFixedCount)];
  DecodedStrings str_[static_cast<size_t>(Col::kFixedCount)];
  std::string span_ids_;
  std::string parent_ext_;
  std::string link_trace_ids_;
  std::string link_span_ids_;
  std::vector<TraceStart> sparse_start_;
  DecodedAttrs attrs_[kAttrScopes];
  std::vector<std::string> resource_bytes_;  // copies: the reader's cache may rehash
  std::vector<std::string> scope_bytes_;
  uint64_t serial_ = 0;
};

}  // namespace vivace::block
