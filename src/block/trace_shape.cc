#include "block/trace_shape.h"

#include <algorithm>

#include <absl/container/flat_hash_map.h>

#include "common/protowire.h"

namespace vivace::block {

using protowire::Reader;
using protowire::WireType;

namespace {

Status Malformed() { return Status::DataLoss("trace to store is not well formed"); }

uint64_t IdValue(ByteView id) {
  uint64_t v = 0;
  for (size_t i = 0; i < id.size() && i < 8; ++i) {
    v = v << 8 | id[i];
  }
  return v;
}

// The expected wire type of each known Span field (opentelemetry/proto/trace/v1/trace.proto);
// a field with another type is kept verbatim like an unknown one.
bool SpanFieldType(uint32_t field, WireType* type) {
  switch (field) {
    case 1:   // trace_id
    case 2:   // span_id
    case 3:   // trace_state
    case 4:   // parent_span_id
    case 5:   // name
    case 9:   // attributes
    case 11:  // events
    case 13:  // links
    case 15:  // status
      *type = WireType::kLen;
      return true;
    case 6:   // kind
    case 10:  // dropped_attributes_count
    case 12:  // dropped_events_count
    case 14:  // dropped_links_count
      *type = WireType::kVarint;
      return true;
    case 7:  // start_time_unix_nano
    case 8:  // end_time_unix_nano
      *type = WireType::kI64;
      return true;
    case 16:  // flags
      *type = WireType::kI32;
      return true;
    default:
      return false;
  }
}

// Whether `bytes` is a well-formed message (every field readable).
bool WellFormed(ByteView bytes) {
  Reader r(bytes);
  while (r.Next()) {
  }
  return r.ok();
}

Status ParseSpan(ByteView bytes, ByteView trace_id, TraceShape* t, SpanShape* s) {
  s->attr_begin = static_cast<uint32_t>(t->attributes.size());
  s->event_begin = static_cast<uint32_t>(t->events.size());
  s->link_begin = static_cast<uint32_t>(t->links.size());
  s->extra_begin = static_cast<uint32_t>(t->extra.size());
  Reader r(bytes);
  const uint8_t* field_start = bytes.data();
  while (r.Next()) {
    WireType want;
    bool keep = !SpanFieldType(r.field(), &want) || want != r.type();
    if (!keep) {
      switch (r.field()) {
        case 1:
          keep = !(r.bytes() == trace_id);
          break;
        case 2:
          s->id = r.bytes();
          // An all-zero ID is how the span.id column says "no ID": keep a real one verbatim.
          keep = s->id.size() != 8 || IdValue(s->id) == 0;
          if (keep) {
            s->id = ByteView();
          }
          break;
        case 3:
          s->trace_state = r.bytes();
          break;
        case 4:
          s->parent_id = r.bytes();
          keep = !s->parent_id.empty() && s->parent_id.size() != 8;
          if (keep) {
            s->parent_id = ByteView();
          }
          break;
        case 5:
          s->name = r.bytes();
          break;
        case 6:
          s->kind = r.varint();
          break;
        case 7:
          s->start = r.varint();
          break;
        case 8:
          s->end = r.varint();
          break;
        case 9:
          t->attributes.push_back(r.bytes());
          break;
        case 10:
          s->dropped_attrs = r.varint();
          break;
        case 11:
          if (!WellFormed(r.bytes())) {
            return Malformed();
          }
          t->events.push_back(r.bytes());
          break;
        case 12:
          s->dropped_events = r.varint();
          break;
        case 13:
          if (!WellFormed(r.bytes())) {
            return Malformed();
          }
          t->links.push_back(r.bytes());
          break;
        case 14:
          s->dropped_links = r.varint();
          break;
        case 15: {
          Reader st(r.bytes());
          while (st.Next()) {
            if (st.field() == 2 && st.type() == WireType::kLen) {
              s->status_message = st.bytes();
            } else if (st.field() == 3 && st.type() == WireType::kVarint) {
              s->status_code = st.varint();
            }
          }
          if (!st.ok()) {
            return Malformed();
          }
          break;
        }
        case 16:
          s->flags = r.varint();
          break;
        default:
          break;
      }
    }
    if (keep) {
      t->extra.push_back(ByteView(field_start, static_cast<size_t>(r.position() - field_start)));
    }
    field_start = r.position();
  }
  s->attr_count = static_cast<uint32_t>(t->attributes.size()) - s->attr_begin;
  s->event_count = static_cast<uint32_t>(t->events.size()) - s->event_begin;
  s->link_count = static_cast<uint32_t>(t->links.size()) - s->link_begin;
  s->extra_count = static_cast<uint32_t>(t->extra.size()) - s->extra_begin;
  return r.ok() ? Status::Ok() : Malformed();
}

}  // namespace

void TraceShape::Clear() {
  resources.clear();
  scopes.clear();
  spans.clear();
  attributes.clear();
  events.clear();
  links.clear();
  extra.clear();
  start = 0;
  end = 0;
  root = -1;
}

Status ParseTraceShape(ByteView trace, ByteView trace_id, TraceShape* out) {
  out->Clear();
  Reader r(trace);
  while (r.Next()) {
    if (r.field() != 1 || r.type() != WireType::kLen) {
      continue;
    }
    ResourceShape res;
    res.first_scope = static_cast<uint32_t>(out->scopes.size());
    Reader rs(r.bytes());
    while (rs.Next()) {
      if (rs.type() != WireType::kLen) {
        continue;
      }
      if (rs.field() == 1) {
        res.bytes = rs.bytes();
        res.present = true;
      } else if (rs.field() == 3) {
        res.schema_url = rs.bytes();
      } else if (rs.field() == 2) {
        ScopeShape sc;
        sc.first_span = static_cast<uint32_t>(out->spans.size());
        Reader ss(rs.bytes());
        while (ss.Next()) {
          if (ss.type() != WireType::kLen) {
            continue;
          }
          if (ss.field() == 1) {
            sc.bytes = ss.bytes();
            sc.present = true;
          } else if (ss.field() == 3) {
            sc.schema_url = ss.bytes();
          } else if (ss.field() == 2) {
            out->spans.emplace_back();
            VV_RETURN_IF_ERROR(ParseSpan(ss.bytes(), trace_id, out, &out->spans.back()));
          }
        }
        if (!ss.ok()) {
          return Malformed();
        }
        sc.span_count = static_cast<uint32_t>(out->spans.size()) - sc.first_span;
        out->scopes.push_back(sc);
      }
    }
    if (!rs.ok()) {
      return Malformed();
    }
    res.scope_count = static_cast<uint32_t>(out->scopes.size()) - res.first_scope;
    out->resources.push_back(res);
  }
  if (!r.ok()) {
    return Malformed();
  }
  // Time range, root, parent indices. Small traces use a linear scan instead of a map.
  const size_t n = out->spans.size();
  for (size_t i = 0; i < n; ++i) {
    const SpanShape& s = out->spans[i];
    if (i == 0 || s.start < out->start) {
      out->start = s.start;
    }
    out->end = std::max(out->end, s.end);
    if (out->root < 0 && s.parent_id.empty()) {
      out->root = static_cast<int64_t>(i);
    }
  }
  auto find_linear = [out, n](ByteView id) -> int64_t {
    for (size_t j = 0; j < n; ++j) {
      if (out->spans[j].id == id) {
        return static_cast<int64_t>(j);
      }
    }
    return -1;
  };
  if (n <= 32) {
    for (SpanShape& s : out->spans) {
      if (!s.parent_id.empty()) {
        int64_t p = find_linear(s.parent_id);
        s.parent = p < 0 ? 1 : static_cast<uint64_t>(p) + 2;
      }
    }
    return Status::Ok();
  }
  absl::flat_hash_map<uint64_t, uint32_t> index;  // span ID -> first span with it
  index.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!out->spans[i].id.empty()) {
      index.try_emplace(IdValue(out->spans[i].id), static_cast<uint32_t>(i));
    }
  }
  for (SpanShape& s : out->spans) {
    if (!s.parent_id.empty()) {
      auto it = index.find(IdValue(s.parent_id));
      s.parent = it == index.end() ? 1 : uint64_t{it->second} + 2;
    }
  }
  return Status::Ok();
}

void ComputeNestedSet(std::span<const uint64_t> parent, std::vector<uint32_t>* left,
                      std::vector<uint32_t>* right) {
  const size_t n = parent.size();
  left->assign(n, 0);
  right->assign(n, 0);
  // Children lists in CSR form: first[i]..first[i+1] in `kids`.
  std::vector<uint32_t> first(n + 1, 0);
  std::vector<uint32_t> roots;
  for (size_t i = 0; i < n; ++i) {
    uint64_t p = parent[i];
    if (p >= 2 && p - 2 < n && p - 2 != i) {
      first[p - 2 + 1]++;
    } else {
      roots.push_back(static_cast<uint32_t>(i));
    }
  }
  for (size_t i = 0; i < n; ++i) {
    first[i + 1] += first[i];
  }
  std::vector<uint32_t> kids(first[n]);
  std::vector<uint32_t> fill(first.begin(), first.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    uint64_t p = parent[i];
    if (p >= 2 && p - 2 < n && p - 2 != i) {
      kids[fill[p - 2]++] = static_cast<uint32_t>(i);
    }
  }
  uint32_t counter = 1;
  std::vector<std::pair<uint32_t, uint32_t>> stack;  // span, next child position
  for (uint32_t root : roots) {
    (*left)[root] = counter++;
    stack.push_back({root, first[root]});
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < first[node + 1]) {
        uint32_t c = kids[next++];
        if ((*left)[c] != 0) {
          continue;
        }
        (*left)[c] = counter++;
        stack.push_back({c, first[c]});
      } else {
        (*right)[node] = counter++;
        stack.pop_back();
      }
    }
  }
}

}  // namespace vivace::block
