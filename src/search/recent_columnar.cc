#include "search/recent_columnar.h"

#include <algorithm>

#include "ingester/block_flush.h"
#include "ingester/fragments.h"

namespace vivace::search {
namespace {

// Segments are cut at this many bytes of traces (a row group of a block is ~100 MB).
constexpr size_t kMaxSegmentTraceBytes = 32 << 20;
// More segments than this in a bucket: the least current ones are merged into a new one.
constexpr size_t kMaxSegments = 12;

}  // namespace

RecentTraces::RecentTraces(const ingester::Ingester::RecentData& data, TraceShard shard) {
  struct Item {
    uint32_t bucket;
    uint32_t order;
    model::TraceId id;
    const ingester::TraceBuffer* buf;
  };

  std::vector<Item> items;
  items.reserve(data.buffers.size() / std::max<uint32_t>(1, shard.count) + 16);
  auto add = [&items, shard](const model::TraceId& id, const ingester::TraceBuffer* buf) {
    if (buf == nullptr || buf->data.empty()) {
      return;
    }
    uint32_t b = RecentColumnar::BucketOf(id);
    if (RecentColumnar::InShard(b, shard)) {
      items.push_back({b, static_cast<uint32_t>(items.size()), id, buf});
    }
  };
  for (const auto& entry : data.buffers) {
    add(entry.first, entry.second.get());
  }
  for (const auto& block : data.complete) {
    block->traces.ForEach([&add](const model::TraceId& id, const ingester::OwnedTraceBuffer& t) {
      add(id, t.get());
    });
  }
  // Parts of one trace keep their order: live traces, head block, complete blocks.
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.bucket != b.bucket) {
      return a.bucket < b.bucket;
    }
    if (a.id != b.id) {
      return a.id < b.id;
    }
    return a.order < b.order;
  });
  parts_.reserve(items.size());
  bucket_begin_.assign(RecentColumnar::kBuckets + 1, 0);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i == 0 || items[i].id != items[i - 1].id) {
      traces_.push_back({items[i].id, static_cast<uint32_t>(parts_.size()), 0});
      ++bucket_begin_[items[i].bucket + 1];
    }
    parts_.push_back(items[i].buf);
    ++traces_.back().n_parts;
  }
  for (uint32_t b = 0; b < RecentColumnar::kBuckets; ++b) {
    bucket_begin_[b + 1] += bucket_begin_[b];
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

RecentColumnar::BucketView RecentColumnar::View(const RecentTraces& traces, uint32_t bucket,
                                                bool whole_segments) {
  BucketView out;
  auto [begin, end] = traces.bucket(bucket);
  const std::vector<RecentTraces::Trace>& all = traces.traces();
  Bucket& b = buckets_[bucket];
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
              [&all](uint32_t x, uint32_t y) { return all[x].id < all[y].id; });
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
