#pragma once

// An in-memory trace as the exact TraceQL evaluator sees it: spans with typed attributes, their
// resource, scope, events and links, and the tree facts structural operators need (parent
// index, nested-set numbers, child counts). Built from a combined tempopb.Trace
// (trace_proto.h) for live traces and for the reference evaluator of the columnar engine.
// Immutable once built; safe to read from many threads.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "traceql/enums.h"
#include "traceql/static_value.h"

namespace vivace::traceql::eval {

struct KeyValue {
  std::string key;
  Static value;  // string, int, float, bool or a homogeneous array of those
};

using Attributes = std::vector<KeyValue>;

// The value of `key`, or nullptr.
const Static* FindAttribute(const Attributes& attrs, std::string_view key);

struct Resource {
  Attributes attrs;
};

struct Scope {
  std::string name;
  std::string version;
  Attributes attrs;
};

struct Event {
  std::string name;
  uint64_t time_unix_nano = 0;
  Attributes attrs;
};

struct Link {
  std::string trace_id;  // raw bytes
  std::string span_id;   // raw bytes
  Attributes attrs;
};

struct Span {
  std::string span_id;    // raw bytes (8)
  std::string parent_id;  // raw bytes; empty for a root span
  std::string name;
  SpanKind kind = SpanKind::kUnspecified;
  SpanStatus status = SpanStatus::kUnset;
  std::string status_message;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  const Resource* resource = nullptr;
  const Scope* scope = nullptr;
  Attributes attrs;
  std::vector<Event> events;
  std::vector<Link> links;

  // Tree facts, filled by Trace::BuildTree(). A span is connected when following parents
  // reaches a root; only connected spans take part in structural relations.
  static constexpr int32_t kRoot = -1;
  static constexpr int32_t kUnknown = -2;
  int32_t parent = kUnknown;  // index of the parent span, kRoot, or kUnknown
  bool connected = false;
  int64_t nested_left = 0;  // nested-set numbers (0 = unknown), as Tempo stores them
  int64_t nested_right = 0;
  int64_t nested_parent = 0;  // the parent's left number, -1 for roots
  int64_t child_count = 0;
};

struct Trace {
  std::string trace_id;  // raw bytes (16)
  std::deque<Resource> resources;
  std::deque<Scope> scopes;
  std::vector<Span> spans;
  // Trace-level facts, filled by BuildTree().
  std::string root_name;
  std::string root_service;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;

  // Computes parents, connectivity, nested sets, child counts and the root facts.
  void BuildTree();
};

}  // namespace vivace::traceql::eval
