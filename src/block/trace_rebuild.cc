// RowGroupReader::ReadTrace: rebuilding one trace's OTLP protobuf from the columns
// (docs/block-format.md §7).

#include <algorithm>
#include <cstring>
#include <tuple>

#include <fmt/format.h>

#include "block/row_group_reader.h"
#include "common/protowire.h"

namespace vivace::block {
namespace {

namespace pw = protowire;
using pw::WireType;

constexpr uint16_t C(Col c) { return static_cast<uint16_t>(c); }

int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

Status Corrupt(std::string_view what) {
  return Status::DataLoss(fmt::format("corrupt row group: {}", what));
}

// Reads the CSR ends of rows [first, first + count) of `col` and the begin of the first row;
// checks that they never decrease and stay within `limit` child rows.
Status ReadCsr(RowGroupReader& r, uint16_t col, uint32_t first, uint32_t count, uint32_t limit,
               uint32_t* begin, std::vector<uint64_t>* ends) {
  ends->clear();
  *begin = 0;
  if (first > 0) {
    VV_RETURN_IF_ERROR(r.ReadU64(col, first - 1, 1, ends));
    if ((*ends)[0] > limit) {
      return Corrupt("CSR offset past its table");
    }
    *begin = static_cast<uint32_t>((*ends)[0]);
    ends->clear();
  }
  VV_RETURN_IF_ERROR(r.ReadU64(col, first, count, ends));
  uint64_t last = *begin;
  for (uint64_t e : *ends) {
    if (e < last || e > limit) {
      return Corrupt("CSR offsets decrease or pass their table");
    }
    last = e;
  }
  if (last - *begin > kMaxTraceRows) {
    return Corrupt("a trace spans more rows than any trace may");
  }
  return Status::Ok();
}

// The end of a CSR run: the last end, or `begin` for an empty run.
uint32_t RunEnd(uint32_t begin, const std::vector<uint64_t>& ends) {
  return ends.empty() ? begin : static_cast<uint32_t>(ends.back());
}

void AppendAnyValue(std::string& out, const RowGroupReader::Attribute& a) {
  switch (a.type) {
    case AttrType::kString:
      pw::AppendLenField(out, 1, ByteView(a.str));
      break;
    case AttrType::kBool:
      pw::AppendVarintField(out, 2, a.num);
      break;
    case AttrType::kInt:
      pw::AppendVarintField(out, 3, static_cast<uint64_t>(UnZigZag(a.num)));
      break;
    case AttrType::kDouble:
      pw::AppendFixed64Field(out, 4, a.num);
      break;
    case AttrType::kOther:
    case AttrType::kCount:
      break;
  }
}

// Appends each attribute as a KeyValue in repeated field `field`.
void AppendAttributes(std::string& out, uint32_t field,
                      const std::vector<RowGroupReader::Attribute>& attrs, std::string& scratch) {
  for (const RowGroupReader::Attribute& a : attrs) {
    scratch.clear();
    if (a.type == AttrType::kOther) {
      if (!a.key.empty()) {
        pw::AppendLenField(scratch, 1, ByteView(a.key));
      }
      scratch.append(a.str);
    } else {
      pw::AppendLenField(scratch, 1, ByteView(a.key));
      std::string value;
      AppendAnyValue(value, a);
      pw::AppendLenField(scratch, 2, ByteView(value));
    }
    pw::AppendLenField(out, field, ByteView(scratch));
  }
}

}  // namespace

Result<std::string_view> RowGroupReader::ResourceBytes(uint32_t row) {
  if (row >= rows(Table::kResource)) {
    return Corrupt("resource reference past the resource table");
  }
  auto found = cache_->resources.find(row);
  if (found == cache_->resources.end()) {
    std::vector<std::vector<Attribute>> attrs;
    std::vector<uint64_t> dropped;
    std::vector<std::string_view> extra;
    VV_RETURN_IF_ERROR(ReadAttributes(AttrScope::kResource, row, 1, &attrs));
    VV_RETURN_IF_ERROR(ReadU64(C(Col::kResDropped), row, 1, &dropped));
    VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kResExtra), row, 1, &extra));
    std::string out;
    std::string scratch;
    AppendAttributes(out, 1, attrs[0], scratch);
    if (dropped[0] != 0) {
      pw::AppendVarintField(out, 2, dropped[0]);
    }
    out.append(extra[0]);
    found = cache_->resources.emplace(row, std::move(out)).first;
  }
  return std::string_view(found->second);
}

Result<std::string_view> RowGroupReader::ScopeBytes(uint32_t row) {
  if (row >= rows(Table::kScope)) {
    return Corrupt("scope reference past the scope table");
  }
  auto found = cache_->scopes.find(row);
  if (found == cache_->scopes.end()) {
    std::vector<std::vector<Attribute>> attrs;
    std::vector<std::string_view> name;
    std::vector<std::string_view> version;
    std::vector<std::string_view> extra;
    std::vector<uint64_t> dropped;
    VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kScopeName), row, 1, &name));
    VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kScopeVersion), row, 1, &version));
    VV_RETURN_IF_ERROR(ReadU64(C(Col::kScopeDropped), row, 1, &dropped));
    VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kScopeExtra), row, 1, &extra));
    VV_RETURN_IF_ERROR(ReadAttributes(AttrScope::kScope, row, 1, &attrs));
    std::string out;
    std::string scratch;
    if (!name[0].empty()) {
      pw::AppendLenField(out, 1, ByteView(name[0]));
    }
    if (!version[0].empty()) {
      pw::AppendLenField(out, 2, ByteView(version[0]));
    }
    AppendAttributes(out, 3, attrs[0], scratch);
    if (dropped[0] != 0) {
      pw::AppendVarintField(out, 4, dropped[0]);
    }
    out.append(extra[0]);
    found = cache_->scopes.emplace(row, std::move(out)).first;
  }
  return std::string_view(found->second);
}

Result<std::string> RowGroupReader::ReadTrace(uint32_t t) {
  RowGroupReader& r = *this;
  if (t >= rows(Table::kTrace)) {
    return Status::OutOfRange("trace ordinal past the row group");
  }
  std::string trace_id;
  std::vector<uint64_t> trace_start;
  VV_RETURN_IF_ERROR(ReadFixed(C(Col::kTraceId), t, 1, &trace_id));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kTraceStart), t, 1, &trace_start));

  // resource_spans rows of the trace.
  uint32_t rb = 0;
  std::vector<uint64_t> rs_end;
  VV_RETURN_IF_ERROR(
      ReadCsr(r, C(Col::kTraceRsEnd), t, 1, rows(Table::kResourceSpans), &rb, &rs_end));
  const uint32_t rn = RunEnd(rb, rs_end) - rb;
  std::vector<uint64_t> rs_resource;
  std::vector<std::string_view> rs_schema;
  uint32_t sb = 0;
  std::vector<uint64_t> ss_end;
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kRsResource), rb, rn, &rs_resource));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kRsSchemaUrl), rb, rn, &rs_schema));
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kRsSsEnd), rb, rn, rows(Table::kScopeSpans), &sb, &ss_end));

  // scope_spans rows.
  const uint32_t sn = RunEnd(sb, ss_end) - sb;
  std::vector<uint64_t> ss_scope;
  std::vector<std::string_view> ss_schema;
  uint32_t pb = 0;
  std::vector<uint64_t> span_end;
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSsScope), sb, sn, &ss_scope));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kSsSchemaUrl), sb, sn, &ss_schema));
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kSsSpanEnd), sb, sn, rows(Table::kSpan), &pb, &span_end));

  // Spans: trace.span_end must name the same rows (scans trust it).
  const uint32_t pn = RunEnd(pb, span_end) - pb;
  {
    uint32_t tb = 0;
    std::vector<uint64_t> trace_span_end;
    VV_RETURN_IF_ERROR(
        ReadCsr(r, C(Col::kTraceSpanEnd), t, 1, rows(Table::kSpan), &tb, &trace_span_end));
    if (tb != pb || RunEnd(tb, trace_span_end) != pb + pn) {
      return Corrupt("trace.span_end disagrees with the trace's scope_spans");
    }
  }
  std::string span_ids;
  std::string parent_ext;
  std::vector<uint64_t> parent, kind, status_code, start_rel, duration, flags, dropped_attrs,
      dropped_events, dropped_links;
  std::vector<std::string_view> name, status_msg, trace_state, span_extra;
  uint32_t eb = 0;
  uint32_t lb = 0;
  std::vector<uint64_t> event_end, link_end;
  VV_RETURN_IF_ERROR(ReadFixed(C(Col::kSpanId), pb, pn, &span_ids));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanParent), pb, pn, &parent));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kSpanName), pb, pn, &name));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanKind), pb, pn, &kind));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanStatusCode), pb, pn, &status_code));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kSpanStatusMsg), pb, pn, &status_msg));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanStartRel), pb, pn, &start_rel));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDuration), pb, pn, &duration));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kSpanTraceState), pb, pn, &trace_state));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanFlags), pb, pn, &flags));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDroppedAttrs), pb, pn, &dropped_attrs));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDroppedEvents), pb, pn, &dropped_events));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDroppedLinks), pb, pn, &dropped_links));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kSpanExtra), pb, pn, &span_extra));
  VV_RETURN_IF_ERROR(
      ReadCsr(r, C(Col::kSpanEventEnd), pb, pn, rows(Table::kEvent), &eb, &event_end));
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kSpanLinkEnd), pb, pn, rows(Table::kLink), &lb, &link_end));
  uint32_t n_ext = 0;
  for (uint64_t p : parent) {
    n_ext += p == 1 ? 1 : 0;
  }
  if (n_ext > 0) {
    VV_ASSIGN_OR_RETURN(uint64_t before,
                        CountBeforeInPage(C(Col::kSpanParent), C(Col::kSpanParentExt), pb, 1));
    VV_ASSIGN_OR_RETURN(uint32_t at, SparseOrdinal(C(Col::kSpanParentExt), pb, before));
    Status s = ReadFixed(C(Col::kSpanParentExt), at, n_ext, &parent_ext);
    if (!s.ok()) {
      return Corrupt("external parents missing");
    }
  }
  std::vector<std::vector<Attribute>> span_attrs;
  VV_RETURN_IF_ERROR(ReadAttributes(AttrScope::kSpan, pb, pn, &span_attrs));

  // Events and links.
  const uint32_t en = RunEnd(eb, event_end) - eb;
  std::vector<uint64_t> ev_time, ev_dropped;
  std::vector<std::string_view> ev_name;
  std::vector<std::vector<Attribute>> ev_attrs;
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kEventTimeRel), eb, en, &ev_time));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kEventName), eb, en, &ev_name));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kEventDropped), eb, en, &ev_dropped));
  VV_RETURN_IF_ERROR(ReadAttributes(AttrScope::kEvent, eb, en, &ev_attrs));
  const uint32_t ln = RunEnd(lb, link_end) - lb;
  std::vector<uint64_t> trace_ref, span_ref, link_dropped, link_flags;
  std::vector<std::string_view> link_state, link_extra;
  std::vector<std::vector<Attribute>> link_attrs;
  std::string link_tids, link_sids;
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kLinkTraceRef), lb, ln, &trace_ref));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kLinkSpanRef), lb, ln, &span_ref));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kLinkTraceState), lb, ln, &link_state));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kLinkDropped), lb, ln, &link_dropped));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kLinkFlags), lb, ln, &link_flags));
  VV_RETURN_IF_ERROR(ReadStringViews(C(Col::kLinkExtra), lb, ln, &link_extra));
  VV_RETURN_IF_ERROR(ReadAttributes(AttrScope::kLink, lb, ln, &link_attrs));
  for (auto [ref_col, id_col, out] :
       {std::tuple{C(Col::kLinkTraceRef), C(Col::kLinkTraceId), &link_tids},
        std::tuple{C(Col::kLinkSpanRef), C(Col::kLinkSpanId), &link_sids}}) {
    const std::vector<uint64_t>& refs = ref_col == C(Col::kLinkTraceRef) ? trace_ref : span_ref;
    const auto stored = static_cast<uint32_t>(std::count(refs.begin(), refs.end(), 1));
    if (stored == 0) {
      continue;
    }
    VV_ASSIGN_OR_RETURN(uint64_t before, CountBeforeInPage(ref_col, id_col, lb, 1));
    VV_ASSIGN_OR_RETURN(uint32_t at, SparseOrdinal(id_col, lb, before));
    if (!ReadFixed(id_col, at, stored, out).ok()) {
      return Corrupt("link IDs missing");
    }
  }

  // Assemble bottom-up.
  std::string out;
  std::string rs_buf;
  std::string ss_buf;
  std::string span;
  std::string sub;
  std::string scratch;
  size_t ext_i = 0;
  size_t tid_i = 0;
  size_t sid_i = 0;
  for (uint32_t ri = 0; ri < rn; ++ri) {
    rs_buf.clear();
    if (rs_resource[ri] != 0) {  // 0: no Resource message
      VV_ASSIGN_OR_RETURN(std::string_view resource,
                          ResourceBytes(static_cast<uint32_t>(
                              std::min<uint64_t>(rs_resource[ri] - 1, UINT32_MAX))));
      pw::AppendLenField(rs_buf, 1, ByteView(resource));
    }
    const uint64_t s_from = (ri == 0 ? sb : ss_end[ri - 1]) - sb;
    const uint64_t s_to = ss_end[ri] - sb;
    for (uint64_t si = s_from; si < s_to; ++si) {
      ss_buf.clear();
      if (ss_scope[si] != 0) {  // 0: no InstrumentationScope message
        VV_ASSIGN_OR_RETURN(
            std::string_view scope,
            ScopeBytes(static_cast<uint32_t>(std::min<uint64_t>(ss_scope[si] - 1, UINT32_MAX))));
        pw::AppendLenField(ss_buf, 1, ByteView(scope));
      }
      const uint64_t p_from = (si == 0 ? pb : span_end[si - 1]) - pb;
      const uint64_t p_to = span_end[si] - pb;
      for (uint64_t pi = p_from; pi < p_to; ++pi) {
        span.clear();
        const uint64_t start = trace_start[0] + start_rel[pi];
        const uint64_t end = start + duration[pi];
        ByteView id = ByteView(span_ids).substr(pi * 8, 8);
        static constexpr uint8_t kZeroId[8] = {};
        pw::AppendLenField(span, 1, ByteView(trace_id));
        if (!(id == ByteView(kZeroId, 8))) {
          pw::AppendLenField(span, 2, id);
        }
        if (!trace_state[pi].empty()) {
          pw::AppendLenField(span, 3, ByteView(trace_state[pi]));
        }
        if (parent[pi] == 1) {
          pw::AppendLenField(span, 4, ByteView(parent_ext).substr(ext_i++ * 8, 8));
        } else if (parent[pi] >= 2) {
          const uint64_t local = parent[pi] - 2;  // index within the trace = within this run
          if (local >= pn) {
            return Corrupt("parent index outside the trace");
          }
          pw::AppendLenField(span, 4, ByteView(span_ids).substr(local * 8, 8));
        }
        if (!name[pi].empty()) {
          pw::AppendLenField(span, 5, ByteView(name[pi]));
        }
        if (kind[pi] != 0) {
          pw::AppendVarintField(span, 6, kind[pi]);
        }
        if (start != 0) {
          pw::AppendFixed64Field(span, 7, start);
        }
        if (end != 0) {
          pw::AppendFixed64Field(span, 8, end);
        }
        AppendAttributes(span, 9, span_attrs[pi], scratch);
        if (dropped_attrs[pi] != 0) {
          pw::AppendVarintField(span, 10, dropped_attrs[pi]);
        }
        const uint64_t e_from = (pi == 0 ? eb : event_end[pi - 1]) - eb;
        const uint64_t e_to = event_end[pi] - eb;
        for (uint64_t ei = e_from; ei < e_to; ++ei) {
          sub.clear();
          const uint64_t time = start + ev_time[ei];
          if (time != 0) {
            pw::AppendFixed64Field(sub, 1, time);
          }
          if (!ev_name[ei].empty()) {
            pw::AppendLenField(sub, 2, ByteView(ev_name[ei]));
          }
          AppendAttributes(sub, 3, ev_attrs[ei], scratch);
          if (ev_dropped[ei] != 0) {
            pw::AppendVarintField(sub, 4, ev_dropped[ei]);
          }
          pw::AppendLenField(span, 11, ByteView(sub));
        }
        if (dropped_events[pi] != 0) {
          pw::AppendVarintField(span, 12, dropped_events[pi]);
        }
        const uint64_t l_from = (pi == 0 ? lb : link_end[pi - 1]) - lb;
        const uint64_t l_to = link_end[pi] - lb;
        for (uint64_t li = l_from; li < l_to; ++li) {
          sub.clear();
          if (trace_ref[li] == 1) {
            pw::AppendLenField(sub, 1, ByteView(link_tids).substr(tid_i++ * 16, 16));
          } else if (trace_ref[li] == 2) {
            pw::AppendLenField(sub, 1, ByteView(trace_id));
          } else if (trace_ref[li] != 0) {
            return Corrupt("link trace reference");
          }
          if (span_ref[li] == 1) {
            pw::AppendLenField(sub, 2, ByteView(link_sids).substr(sid_i++ * 8, 8));
          } else if (span_ref[li] >= 2) {
            if (span_ref[li] - 2 >= pn) {
              return Corrupt("link span reference outside the trace");
            }
            pw::AppendLenField(sub, 2, ByteView(span_ids).substr((span_ref[li] - 2) * 8, 8));
          }
          if (!link_state[li].empty()) {
            pw::AppendLenField(sub, 3, ByteView(link_state[li]));
          }
          AppendAttributes(sub, 4, link_attrs[li], scratch);
          if (link_dropped[li] != 0) {
            pw::AppendVarintField(sub, 5, link_dropped[li]);
          }
          if (link_flags[li] != 0) {
            pw::AppendFixed32Field(sub, 6, static_cast<uint32_t>(link_flags[li]));
          }
          sub.append(link_extra[li]);
          pw::AppendLenField(span, 13, ByteView(sub));
        }
        if (dropped_links[pi] != 0) {
          pw::AppendVarintField(span, 14, dropped_links[pi]);
        }
        if (status_code[pi] != 0 || !status_msg[pi].empty()) {
          sub.clear();
          if (!status_msg[pi].empty()) {
            pw::AppendLenField(sub, 2, ByteView(status_msg[pi]));
          }
          if (status_code[pi] != 0) {
            pw::AppendVarintField(sub, 3, status_code[pi]);
          }
          pw::AppendLenField(span, 15, ByteView(sub));
        }
        if (flags[pi] != 0) {
          pw::AppendFixed32Field(span, 16, static_cast<uint32_t>(flags[pi]));
        }
        span.append(span_extra[pi]);
        pw::AppendLenField(ss_buf, 2, ByteView(span));
      }
      if (!ss_schema[si].empty()) {
        pw::AppendLenField(ss_buf, 3, ByteView(ss_schema[si]));
      }
      pw::AppendLenField(rs_buf, 2, ByteView(ss_buf));
    }
    if (!rs_schema[ri].empty()) {
      pw::AppendLenField(rs_buf, 3, ByteView(rs_schema[ri]));
    }
    pw::AppendLenField(out, 1, ByteView(rs_buf));
  }
  return out;
}

}  // namespace vivace::block
