#include "traceql/eval/trace.h"

#include <algorithm>
#include <unordered_map>

namespace vivace::traceql::eval {

const Static* FindAttribute(const Attributes& attrs, std::string_view key) {
  for (const KeyValue& kv : attrs) {
    if (kv.key == key) {
      return &kv.value;
    }
  }
  return nullptr;
}

void Trace::BuildTree() {
  size_t n = spans.size();
  // Parents by span ID; with duplicated IDs the first span wins.
  std::unordered_map<std::string_view, int32_t> by_id;
  by_id.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    by_id.emplace(spans[i].span_id, static_cast<int32_t>(i));
  }
  std::vector<std::vector<int32_t>> children(n);
  std::vector<int32_t> roots;
  for (size_t i = 0; i < n; ++i) {
    Span& s = spans[i];
    s.connected = false;
    s.nested_left = s.nested_right = s.nested_parent = 0;
    s.child_count = 0;
    if (s.parent_id.empty() || s.parent_id.find_first_not_of('\0') == std::string::npos) {
      s.parent = Span::kRoot;
      roots.push_back(static_cast<int32_t>(i));
      continue;
    }
    auto it = by_id.find(s.parent_id);
    if (it == by_id.end() || it->second == static_cast<int32_t>(i)) {
      s.parent = Span::kUnknown;
      continue;
    }
    s.parent = it->second;
    children[static_cast<size_t>(it->second)].push_back(static_cast<int32_t>(i));
  }
  for (size_t i = 0; i < n; ++i) {
    spans[i].child_count = static_cast<int64_t>(children[i].size());
  }
  // Depth-first from each root, one counter: left on entry, right on exit (an explicit stack,
  // so that deep traces cannot exhaust the call stack).
  int64_t counter = 1;
  std::vector<std::pair<int32_t, size_t>> stack;
  for (int32_t root : roots) {
    Span& r = spans[static_cast<size_t>(root)];
    r.connected = true;
    r.nested_left = counter++;
    r.nested_parent = -1;
    stack.emplace_back(root, 0);
    while (!stack.empty()) {
      auto& [idx, next] = stack.back();
      const std::vector<int32_t>& kids = children[static_cast<size_t>(idx)];
      if (next < kids.size()) {
        int32_t child = kids[next++];
        Span& c = spans[static_cast<size_t>(child)];
        if (c.connected) {
          continue;  // cycles cannot happen with unique IDs; guard anyway
        }
        c.connected = true;
        c.nested_left = counter++;
        c.nested_parent = spans[static_cast<size_t>(idx)].nested_left;
        stack.emplace_back(child, 0);
      } else {
        spans[static_cast<size_t>(idx)].nested_right = counter++;
        stack.pop_back();
      }
    }
  }
  // Trace-level facts: the first root span names the trace.
  root_name.clear();
  root_service.clear();
  start_unix_nano = 0;
  end_unix_nano = 0;
  bool first = true;
  for (const Span& s : spans) {
    if (first || s.start_unix_nano < start_unix_nano) {
      start_unix_nano = s.start_unix_nano;
    }
    if (first || s.end_unix_nano > end_unix_nano) {
      end_unix_nano = s.end_unix_nano;
    }
    first = false;
  }
  if (!roots.empty()) {
    const Span& r = spans[static_cast<size_t>(roots.front())];
    root_name = r.name;
    if (r.resource != nullptr) {
      const Static* svc = FindAttribute(r.resource->attrs, "service.name");
      if (svc != nullptr && svc->type() == StaticType::kString) {
        root_service = svc->string_value();
      }
    }
  }
}

}  // namespace vivace::traceql::eval
