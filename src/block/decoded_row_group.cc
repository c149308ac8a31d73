#include "block/decoded_row_group.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include <fmt/format.h>

namespace vivace::block {

namespace {

constexpr uint16_t C(Col c) { return static_cast<uint16_t>(c); }

Status Corrupt(std::string_view what) {
  return Status::DataLoss(fmt::format("corrupt row group: {}", what));
}

// Every value of string column `column` (`n` of them).
Status DecodeStrings(RowGroupReader& r, uint16_t column, uint32_t n, DecodedStrings* out) {
  const ChunkDesc* c = r.chunk(column);
  if (c != nullptr && (c->flags & kChunkDict) != 0) {
    VV_RETURN_IF_ERROR(r.GetChunkDictionary(column, &out->dict));
    std::vector<uint64_t> codes;
    codes.reserve(n);
    VV_RETURN_IF_ERROR(r.ReadCodes(column, 0, n, &codes));  // checks codes < dictionary size
    out->codes.assign(codes.begin(), codes.end());
    return Status::Ok();
  }
  out->views.reserve(n);
  return r.ReadStringViews(column, 0, n, &out->views);
}

size_t Size(const DecodedStrings& s) { return s.dict != nullptr ? s.codes.size() : s.views.size(); }

std::atomic<uint64_t> next_serial{1};

// Decoding allocates per row: a header may not make it allocate without bound. Writers cut row
// groups at megabytes of traces (some 10^4 spans); a trace has at most kMaxTraceRows.
constexpr uint32_t kMaxDecodedRows = 1u << 24;

}  // namespace

Result<std::unique_ptr<DecodedRowGroup>> DecodedRowGroup::Decode(
    std::unique_ptr<RowGroupReader> reader) {
  std::unique_ptr<DecodedRowGroup> d(new DecodedRowGroup());
  d->reader_ = std::move(reader);
  d->serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
  for (int t = 0; t < kTables; ++t) {
    d->rows_[t] = d->reader_->rows(static_cast<Table>(t));
    if (d->rows_[t] > kMaxDecodedRows) {
      return Corrupt(fmt::format("{} rows in table {}, more than a row group may hold", d->rows_[t],
                                 TableName(static_cast<Table>(t))));
    }
  }
  VV_RETURN_IF_ERROR(d->DecodeColumns());
  for (AttrScope s : {AttrScope::kSpan, AttrScope::kEvent, AttrScope::kLink}) {
    VV_RETURN_IF_ERROR(d->DecodeAttrs(s));
  }
  VV_RETURN_IF_ERROR(d->Check());
  d->resource_bytes_.resize(d->rows(Table::kResource));
  for (uint32_t r = 0; r < d->resource_bytes_.size(); ++r) {
    VV_ASSIGN_OR_RETURN(std::string_view bytes, d->reader_->ResourceBytes(r));
    d->resource_bytes_[r] = bytes;
  }
  d->scope_bytes_.resize(d->rows(Table::kScope));
  for (uint32_t r = 0; r < d->scope_bytes_.size(); ++r) {
    VV_ASSIGN_OR_RETURN(std::string_view bytes, d->reader_->ScopeBytes(r));
    d->scope_bytes_[r] = bytes;
  }
  return d;
}

Status DecodedRowGroup::DecodeColumns() {
  RowGroupReader& r = *reader_;
  for (uint16_t id = 0; id < C(Col::kFixedCount); ++id) {
    const ColumnInfo* info = GetColumnInfo(id);
    if (info == nullptr) {
      continue;
    }
    const uint32_t n = rows_[static_cast<size_t>(info->table)];
    if (info->layout == Layout::kSparse) {
      const ChunkDesc* c = r.chunk(id);
      std::string& out = id == C(Col::kSpanParentExt) ? parent_ext_
                         : id == C(Col::kLinkTraceId) ? link_trace_ids_
                                                      : link_span_ids_;
      if (c != nullptr) {
        VV_RETURN_IF_ERROR(r.ReadFixed(id, 0, c->n_values, &out));
      }
      continue;
    }
    switch (info->kind) {
      case Kind::kU64:
        u64_[id].reserve(n);
        VV_RETURN_IF_ERROR(r.ReadU64(id, 0, n, &u64_[id]));
        break;
      case Kind::kFixed8:
        VV_RETURN_IF_ERROR(r.ReadFixed(id, 0, n, &span_ids_));
        break;
      case Kind::kFixed16: {
        std::string raw;
        VV_RETURN_IF_ERROR(r.ReadFixed(id, 0, n, &raw));
        if (raw.size() != size_t{n} * 16) {
          return Corrupt("trace IDs are truncated");
        }
        ids_.resize(n);
        for (uint32_t t = 0; t < n; ++t) {
          std::memcpy(ids_[t].bytes.data(), raw.data() + size_t{t} * 16, 16);
        }
        break;
      }
      case Kind::kString:
      case Kind::kBytes:
        VV_RETURN_IF_ERROR(DecodeStrings(r, id, n, &str_[id]));
        break;
      case Kind::kF64:
        break;
    }
  }
  return Status::Ok();
}

Status DecodedRowGroup::DecodeAttrs(AttrScope s) {
  RowGroupReader& r = *reader_;
  DecodedAttrs& a = attrs_[static_cast<size_t>(s)];
  const uint32_t owners = rows(OwnerTable(s));
  a.begin.assign(1, 0);
  if (owners == 0) {
    return Status::Ok();
  }
  const uint16_t keys_col = AttrColumn(s, AttrCol::kKeys);
  if (r.chunk(keys_col) == nullptr) {
    return Corrupt(fmt::format("no key sets for {} attributes", AttrScopeName(s)));
  }
  a.keyset.reserve(owners);
  VV_RETURN_IF_ERROR(r.ReadU64(keys_col, 0, owners, &a.keyset));
  const ScopeAttrs& sa = header_attrs(s);
  a.n_promoted = sa.promoted.size();
  const size_t n_cols = a.n_promoted + kAttrTypes + 1;
  a.nums.resize(n_cols);
  a.strs.resize(n_cols);
  std::vector<size_t> size(n_cols, 0);
  for (size_t ci = 0; ci < n_cols; ++ci) {
    const uint16_t col = ci < a.n_promoted ? sa.promoted[ci].column
                         : ci == a.generic_key()
                             ? AttrColumn(s, AttrCol::kGenericKey)
                             : GenericValueColumn(s, static_cast<AttrType>(ci - a.n_promoted));
    const ChunkDesc* c = r.chunk(col);
    if (c == nullptr) {
      continue;
    }
    if (c->kind == Kind::kString || c->kind == Kind::kBytes) {
      VV_RETURN_IF_ERROR(DecodeStrings(r, col, c->n_values, &a.strs[ci]));
      size[ci] = Size(a.strs[ci]);
    } else {
      a.nums[ci].reserve(c->n_values);
      VV_RETURN_IF_ERROR(r.ReadU64(col, 0, c->n_values, &a.nums[ci]));
      size[ci] = a.nums[ci].size();
    }
  }
  // Flatten: walk the owners' key sets, taking each slot's column's next value.
  std::vector<uint32_t> cursor(n_cols, 0);
  a.begin.resize(size_t{owners} + 1);
  for (uint32_t o = 0; o < owners; ++o) {
    a.begin[o] = static_cast<uint32_t>(a.attrs.size());
    if (a.keyset[o] >= sa.keysets.size()) {
      return Corrupt(fmt::format("key set code {} outside the header's", a.keyset[o]));
    }
    for (uint32_t slot : sa.keysets[a.keyset[o]]) {
      const bool generic = slot >= kGenericSlot && slot < kGenericSlot + kAttrTypes;
      if (slot >= a.n_promoted && !generic) {
        return Corrupt(fmt::format("key set slot {} of {} attributes", slot, AttrScopeName(s)));
      }
      DecodedAttrs::Attr at;
      at.slot = slot;
      const size_t ci = a.column_of(slot);
      at.value = cursor[ci]++;
      if (at.value >= size[ci]) {
        return Corrupt(
            fmt::format("{} attribute values fewer than their key sets name", AttrScopeName(s)));
      }
      if (generic) {
        at.key = cursor[a.generic_key()]++;
        if (at.key >= size[a.generic_key()]) {
          return Corrupt(
              fmt::format("{} generic keys fewer than their key sets name", AttrScopeName(s)));
        }
      }
      a.attrs.push_back(at);
    }
  }
  a.begin[owners] = static_cast<uint32_t>(a.attrs.size());
  return Status::Ok();
}

Status DecodedRowGroup::Check() {
  // CSR ends never decrease and stay within their child tables.
  const struct {
    Col ends;
    Table child;
  } csr[] = {{Col::kTraceRsEnd, Table::kResourceSpans},
             {Col::kRsSsEnd, Table::kScopeSpans},
             {Col::kSsSpanEnd, Table::kSpan},
             {Col::kSpanEventEnd, Table::kEvent},
             {Col::kSpanLinkEnd, Table::kLink}};

  for (const auto& c : csr) {
    uint64_t last = 0;
    for (uint64_t e : u64(c.ends)) {
      if (e < last || e > rows(c.child)) {
        return Corrupt("CSR offsets decrease or pass their table");
      }
      last = e;
    }
  }
  for (uint64_t v : u64(Col::kRsResource)) {
    if (v > rows(Table::kResource)) {
      return Corrupt("resource reference past the resource table");
    }
  }
  for (uint64_t v : u64(Col::kSsScope)) {
    if (v > rows(Table::kScope)) {
      return Corrupt("scope reference past the scope table");
    }
  }
  // Span indexes stay within their trace; where each trace's sparse values start.
  const std::span<const uint64_t> parent = u64(Col::kSpanParent);
  const std::span<const uint64_t> trace_ref = u64(Col::kLinkTraceRef);
  const std::span<const uint64_t> span_ref = u64(Col::kLinkSpanRef);
  sparse_start_.resize(n_traces());
  TraceStart at;
  for (uint32_t t = 0; t < n_traces(); ++t) {
    sparse_start_[t] = at;
    const uint32_t rs0 = Begin(Col::kTraceRsEnd, t);
    const uint32_t rs1 = End(Col::kTraceRsEnd, t);
    const uint32_t ss0 = rs0 == rs1 ? 0 : Begin(Col::kRsSsEnd, rs0);
    const uint32_t ss1 = rs0 == rs1 ? 0 : End(Col::kRsSsEnd, rs1 - 1);
    const uint32_t p0 = ss0 == ss1 ? 0 : Begin(Col::kSsSpanEnd, ss0);
    const uint32_t p1 = ss0 == ss1 ? 0 : End(Col::kSsSpanEnd, ss1 - 1);
    const uint64_t n_spans = p1 - p0;
    const uint32_t e0 = p0 == p1 ? 0 : Begin(Col::kSpanEventEnd, p0);
    const uint32_t e1 = p0 == p1 ? 0 : End(Col::kSpanEventEnd, p1 - 1);
    if (rs1 - rs0 > kMaxTraceRows || ss1 - ss0 > kMaxTraceRows || n_spans > kMaxTraceRows
        || e1 - e0 > kMaxTraceRows) {
      return Corrupt("a trace spans more rows than any trace may");
    }
    for (uint32_t p = p0; p < p1; ++p) {
      if (parent[p] == 1) {
        at.parent_ext++;
      } else if (parent[p] >= 2 && parent[p] - 2 >= n_spans) {
        return Corrupt("parent index outside the trace");
      }
    }
    const uint32_t l0 = p0 == p1 ? 0 : Begin(Col::kSpanLinkEnd, p0);
    const uint32_t l1 = p0 == p1 ? 0 : End(Col::kSpanLinkEnd, p1 - 1);
    if (l1 - l0 > kMaxTraceRows) {
      return Corrupt("a trace spans more rows than any trace may");
    }
    for (uint32_t l = l0; l < l1; ++l) {
      if (trace_ref[l] > 2) {
        return Corrupt("link trace reference");
      }
      at.link_trace_id += trace_ref[l] == 1 ? 1 : 0;
      if (span_ref[l] == 1) {
        at.link_span_id++;
      } else if (span_ref[l] >= 2 && span_ref[l] - 2 >= n_spans) {
        return Corrupt("link span index outside the trace");
      }
    }
  }
  if (parent_ext_.size() < size_t{at.parent_ext} * 8
      || link_trace_ids_.size() < size_t{at.link_trace_id} * 16
      || link_span_ids_.size() < size_t{at.link_span_id} * 8) {
    return Corrupt("sparse IDs fewer than their references name");
  }
  return Status::Ok();
}

}  // namespace vivace::block
