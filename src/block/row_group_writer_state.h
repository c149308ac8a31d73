#pragma once

// The row-group writer's buffers (RowGroupWriter::State), shared by its two ways in: AddTrace
// (row_group_writer.cc) shreds a serialized trace, CopyTrace (row_group_copy.cc) copies a trace
// from a decoded row group. Both fill the same buffers, so Finish() has one way to encode.
// Private to those two files.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "block/column_builder.h"
#include "block/row_group_format.h"
#include "block/row_group_writer.h"
#include "block/trace_shape.h"
#include "common/arena.h"

namespace vivace::block {

inline constexpr char kZeros[16] = {};
// Key-set entry standing for the resource's service.name (kServiceNameSlot on disk).
inline constexpr uint32_t kServiceKeyId = UINT32_MAX;

// One attribute (key, type) of a scope, with its values in owner order.
struct AttrKey {
  std::string_view key;  // in the scope's arena
  AttrType type = AttrType::kString;
  uint32_t count = 0;
  std::vector<uint64_t> nums;  // int (zigzag), double (bits), bool
  StringBuffer strs{true};     // string values, or KeyValue remainders for kOther

  explicit AttrKey(AttrType t) : type(t), strs(t == AttrType::kString) {}
};

// The attributes of one scope (resource, scope, span, event or link).
struct ScopeState {
  Arena arena;  // keys and key sets
  absl::flat_hash_map<std::string_view, std::array<int32_t, kAttrTypes>> by_key;
  std::vector<std::unique_ptr<AttrKey>> keys;
  absl::flat_hash_map<std::string_view, uint32_t> keyset_index;  // u32 key ids as bytes
  std::vector<std::span<const uint32_t>> keysets;
  std::vector<uint64_t> owner_keyset;  // per owner row
  std::vector<uint32_t> scratch;

  void Clear() {
    by_key.clear();
    keys.clear();
    keyset_index.clear();
    keysets.clear();
    owner_keyset.clear();
    arena.Reset();
  }
};

// A sparse fixed-width column (values for some rows of its table).
struct SparseFixed {
  std::string bytes;
  std::vector<uint32_t> per_granule;
};

// Counts a value of owner row `row` in its granule (values per `granule` owner rows).
inline void CountValue(std::vector<uint32_t>* per_granule, size_t row, uint32_t granule) {
  const size_t g = row / granule;
  if (per_granule->size() <= g) {
    per_granule->resize(g + 1, 0);
  }
  (*per_granule)[g]++;
}

// CopyTrace (row_group_copy.cc): what the values of one source row group became in the row
// group being built, so that each distinct value, key, key set, resource and scope is looked up
// once per source rather than once per row. Cleared with the row group.
struct CopyMemo {
  static constexpr uint32_t kUnset = UINT32_MAX;
  std::vector<uint32_t> resource_row;  // source resource row -> row here
  std::vector<uint32_t> scope_row;
  // Dictionary string columns: source code -> the StringBuffer's id.
  std::array<std::vector<uint32_t>, static_cast<size_t>(Col::kFixedCount)> codes;

  // How to copy the attributes of an owner whose source key set has no generic slot (generic
  // slots take their keys from each row): one step per slot, and the key set they make here.
  struct Plan {
    struct Step {
      AttrKey* key = nullptr;
      uint32_t column = 0;                     // DecodedAttrs column of the slot
      bool number = false;                     // else a string or kOther value
      std::vector<uint32_t>* codes = nullptr;  // dictionary column: source code -> id
    };

    std::vector<Step> steps;
    uint32_t keyset = 0;
    size_t bytes = 0;  // estimated protobuf bytes, for approx_bytes
  };

  struct Scope {
    std::vector<uint32_t> promoted_key;                         // source promoted slot -> key id
    std::vector<std::vector<uint32_t>> promoted_codes;          // string slots: source code -> id
    std::array<std::vector<uint32_t>, kAttrTypes> generic_key;  // generic.key code -> key id
    std::vector<std::unique_ptr<Plan>> plans;  // by source key set (null: none yet)
    std::vector<bool> generic;                 // by source key set: has generic slots
  };

  Scope scopes[kAttrScopes];
};

class DecodedRowGroup;

struct RowGroupWriter::State {
  explicit State(RowGroupWriterOptions o)
      : options(o), granule(std::min<uint32_t>(256, o.page_rows & (~o.page_rows + 1))) {}

  RowGroupWriterOptions options;
  uint32_t granule;  // rows per unit in which sparse values are counted
  uint32_t rows[kTables] = {};
  size_t approx_bytes = 0;
  RowGroupSummary summary;
  TraceShape shape;

  // Dense columns by fixed column ID (those of the right kind are used).
  std::array<std::vector<uint64_t>, static_cast<size_t>(Col::kFixedCount)> u64;
  std::array<std::string, static_cast<size_t>(Col::kFixedCount)> fixed;
  std::array<std::unique_ptr<StringBuffer>, static_cast<size_t>(Col::kFixedCount)> str;
  SparseFixed parent_ext;
  SparseFixed link_trace_id;
  SparseFixed link_span_id;
  ScopeState attrs[kAttrScopes];

  // Deduplicated resources and scopes: their bytes -> row.
  Arena dedupe_arena;
  absl::flat_hash_map<std::string_view, uint32_t> resource_rows;
  absl::flat_hash_map<std::string_view, uint32_t> scope_rows;
  std::vector<std::string_view> resource_service;  // per resource row
  // Scratch.
  std::vector<ByteView> kvs;
  std::string extra;
  absl::flat_hash_map<uint64_t, uint32_t> span_index;

  void Reset();

  void U64(Col c, uint64_t v) { u64[static_cast<size_t>(c)].push_back(v); }

  void Fixed(Col c, ByteView v, size_t width) {
    std::string& f = fixed[static_cast<size_t>(c)];
    if (v.size() == width) {
      f.append(reinterpret_cast<const char*>(v.data()), width);
    } else {
      f.append(kZeros, width);
    }
  }

  void Str(Col c, std::string_view v) { str[static_cast<size_t>(c)]->Add(v); }

  void Str(Col c, ByteView v) { Str(c, v.str()); }

  void AddAttributes(AttrScope s, std::span<const ByteView> kvs, std::string_view* service);
  uint32_t InternResource(ByteView bytes);
  uint32_t InternScope(ByteView bytes);
  void AddSpan(const SpanShape& s, uint64_t trace_start, ByteView trace_id);
  void AddEvent(ByteView ev, uint64_t span_start);
  void AddLink(ByteView link, ByteView trace_id);
  int64_t SpanIndex(ByteView id);
  // Counts a trace added in the row group's summary.
  void Summarize(const model::TraceId& id, uint64_t start, uint64_t end, uint32_t spans);

  // CopyTrace helpers.
  absl::flat_hash_map<uint64_t, std::unique_ptr<CopyMemo>> copy_memos;  // by source serial
  CopyMemo* last_memo = nullptr;  // the memo of the last source (traces come in runs)
  uint64_t last_memo_serial = 0;
  CopyMemo& MemoFor(const DecodedRowGroup& src);
  uint32_t KeyId(ScopeState& st, std::string_view key, AttrType type);
  uint32_t KeySetIndex(ScopeState& st);
  size_t CopyAttributes(AttrScope s, const DecodedRowGroup& src, CopyMemo::Scope& memo,
                        uint32_t row);
  CopyMemo::Plan* PlanFor(AttrScope s, const DecodedRowGroup& src, CopyMemo::Scope& memo,
                          uint32_t keyset);
  void CopyStrings(Col c, const DecodedRowGroup& src, CopyMemo& memo, uint32_t begin, uint32_t end);

  // Finish helpers.
  void EncodeAttributes(AttrScope s, std::vector<ChunkDesc>* chunks, std::string* out,
                        ScopeAttrs* header);
};

}  // namespace vivace::block
