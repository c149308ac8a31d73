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

Status ParseSpan(ByteView bytes, SpanShape* s) {
  s->bytes = bytes;
  Reader r(bytes);
  while (r.Next()) {
    switch (r.field()) {
      case 2:
        s->id = r.bytes();
        break;
      case 3:
        s->trace_state = r.bytes();
        break;
      case 4:
        s->parent_id = r.bytes();
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
        s->attributes.push_back(r.bytes());
        break;
      case 10:
        s->dropped_attrs = r.varint();
        break;
      case 11:
        s->events.push_back(r.bytes());
        break;
      case 12:
        s->dropped_events = r.varint();
        break;
      case 13:
        s->links.push_back(r.bytes());
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
        break;  // trace_id (the trace's) and unknown fields are not stored
    }
  }
  return r.ok() ? Status::Ok() : Malformed();
}

void NumberNestedSet(TraceShape* t) {
  size_t n = t->spans.size();
  std::vector<std::vector<uint32_t>> children(n);
  std::vector<uint32_t> roots;
  for (size_t i = 0; i < n; ++i) {
    uint64_t p = t->spans[i].parent;
    if (p >= 2 && p - 2 != i) {
      children[p - 2].push_back(static_cast<uint32_t>(i));
    } else {
      roots.push_back(static_cast<uint32_t>(i));
    }
  }
  // Iterative DFS; spans on a parent cycle are never reached and keep 0 ("unknown").
  uint32_t counter = 1;
  std::vector<std::pair<uint32_t, size_t>> stack;
  for (uint32_t root : roots) {
    stack.push_back({root, 0});
    t->spans[root].nested_left = counter++;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < children[node].size()) {
        uint32_t c = children[node][next++];
        if (t->spans[c].nested_left != 0) {
          continue;
        }
        t->spans[c].nested_left = counter++;
        stack.push_back({c, 0});
      } else {
        t->spans[node].nested_right = counter++;
        stack.pop_back();
      }
    }
  }
}

}  // namespace

Status ParseTraceShape(ByteView trace, TraceShape* out) {
  *out = TraceShape();
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
          } else if (ss.field() == 2) {
            SpanShape span;
            VV_RETURN_IF_ERROR(ParseSpan(ss.bytes(), &span));
            out->spans.push_back(std::move(span));
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
  // Time range, root, parent indices.
  absl::flat_hash_map<uint64_t, uint32_t> index;  // span ID -> first span with it
  index.reserve(out->spans.size());
  for (size_t i = 0; i < out->spans.size(); ++i) {
    const SpanShape& s = out->spans[i];
    if (i == 0 || s.start < out->start) {
      out->start = s.start;
    }
    out->end = std::max(out->end, s.end);
    index.try_emplace(IdValue(s.id), static_cast<uint32_t>(i));
    if (out->root < 0 && s.parent_id.empty()) {
      out->root = static_cast<int64_t>(i);
    }
  }
  for (SpanShape& s : out->spans) {
    if (s.parent_id.empty()) {
      s.parent = 0;
    } else if (s.parent_id.size() == 8) {
      auto it = index.find(IdValue(s.parent_id));
      s.parent = it == index.end() ? 1 : uint64_t{it->second} + 2;
    } else {
      return Status::DataLoss("parent span id is not 8 bytes");
    }
  }
  NumberNestedSet(out);
  return Status::Ok();
}

}  // namespace vivace::block
