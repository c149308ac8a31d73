#include "block/schema.h"

#include <array>
#include <string>

namespace vivace::block {
namespace {

struct Entry {
  Col id;
  ColumnInfo info;
};

constexpr Entry kFixed[] = {
    {Col::kTraceId, {Table::kTrace, Kind::kFixed16, "trace.id"}},
    {Col::kTraceStart, {Table::kTrace, Kind::kU64, "trace.start"}},
    {Col::kTraceEnd, {Table::kTrace, Kind::kU64, "trace.end"}},
    {Col::kTraceDuration, {Table::kTrace, Kind::kU64, "trace.duration"}},
    {Col::kTraceRootService, {Table::kTrace, Kind::kString, "trace.root_service"}},
    {Col::kTraceRootName, {Table::kTrace, Kind::kString, "trace.root_name"}},
    {Col::kTraceRsEnd, {Table::kTrace, Kind::kU64, "trace.resource_spans_end"}},
    {Col::kRsResource, {Table::kResourceSpans, Kind::kU64, "resource_spans.resource"}},
    {Col::kRsSchemaUrl, {Table::kResourceSpans, Kind::kString, "resource_spans.schema_url"}},
    {Col::kRsSsEnd, {Table::kResourceSpans, Kind::kU64, "resource_spans.scope_spans_end"}},
    {Col::kResService, {Table::kResource, Kind::kString, "resource.service_name"}},
    {Col::kResDropped, {Table::kResource, Kind::kU64, "resource.dropped_attributes"}},
    {Col::kResExtra, {Table::kResource, Kind::kBytes, "resource.extra"}},
    {Col::kSsScope, {Table::kScopeSpans, Kind::kU64, "scope_spans.scope"}},
    {Col::kSsSchemaUrl, {Table::kScopeSpans, Kind::kString, "scope_spans.schema_url"}},
    {Col::kSsSpanEnd, {Table::kScopeSpans, Kind::kU64, "scope_spans.span_end"}},
    {Col::kScopeName, {Table::kScope, Kind::kString, "scope.name"}},
    {Col::kScopeVersion, {Table::kScope, Kind::kString, "scope.version"}},
    {Col::kScopeDropped, {Table::kScope, Kind::kU64, "scope.dropped_attributes"}},
    {Col::kScopeExtra, {Table::kScope, Kind::kBytes, "scope.extra"}},
    {Col::kSpanId, {Table::kSpan, Kind::kFixed8, "span.id"}},
    {Col::kSpanParent, {Table::kSpan, Kind::kU64, "span.parent"}},
    {Col::kSpanParentExt, {Table::kSpan, Kind::kFixed8, "span.parent_external", Layout::kSparse}},
    {Col::kSpanName, {Table::kSpan, Kind::kString, "span.name"}},
    {Col::kSpanKind, {Table::kSpan, Kind::kU64, "span.kind"}},
    {Col::kSpanStatusCode, {Table::kSpan, Kind::kU64, "span.status_code"}},
    {Col::kSpanStatusMsg, {Table::kSpan, Kind::kString, "span.status_message"}},
    {Col::kSpanStartRel, {Table::kSpan, Kind::kU64, "span.start_relative"}},
    {Col::kSpanDuration, {Table::kSpan, Kind::kU64, "span.duration"}},
    {Col::kSpanTraceState, {Table::kSpan, Kind::kString, "span.trace_state"}},
    {Col::kSpanFlags, {Table::kSpan, Kind::kU64, "span.flags"}},
    {Col::kSpanDroppedAttrs, {Table::kSpan, Kind::kU64, "span.dropped_attributes"}},
    {Col::kSpanDroppedEvents, {Table::kSpan, Kind::kU64, "span.dropped_events"}},
    {Col::kSpanDroppedLinks, {Table::kSpan, Kind::kU64, "span.dropped_links"}},
    {Col::kSpanEventEnd, {Table::kSpan, Kind::kU64, "span.event_end"}},
    {Col::kSpanLinkEnd, {Table::kSpan, Kind::kU64, "span.link_end"}},
    {Col::kSpanExtra, {Table::kSpan, Kind::kBytes, "span.extra"}},
    {Col::kEventTimeRel, {Table::kEvent, Kind::kU64, "event.time_relative"}},
    {Col::kEventName, {Table::kEvent, Kind::kString, "event.name"}},
    {Col::kEventDropped, {Table::kEvent, Kind::kU64, "event.dropped_attributes"}},
    {Col::kLinkTraceRef, {Table::kLink, Kind::kU64, "link.trace_ref"}},
    {Col::kLinkTraceId, {Table::kLink, Kind::kFixed16, "link.trace_id", Layout::kSparse}},
    {Col::kLinkSpanRef, {Table::kLink, Kind::kU64, "link.span_ref"}},
    {Col::kLinkSpanId, {Table::kLink, Kind::kFixed8, "link.span_id", Layout::kSparse}},
    {Col::kLinkTraceState, {Table::kLink, Kind::kString, "link.trace_state"}},
    {Col::kLinkDropped, {Table::kLink, Kind::kU64, "link.dropped_attributes"}},
    {Col::kLinkFlags, {Table::kLink, Kind::kU64, "link.flags"}},
    {Col::kLinkExtra, {Table::kLink, Kind::kBytes, "link.extra"}},
    {Col::kTraceSpanEnd, {Table::kTrace, Kind::kU64, "trace.span_end"}},
};

constexpr Kind kGenericKinds[kAttrTypes] = {Kind::kString, Kind::kU64, Kind::kF64, Kind::kU64,
                                            Kind::kBytes};
constexpr std::string_view kAttrColNames[] = {"keys",         "generic.key",    "generic.string",
                                              "generic.int",  "generic.double", "generic.bool",
                                              "generic.other"};

struct Registry {
  std::array<ColumnInfo, kPromotedBase> infos{};
  std::array<bool, kPromotedBase> present{};
  std::array<ColumnInfo, kAttrScopes * kPromotedTypes> promoted{};
  std::array<std::string, kPromotedBase + kAttrScopes * kPromotedTypes> names;

  Registry() {
    for (const Entry& e : kFixed) {
      auto id = static_cast<size_t>(e.id);
      infos[id] = e.info;
      present[id] = true;
    }
    for (int s = 0; s < kAttrScopes; ++s) {
      auto scope = static_cast<AttrScope>(s);
      Table owner = OwnerTable(scope);
      for (int c = 0; c < static_cast<int>(AttrCol::kCount); ++c) {
        uint16_t id = AttrColumn(scope, static_cast<AttrCol>(c));
        names[id] =
            "attr." + std::string(AttrScopeName(scope)) + "." + std::string(kAttrColNames[c]);
        Kind kind = c == 0   ? Kind::kU64
                    : c == 1 ? Kind::kString
                             : kGenericKinds[c - static_cast<int>(AttrCol::kGenericString)];
        infos[id] = {owner, kind, names[id], c == 0 ? Layout::kDense : Layout::kSparse};
        present[id] = true;
      }
      for (int t = 0; t < kPromotedTypes; ++t) {
        size_t slot = static_cast<size_t>(s * kPromotedTypes + t);
        std::string& name = names[kPromotedBase + slot];
        name = "attr." + std::string(AttrScopeName(scope)) + "."
               + std::string(AttrTypeName(static_cast<AttrType>(t))) + "[*]";
        promoted[slot] = {owner, kGenericKinds[t], name, Layout::kSparse};
      }
    }
  }
};

const Registry& Reg() {
  static const Registry r;
  return r;
}

}  // namespace

const ColumnInfo* GetColumnInfo(uint16_t id) {
  if (id < kPromotedBase) {
    return Reg().present[id] ? &Reg().infos[id] : nullptr;
  }
  AttrScope s;
  AttrType t;
  uint16_t i;
  if (!DecodePromotedColumn(id, &s, &t, &i)) {
    return nullptr;
  }
  return &Reg().promoted[static_cast<size_t>(static_cast<int>(s) * kPromotedTypes
                                             + static_cast<int>(t))];
}

bool DecodePromotedColumn(uint16_t id, AttrScope* scope, AttrType* type, uint16_t* index) {
  if (id < kPromotedBase || id >= kColumnIdLimit) {
    return false;
  }
  int rel = id - kPromotedBase;
  int group = rel / kMaxPromoted;
  *index = static_cast<uint16_t>(rel % kMaxPromoted);
  *scope = static_cast<AttrScope>(group / kPromotedTypes);
  *type = static_cast<AttrType>(group % kPromotedTypes);
  return true;
}

Table OwnerTable(AttrScope s) {
  switch (s) {
    case AttrScope::kResource:
      return Table::kResource;
    case AttrScope::kScope:
      return Table::kScope;
    case AttrScope::kSpan:
      return Table::kSpan;
    case AttrScope::kEvent:
      return Table::kEvent;
    case AttrScope::kLink:
    case AttrScope::kCount:
      break;
  }
  return Table::kLink;
}

std::string_view AttrScopeName(AttrScope s) {
  static constexpr std::string_view kNames[] = {"resource", "scope", "span", "event", "link"};
  return kNames[static_cast<int>(s)];
}

std::string_view AttrTypeName(AttrType t) {
  static constexpr std::string_view kNames[] = {"string", "int", "double", "bool", "other"};
  return kNames[static_cast<int>(t)];
}

std::string_view TableName(Table t) {
  static constexpr std::string_view kNames[] = {
      "trace", "resource_spans", "resource", "scope_spans", "scope", "span", "event", "link"};
  return kNames[static_cast<int>(t)];
}

}  // namespace vivace::block
