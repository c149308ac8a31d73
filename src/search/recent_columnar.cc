#include "search/recent_columnar.h"

#include <algorithm>
#include <cstring>

#include "ingester/block_flush.h"
#include "ingester/fragments.h"

namespace vivace::search {
namespace {

// Segments are cut at this many bytes of traces (a row group of a block is ~100 MB).
constexpr size_t kMaxSegmentTraceBytes = 32 << 20;
// More segments than this in a bucket: the least current ones are merged into a new one.
constexpr size_t kMaxSegments = 12;

// Trace-ID order without a call to memcmp (the sorts here compare a lot of IDs).
struct IdKey {
  uint64_t hi;
  uint64_t lo;
  explicit IdKey(const model::TraceId& id) {
    std::memcpy(&hi, id.bytes.data(), 8);
    std::memcpy(&lo, id.bytes.data() + 8, 8);
    hi = __builtin_bswap64(hi);
    lo = __builtin_bswap64(lo);
  }
  bool operator<(const IdKey& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
};

}  // namespace

RecentTraces::RecentTraces(const ingester::Ingester::RecentData& data, uint32_t bucket)
    : bucket_(bucket) {
  struct Item {
    IdKey key;
    uint32_t order;
    const std::pair<model::TraceId, ingester::TraceBufferRef>* entry;
  };
  std::vector<Item> items;
  uint32_t begin = data.bucket_begin[bucket];
  uint32_t end = data.bucket_begin[bucket + 1];
  items.reserve(end - begin);
  for (uint32_t i = begin; i < end; ++i) {
    const auto& e = data.buffers[i];
    if (e.second != nullptr && !e.second->data.empty()) {
      items.push_back({IdKey(e.first), i, &e});
    }
  }
  // Parts of one trace keep their order: live traces, head block, complete blocks.
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.key < b.key) {
      return true;
    }
    if (b.key < a.key) {
      return false;
    }
    return a.order < b.order;
  });
  parts_.reserve(items.size());
  traces_.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const model::TraceId& id = items[i].entry->first;
    if (i == 0 || id != items[i - 1].entry->first) {
      traces_.push_back({id, static_cast<uint32_t>(parts_.size()), 0});
    }
    parts_.push_back(items[i].entry->second.get());
    ++traces_.back().n_parts;
  }
}

bool RecentTraces::Fragments(const Trace& t, std::vector<ByteView>* out) const {
  bool ok = true;
  for (uint32_t i = t.first_part; i < t.first_part + t.n_parts; ++i) {
    ok &= ingester::ForEachFragment(ByteView(parts_[i]->data),
                                    [out](ByteView f) { out->push_back(f); });
  }
  return ok;
}

bool RecentColumnar::KeyOf(const RecentTraces& traces, const RecentTraces::Trace& t, Key* key) {
  if (t.n_parts > kMaxKeyParts) {
    return false;
  }
  key->n = t.n_parts;
  for (uint32_t i = 0; i < t.n_parts; ++i) {
    const ingester::TraceBuffer& b = traces.part(t.first_part + i);
    key->parts[i] = {b.serial, b.data.size()};
  }
  return true;
}

RecentColumnar::BucketView RecentColumnar::View(const RecentTraces& traces,
                                                bool whole_segments) {
  BucketView out;
  const std::vector<RecentTraces::Trace>& all = traces.traces();
  const auto begin = 0u;
  const auto end = static_cast<uint32_t>(all.size());
  Bucket& b = buckets_[traces.bucket()];
  std::lock_guard<std::mutex> lock(b.mu);

  std::vector<BucketView::Part> parts(b.segments.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    parts[i].segment = b.segments[i];
    parts[i].trace_of_ordinal.assign(b.segments[i]->ids.size(), -1);
  }
  std::vector<uint32_t> missing;
  for (uint32_t i = begin; i < end; ++i) {
    Key key;
    if (!KeyOf(traces, all[i], &key)) {
      out.one_by_one.push_back(i);
      continue;
    }
    const Entry* e = b.entries.Find(all[i].id);
    if (e == nullptr || !(e->key == key)) {
      missing.push_back(i);
      continue;
    }
    for (auto& p : parts) {
      if (p.segment.get() == e->segment) {
        p.trace_of_ordinal[e->ordinal] = static_cast<int32_t>(i);
        ++p.current;
        break;
      }
    }
  }

  // Drop segments that are too stale (or not wholly current when asked); when there are too
  // many, the least current too. Their current traces are encoded again below.
  std::vector<size_t> order(parts.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(),
            [&parts](size_t x, size_t y) { return parts[x].current > parts[y].current; });
  std::vector<bool> drop(parts.size(), false);
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const BucketView::Part& p = parts[order[rank]];
    size_t n = p.trace_of_ordinal.size();
    drop[order[rank]] = (whole_segments ? p.current < n : p.current * 2 < n)
                        || (rank >= kMaxSegments / 2 && order.size() > kMaxSegments);
  }
  b.segments.clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!drop[i]) {
      b.segments.push_back(parts[i].segment);
      out.segments.push_back(std::move(parts[i]));
      continue;
    }
    for (int32_t t : parts[i].trace_of_ordinal) {
      if (t >= 0) {
        missing.push_back(static_cast<uint32_t>(t));
      }
    }
    const Segment* seg = parts[i].segment.get();
    for (const model::TraceId& id : seg->ids) {
      const Entry* e = b.entries.Find(id);
      if (e != nullptr && e->segment == seg) {
        b.entries.Erase(id);
      }
    }
  }

  if (missing.size() < min_encode_) {
    out.one_by_one.insert(out.one_by_one.end(), missing.begin(), missing.end());
  } else {
    std::sort(missing.begin(), missing.end(),
              [&all](uint32_t x, uint32_t y) { return IdKey(all[x].id) < IdKey(all[y].id); });
    Encode(traces, missing, b, &out);
  }
  return out;
}

void RecentColumnar::Encode(const RecentTraces& traces, const std::vector<uint32_t>& which,
                            Bucket& b, BucketView* out) {
  const std::vector<RecentTraces::Trace>& all = traces.traces();
  block::RowGroupWriterOptions options;
  options.compress_header = false;  // opened by every query: keep opening cheap
  options.compression.codec = block::Codec::kLz4;
  block::RowGroupWriter writer(options);
  std::vector<std::pair<uint32_t, Key>> placed;
  std::string framed;
  std::string combined;

  auto finish = [&] {
    if (placed.empty()) {
      return;
    }
    auto seg = std::make_shared<Segment>();
    seg->rowgroup = writer.Finish(&seg->summary);
    BucketView::Part part;
    part.trace_of_ordinal.resize(placed.size());
    part.current = static_cast<uint32_t>(placed.size());
    seg->ids.reserve(placed.size());
    for (uint32_t ord = 0; ord < placed.size(); ++ord) {
      const model::TraceId& id = all[placed[ord].first].id;
      seg->ids.push_back(id);
      part.trace_of_ordinal[ord] = static_cast<int32_t>(placed[ord].first);
      bool inserted = false;
      b.entries.FindOrInsert(id, &inserted) = {seg.get(), ord, placed[ord].second};
    }
    part.segment = seg;
    b.segments.push_back(std::move(seg));
    out->segments.push_back(std::move(part));
    placed.clear();
  };

  for (uint32_t i : which) {
    const RecentTraces::Trace& t = all[i];
    Key key;
    KeyOf(traces, t, &key);
    ByteView whole(traces.part(t.first_part).data);
    if (t.n_parts > 1) {
      framed.clear();
      for (uint32_t p = t.first_part; p < t.first_part + t.n_parts; ++p) {
        framed += traces.part(p).data;
      }
      whole = ByteView(framed);
    }
    if (!ingester::CombineParts(whole, &combined).ok()
        || !writer.AddTrace(t.id, ByteView(combined)).ok()) {
      out->one_by_one.push_back(i);  // evaluated on its own, which reports the error
      continue;
    }
    placed.emplace_back(i, key);
    if (writer.approx_bytes() >= kMaxSegmentTraceBytes) {
      finish();
    }
  }
  finish();
}

size_t RecentColumnar::bytes() const {
  size_t n = 0;
  for (const Bucket& b : buckets_) {
    std::lock_guard<std::mutex> lock(b.mu);
    for (const auto& s : b.segments) {
      n += s->rowgroup.size();
    }
  }
  return n;
}

}  // namespace vivace::search
