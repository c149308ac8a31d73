// RowGroupReader::ReadTrace: rebuilding one trace's OTLP protobuf from the columns.

#include <cstring>

#include "block/row_group_reader.h"
#include "common/protowire.h"

namespace vivace::block {
namespace {

using protowire::AppendFixed32Field;
using protowire::AppendFixed64Field;
using protowire::AppendLenField;
using protowire::AppendVarintField;

constexpr uint16_t C(Col c) { return static_cast<uint16_t>(c); }

int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

// The attributes of a run of owner rows of one scope: per type, the CSR ends and the rows.
struct AttrRun {
  struct Typed {
    uint64_t begin = 0;             // first attribute row of the run
    std::vector<uint64_t> ends;     // one per owner
    std::vector<std::string> keys;
    std::vector<std::string> strs;  // string values, or AnyValue bytes for "other"
    std::vector<uint64_t> nums;     // int (zigzag), double bits, bool
  };
  Typed types[kAttrTypes];
};

Status ReadCsr(RowGroupReader& r, uint16_t col, uint32_t first, uint32_t count,
               uint64_t* begin, std::vector<uint64_t>* ends) {
  ends->clear();
  *begin = 0;
  if (first > 0) {
    std::vector<uint64_t> prev;
    VV_RETURN_IF_ERROR(r.ReadU64(col, first - 1, 1, &prev));
    *begin = prev[0];
  }
  VV_RETURN_IF_ERROR(r.ReadU64(col, first, count, ends));
  uint64_t last = *begin;
  for (uint64_t e : *ends) {
    if (e < last) {
      return Status::DataLoss("corrupt row group: CSR offsets decrease");
    }
    last = e;
  }
  return Status::Ok();
}

Status ReadAttrRun(RowGroupReader& r, AttrScope s, uint32_t first, uint32_t count, AttrRun* run) {
  for (int ti = 0; ti < kAttrTypes; ++ti) {
    auto t = static_cast<AttrType>(ti);
    AttrRun::Typed& typed = run->types[ti];
    VV_RETURN_IF_ERROR(ReadCsr(r, AttrEndColumn(s, t), first, count, &typed.begin, &typed.ends));
    uint64_t end = typed.ends.empty() ? typed.begin : typed.ends.back();
    auto n = static_cast<uint32_t>(end - typed.begin);
    auto b = static_cast<uint32_t>(typed.begin);
    VV_RETURN_IF_ERROR(r.ReadStrings(AttrKeyColumn(s, t), b, n, &typed.keys));
    if (t == AttrType::kString || t == AttrType::kOther) {
      VV_RETURN_IF_ERROR(r.ReadStrings(AttrValueColumn(s, t), b, n, &typed.strs));
    } else {
      VV_RETURN_IF_ERROR(r.ReadU64(AttrValueColumn(s, t), b, n, &typed.nums));
    }
  }
  return Status::Ok();
}

void AppendKeyValue(std::string& out, uint32_t field, std::string_view key, std::string value) {
  std::string kv;
  AppendLenField(kv, 1, ByteView(key));
  AppendLenField(kv, 2, ByteView(value));
  AppendLenField(out, field, ByteView(kv));
}

// Writes owner `i` (index within the run) attributes as repeated field `field`: each type in
// stored order, strings first; `service` (resources) is inserted at its string position.
void AppendAttributes(std::string& out, uint32_t field, const AttrRun& run, size_t i,
                      const std::string* service, uint64_t service_pos) {
  for (int ti = 0; ti < kAttrTypes; ++ti) {
    const AttrRun::Typed& typed = run.types[ti];
    uint64_t b = i == 0 ? typed.begin : typed.ends[i - 1];
    uint64_t e = typed.ends[i];
    uint64_t strings_written = 0;
    auto type = static_cast<AttrType>(ti);
    auto emit_service = [&] {
      std::string v;
      AppendLenField(v, 1, ByteView(*service));
      AppendKeyValue(out, field, "service.name", std::move(v));
    };
    for (uint64_t a = b; a < e; ++a) {
      size_t k = a - typed.begin;
      if (type == AttrType::kString && service != nullptr && service_pos == strings_written + 1) {
        emit_service();
        ++strings_written;
      }
      std::string v;
      switch (type) {
        case AttrType::kString:
          AppendLenField(v, 1, ByteView(typed.strs[k]));
          ++strings_written;
          break;
        case AttrType::kInt:
          AppendVarintField(v, 3, static_cast<uint64_t>(UnZigZag(typed.nums[k])));
          break;
        case AttrType::kDouble:
          AppendFixed64Field(v, 4, typed.nums[k]);
          break;
        case AttrType::kBool:
          AppendVarintField(v, 2, typed.nums[k]);
          break;
        case AttrType::kOther:
          v = typed.strs[k];
          break;
        case AttrType::kCount:
          break;
      }
      AppendKeyValue(out, field, typed.keys[k], std::move(v));
    }
    if (type == AttrType::kString && service != nullptr && service_pos > strings_written) {
      emit_service();  // it was the last string attribute
    }
  }
}

}  // namespace

Result<std::string> RowGroupReader::ReadTrace(uint32_t t) {
  RowGroupReader& r = *this;
  if (t >= rows(Table::kTrace)) {
    return Status::OutOfRange("trace ordinal past the row group");
  }
  std::string trace_id;
  std::vector<uint64_t> trace_start;
  VV_RETURN_IF_ERROR(ReadFixed(C(Col::kTraceId), t, 1, &trace_id));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kTraceStart), t, 1, &trace_start));
  uint64_t res_begin = 0;
  std::vector<uint64_t> res_end;
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kTraceResEnd), t, 1, &res_begin, &res_end));
  auto rb = static_cast<uint32_t>(res_begin);
  auto rn = static_cast<uint32_t>(res_end[0] - res_begin);

  // Resources.
  uint64_t scope_begin = 0;
  std::vector<uint64_t> scope_end;
  std::vector<std::string> service;
  std::vector<std::string> res_extra;
  std::vector<uint64_t> service_pos;
  std::vector<uint64_t> res_dropped;
  AttrRun res_attrs;
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kResScopeEnd), rb, rn, &scope_begin, &scope_end));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kResService), rb, rn, &service));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kResServicePos), rb, rn, &service_pos));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kResDropped), rb, rn, &res_dropped));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kResExtra), rb, rn, &res_extra));
  VV_RETURN_IF_ERROR(ReadAttrRun(r, AttrScope::kResource, rb, rn, &res_attrs));

  // Scopes.
  auto sb = static_cast<uint32_t>(scope_begin);
  auto sn = static_cast<uint32_t>((rn == 0 ? scope_begin : scope_end.back()) - scope_begin);
  uint64_t span_begin = 0;
  std::vector<uint64_t> span_end;
  std::vector<std::string> scope_name;
  std::vector<std::string> scope_version;
  std::vector<uint64_t> scope_dropped;
  AttrRun scope_attrs;
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kScopeSpanEnd), sb, sn, &span_begin, &span_end));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kScopeName), sb, sn, &scope_name));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kScopeVersion), sb, sn, &scope_version));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kScopeDropped), sb, sn, &scope_dropped));
  VV_RETURN_IF_ERROR(ReadAttrRun(r, AttrScope::kScope, sb, sn, &scope_attrs));

  // Spans.
  auto pb = static_cast<uint32_t>(span_begin);
  auto pn = static_cast<uint32_t>((sn == 0 ? span_begin : span_end.back()) - span_begin);
  std::string span_ids;
  std::string parent_ext;
  std::vector<uint64_t> parent, kind, status_code, start_rel, duration, flags, dropped_attrs,
      dropped_events, dropped_links;
  std::vector<std::string> name, status_msg, trace_state;
  uint64_t event_begin = 0;
  uint64_t link_begin = 0;
  std::vector<uint64_t> event_end, link_end;
  AttrRun span_attrs;
  VV_RETURN_IF_ERROR(ReadFixed(C(Col::kSpanId), pb, pn, &span_ids));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanParent), pb, pn, &parent));
  VV_RETURN_IF_ERROR(ReadFixed(C(Col::kSpanParentExt), pb, pn, &parent_ext));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kSpanName), pb, pn, &name));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanKind), pb, pn, &kind));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanStatusCode), pb, pn, &status_code));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kSpanStatusMsg), pb, pn, &status_msg));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanStartRel), pb, pn, &start_rel));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDuration), pb, pn, &duration));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kSpanTraceState), pb, pn, &trace_state));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanFlags), pb, pn, &flags));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDroppedAttrs), pb, pn, &dropped_attrs));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDroppedEvents), pb, pn, &dropped_events));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kSpanDroppedLinks), pb, pn, &dropped_links));
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kSpanEventEnd), pb, pn, &event_begin, &event_end));
  VV_RETURN_IF_ERROR(ReadCsr(r, C(Col::kSpanLinkEnd), pb, pn, &link_begin, &link_end));
  VV_RETURN_IF_ERROR(ReadAttrRun(r, AttrScope::kSpan, pb, pn, &span_attrs));

  // Events and links.
  auto eb = static_cast<uint32_t>(event_begin);
  auto en = static_cast<uint32_t>((pn == 0 ? event_begin : event_end.back()) - event_begin);
  std::vector<uint64_t> ev_time, ev_dropped;
  std::vector<std::string> ev_name;
  AttrRun ev_attrs;
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kEventTimeRel), eb, en, &ev_time));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kEventName), eb, en, &ev_name));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kEventDropped), eb, en, &ev_dropped));
  VV_RETURN_IF_ERROR(ReadAttrRun(r, AttrScope::kEvent, eb, en, &ev_attrs));
  auto lb = static_cast<uint32_t>(link_begin);
  auto ln = static_cast<uint32_t>((pn == 0 ? link_begin : link_end.back()) - link_begin);
  std::string link_tid, link_sid;
  std::vector<uint64_t> link_mask, link_dropped, link_flags;
  std::vector<std::string> link_state;
  AttrRun link_attrs;
  VV_RETURN_IF_ERROR(ReadFixed(C(Col::kLinkTraceId), lb, ln, &link_tid));
  VV_RETURN_IF_ERROR(ReadFixed(C(Col::kLinkSpanId), lb, ln, &link_sid));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kLinkIdMask), lb, ln, &link_mask));
  VV_RETURN_IF_ERROR(ReadStrings(C(Col::kLinkTraceState), lb, ln, &link_state));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kLinkDropped), lb, ln, &link_dropped));
  VV_RETURN_IF_ERROR(ReadU64(C(Col::kLinkFlags), lb, ln, &link_flags));
  VV_RETURN_IF_ERROR(ReadAttrRun(r, AttrScope::kLink, lb, ln, &link_attrs));

  // Assemble bottom-up.
  std::string out;
  for (uint32_t ri = 0; ri < rn; ++ri) {
    std::string resource;
    AppendAttributes(resource, 1, res_attrs, ri, &service[ri], service_pos[ri]);
    if (res_dropped[ri] != 0) {
      AppendVarintField(resource, 2, res_dropped[ri]);
    }
    resource += res_extra[ri];
    std::string rs;
    AppendLenField(rs, 1, ByteView(resource));
    uint64_t s_from = (ri == 0 ? scope_begin : scope_end[ri - 1]) - scope_begin;
    uint64_t s_to = scope_end[ri] - scope_begin;
    for (uint64_t si = s_from; si < s_to; ++si) {
      std::string scope;
      if (!scope_name[si].empty()) {
        AppendLenField(scope, 1, ByteView(scope_name[si]));
      }
      if (!scope_version[si].empty()) {
        AppendLenField(scope, 2, ByteView(scope_version[si]));
      }
      AppendAttributes(scope, 3, scope_attrs, si, nullptr, 0);
      if (scope_dropped[si] != 0) {
        AppendVarintField(scope, 4, scope_dropped[si]);
      }
      std::string ss;
      AppendLenField(ss, 1, ByteView(scope));
      uint64_t p_from = (si == 0 ? span_begin : span_end[si - 1]) - span_begin;
      uint64_t p_to = span_end[si] - span_begin;
      for (uint64_t pi = p_from; pi < p_to; ++pi) {
        std::string span;
        uint64_t start = trace_start[0] + start_rel[pi];
        uint64_t end = start + static_cast<uint64_t>(UnZigZag(duration[pi]));
        AppendLenField(span, 1, ByteView(trace_id));
        AppendLenField(span, 2, ByteView(span_ids).substr(pi * 8, 8));
        if (!trace_state[pi].empty()) {
          AppendLenField(span, 3, ByteView(trace_state[pi]));
        }
        if (parent[pi] == 1) {
          AppendLenField(span, 4, ByteView(parent_ext).substr(pi * 8, 8));
        } else if (parent[pi] >= 2) {
          uint64_t local = parent[pi] - 2;  // index within the trace = within this span run
          if (local >= pn) {
            return Status::DataLoss("corrupt row group: parent index outside the trace");
          }
          AppendLenField(span, 4, ByteView(span_ids).substr(local * 8, 8));
        }
        if (!name[pi].empty()) {
          AppendLenField(span, 5, ByteView(name[pi]));
        }
        if (kind[pi] != 0) {
          AppendVarintField(span, 6, kind[pi]);
        }
        if (start != 0) {
          AppendFixed64Field(span, 7, start);
        }
        if (end != 0) {
          AppendFixed64Field(span, 8, end);
        }
        AppendAttributes(span, 9, span_attrs, pi, nullptr, 0);
        if (dropped_attrs[pi] != 0) {
          AppendVarintField(span, 10, dropped_attrs[pi]);
        }
        uint64_t e_from = (pi == 0 ? event_begin : event_end[pi - 1]) - event_begin;
        uint64_t e_to = event_end[pi] - event_begin;
        for (uint64_t ei = e_from; ei < e_to; ++ei) {
          std::string ev;
          uint64_t time = start + static_cast<uint64_t>(UnZigZag(ev_time[ei]));
          if (time != 0) {
            AppendFixed64Field(ev, 1, time);
          }
          if (!ev_name[ei].empty()) {
            AppendLenField(ev, 2, ByteView(ev_name[ei]));
          }
          AppendAttributes(ev, 3, ev_attrs, ei, nullptr, 0);
          if (ev_dropped[ei] != 0) {
            AppendVarintField(ev, 4, ev_dropped[ei]);
          }
          AppendLenField(span, 11, ByteView(ev));
        }
        if (dropped_events[pi] != 0) {
          AppendVarintField(span, 12, dropped_events[pi]);
        }
        uint64_t l_from = (pi == 0 ? link_begin : link_end[pi - 1]) - link_begin;
        uint64_t l_to = link_end[pi] - link_begin;
        for (uint64_t li = l_from; li < l_to; ++li) {
          std::string link;
          if (link_mask[li] & 1) {
            AppendLenField(link, 1, ByteView(link_tid).substr(li * 16, 16));
          }
          if (link_mask[li] & 2) {
            AppendLenField(link, 2, ByteView(link_sid).substr(li * 8, 8));
          }
          if (!link_state[li].empty()) {
            AppendLenField(link, 3, ByteView(link_state[li]));
          }
          AppendAttributes(link, 4, link_attrs, li, nullptr, 0);
          if (link_dropped[li] != 0) {
            AppendVarintField(link, 5, link_dropped[li]);
          }
          if (link_flags[li] != 0) {
            AppendFixed32Field(link, 6, static_cast<uint32_t>(link_flags[li]));
          }
          AppendLenField(span, 13, ByteView(link));
        }
        if (dropped_links[pi] != 0) {
          AppendVarintField(span, 14, dropped_links[pi]);
        }
        if (status_code[pi] != 0 || !status_msg[pi].empty()) {
          std::string st;
          if (!status_msg[pi].empty()) {
            AppendLenField(st, 2, ByteView(status_msg[pi]));
          }
          if (status_code[pi] != 0) {
            AppendVarintField(st, 3, status_code[pi]);
          }
          AppendLenField(span, 15, ByteView(st));
        }
        if (flags[pi] != 0) {
          AppendFixed32Field(span, 16, static_cast<uint32_t>(flags[pi]));
        }
        AppendLenField(ss, 2, ByteView(span));
      }
      AppendLenField(rs, 2, ByteView(ss));
    }
    AppendLenField(out, 1, ByteView(rs));
  }
  return out;
}

}  // namespace vivace::block
