#pragma once

// The columns of a `vvc1` row group (docs/format/block.md). Every OTLP level is a table whose
// rows are stored in trace order; a parent row points at its children with a CSR "end" column
// (children of row i are [end[i-1], end[i]), end[-1] = 0). Attributes live in typed tables per
// scope (string, int, double, bool, other), each with the owner's CSR column.
// Column IDs are stored on disk: never renumber, only append.

#include <cstdint>
#include <string_view>

namespace vivace::block {

enum class Table : uint8_t {
  kTrace,
  kResource,
  kScope,
  kSpan,
  kEvent,
  kLink,
  // Attribute tables: scope-major, type-minor (see AttrTable()).
  kAttrFirst,
};

enum class AttrScope : uint8_t { kResource, kScope, kSpan, kEvent, kLink, kCount };
enum class AttrType : uint8_t { kString, kInt, kDouble, kBool, kOther, kCount };

constexpr int kAttrScopes = static_cast<int>(AttrScope::kCount);
constexpr int kAttrTypes = static_cast<int>(AttrType::kCount);
constexpr int kTables = static_cast<int>(Table::kAttrFirst) + kAttrScopes * kAttrTypes;

constexpr Table AttrTable(AttrScope s, AttrType t) {
  return static_cast<Table>(static_cast<int>(Table::kAttrFirst) +
                            static_cast<int>(s) * kAttrTypes + static_cast<int>(t));
}

// How a column's values are held and encoded.
enum class Kind : uint8_t {
  kU64,      // unsigned integers: BITPACK or DELTA (chosen per page)
  kF64,      // doubles: PLAIN 8 bytes
  kFixed8,   // 8-byte IDs: PLAIN
  kFixed16,  // 16-byte IDs: PLAIN
  kString,   // dictionary codes (BYTES when the dictionary would be too large)
  kBytes,    // BYTES
};

// Fixed columns. Attribute columns follow at kAttrColumnBase (see AttrKeyColumn/AttrValueColumn).
enum class Col : uint16_t {
  // trace
  kTraceId = 0,        // fixed16, ascending
  kTraceStart = 1,     // u64: earliest span start (ns)
  kTraceEnd = 2,       // u64: latest span end (ns)
  kTraceRootService = 3,
  kTraceRootName = 4,
  kTraceSpanCount = 5,
  kTraceResEnd = 6,    // CSR into resource
  // resource
  kResScopeEnd = 7,    // CSR into scope
  kResService = 8,     // service.name (string attribute), "" when absent
  kResServicePos = 9,  // 0 = no service.name; i+1 = it was the i-th attribute (of the string ones)
  kResDropped = 10,
  kResExtra = 11,      // bytes: other Resource fields (entity_refs, unknown), verbatim
  // scope
  kScopeSpanEnd = 12,  // CSR into span
  kScopeName = 13,
  kScopeVersion = 14,
  kScopeDropped = 15,
  // span
  kSpanId = 16,          // fixed8
  kSpanParent = 17,      // u64: 0 none, 1 outside the trace (kSpanParentExt), n+2 = n-th span
  kSpanParentExt = 18,   // fixed8, one value per kSpanParent == 1
  kSpanName = 19,
  kSpanKind = 20,
  kSpanStatusCode = 21,
  kSpanStatusMsg = 22,
  kSpanStartRel = 23,    // u64: start - trace start
  kSpanDuration = 24,    // u64: zigzag(end - start)
  kSpanTraceState = 25,
  kSpanFlags = 26,
  kSpanDroppedAttrs = 27,
  kSpanDroppedEvents = 28,
  kSpanDroppedLinks = 29,
  kSpanEventEnd = 30,    // CSR into event
  kSpanLinkEnd = 31,     // CSR into link
  kSpanNestedLeft = 32,  // nested-set numbering within the trace (left from 1; 0 = unknown)
  kSpanNestedRight = 33,
  // event
  kEventTimeRel = 34,    // u64: zigzag(time - span start)
  kEventName = 35,
  kEventDropped = 36,
  // link
  kLinkTraceId = 37,     // fixed16, one value per link with a trace ID (kLinkIdMask bit 0)
  kLinkSpanId = 38,      // fixed8, one value per link with a span ID (bit 1)
  kLinkIdMask = 39,      // u64 bits: 1 trace ID present, 2 span ID present
  kLinkTraceState = 40,
  kLinkDropped = 41,
  kLinkFlags = 42,
  kFixedCount = 43,
};

constexpr uint16_t kAttrColumnBase = 64;

// Owner CSR of scope s / type t: lives in the owner's table.
constexpr uint16_t AttrEndColumn(AttrScope s, AttrType t) {
  return static_cast<uint16_t>(kAttrColumnBase + (static_cast<int>(s) * kAttrTypes +
                                                  static_cast<int>(t)) * 3);
}
constexpr uint16_t AttrKeyColumn(AttrScope s, AttrType t) {
  return static_cast<uint16_t>(AttrEndColumn(s, t) + 1);
}
constexpr uint16_t AttrValueColumn(AttrScope s, AttrType t) {
  return static_cast<uint16_t>(AttrEndColumn(s, t) + 2);
}
constexpr uint16_t kColumnCount = kAttrColumnBase + kAttrScopes * kAttrTypes * 3;

struct ColumnInfo {
  Table table;
  Kind kind;
  std::string_view name;  // for tools: "span.name", "attr.span.string.key", ...
};

// The table and kind of a column ID; nullptr for IDs that are not columns.
const ColumnInfo* GetColumnInfo(uint16_t id);

Table OwnerTable(AttrScope s);
std::string_view AttrScopeName(AttrScope s);
std::string_view AttrTypeName(AttrType t);
std::string_view TableName(Table t);

}  // namespace vivace::block
