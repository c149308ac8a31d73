// RowGroupWriter::CopyTrace: compaction's column copy. A trace of a decoded row group is added
// row by row from its columns into the writer's buffers, exactly as AddTrace would shred its
// rebuilt protobuf (docs/block-format.md §8): CSR ends are rebased, span-relative values
// (parent and link indexes, relative times) carry over unchanged, resources and scopes are
// interned through their rebuilt messages (once per source row), strings and attribute keys are
// looked up once per distinct source dictionary code, and key sets without generic slots once
// per source key set. Promotion is still decided by Finish from the counts.

#include <algorithm>

#include "block/decoded_row_group.h"
#include "block/row_group_writer.h"
#include "block/row_group_writer_state.h"

namespace vivace::block {

namespace {

constexpr size_t T(Table t) { return static_cast<size_t>(t); }

constexpr size_t I(Col c) { return static_cast<size_t>(c); }

constexpr uint32_t kUnset = CopyMemo::kUnset;

// Rough protobuf bytes of the fields a row carries besides its strings and attributes, for the
// row-group cutting measure (AddTrace counts the serialized trace).
constexpr size_t kSpanBytes = 64;   // trace and span IDs, parent, times, kind, framing
constexpr size_t kEventBytes = 14;  // time, framing
constexpr size_t kLinkBytes = 40;   // IDs, framing
constexpr size_t kAttrBytes = 6;    // KeyValue and AnyValue framing

std::vector<uint32_t>& Sized(std::vector<uint32_t>& map, const Dictionary& dict) {
  if (map.empty()) {
    map.assign(dict.size(), kUnset);
  }
  return map;
}

// Average bytes of a column's values, for the size estimate.
size_t AverageBytes(const DecodedStrings& d) {
  if (d.dict == nullptr || d.dict->size() == 0) {
    return 16;
  }
  return d.dict->value_bytes() / d.dict->size();
}

}  // namespace

CopyMemo& RowGroupWriter::State::MemoFor(const DecodedRowGroup& src) {
  if (last_memo != nullptr && last_memo_serial == src.serial()) {
    return *last_memo;
  }
  std::unique_ptr<CopyMemo>& m = copy_memos[src.serial()];
  if (!m) {
    m = std::make_unique<CopyMemo>();
    m->resource_row.assign(src.rows(Table::kResource), kUnset);
    m->scope_row.assign(src.rows(Table::kScope), kUnset);
    for (AttrScope s : {AttrScope::kSpan, AttrScope::kEvent, AttrScope::kLink}) {
      const ScopeAttrs& sa = src.header_attrs(s);
      CopyMemo::Scope& sc = m->scopes[static_cast<size_t>(s)];
      sc.promoted_key.assign(sa.promoted.size(), kUnset);
      sc.promoted_codes.resize(sa.promoted.size());
      sc.plans.resize(sa.keysets.size());
      sc.generic.resize(sa.keysets.size());
      for (size_t k = 0; k < sa.keysets.size(); ++k) {
        sc.generic[k] = std::any_of(sa.keysets[k].begin(), sa.keysets[k].end(),
                                    [](uint32_t slot) { return slot >= kGenericSlot; });
      }
    }
  }
  last_memo = m.get();
  last_memo_serial = src.serial();
  return *m;
}

void RowGroupWriter::State::CopyStrings(Col c, const DecodedRowGroup& src, CopyMemo& memo,
                                        uint32_t begin, uint32_t end) {
  StringBuffer& b = *str[I(c)];
  const DecodedStrings& d = src.str(c);
  if (d.dict == nullptr || !b.dictionary()) {
    for (uint32_t i = begin; i < end; ++i) {
      std::string_view v = d.Get(i);
      approx_bytes += v.size();
      b.Add(v);
    }
    return;
  }
  std::vector<uint32_t>& map = Sized(memo.codes[I(c)], *d.dict);
  for (uint32_t i = begin; i < end; ++i) {
    const uint32_t code = d.codes[i];
    uint32_t& id = map[code];
    std::string_view v = d.dict->value(code);
    approx_bytes += v.size();
    if (id != kUnset && b.dictionary()) {
      b.AddId(id);
    } else {
      id = b.Add(v);  // kNoId (== kUnset) once the buffer holds plain bytes
    }
  }
}

CopyMemo::Plan* RowGroupWriter::State::PlanFor(AttrScope s, const DecodedRowGroup& src,
                                               CopyMemo::Scope& memo, uint32_t keyset) {
  std::unique_ptr<CopyMemo::Plan>& plan = memo.plans[keyset];
  if (plan) {
    return plan.get();
  }
  ScopeState& st = attrs[static_cast<int>(s)];
  const DecodedAttrs& a = src.attrs(s);
  const ScopeAttrs& sa = src.header_attrs(s);
  plan = std::make_unique<CopyMemo::Plan>();
  st.scratch.clear();
  for (uint32_t slot : sa.keysets[keyset]) {  // promoted slots only (no generic ones)
    const PromotedKey& p = sa.promoted[slot];
    uint32_t& known = memo.promoted_key[slot];
    if (known == kUnset) {
      known = KeyId(st, p.key, p.type);
    }
    CopyMemo::Plan::Step step;
    step.key = st.keys[known].get();
    step.column = slot;
    step.number = p.type != AttrType::kString;
    const DecodedStrings& values = a.strs[slot];
    if (!step.number && values.dict != nullptr) {
      step.codes = &Sized(memo.promoted_codes[slot], *values.dict);
    }
    plan->bytes += p.key.size() + kAttrBytes + (step.number ? 9 : AverageBytes(values));
    plan->steps.push_back(step);
    st.scratch.push_back(known);
  }
  plan->keyset = KeySetIndex(st);
  return plan.get();
}

size_t RowGroupWriter::State::CopyAttributes(AttrScope s, const DecodedRowGroup& src,
                                             CopyMemo::Scope& memo, uint32_t row) {
  ScopeState& st = attrs[static_cast<int>(s)];
  const DecodedAttrs& a = src.attrs(s);
  const auto source_keyset = static_cast<uint32_t>(a.keyset[row]);
  const uint32_t first = a.begin[row];
  if (!memo.generic[source_keyset]) {
    const CopyMemo::Plan& plan = *PlanFor(s, src, memo, source_keyset);
    for (size_t j = 0; j < plan.steps.size(); ++j) {
      const CopyMemo::Plan::Step& step = plan.steps[j];
      const uint32_t at = a.attrs[first + j].value;
      AttrKey& k = *step.key;
      k.count++;
      if (step.number) {
        k.nums.push_back(a.nums[step.column][at]);
        continue;
      }
      const DecodedStrings& values = a.strs[step.column];
      if (step.codes != nullptr && k.strs.dictionary()) {
        const uint32_t code = values.codes[at];
        uint32_t& id = (*step.codes)[code];
        if (id != kUnset) {
          k.strs.AddId(id);
        } else {
          id = k.strs.Add(values.dict->value(code));  // kNoId (== kUnset) once plain
        }
      } else {
        k.strs.Add(values.Get(at));
      }
    }
    st.owner_keyset.push_back(plan.keyset);
    return plan.bytes;
  }
  // Generic slots: keys come from each row's generic.key values.
  const ScopeAttrs& sa = src.header_attrs(s);
  size_t bytes = 0;
  st.scratch.clear();
  for (uint32_t i = first; i < a.begin[row + 1]; ++i) {
    const DecodedAttrs::Attr& at = a.attrs[i];
    uint32_t id;
    AttrType type;
    if (at.slot < a.n_promoted) {
      const PromotedKey& p = sa.promoted[at.slot];
      type = p.type;
      uint32_t& known = memo.promoted_key[at.slot];
      if (known == kUnset) {
        known = KeyId(st, p.key, type);
      }
      id = known;
    } else {
      type = static_cast<AttrType>(at.slot - kGenericSlot);
      const DecodedStrings& keys = a.strs[a.generic_key()];
      if (keys.dict != nullptr) {
        std::vector<uint32_t>& map = Sized(memo.generic_key[static_cast<size_t>(type)], *keys.dict);
        uint32_t& known = map[keys.codes[at.key]];
        if (known == kUnset) {
          known = KeyId(st, keys.Get(at.key), type);
        }
        id = known;
      } else {
        id = KeyId(st, keys.Get(at.key), type);
      }
    }
    AttrKey& k = *st.keys[id];
    k.count++;
    const size_t ci = a.column_of(at.slot);
    if (type == AttrType::kString || type == AttrType::kOther) {
      std::string_view v = a.strs[ci].Get(at.value);
      bytes += v.size();
      k.strs.Add(v);
    } else {
      k.nums.push_back(a.nums[ci][at.value]);
      bytes += 9;
    }
    bytes += k.key.size() + kAttrBytes;
    st.scratch.push_back(id);
  }
  st.owner_keyset.push_back(KeySetIndex(st));
  return bytes;
}

void RowGroupWriter::CopyTrace(const DecodedRowGroup& src, uint32_t t) {
  State& st = *state_;
  CopyMemo& memo = st.MemoFor(src);
  const model::TraceId& id = src.ids()[t];
  auto copy_u64 = [&](Col c, uint32_t begin, uint32_t end) {
    std::span<const uint64_t> from = src.u64(c);
    std::vector<uint64_t>& to = st.u64[I(c)];
    to.insert(to.end(), from.begin() + begin, from.begin() + end);
  };
  // CSR ends of [begin, end) rebased onto the child rows already here.
  auto copy_ends = [&](Col c, uint32_t begin, uint32_t end, Table child) {
    if (begin == end) {
      return;
    }
    std::span<const uint64_t> from = src.u64(c);
    const uint64_t shift = uint64_t{st.rows[T(child)]} - src.Begin(c, begin);
    std::vector<uint64_t>& to = st.u64[I(c)];
    for (uint32_t i = begin; i < end; ++i) {
      to.push_back(from[i] + shift);
    }
  };
  size_t bytes = 20;

  const uint64_t start = src.u64(Col::kTraceStart)[t];
  const uint64_t end = src.u64(Col::kTraceEnd)[t];
  st.rows[T(Table::kTrace)]++;
  st.Fixed(Col::kTraceId, id.view(), 16);
  st.U64(Col::kTraceStart, start);
  st.U64(Col::kTraceEnd, end);
  st.U64(Col::kTraceDuration, src.u64(Col::kTraceDuration)[t]);
  st.CopyStrings(Col::kTraceRootService, src, memo, t, t + 1);
  st.CopyStrings(Col::kTraceRootName, src, memo, t, t + 1);

  // resource_spans and scope_spans, interning their resources and scopes.
  const uint32_t rs0 = src.Begin(Col::kTraceRsEnd, t);
  const uint32_t rs1 = src.End(Col::kTraceRsEnd, t);
  copy_ends(Col::kTraceRsEnd, t, t + 1, Table::kResourceSpans);
  copy_ends(Col::kRsSsEnd, rs0, rs1, Table::kScopeSpans);
  const std::span<const uint64_t> rs_resource = src.u64(Col::kRsResource);
  for (uint32_t r = rs0; r < rs1; ++r) {
    uint64_t ref = 0;
    if (rs_resource[r] != 0) {
      const auto row = static_cast<uint32_t>(rs_resource[r] - 1);
      uint32_t& here = memo.resource_row[row];
      if (here == kUnset) {
        here = st.InternResource(ByteView(src.resource_bytes(row)));
      }
      ref = uint64_t{here} + 1;
      bytes += src.resource_bytes(row).size() + 4;
    }
    st.U64(Col::kRsResource, ref);
  }
  st.rows[T(Table::kResourceSpans)] += rs1 - rs0;
  st.CopyStrings(Col::kRsSchemaUrl, src, memo, rs0, rs1);

  const uint32_t ss0 = rs0 == rs1 ? 0 : src.Begin(Col::kRsSsEnd, rs0);
  const uint32_t ss1 = rs0 == rs1 ? 0 : src.End(Col::kRsSsEnd, rs1 - 1);
  copy_ends(Col::kSsSpanEnd, ss0, ss1, Table::kSpan);
  const std::span<const uint64_t> ss_scope = src.u64(Col::kSsScope);
  for (uint32_t s = ss0; s < ss1; ++s) {
    uint64_t ref = 0;
    if (ss_scope[s] != 0) {
      const auto row = static_cast<uint32_t>(ss_scope[s] - 1);
      uint32_t& here = memo.scope_row[row];
      if (here == kUnset) {
        here = st.InternScope(ByteView(src.scope_bytes(row)));
      }
      ref = uint64_t{here} + 1;
      bytes += src.scope_bytes(row).size() + 4;
    }
    st.U64(Col::kSsScope, ref);
  }
  st.rows[T(Table::kScopeSpans)] += ss1 - ss0;
  st.CopyStrings(Col::kSsSchemaUrl, src, memo, ss0, ss1);

  // Spans: the trace's rows are contiguous, so every column is copied as one run.
  const uint32_t p0 = ss0 == ss1 ? 0 : src.Begin(Col::kSsSpanEnd, ss0);
  const uint32_t p1 = ss0 == ss1 ? 0 : src.End(Col::kSsSpanEnd, ss1 - 1);
  const uint32_t span_row = st.rows[T(Table::kSpan)];
  st.fixed[I(Col::kSpanId)].append(src.span_ids().substr(size_t{p0} * 8, size_t{p1 - p0} * 8));
  for (Col c : {Col::kSpanParent, Col::kSpanKind, Col::kSpanStatusCode, Col::kSpanStartRel,
                Col::kSpanDuration, Col::kSpanFlags, Col::kSpanDroppedAttrs,
                Col::kSpanDroppedEvents, Col::kSpanDroppedLinks}) {
    copy_u64(c, p0, p1);
  }
  const DecodedRowGroup::TraceStart& sparse = src.sparse_start(t);
  const std::span<const uint64_t> parent = src.u64(Col::kSpanParent);
  uint32_t ext = sparse.parent_ext;
  for (uint32_t p = p0; p < p1; ++p) {
    if (parent[p] == 1) {
      st.parent_ext.bytes.append(src.parent_ext().substr(size_t{ext++} * 8, 8));
      CountValue(&st.parent_ext.per_granule, span_row + (p - p0), st.granule);
    }
  }
  copy_ends(Col::kSpanEventEnd, p0, p1, Table::kEvent);
  copy_ends(Col::kSpanLinkEnd, p0, p1, Table::kLink);
  for (Col c : {Col::kSpanName, Col::kSpanStatusMsg, Col::kSpanTraceState, Col::kSpanExtra}) {
    st.CopyStrings(c, src, memo, p0, p1);
  }
  CopyMemo::Scope& span_memo = memo.scopes[static_cast<size_t>(AttrScope::kSpan)];
  for (uint32_t p = p0; p < p1; ++p) {
    bytes += st.CopyAttributes(AttrScope::kSpan, src, span_memo, p);
  }
  st.rows[T(Table::kSpan)] += p1 - p0;
  bytes += size_t{p1 - p0} * kSpanBytes;

  // Events.
  const uint32_t e0 = p0 == p1 ? 0 : src.Begin(Col::kSpanEventEnd, p0);
  const uint32_t e1 = p0 == p1 ? 0 : src.End(Col::kSpanEventEnd, p1 - 1);
  copy_u64(Col::kEventTimeRel, e0, e1);
  copy_u64(Col::kEventDropped, e0, e1);
  st.CopyStrings(Col::kEventName, src, memo, e0, e1);
  CopyMemo::Scope& event_memo = memo.scopes[static_cast<size_t>(AttrScope::kEvent)];
  for (uint32_t e = e0; e < e1; ++e) {
    bytes += st.CopyAttributes(AttrScope::kEvent, src, event_memo, e);
  }
  st.rows[T(Table::kEvent)] += e1 - e0;
  bytes += size_t{e1 - e0} * kEventBytes;

  // Links.
  const uint32_t l0 = p0 == p1 ? 0 : src.Begin(Col::kSpanLinkEnd, p0);
  const uint32_t l1 = p0 == p1 ? 0 : src.End(Col::kSpanLinkEnd, p1 - 1);
  const uint32_t link_row = st.rows[T(Table::kLink)];
  for (Col c : {Col::kLinkTraceRef, Col::kLinkSpanRef, Col::kLinkDropped, Col::kLinkFlags}) {
    copy_u64(c, l0, l1);
  }
  const std::span<const uint64_t> trace_ref = src.u64(Col::kLinkTraceRef);
  const std::span<const uint64_t> span_ref = src.u64(Col::kLinkSpanRef);
  uint32_t tid = sparse.link_trace_id;
  uint32_t sid = sparse.link_span_id;
  for (uint32_t l = l0; l < l1; ++l) {
    if (trace_ref[l] == 1) {
      st.link_trace_id.bytes.append(src.link_trace_ids().substr(size_t{tid++} * 16, 16));
      CountValue(&st.link_trace_id.per_granule, link_row + (l - l0), st.granule);
    }
    if (span_ref[l] == 1) {
      st.link_span_id.bytes.append(src.link_span_ids().substr(size_t{sid++} * 8, 8));
      CountValue(&st.link_span_id.per_granule, link_row + (l - l0), st.granule);
    }
  }
  st.CopyStrings(Col::kLinkTraceState, src, memo, l0, l1);
  st.CopyStrings(Col::kLinkExtra, src, memo, l0, l1);
  CopyMemo::Scope& link_memo = memo.scopes[static_cast<size_t>(AttrScope::kLink)];
  for (uint32_t l = l0; l < l1; ++l) {
    bytes += st.CopyAttributes(AttrScope::kLink, src, link_memo, l);
  }
  st.rows[T(Table::kLink)] += l1 - l0;
  bytes += size_t{l1 - l0} * kLinkBytes;

  st.approx_bytes += bytes;
  st.Summarize(id, start, end, p1 - p0);
}

}  // namespace vivace::block
