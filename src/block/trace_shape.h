#pragma once

// A serialized trace parsed into its levels as byte views (no message objects): what the
// row-group writer shreds into columns. Also computes the per-trace derived values the block
// stores: time range, root span, parent indices and nested-set numbers.

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

struct SpanShape {
  ByteView bytes;
  ByteView id;
  ByteView parent_id;
  ByteView name;
  ByteView trace_state;
  ByteView status_message;
  uint64_t kind = 0;
  uint64_t status_code = 0;
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t flags = 0;
  uint64_t dropped_attrs = 0;
  uint64_t dropped_events = 0;
  uint64_t dropped_links = 0;
  std::vector<ByteView> attributes;  // KeyValue messages
  std::vector<ByteView> events;      // Span.Event messages
  std::vector<ByteView> links;       // Span.Link messages
  // Derived.
  uint64_t parent = 0;  // 0 none, 1 outside the trace, n+2 = index n of the trace's spans
  uint32_t nested_left = 0;
  uint32_t nested_right = 0;
};

struct ScopeShape {
  ByteView bytes;  // InstrumentationScope (empty view: absent)
  bool present = false;
  uint32_t first_span = 0;
  uint32_t span_count = 0;
};

struct ResourceShape {
  ByteView bytes;  // Resource (empty view: absent)
  bool present = false;
  uint32_t first_scope = 0;
  uint32_t scope_count = 0;
};

struct TraceShape {
  std::vector<ResourceShape> resources;
  std::vector<ScopeShape> scopes;
  std::vector<SpanShape> spans;  // in storage order
  uint64_t start = 0;            // earliest span start (0 when no spans)
  uint64_t end = 0;              // latest span end
  int64_t root = -1;             // index of the first span without a parent, or -1
};

// Parses `trace` (a serialized tempopb.Trace) and computes the derived values.
// DataLoss if the bytes are not well formed.
Status ParseTraceShape(ByteView trace, TraceShape* out);

}  // namespace vivace::block
