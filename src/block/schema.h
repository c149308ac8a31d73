#pragma once

// The columns of a `vvc1` row group (docs/block-format.md §4). Every OTLP level is a table whose
// rows are stored in trace order; a parent row points at its children with a CSR "end" column
// (children of row i are [end[i-1], end[i]), end[-1] = 0). Resources and instrumentation scopes
// are stored once per row group (tables `resource` and `scope` hold the distinct messages) and
// referenced from the per-trace `resource_spans` / `scope_spans` rows.
//
// Attributes, per scope (resource, scope, span, event, link): every owner row has a *key set*
// code (`attr.<scope>.keys`) naming, in the original order, which attribute columns hold its
// attributes. Frequent (key, type) pairs of a row group are *promoted* to their own column
// (`attr.<scope>.<type>[<key>]`, dictionary-encoded for strings); the rest go to the generic
// columns (`attr.<scope>.generic.*`: key, then the value in the column of its type). Attribute
// value columns are *sparse*: they hold values only for the owners whose key set names them,
// in owner order, and their pages are aligned to the owner table's pages.
//
// Column IDs are stored on disk: never renumber, only append.

#include <cstdint>
#include <string_view>

namespace vivace::block {

enum class Table : uint8_t {
  kTrace,          // one row per trace, ascending trace ID
  kResourceSpans,  // one row per ResourceSpans of a trace
  kResource,       // the distinct Resource messages of the row group
  kScopeSpans,     // one row per ScopeSpans
  kScope,          // the distinct InstrumentationScope messages of the row group
  kSpan,
  kEvent,
  kLink,
};
constexpr int kTables = 8;

enum class AttrScope : uint8_t { kResource, kScope, kSpan, kEvent, kLink, kCount };
// Value types of attributes. kOther holds everything that is not exactly one scalar of the
// first four types (arrays, kvlists, bytes, empty values, unknown fields): the KeyValue's bytes
// after its key, verbatim.
enum class AttrType : uint8_t { kString, kInt, kDouble, kBool, kOther, kCount };

constexpr int kAttrScopes = static_cast<int>(AttrScope::kCount);
constexpr int kAttrTypes = static_cast<int>(AttrType::kCount);

// How a column's values are held and encoded.
enum class Kind : uint8_t {
  kU64,      // unsigned integers: PLAIN, BITPACK, DELTA, TABLE or VARBITS (chosen per page)
  kF64,      // doubles as IEEE-754 bits: PLAIN, TABLE or DECIMAL
  kFixed8,   // 8-byte IDs: PLAIN
  kFixed16,  // 16-byte IDs: PLAIN
  kString,   // dictionary codes (BYTES when the dictionary would not pay)
  kBytes,    // BYTES
};

// Fixed columns (IDs 0..63).
enum class Col : uint16_t {
  // trace
  kTraceId = 0,           // fixed16, ascending
  kTraceStart = 1,        // u64: earliest span start (ns)
  kTraceEnd = 2,          // u64: latest span end (ns)
  kTraceDuration = 3,     // u64: end - start
  kTraceRootService = 4,  // service.name of the root span's resource ("" if none)
  kTraceRootName = 5,     // name of the root span ("" if none)
  kTraceRsEnd = 6,        // CSR into resource_spans
  // resource_spans
  kRsResource = 7,   // u64: 0 no Resource message, r+1 = row r of the resource table
  kRsSchemaUrl = 8,  // ResourceSpans.schema_url
  kRsSsEnd = 9,      // CSR into scope_spans
  // resource (distinct)
  kResService = 10,  // service.name when it is a string attribute, else "" (TraceQL's fast path)
  kResDropped = 11,  // dropped_attributes_count
  kResExtra = 12,    // bytes: other Resource fields (entity_refs, unknown), verbatim
  // scope_spans
  kSsScope = 13,      // u64: 0 no InstrumentationScope message, r+1 = row r of the scope table
  kSsSchemaUrl = 14,  // ScopeSpans.schema_url
  kSsSpanEnd = 15,    // CSR into span
  // scope (distinct)
  kScopeName = 16,
  kScopeVersion = 17,
  kScopeDropped = 18,
  kScopeExtra = 19,  // bytes: unknown InstrumentationScope fields
  // span
  kSpanId = 20,         // fixed8
  kSpanParent = 21,     // u64: 0 none, 1 outside the trace (kSpanParentExt), n+2 = n-th span
  kSpanParentExt = 22,  // fixed8, sparse: one value per span with kSpanParent == 1
  kSpanName = 23,
  kSpanKind = 24,
  kSpanStatusCode = 25,
  kSpanStatusMsg = 26,
  kSpanStartRel = 27,  // u64: start - trace start (wrapping)
  kSpanDuration = 28,  // u64: end - start (wrapping)
  kSpanTraceState = 29,
  kSpanFlags = 30,
  kSpanDroppedAttrs = 31,
  kSpanDroppedEvents = 32,
  kSpanDroppedLinks = 33,
  kSpanEventEnd = 34,  // CSR into event
  kSpanLinkEnd = 35,   // CSR into link
  kSpanExtra = 36,     // bytes: span fields stored verbatim (unknown, odd-length IDs)
  // event
  kEventTimeRel = 37,  // u64: time - span start (wrapping)
  kEventName = 38,
  kEventDropped = 39,
  // link
  kLinkTraceRef = 40,  // u64: 0 no trace ID, 1 in kLinkTraceId, 2 the trace's own ID
  kLinkTraceId = 41,   // fixed16, sparse: one value per link with kLinkTraceRef == 1
  kLinkSpanRef = 42,   // u64: 0 no span ID, 1 in kLinkSpanId, n+2 = ID of the n-th span
  kLinkSpanId = 43,    // fixed8, sparse: one value per link with kLinkSpanRef == 1
  kLinkTraceState = 44,
  kLinkDropped = 45,
  kLinkFlags = 46,
  kLinkExtra = 47,  // bytes: link fields stored verbatim (unknown, odd-length IDs)
  // trace, again (version 3)
  kTraceSpanEnd = 48,  // CSR into span: the trace's spans directly (= the three CSR steps)
  kFixedCount = 49,
};

// Attribute columns of a scope: base + AttrCol.
enum class AttrCol : uint16_t {
  kKeys = 0,           // u64 key-set code per owner row
  kGenericKey = 1,     // string, sparse: the key of each generic attribute
  kGenericString = 2,  // string, sparse
  kGenericInt = 3,     // u64 zigzag, sparse
  kGenericDouble = 4,  // f64, sparse
  kGenericBool = 5,    // u64 0/1, sparse
  kGenericOther = 6,   // bytes, sparse: the KeyValue after its key
  kCount = 7,
};

constexpr uint16_t kAttrColumnBase = 64;
constexpr uint16_t kAttrColumnStride = 16;

constexpr uint16_t AttrColumn(AttrScope s, AttrCol c) {
  return static_cast<uint16_t>(kAttrColumnBase + static_cast<int>(s) * kAttrColumnStride
                               + static_cast<int>(c));
}

// The generic value column of type t.
constexpr uint16_t GenericValueColumn(AttrScope s, AttrType t) {
  return AttrColumn(
      s, static_cast<AttrCol>(static_cast<int>(AttrCol::kGenericString) + static_cast<int>(t)));
}

// Promoted attribute columns: the i-th promoted (key, type) of scope s in a row group; the key
// names are in the row-group header. At most kMaxPromoted per scope and type.
constexpr uint16_t kPromotedBase = 256;
constexpr uint16_t kMaxPromoted = 256;
constexpr uint16_t kPromotedTypes = 4;  // string, int, double, bool

constexpr uint16_t PromotedColumn(AttrScope s, AttrType t, uint16_t i) {
  return static_cast<uint16_t>(
      kPromotedBase + (static_cast<int>(s) * kPromotedTypes + static_cast<int>(t)) * kMaxPromoted
      + i);
}

constexpr uint16_t kColumnIdLimit = kPromotedBase + kAttrScopes * kPromotedTypes * kMaxPromoted;

enum class Layout : uint8_t {
  kDense,   // one value per row of `table`
  kSparse,  // values for some rows of `table`, in row order (see the file comment)
};

struct ColumnInfo {
  Table table;  // the table whose rows the values belong to (for attributes: the owners)
  Kind kind;
  std::string_view name;  // "span.name", "attr.span.generic.key", "attr.span.string[*]", ...
  Layout layout = Layout::kDense;
};

// The table, kind and layout of a column ID, and a generic name for promoted columns (their key
// is only known to a row group: RowGroupReader::ColumnName). nullptr for IDs that are not
// columns.
const ColumnInfo* GetColumnInfo(uint16_t id);

// For promoted column IDs: its scope, type and index. False for other IDs.
bool DecodePromotedColumn(uint16_t id, AttrScope* scope, AttrType* type, uint16_t* index);

Table OwnerTable(AttrScope s);
std::string_view AttrScopeName(AttrScope s);
std::string_view AttrTypeName(AttrType t);
std::string_view TableName(Table t);

}  // namespace vivace::block
