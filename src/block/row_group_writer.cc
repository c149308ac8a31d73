#include "block/row_group_writer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include <absl/container/flat_hash_map.h>

#include "block/column_builder.h"
#include "block/row_group_format.h"
#include "block/row_group_writer_state.h"
#include "common/arena.h"
#include "common/protowire.h"

namespace vivace::block {

using protowire::Reader;
using protowire::WireType;

namespace {

constexpr uint16_t C(Col c) { return static_cast<uint16_t>(c); }

constexpr size_t T(Table t) { return static_cast<size_t>(t); }

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// The columns that map rows to their parents and shared rows: every span-level scan reads
// them (RowGroupWriterOptions::compress_scan_pages).
constexpr bool IsStructureColumn(uint16_t id) {
  return id == C(Col::kTraceRsEnd) || id == C(Col::kTraceSpanEnd) || id == C(Col::kRsResource)
         || id == C(Col::kRsSsEnd)
         || id == C(Col::kSsScope) || id == C(Col::kSsSpanEnd) || id == C(Col::kSpanEventEnd)
         || id == C(Col::kSpanLinkEnd);
}

// A KeyValue split into what the columns hold. Canonical scalar attributes (exactly a key then
// a value holding exactly one string/int/double/bool) get their type; everything else is
// kOther with the KeyValue's bytes after its key (or all of them, with an empty key, when the
// key does not come first) kept verbatim.
struct ParsedAttr {
  std::string_view key;
  AttrType type = AttrType::kOther;
  uint64_t num = 0;
  std::string_view str;
};

ParsedAttr ParseAttr(ByteView kv) {
  ParsedAttr a;
  Reader r(kv);
  ByteView value;
  int fields = 0;
  bool canonical = true;
  const uint8_t* after_key = kv.data();
  while (r.Next()) {
    ++fields;
    if (fields == 1 && r.field() == 1 && r.type() == WireType::kLen) {
      a.key = r.bytes().str();
      after_key = r.position();
    } else if (fields == 2 && r.field() == 2 && r.type() == WireType::kLen) {
      value = r.bytes();
    } else {
      canonical = false;
    }
  }
  canonical = canonical && r.ok() && fields == 2;
  if (canonical) {
    Reader v(value);
    int n = 0;
    while (v.Next()) {
      ++n;
      switch (v.field()) {
        case 1:
          a.type = v.type() == WireType::kLen ? AttrType::kString : AttrType::kOther;
          a.str = v.bytes().str();
          break;
        case 2:
          a.type =
              v.type() == WireType::kVarint && v.varint() <= 1 ? AttrType::kBool : AttrType::kOther;
          a.num = v.varint();
          break;
        case 3:
          a.type = v.type() == WireType::kVarint ? AttrType::kInt : AttrType::kOther;
          a.num = ZigZag(static_cast<int64_t>(v.varint()));
          break;
        case 4:
          a.type = v.type() == WireType::kI64 ? AttrType::kDouble : AttrType::kOther;
          a.num = v.varint();
          break;
        default:
          a.type = AttrType::kOther;
          break;
      }
    }
    if (v.ok() && n == 1 && a.type != AttrType::kOther) {
      return a;
    }
  }
  a.type = AttrType::kOther;
  a.num = 0;
  if (!r.ok() || after_key == kv.data()) {
    a.key = std::string_view();
    after_key = kv.data();
  }
  a.str = std::string_view(reinterpret_cast<const char*>(after_key),
                           static_cast<size_t>(kv.data() + kv.size() - after_key));
  return a;
}

}  // namespace

void RowGroupWriter::State::Reset() {
  std::fill(std::begin(rows), std::end(rows), 0);
  approx_bytes = 0;
  summary = RowGroupSummary();
  for (auto& v : u64) {
    v.clear();
  }
  for (auto& f : fixed) {
    f.clear();
  }
  for (size_t c = 0; c < str.size(); ++c) {
    const ColumnInfo* info = GetColumnInfo(static_cast<uint16_t>(c));
    if (info != nullptr && (info->kind == Kind::kString || info->kind == Kind::kBytes)) {
      str[c] = std::make_unique<StringBuffer>(info->kind == Kind::kString);
    }
  }
  parent_ext = SparseFixed();
  link_trace_id = SparseFixed();
  link_span_id = SparseFixed();
  for (ScopeState& a : attrs) {
    a.Clear();
  }
  resource_rows.clear();
  scope_rows.clear();
  resource_service.clear();
  dedupe_arena.Reset();
  copy_memos.clear();
  last_memo = nullptr;
}

void RowGroupWriter::State::AddAttributes(AttrScope s, std::span<const ByteView> list,
                                          std::string_view* service) {
  ScopeState& st = attrs[static_cast<int>(s)];
  st.scratch.clear();
  for (ByteView kv : list) {
    ParsedAttr a = ParseAttr(kv);
    if (service != nullptr && a.type == AttrType::kString && service->data() == nullptr
        && a.key == "service.name") {
      // Stored once in resource.service_name; a non-null data() marks it found.
      *service = a.str.data() == nullptr ? std::string_view("", 0) : a.str;
      st.scratch.push_back(kServiceKeyId);
      continue;
    }
    const uint32_t id = KeyId(st, a.key, a.type);
    AttrKey& k = *st.keys[id];
    k.count++;
    if (a.type == AttrType::kString || a.type == AttrType::kOther) {
      k.strs.Add(a.str);
    } else {
      k.nums.push_back(a.num);
    }
    st.scratch.push_back(id);
  }
  st.owner_keyset.push_back(KeySetIndex(st));
}

uint32_t RowGroupWriter::State::KeyId(ScopeState& st, std::string_view key, AttrType type) {
  auto it = st.by_key.find(key);
  if (it == st.by_key.end()) {
    std::array<int32_t, kAttrTypes> none;
    none.fill(-1);
    it = st.by_key.emplace(st.arena.CopyString(key), none).first;
  }
  int32_t& id = it->second[static_cast<size_t>(type)];
  if (id < 0) {
    id = static_cast<int32_t>(st.keys.size());
    st.keys.push_back(std::make_unique<AttrKey>(type));
    st.keys.back()->key = it->first;
  }
  return static_cast<uint32_t>(id);
}

uint32_t RowGroupWriter::State::KeySetIndex(ScopeState& st) {
  std::string_view bytes(reinterpret_cast<const char*>(st.scratch.data()),
                         st.scratch.size() * sizeof(uint32_t));
  auto it = st.keyset_index.find(bytes);
  if (it == st.keyset_index.end()) {
    auto* copy = static_cast<uint32_t*>(
        st.arena.Allocate(std::max<size_t>(bytes.size(), 1), alignof(uint32_t)));
    if (!bytes.empty()) {  // an empty key set: scratch.data() may be null
      std::memcpy(copy, st.scratch.data(), bytes.size());
    }
    std::string_view key(reinterpret_cast<const char*>(copy), bytes.size());
    it = st.keyset_index.emplace(key, static_cast<uint32_t>(st.keysets.size())).first;
    st.keysets.emplace_back(copy, st.scratch.size());
  }
  return it->second;
}

uint32_t RowGroupWriter::State::InternResource(ByteView bytes) {
  auto found = resource_rows.find(bytes.str());
  if (found != resource_rows.end()) {
    return found->second;
  }
  const uint32_t row = rows[T(Table::kResource)]++;
  resource_rows.emplace(dedupe_arena.CopyString(bytes.str()), row);
  kvs.clear();
  extra.clear();
  uint64_t dropped = 0;
  Reader r(bytes);
  const uint8_t* field_start = bytes.data();
  while (r.Next()) {
    if (r.field() == 1 && r.type() == WireType::kLen) {
      kvs.push_back(r.bytes());
    } else if (r.field() == 2 && r.type() == WireType::kVarint) {
      dropped = r.varint();
    } else {
      extra.append(reinterpret_cast<const char*>(field_start),
                   static_cast<size_t>(r.position() - field_start));
    }
    field_start = r.position();
  }
  if (!r.ok()) {  // keep a malformed resource whole
    kvs.clear();
    dropped = 0;
    extra.assign(bytes.str());
  }
  std::string_view service;  // data() == nullptr: no string service.name
  AddAttributes(AttrScope::kResource, kvs, &service);
  Str(Col::kResService, service);
  resource_service.push_back(dedupe_arena.CopyString(service));
  U64(Col::kResDropped, dropped);
  Str(Col::kResExtra, std::string_view(extra));
  return row;
}

uint32_t RowGroupWriter::State::InternScope(ByteView bytes) {
  auto found = scope_rows.find(bytes.str());
  if (found != scope_rows.end()) {
    return found->second;
  }
  const uint32_t row = rows[T(Table::kScope)]++;
  scope_rows.emplace(dedupe_arena.CopyString(bytes.str()), row);
  kvs.clear();
  extra.clear();
  ByteView name;
  ByteView version;
  uint64_t dropped = 0;
  Reader r(bytes);
  const uint8_t* field_start = bytes.data();
  while (r.Next()) {
    if (r.field() == 1 && r.type() == WireType::kLen) {
      name = r.bytes();
    } else if (r.field() == 2 && r.type() == WireType::kLen) {
      version = r.bytes();
    } else if (r.field() == 3 && r.type() == WireType::kLen) {
      kvs.push_back(r.bytes());
    } else if (r.field() == 4 && r.type() == WireType::kVarint) {
      dropped = r.varint();
    } else {
      extra.append(reinterpret_cast<const char*>(field_start),
                   static_cast<size_t>(r.position() - field_start));
    }
    field_start = r.position();
  }
  if (!r.ok()) {
    kvs.clear();
    name = version = ByteView();
    dropped = 0;
    extra.assign(bytes.str());
  }
  Str(Col::kScopeName, name);
  Str(Col::kScopeVersion, version);
  U64(Col::kScopeDropped, dropped);
  Str(Col::kScopeExtra, std::string_view(extra));
  AddAttributes(AttrScope::kScope, kvs, nullptr);
  return row;
}

int64_t RowGroupWriter::State::SpanIndex(ByteView id) {
  const std::vector<SpanShape>& spans = shape.spans;
  if (spans.size() <= 32) {
    for (size_t i = 0; i < spans.size(); ++i) {
      if (spans[i].id == id) {
        return static_cast<int64_t>(i);
      }
    }
    return -1;
  }
  if (span_index.empty()) {
    for (size_t i = 0; i < spans.size(); ++i) {
      if (spans[i].id.size() == 8) {
        uint64_t v;
        std::memcpy(&v, spans[i].id.data(), 8);
        span_index.try_emplace(v, static_cast<uint32_t>(i));
      }
    }
  }
  uint64_t v;
  std::memcpy(&v, id.data(), 8);
  auto it = span_index.find(v);
  // Both arms int64_t: with `-1 : it->second` the common type is uint32_t, and "not found"
  // became index 2^32 - 1 (a link to another trace's span in a trace of more than 32 spans).
  return it == span_index.end() ? int64_t{-1} : int64_t{it->second};
}

void RowGroupWriter::State::AddEvent(ByteView ev, uint64_t span_start) {
  uint64_t time = 0;
  ByteView name;
  uint64_t dropped = 0;
  kvs.clear();
  Reader r(ev);  // well formed: ParseTraceShape checked it
  while (r.Next()) {
    if (r.field() == 1 && r.type() == WireType::kI64) {
      time = r.varint();
    } else if (r.field() == 2 && r.type() == WireType::kLen) {
      name = r.bytes();
    } else if (r.field() == 3 && r.type() == WireType::kLen) {
      kvs.push_back(r.bytes());
    } else if (r.field() == 4 && r.type() == WireType::kVarint) {
      dropped = r.varint();
    }
  }
  U64(Col::kEventTimeRel, time - span_start);
  Str(Col::kEventName, name);
  U64(Col::kEventDropped, dropped);
  AddAttributes(AttrScope::kEvent, kvs, nullptr);
  rows[T(Table::kEvent)]++;
}

void RowGroupWriter::State::AddLink(ByteView link, ByteView trace_id) {
  const size_t row = rows[T(Table::kLink)]++;
  uint64_t trace_ref = 0;
  uint64_t span_ref = 0;
  ByteView state;
  uint64_t dropped = 0;
  uint64_t flags = 0;
  kvs.clear();
  extra.clear();
  Reader r(link);  // well formed: ParseTraceShape checked it
  const uint8_t* field_start = link.data();
  while (r.Next()) {
    bool keep = false;
    switch (r.field()) {
      case 1:
        if (r.type() != WireType::kLen || r.bytes().size() != 16) {
          keep = !(r.type() == WireType::kLen && r.bytes().empty());
        } else if (r.bytes() == trace_id) {
          trace_ref = 2;
        } else {
          trace_ref = 1;
          link_trace_id.bytes.append(r.bytes().str());
          CountValue(&link_trace_id.per_granule, row, granule);
        }
        break;
      case 2:
        if (r.type() != WireType::kLen || r.bytes().size() != 8) {
          keep = !(r.type() == WireType::kLen && r.bytes().empty());
        } else if (int64_t i = SpanIndex(r.bytes()); i >= 0) {
          span_ref = static_cast<uint64_t>(i) + 2;
        } else {
          span_ref = 1;
          link_span_id.bytes.append(r.bytes().str());
          CountValue(&link_span_id.per_granule, row, granule);
        }
        break;
      case 3:
        keep = r.type() != WireType::kLen;
        state = keep ? state : r.bytes();
        break;
      case 4:
        keep = r.type() != WireType::kLen;
        if (!keep) {
          kvs.push_back(r.bytes());
        }
        break;
      case 5:
        keep = r.type() != WireType::kVarint;
        dropped = keep ? dropped : r.varint();
        break;
      case 6:
        keep = r.type() != WireType::kI32;
        flags = keep ? flags : r.varint();
        break;
      default:
        keep = true;
        break;
    }
    if (keep) {
      extra.append(reinterpret_cast<const char*>(field_start),
                   static_cast<size_t>(r.position() - field_start));
    }
    field_start = r.position();
  }
  U64(Col::kLinkTraceRef, trace_ref);
  U64(Col::kLinkSpanRef, span_ref);
  Str(Col::kLinkTraceState, state);
  U64(Col::kLinkDropped, dropped);
  U64(Col::kLinkFlags, flags);
  Str(Col::kLinkExtra, std::string_view(extra));
  AddAttributes(AttrScope::kLink, kvs, nullptr);
}

void RowGroupWriter::State::AddSpan(const SpanShape& s, uint64_t trace_start, ByteView trace_id) {
  const size_t row = rows[T(Table::kSpan)]++;
  Fixed(Col::kSpanId, s.id, 8);
  U64(Col::kSpanParent, s.parent);
  if (s.parent == 1) {
    parent_ext.bytes.append(s.parent_id.str());
    CountValue(&parent_ext.per_granule, row, granule);
  }
  Str(Col::kSpanName, s.name);
  U64(Col::kSpanKind, s.kind);
  U64(Col::kSpanStatusCode, s.status_code);
  Str(Col::kSpanStatusMsg, s.status_message);
  U64(Col::kSpanStartRel, s.start - trace_start);
  U64(Col::kSpanDuration, s.end - s.start);
  Str(Col::kSpanTraceState, s.trace_state);
  U64(Col::kSpanFlags, s.flags);
  U64(Col::kSpanDroppedAttrs, s.dropped_attrs);
  U64(Col::kSpanDroppedEvents, s.dropped_events);
  U64(Col::kSpanDroppedLinks, s.dropped_links);
  U64(Col::kSpanEventEnd, rows[T(Table::kEvent)] + s.event_count);
  U64(Col::kSpanLinkEnd, rows[T(Table::kLink)] + s.link_count);
  if (s.extra_count == 0) {
    Str(Col::kSpanExtra, std::string_view());
  } else {
    extra.clear();
    for (uint32_t i = 0; i < s.extra_count; ++i) {
      extra.append(shape.extra[s.extra_begin + i].str());
    }
    Str(Col::kSpanExtra, std::string_view(extra));
  }
  AddAttributes(AttrScope::kSpan,
                std::span<const ByteView>(shape.attributes).subspan(s.attr_begin, s.attr_count),
                nullptr);
  for (uint32_t i = 0; i < s.event_count; ++i) {
    AddEvent(shape.events[s.event_begin + i], s.start);
  }
  for (uint32_t i = 0; i < s.link_count; ++i) {
    AddLink(shape.links[s.link_begin + i], trace_id);
  }
}

void RowGroupWriter::State::Summarize(const model::TraceId& id, uint64_t start, uint64_t end,
                                      uint32_t spans) {
  RowGroupSummary& sum = summary;
  const uint64_t duration = end - start;
  if (sum.n_traces == 0) {
    sum.min_id = id;
    sum.min_start = start;
    sum.max_end = end;
    sum.min_duration = sum.max_duration = duration;
  }
  sum.max_id = id;
  sum.n_traces++;
  sum.n_spans += spans;
  sum.min_start = std::min(sum.min_start, start);
  sum.max_end = std::max(sum.max_end, end);
  sum.min_duration = std::min(sum.min_duration, duration);
  sum.max_duration = std::max(sum.max_duration, duration);
}

RowGroupWriter::RowGroupWriter(RowGroupWriterOptions options)
    : state_(std::make_unique<State>(options)) {
  if (options.page_rows == 0) {
    options.page_rows = 4096;
    state_ = std::make_unique<State>(options);
  }
  state_->Reset();
}

RowGroupWriter::~RowGroupWriter() = default;

uint32_t RowGroupWriter::n_traces() const { return state_->summary.n_traces; }

size_t RowGroupWriter::approx_bytes() const { return state_->approx_bytes; }

Status RowGroupWriter::AddTrace(const model::TraceId& id, ByteView trace) {
  State& st = *state_;
  VV_RETURN_IF_ERROR(ParseTraceShape(trace, id.view(), &st.shape));
  const TraceShape& t = st.shape;
  st.span_index.clear();
  st.approx_bytes += trace.size();
  st.rows[T(Table::kTrace)]++;
  st.Fixed(Col::kTraceId, id.view(), 16);
  st.U64(Col::kTraceStart, t.start);
  st.U64(Col::kTraceEnd, t.end);
  st.U64(Col::kTraceDuration, t.end - t.start);
  st.Str(Col::kTraceRootName, t.root >= 0 ? t.spans[static_cast<size_t>(t.root)].name : ByteView());
  std::string_view root_service;
  for (const ResourceShape& res : t.resources) {
    const int64_t res_row = res.present ? int64_t{st.InternResource(res.bytes)} : -1;
    st.rows[T(Table::kResourceSpans)]++;
    st.U64(Col::kRsResource, static_cast<uint64_t>(res_row + 1));
    st.Str(Col::kRsSchemaUrl, res.schema_url);
    st.U64(Col::kRsSsEnd, st.rows[T(Table::kScopeSpans)] + res.scope_count);
    for (uint32_t si = res.first_scope; si < res.first_scope + res.scope_count; ++si) {
      const ScopeShape& sc = t.scopes[si];
      const int64_t scope_row = sc.present ? int64_t{st.InternScope(sc.bytes)} : -1;
      st.rows[T(Table::kScopeSpans)]++;
      st.U64(Col::kSsScope, static_cast<uint64_t>(scope_row + 1));
      st.Str(Col::kSsSchemaUrl, sc.schema_url);
      st.U64(Col::kSsSpanEnd, st.rows[T(Table::kSpan)] + sc.span_count);
      if (res_row >= 0 && t.root >= sc.first_span
          && t.root < int64_t{sc.first_span} + sc.span_count) {
        root_service = st.resource_service[static_cast<size_t>(res_row)];
      }
      for (uint32_t i = sc.first_span; i < sc.first_span + sc.span_count; ++i) {
        st.AddSpan(t.spans[i], t.start, id.view());
      }
    }
  }
  st.Str(Col::kTraceRootService, root_service);
  st.U64(Col::kTraceRsEnd, st.rows[T(Table::kResourceSpans)]);

  st.Summarize(id, t.start, t.end, static_cast<uint32_t>(t.spans.size()));
  return Status::Ok();
}

void RowGroupWriter::State::EncodeAttributes(AttrScope s, std::vector<ChunkDesc>* chunks,
                                             std::string* out, ScopeAttrs* header) {
  ScopeState& st = attrs[static_cast<int>(s)];
  const uint32_t page_rows = options.page_rows;
  const size_t owners = st.owner_keyset.size();
  const size_t n_granules = (owners + granule - 1) / granule;
  // Promotion: scalar keys seen at least min_promote_count times, the most frequent first,
  // at most kMaxPromoted per type; listed by (type, key).
  std::vector<uint32_t> candidates;
  for (uint32_t k = 0; k < st.keys.size(); ++k) {
    const AttrKey& key = *st.keys[k];
    if (key.type != AttrType::kOther && key.count >= options.min_promote_count) {
      candidates.push_back(k);
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [&](uint32_t a, uint32_t b) { return st.keys[a]->count > st.keys[b]->count; });
  std::array<uint32_t, kPromotedTypes> per_type{};
  std::vector<uint32_t> promoted;
  for (uint32_t k : candidates) {
    uint32_t& n = per_type[static_cast<size_t>(st.keys[k]->type)];
    if (n < kMaxPromoted) {
      ++n;
      promoted.push_back(k);
    }
  }
  std::sort(promoted.begin(), promoted.end(), [&](uint32_t a, uint32_t b) {
    const AttrKey& x = *st.keys[a];
    const AttrKey& y = *st.keys[b];
    return x.type != y.type ? x.type < y.type : x.key < y.key;
  });
  std::vector<int32_t> slot_of(st.keys.size(), -1);
  std::array<uint16_t, kPromotedTypes> index_of_type{};
  std::vector<uint16_t> column_of(promoted.size());
  for (size_t i = 0; i < promoted.size(); ++i) {
    const AttrKey& k = *st.keys[promoted[i]];
    slot_of[promoted[i]] = static_cast<int32_t>(i);
    column_of[i] = PromotedColumn(s, k.type, index_of_type[static_cast<size_t>(k.type)]++);
    header->promoted.push_back({std::string(k.key), k.type, column_of[i]});
  }
  // Key sets in slot form (distinct original sets may become equal).
  auto slot = [&](uint32_t id) -> uint32_t {
    if (id == kServiceKeyId) {
      return kServiceNameSlot;
    }
    const int32_t p = slot_of[id];
    return p >= 0 ? static_cast<uint32_t>(p)
                  : kGenericSlot + static_cast<uint32_t>(st.keys[id]->type);
  };
  std::vector<uint64_t> final_of(st.keysets.size());
  std::map<std::vector<uint32_t>, uint32_t> final_index;
  std::vector<uint32_t> slots;
  bool any_generic = false;
  for (size_t k = 0; k < st.keysets.size(); ++k) {
    slots.clear();
    for (uint32_t id : st.keysets[k]) {
      slots.push_back(slot(id));
      any_generic =
          any_generic || (slots.back() >= kGenericSlot && slots.back() != kServiceNameSlot);
    }
    auto [it, inserted] =
        final_index.try_emplace(slots, static_cast<uint32_t>(header->keysets.size()));
    if (inserted) {
      header->keysets.push_back(slots);
    }
    final_of[k] = it->second;
  }
  std::vector<uint64_t> keyset_codes(owners);
  for (size_t o = 0; o < owners; ++o) {
    keyset_codes[o] = final_of[st.owner_keyset[o]];
  }
  const PageCompression comp = options.compression;
  const PageCompression scan_comp =
      options.compress_scan_pages ? comp : PageCompression{Codec::kNone, 0};
  chunks->push_back(EncodeU64Chunk(AttrColumn(s, AttrCol::kKeys), keyset_codes,
                                   DensePages(owners, page_rows), comp, out));
  chunks->back().page_rows = page_rows;
  // Sparse chunks: numbers at page_rows, strings at what keeps their pages small.
  auto sparse = [&](const std::vector<uint32_t>& per_granule, uint32_t rows_per_page) {
    return SparsePages(per_granule, granule, rows_per_page);
  };
  auto string_rows = [&](const StringBuffer& b) {
    return ChoosePageRows(static_cast<double>(b.page_bytes()) / static_cast<double>(owners),
                          page_rows, granule, options.target_page_bytes);
  };
  auto add_strings = [&](uint16_t column, Kind kind, const StringBuffer& b,
                         const std::vector<uint32_t>& per_granule) {
    const uint32_t pr = string_rows(b);
    chunks->push_back(
        EncodeStringChunk(column, kind, b, sparse(per_granule, pr), comp, scan_comp, out));
    chunks->back().page_rows = pr;
  };
  auto add_numbers = [&](uint16_t column, bool f64, const std::vector<uint64_t>& values,
                         const std::vector<uint32_t>& per_granule) {
    const std::vector<PageSpan> pages = sparse(per_granule, page_rows);
    chunks->push_back(f64 ? EncodeF64Chunk(column, values, pages, comp, out)
                          : EncodeU64Chunk(column, values, pages, comp, out));
    chunks->back().page_rows = page_rows;
  };

  if (any_generic) {
    // Generic attributes in owner order: walk the owners' key sets, taking each non-promoted
    // key's next value.
    StringBuffer keys(true);
    StringBuffer strings(true);
    StringBuffer others(false);
    std::vector<uint64_t> ints;
    std::vector<uint64_t> doubles;
    std::vector<uint64_t> bools;
    std::vector<uint32_t> key_granules(n_granules, 0);
    std::array<std::vector<uint32_t>, kAttrTypes> type_granules;
    for (auto& v : type_granules) {
      v.assign(n_granules, 0);
    }
    std::vector<uint32_t> cursor(st.keys.size(), 0);
    for (size_t o = 0; o < owners; ++o) {
      for (uint32_t id : st.keysets[st.owner_keyset[o]]) {
        if (id == kServiceKeyId || slot_of[id] >= 0) {
          continue;
        }
        const AttrKey& k = *st.keys[id];
        const uint32_t at = cursor[id]++;
        keys.Add(k.key);
        key_granules[o / granule]++;
        type_granules[static_cast<size_t>(k.type)][o / granule]++;
        switch (k.type) {
          case AttrType::kString:
            strings.Add(k.strs.Get(at));
            break;
          case AttrType::kOther:
            others.Add(k.strs.Get(at));
            break;
          case AttrType::kInt:
            ints.push_back(k.nums[at]);
            break;
          case AttrType::kDouble:
            doubles.push_back(k.nums[at]);
            break;
          case AttrType::kBool:
            bools.push_back(k.nums[at]);
            break;
          case AttrType::kCount:
            break;
        }
      }
    }
    add_strings(AttrColumn(s, AttrCol::kGenericKey), Kind::kString, keys, key_granules);
    auto tg = [&](AttrType t) -> const std::vector<uint32_t>& {
      return type_granules[static_cast<size_t>(t)];
    };
    if (strings.size() > 0) {
      add_strings(GenericValueColumn(s, AttrType::kString), Kind::kString, strings,
                  tg(AttrType::kString));
    }
    if (!ints.empty()) {
      add_numbers(GenericValueColumn(s, AttrType::kInt), false, ints, tg(AttrType::kInt));
    }
    if (!doubles.empty()) {
      add_numbers(GenericValueColumn(s, AttrType::kDouble), true, doubles, tg(AttrType::kDouble));
    }
    if (!bools.empty()) {
      add_numbers(GenericValueColumn(s, AttrType::kBool), false, bools, tg(AttrType::kBool));
    }
    if (others.size() > 0) {
      add_strings(GenericValueColumn(s, AttrType::kOther), Kind::kBytes, others,
                  tg(AttrType::kOther));
    }
  }
  // Values of each promoted column per granule of owners, counted per key set: a granule's
  // owners share few key sets, so this costs far less than counting every value as it comes.
  std::vector<std::vector<uint32_t>> per_granule(promoted.size(),
                                                 std::vector<uint32_t>(n_granules, 0));
  if (!promoted.empty()) {
    std::vector<uint32_t> histogram(st.keysets.size(), 0);
    std::vector<uint32_t> seen;
    for (size_t g = 0; g < n_granules; ++g) {
      seen.clear();
      const size_t end = std::min(owners, (g + 1) * granule);
      for (size_t o = g * granule; o < end; ++o) {
        const uint64_t k = st.owner_keyset[o];
        if (histogram[k]++ == 0) {
          seen.push_back(static_cast<uint32_t>(k));
        }
      }
      for (uint32_t k : seen) {
        for (uint32_t id : st.keysets[k]) {
          if (id != kServiceKeyId && slot_of[id] >= 0) {
            per_granule[static_cast<size_t>(slot_of[id])][g] += histogram[k];
          }
        }
        histogram[k] = 0;
      }
    }
  }
  // Promoted columns, in column ID order (= the header's order: by type, then key).
  for (size_t i = 0; i < promoted.size(); ++i) {
    AttrKey& k = *st.keys[promoted[i]];
    if (k.type == AttrType::kString) {
      add_strings(column_of[i], Kind::kString, k.strs, per_granule[i]);
    } else {
      add_numbers(column_of[i], k.type == AttrType::kDouble, k.nums, per_granule[i]);
    }
  }
}

std::string RowGroupWriter::Finish(RowGroupSummary* summary) {
  State& st = *state_;
  RowGroupHeader header;
  std::copy(std::begin(st.rows), std::end(st.rows), std::begin(header.rows));
  header.n_traces = st.rows[T(Table::kTrace)];
  const uint32_t page_rows = st.options.page_rows;
  const PageCompression comp = st.options.compression;
  const PageCompression scan_comp =
      st.options.compress_scan_pages ? comp : PageCompression{Codec::kNone, 0};
  // trace.span_end from the three CSR steps (trace -> resource_spans -> scope_spans -> span),
  // so that it holds however the structure columns were filled.
  {
    const std::vector<uint64_t>& trace_rs = st.u64[C(Col::kTraceRsEnd)];
    const std::vector<uint64_t>& rs_ss = st.u64[C(Col::kRsSsEnd)];
    const std::vector<uint64_t>& ss_span = st.u64[C(Col::kSsSpanEnd)];
    std::vector<uint64_t>& span_end = st.u64[C(Col::kTraceSpanEnd)];
    span_end.clear();
    span_end.reserve(trace_rs.size());
    for (uint64_t rs : trace_rs) {
      const uint64_t ss = rs == 0 ? 0 : rs_ss[rs - 1];
      span_end.push_back(ss == 0 ? 0 : ss_span[ss - 1]);
    }
  }
  std::string data;
  std::vector<ChunkDesc>& chunks = header.chunks;
  for (uint16_t id = 0; id < static_cast<uint16_t>(Col::kFixedCount); ++id) {
    const ColumnInfo* info = GetColumnInfo(id);
    const auto table = static_cast<size_t>(info->table);
    const uint32_t rows = st.rows[table];
    if (rows == 0) {
      continue;
    }
    const std::vector<PageSpan> dense = DensePages(rows, page_rows);
    if (info->layout == Layout::kSparse) {
      SparseFixed& sf = id == C(Col::kSpanParentExt) ? st.parent_ext
                        : id == C(Col::kLinkTraceId) ? st.link_trace_id
                                                     : st.link_span_id;
      if (!sf.bytes.empty()) {
        sf.per_granule.resize((rows + st.granule - 1) / st.granule, 0);
        chunks.push_back(EncodeFixedChunk(
            id, info->kind, sf.bytes, SparsePages(sf.per_granule, st.granule, page_rows), &data));
        chunks.back().page_rows = page_rows;
      }
      continue;
    }
    switch (info->kind) {
      case Kind::kU64:
        chunks.push_back(EncodeU64Chunk(
            id, st.u64[id], dense, IsStructureColumn(id) ? scan_comp : comp, &data));
        chunks.back().page_rows = page_rows;
        break;
      case Kind::kFixed8:
      case Kind::kFixed16:
        chunks.push_back(EncodeFixedChunk(id, info->kind, st.fixed[id], dense, &data));
        chunks.back().page_rows = page_rows;
        break;
      case Kind::kString:
      case Kind::kBytes: {
        const StringBuffer& b = *st.str[id];
        const uint32_t pr = ChoosePageRows(static_cast<double>(b.page_bytes()) / rows, page_rows,
                                           st.granule, st.options.target_page_bytes);
        chunks.push_back(
            EncodeStringChunk(id, info->kind, b, DensePages(rows, pr), comp, scan_comp, &data));
        chunks.back().page_rows = pr;
        break;
      }
      case Kind::kF64:
        break;
    }
  }
  for (int s = 0; s < kAttrScopes; ++s) {
    if (!st.attrs[s].owner_keyset.empty()) {
      st.EncodeAttributes(static_cast<AttrScope>(s), &chunks, &data, &header.attrs[s]);
    }
  }
  // Chunks were encoded table by table; the format lists them by column ID.
  std::sort(chunks.begin(), chunks.end(),
            [](const ChunkDesc& a, const ChunkDesc& b) { return a.column < b.column; });
  std::string area;
  area.reserve(data.size());
  for (ChunkDesc& c : chunks) {
    area.append(data, c.offset, c.length);
    c.offset = static_cast<uint32_t>(area.size() - c.length);
  }
  std::string out =
      AssembleRowGroup(EncodeRowGroupHeader(header), area, st.options.compress_header);
  *summary = st.summary;
  st.Reset();
  return out;
}

}  // namespace vivace::block
