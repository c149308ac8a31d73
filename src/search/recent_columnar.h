#pragma once

// The columnar view of a tenant's recent traces (the ingester's live traces, head block and
// complete blocks not yet flushed): the traces encoded as `vvc1` row groups in memory, kept
// across queries, so that search and tag queries over recent data run the same columnar scan
// as blocks (scan/candidates.h) instead of decoding every trace.
//
// Recent traces change: live traces receive spans, traces move to blocks and leave memory.
// Each trace's content is named exactly by the (serial, size) of the buffers holding its
// parts (ingester/trace_buffer.h: buffers are append-only, a copy gets a new serial), and the
// view records that key for each trace it encoded. A query takes the view's segments (row
// groups) with the ordinals whose key still matches what the query holds; the rest of its
// traces are encoded into new segments (or, when there are few, evaluated one by one).
// Segments that became mostly stale are dropped and their current traces re-encoded. So a
// query sees each of its traces exactly once, either through a current ordinal of a segment
// or one by one; matches are confirmed on the trace's own parts by the exact evaluator.
//
// Traces are split into kBuckets buckets by trace-ID hash, each with its own lock and
// segments: a job of a search (TraceShard) covers whole buckets, and concurrent queries on
// other buckets do not wait for each other. Thread-safe.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "block/row_group_writer.h"
#include "common/status.h"
#include "ingester/ingester.h"
#include "model/trace_id.h"
#include "model/trace_map.h"

namespace vivace::search {

// Which traces of recent data a job reads: the buckets b (RecentColumnar::BucketOf) with
// b * count / kBuckets == index. Recent data is split so that several jobs share it.
struct TraceShard {
  uint32_t index = 0;
  uint32_t count = 1;
};

// The traces of one bucket of recent data, each with its parts (live traces, head block,
// complete blocks, in that order), ordered by trace ID. Holds pointers into `data`, which
// must outlive it. REQUIRES: `data` grouped by bucket (Ingester::GroupByBucket).
class RecentTraces {
 public:
  struct Trace {
    model::TraceId id;
    uint32_t first_part = 0;
    uint32_t n_parts = 0;
  };

  RecentTraces(const ingester::Ingester::RecentData& data, uint32_t bucket);

  uint32_t bucket() const { return bucket_; }
  const std::vector<Trace>& traces() const { return traces_; }
  const ingester::TraceBuffer& part(uint32_t i) const { return *parts_[i]; }
  // The trace's fragments (tempopb.Trace each); false on corrupt framing.
  bool Fragments(const Trace& t, std::vector<ByteView>* out) const;

 private:
  uint32_t bucket_;
  std::vector<Trace> traces_;
  std::vector<const ingester::TraceBuffer*> parts_;
};

class RecentColumnar {
 public:
  static constexpr uint32_t kBuckets = 64;

  static uint32_t BucketOf(const model::TraceId& id) {
    return static_cast<uint32_t>(model::HashTraceId(id) >> 58);
  }

  static bool InShard(uint32_t bucket, TraceShard shard) {
    return shard.count <= 1 || bucket * shard.count / kBuckets == shard.index;
  }

  // An encoded batch of traces; immutable.
  struct Segment {
    std::string rowgroup;
    block::RowGroupSummary summary;
    std::vector<model::TraceId> ids;  // by ordinal
  };

  // What a query reads of one bucket: segments with, per ordinal, the index (in
  // RecentTraces::traces()) of the trace it currently stands for, or -1 when stale; and the
  // traces to evaluate one by one.
  struct BucketView {
    struct Part {
      std::shared_ptr<const Segment> segment;
      std::vector<int32_t> trace_of_ordinal;
      uint32_t current = 0;  // ordinals that are not -1
    };

    std::vector<Part> segments;
    std::vector<uint32_t> one_by_one;
  };

  // Traces that are not in the view are encoded when there are at least `min_encode` of them
  // in a bucket (fewer are cheaper to evaluate one by one; tests encode everything).
  explicit RecentColumnar(size_t min_encode = 8) : min_encode_(std::max<size_t>(1, min_encode)) {}

  // The view of the bucket of `traces`, encoding what is missing. With `whole_segments`,
  // every segment returned is wholly current (tag queries read whole columns); otherwise
  // segments at least half current are kept as they are.
  BucketView View(const RecentTraces& traces, bool whole_segments);

  // Bytes of encoded row groups held (for tests and the bench).
  size_t bytes() const;

 private:
  // (serial, size) of up to kMaxKeyParts buffers; traces with more parts are not encoded.
  static constexpr uint32_t kMaxKeyParts = 3;

  struct Key {
    std::array<std::pair<uint64_t, uint64_t>, kMaxKeyParts> parts{};
    uint32_t n = 0;
    bool operator==(const Key&) const = default;
  };

  struct Entry {
    const Segment* segment = nullptr;
    uint32_t ordinal = 0;
    Key key;
  };

  struct Bucket {
    mutable std::mutex mu;
    std::vector<std::shared_ptr<const Segment>> segments;
    model::TraceMap<Entry> entries;
  };

  static bool KeyOf(const RecentTraces& traces, const RecentTraces::Trace& t, Key* key);
  // Encodes traces (indexes, ascending ID) into new segments of `b`; those that cannot be
  // encoded are added to `one_by_one`.
  void Encode(const RecentTraces& traces, const std::vector<uint32_t>& which, Bucket& b,
              BucketView* out);

  const size_t min_encode_;
  std::array<Bucket, kBuckets> buckets_;
};

}  // namespace vivace::search
