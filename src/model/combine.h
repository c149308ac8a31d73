#pragma once

// Combining the parts of one trace found in several places (pushes held by live traces, head
// and complete blocks) into one tempopb.Trace, as Tempo's trace.Combiner does: the first part is
// taken as is, later parts contribute only spans whose (span ID, kind) is new; the result is
// sorted by span start time only when something was combined. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>

#include <absl/container/flat_hash_set.h>

#include "common/bytes.h"
#include "common/status.h"
#include "tempopb/tempo.pb.h"

namespace vivace::model {

class TraceCombiner {
 public:
  // `max_bytes` > 0 stops combining once the result's protobuf size exceeds it.
  explicit TraceCombiner(size_t max_bytes = 0);
  TraceCombiner(const TraceCombiner&) = delete;
  TraceCombiner& operator=(const TraceCombiner&) = delete;
  ~TraceCombiner();

  // Consumes one serialized tempopb.Trace. DataLoss if the bytes do not parse (corruption).
  Status Consume(ByteView trace_bytes);

  bool empty() const { return parts_ == 0; }
  bool too_large() const { return too_large_; }
  size_t max_bytes() const { return max_bytes_; }
  // The combined trace (sorted if several parts were combined). Owned by the combiner.
  tempopb::Trace& Result();

 private:
  struct SpanKey {
    uint64_t id;
    int32_t kind;
    friend bool operator==(const SpanKey& a, const SpanKey& b) {
      return a.id == b.id && a.kind == b.kind;
    }
    template <typename H>
    friend H AbslHashValue(H h, const SpanKey& k) {
      return H::combine(std::move(h), k.id, k.kind);
    }
  };
  static SpanKey KeyOf(const opentelemetry::proto::trace::v1::Span& span);

  std::unique_ptr<google::protobuf::Arena> arena_;
  tempopb::Trace* result_;
  absl::flat_hash_set<SpanKey> seen_;
  size_t max_bytes_;
  size_t parts_ = 0;
  bool combined_ = false;
  bool too_large_ = false;
};

// Tempo's sort: spans by (start time, span ID); scope spans and resource spans by their first
// span.
void SortTrace(tempopb::Trace& trace);

// The query frontend's span-ID deduper (from Jaeger): a server span that shares its ID with a
// client span (Zipkin's shared spans) gets a fresh ID, the shared ID becomes its parent, and its
// children are re-pointed to it.
void DedupeSharedSpanIds(tempopb::Trace& trace);

}  // namespace vivace::model
