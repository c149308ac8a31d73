#include "block/schema.h"

#include <array>
#include <string>

namespace vivace::block {
namespace {

struct Entry {
  uint16_t id;
  ColumnInfo info;
};

constexpr Entry kFixed[] = {
    {0, {Table::kTrace, Kind::kFixed16, "trace.id"}},
    {1, {Table::kTrace, Kind::kU64, "trace.start"}},
    {2, {Table::kTrace, Kind::kU64, "trace.end"}},
    {3, {Table::kTrace, Kind::kString, "trace.root_service"}},
    {4, {Table::kTrace, Kind::kString, "trace.root_name"}},
    {5, {Table::kTrace, Kind::kU64, "trace.span_count"}},
    {6, {Table::kTrace, Kind::kU64, "trace.resource_end"}},
    {7, {Table::kResource, Kind::kU64, "resource.scope_end"}},
    {8, {Table::kResource, Kind::kString, "resource.service_name"}},
    {9, {Table::kResource, Kind::kU64, "resource.service_name_pos"}},
    {10, {Table::kResource, Kind::kU64, "resource.dropped_attributes"}},
    {11, {Table::kResource, Kind::kBytes, "resource.extra"}},
    {12, {Table::kScope, Kind::kU64, "scope.span_end"}},
    {13, {Table::kScope, Kind::kString, "scope.name"}},
    {14, {Table::kScope, Kind::kString, "scope.version"}},
    {15, {Table::kScope, Kind::kU64, "scope.dropped_attributes"}},
    {16, {Table::kSpan, Kind::kFixed8, "span.id"}},
    {17, {Table::kSpan, Kind::kU64, "span.parent"}},
    {18, {Table::kSpan, Kind::kFixed8, "span.parent_external"}},
    {19, {Table::kSpan, Kind::kString, "span.name"}},
    {20, {Table::kSpan, Kind::kU64, "span.kind"}},
    {21, {Table::kSpan, Kind::kU64, "span.status_code"}},
    {22, {Table::kSpan, Kind::kString, "span.status_message"}},
    {23, {Table::kSpan, Kind::kU64, "span.start_relative"}},
    {24, {Table::kSpan, Kind::kU64, "span.duration"}},
    {25, {Table::kSpan, Kind::kString, "span.trace_state"}},
    {26, {Table::kSpan, Kind::kU64, "span.flags"}},
    {27, {Table::kSpan, Kind::kU64, "span.dropped_attributes"}},
    {28, {Table::kSpan, Kind::kU64, "span.dropped_events"}},
    {29, {Table::kSpan, Kind::kU64, "span.dropped_links"}},
    {30, {Table::kSpan, Kind::kU64, "span.event_end"}},
    {31, {Table::kSpan, Kind::kU64, "span.link_end"}},
    {32, {Table::kSpan, Kind::kU64, "span.nested_left"}},
    {33, {Table::kSpan, Kind::kU64, "span.nested_right"}},
    {34, {Table::kEvent, Kind::kU64, "event.time_relative"}},
    {35, {Table::kEvent, Kind::kString, "event.name"}},
    {36, {Table::kEvent, Kind::kU64, "event.dropped_attributes"}},
    {37, {Table::kLink, Kind::kFixed16, "link.trace_id"}},
    {38, {Table::kLink, Kind::kFixed8, "link.span_id"}},
    {39, {Table::kLink, Kind::kU64, "link.id_mask"}},
    {40, {Table::kLink, Kind::kString, "link.trace_state"}},
    {41, {Table::kLink, Kind::kU64, "link.dropped_attributes"}},
    {42, {Table::kLink, Kind::kU64, "link.flags"}},
};

constexpr Kind kValueKinds[kAttrTypes] = {Kind::kString, Kind::kU64, Kind::kF64, Kind::kU64,
                                          Kind::kBytes};

struct Registry {
  std::array<ColumnInfo, kColumnCount> infos{};
  std::array<bool, kColumnCount> present{};
  std::array<std::string, kColumnCount> names;

  Registry() {
    for (const Entry& e : kFixed) {
      infos[e.id] = e.info;
      present[e.id] = true;
    }
    for (int s = 0; s < kAttrScopes; ++s) {
      for (int t = 0; t < kAttrTypes; ++t) {
        auto scope = static_cast<AttrScope>(s);
        auto type = static_cast<AttrType>(t);
        std::string base =
            "attr." + std::string(AttrScopeName(scope)) + "." + std::string(AttrTypeName(type));
        uint16_t end = AttrEndColumn(scope, type);
        names[end] = base + ".end";
        names[end + 1] = base + ".key";
        names[end + 2] = base + ".value";
        infos[end] = {OwnerTable(scope), Kind::kU64, names[end]};
        infos[end + 1] = {AttrTable(scope, type), Kind::kString, names[end + 1]};
        infos[end + 2] = {AttrTable(scope, type), kValueKinds[t], names[end + 2]};
        present[end] = present[end + 1] = present[end + 2] = true;
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
  if (id >= kColumnCount || !Reg().present[id]) {
    return nullptr;
  }
  return &Reg().infos[id];
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
  static constexpr std::string_view kNames[] = {"trace", "resource", "scope",
                                                "span",  "event",    "link"};
  int i = static_cast<int>(t);
  return i < static_cast<int>(Table::kAttrFirst) ? kNames[i] : "attributes";
}

}  // namespace vivace::block
