#pragma once

// A serialized tempopb.Trace parsed into its levels as byte views (no message objects): what the
// row-group writer shreds into columns. Also computes the per-trace derived values the block
// stores: time range, root span and parent indices; and, for readers, the nested-set numbers
// that TraceQL's structural operators use (derived from the parent indices, never stored).
// A TraceShape is meant to be reused from trace to trace: its vectors keep their capacity.

#include <cstdint>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

struct SpanShape {
  ByteView id;  // 8 bytes, or empty (then the field is in `extra`)
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
  // Ranges of TraceShape::attributes / events / links / extra.
  uint32_t attr_begin = 0;
  uint32_t attr_count = 0;
  uint32_t event_begin = 0;
  uint32_t event_count = 0;
  uint32_t link_begin = 0;
  uint32_t link_count = 0;
  uint32_t extra_begin = 0;
  uint32_t extra_count = 0;
  // Derived: 0 no parent, 1 a parent outside the trace (`parent_id`), n+2 = the n-th span.
  ByteView parent_id;
  uint64_t parent = 0;
};

struct ScopeShape {
  ByteView bytes;  // InstrumentationScope
  bool present = false;
  ByteView schema_url;  // ScopeSpans.schema_url
  uint32_t first_span = 0;
  uint32_t span_count = 0;
};

struct ResourceShape {
  ByteView bytes;  // Resource
  bool present = false;
  ByteView schema_url;  // ResourceSpans.schema_url
  uint32_t first_scope = 0;
  uint32_t scope_count = 0;
};

struct TraceShape {
  std::vector<ResourceShape> resources;
  std::vector<ScopeShape> scopes;
  std::vector<SpanShape> spans;      // in storage order
  std::vector<ByteView> attributes;  // KeyValue messages of all spans
  std::vector<ByteView> events;      // Span.Event messages
  std::vector<ByteView> links;       // Span.Link messages
  std::vector<ByteView> extra;       // whole span fields kept verbatim (tag included)
  uint64_t start = 0;                // earliest span start (0 when no spans)
  uint64_t end = 0;                  // latest span end
  int64_t root = -1;                 // index of the first span without a parent, or -1

  void Clear();
};

// Parses `trace` (a serialized tempopb.Trace whose spans all belong to trace `trace_id`) and
// computes the derived values. Span fields that the columns cannot hold as such (an unknown
// field, a span or parent ID that is not 8 bytes, a trace ID other than `trace_id`) are kept
// whole in `extra`. DataLoss if the trace, its resource/scope spans, spans, statuses, events or
// links are not well-formed protobuf (attributes, resources and scopes are checked by the
// writer, which keeps malformed ones verbatim).
Status ParseTraceShape(ByteView trace, ByteView trace_id, TraceShape* out);

// The nested-set numbering of a trace (docs/block-format.md §4.6) from its span.parent values
// (0 none, 1 outside the trace, n+2 = the n-th span): roots in storage order, children in
// storage order, one counter from 1; left on entering a span, right on leaving it. Spans on a
// parent cycle are never reached and keep 0/0. `left`/`right` are resized to parent.size().
void ComputeNestedSet(std::span<const uint64_t> parent, std::vector<uint32_t>* left,
                      std::vector<uint32_t>* right);

}  // namespace vivace::block
