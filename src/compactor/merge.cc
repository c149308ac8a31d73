#include "compactor/merge.h"

#include <algorithm>
#include <memory>
#include <queue>

#include "block/block_trace_stream.h"
#include "block/decoded_row_group.h"
#include "model/trace_assembler.h"

namespace vivace::compactor {

Result<MergeStats> MergeBlocks(backend::RawBackend* backend,
                               const std::vector<backend::BlockMeta>& inputs,
                               MergeOptions options) {
  MergeStats stats;
  uint64_t estimated = 0;
  uint32_t level = 0;
  for (const backend::BlockMeta& m : inputs) {
    estimated += static_cast<uint64_t>(std::max<int64_t>(m.total_objects, 0));
    level = std::max(level, m.compaction_level);
  }
  options.output.estimated_traces = std::max<uint64_t>(estimated, 1);
  options.output.compaction_level = level + 1;

  std::vector<std::unique_ptr<block::BlockTraceStream>> streams;
  for (const backend::BlockMeta& m : inputs) {
    streams.push_back(std::make_unique<block::BlockTraceStream>(backend, m));
  }
  // Min-heap of streams by current trace ID; ties by input order, so the first input's copy
  // of a trace is the base the others are combined into.
  auto later = [&](size_t a, size_t b) {
    const model::TraceId& ia = streams[a]->id();
    const model::TraceId& ib = streams[b]->id();
    return ib < ia || (!(ia < ib) && b < a);
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < streams.size(); ++i) {
    VV_ASSIGN_OR_RETURN(bool more, streams[i]->Next());
    if (more) {
      heap.push(i);
    }
  }

  block::BlockWriter writer(backend, options.output);
  std::vector<size_t> same;
  while (!heap.empty()) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      return Status::Cancelled("compaction interrupted by shutdown");
    }
    same.clear();
    same.push_back(heap.top());
    heap.pop();
    const model::TraceId id = streams[same[0]]->id();
    while (!heap.empty() && !(id < streams[heap.top()]->id())) {
      same.push_back(heap.top());
      heap.pop();
    }
    std::sort(same.begin(), same.end());
    stats.traces_read += same.size();
    if (same.size() == 1) {
      // Only one input has it: copied column by column, never rebuilt as protobuf.
      const block::BlockTraceStream& s = *streams[same[0]];
      VV_RETURN_IF_ERROR(writer.Copy(s.row_group(), s.ordinal()));
    } else {
      model::TraceAssembler combined(options.max_bytes_per_trace,
                                     model::TraceAssembler::SharedSpanIds::kKeep);
      for (size_t i : same) {
        VV_ASSIGN_OR_RETURN(ByteView trace, streams[i]->ReadTrace());
        stats.otlp_bytes += trace.size();
        VV_RETURN_IF_ERROR(combined.Add(trace));
      }
      ++stats.objects_combined;
      stats.spans_deduped += combined.spans_deduped();
      std::string bytes = combined.SerializeProto();
      VV_RETURN_IF_ERROR(writer.Add(id, ByteView(bytes)));
    }
    ++stats.traces_written;
    for (size_t i : same) {
      VV_ASSIGN_OR_RETURN(bool more, streams[i]->Next());
      if (more) {
        if (!(id < streams[i]->id())) {
          return Status::DataLoss("block " + streams[i]->meta().block_id.ToString()
                                  + " is not sorted by trace ID");
        }
        heap.push(i);
      }
    }
  }
  VV_ASSIGN_OR_RETURN(stats.output, writer.Finish());
  for (const auto& s : streams) {
    stats.bytes_read += s->bytes_read();
    stats.spans_read += s->spans_read();
  }
  return stats;
}

}  // namespace vivace::compactor
