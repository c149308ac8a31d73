#pragma once

// Combining the parts of one trace (pushes held by live traces, cut traces, blocks) into one
// tempopb.Trace, at the wire level, with the semantics of Tempo's trace.Combiner and query
// frontend:
//  - the first part is taken as is; later parts contribute only spans whose (span ID, kind) is
//    new; resource and scope groups left without spans are dropped;
//  - when several parts were combined, spans are sorted by (start time, span ID), scope groups
//    and resource groups by their first span;
//  - a server span sharing its ID with a client span (Zipkin's shared spans) gets a fresh ID,
//    the shared ID becomes its parent, and its children are re-pointed to it;
//  - with a byte limit, combining stops once the result is larger than the limit.
// Output is spliced from the input bytes (protobuf) or transcoded from them (JSON): no message
// objects are built. Keeps views into the added bytes, which must outlive the assembler.
// Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "common/bytes.h"
#include "common/json_writer.h"
#include "common/status.h"
#include "model/wire_json.h"

namespace vivace::model {

class TraceAssembler {
 public:
  // What to do with server spans that share their ID with a client span: the query path
  // rewrites them as Tempo's frontend does; block writers keep them as received, as Tempo
  // stores them.
  enum class SharedSpanIds { kRewrite, kKeep };

  explicit TraceAssembler(size_t max_bytes = 0, SharedSpanIds shared = SharedSpanIds::kRewrite)
      : max_bytes_(max_bytes), shared_(shared) {}

  // Adds one serialized tempopb.Trace. DataLoss if it is not well formed.
  Status Add(ByteView trace);

  bool empty() const { return parts_ == 0; }

  bool too_large() const { return too_large_; }

  size_t max_bytes() const { return max_bytes_; }

  size_t span_count() const;
  // Spans of later parts dropped as copies of spans already taken.
  size_t spans_deduped() const { return spans_deduped_; }

  // The combined trace as serialized tempopb.Trace.
  std::string SerializeProto();
  // The combined trace as `{"<root_key>":[...]}` (or `{}` when empty).
  void WriteJson(JsonWriter& w, std::string_view root_key, IdEncoding ids = IdEncoding::kBase64);

 private:
  struct Span {
    ByteView bytes;
    uint64_t id = 0;
    uint64_t parent = 0;
    uint64_t start = 0;
    int32_t kind = 0;
    bool has_parent = false;
  };

  struct Scope {
    ByteView bytes;
    bool present = false;
    std::vector<uint32_t> spans;
  };

  struct Batch {
    ByteView resource;
    bool present = false;
    std::vector<uint32_t> scopes;
  };

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

  Status AddBatch(ByteView rs, bool first);
  Status AddScope(ByteView ss, bool first, Batch* batch);
  // Sorts (if combined) and dedupes shared span IDs, once.
  void Finish();
  void DedupeSharedSpanIds();
  static size_t ScopeSize(const Scope& s, const std::vector<Span>& spans);
  size_t BatchSize(const Batch& b) const;

  size_t max_bytes_;
  SharedSpanIds shared_;
  size_t parts_ = 0;
  size_t spans_deduped_ = 0;
  size_t size_ = 0;
  bool combined_ = false;
  bool too_large_ = false;
  bool finished_ = false;
  std::vector<Batch> batches_;
  std::vector<Scope> scopes_;
  std::vector<Span> spans_;
  absl::flat_hash_set<SpanKey> seen_;
  std::deque<std::string> rewritten_;  // spans whose IDs the deduper changed
};

}  // namespace vivace::model
