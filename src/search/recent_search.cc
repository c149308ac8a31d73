#include "search/recent_search.h"

#include "ingester/fragments.h"
#include "model/trace_map.h"
#include "traceql/eval/trace_proto.h"

namespace vivace::search {

Status ForEachInMemoryTrace(const ingester::Ingester::RecentData& data, JobMetrics* metrics,
                            const std::function<Result<bool>(const traceql::eval::Trace&)>& fn,
                            TraceShard shard) {
  // A trace may have parts in the live traces, the head block and complete blocks.
  model::TraceMap<std::vector<ByteView>> parts(data.copied.size());
  bool framing_ok = true;
  auto add = [&](const model::TraceId& id, const std::string& framed) {
    if (shard.count > 1 && model::HashTraceId(id) % shard.count != shard.index) {
      return;
    }
    bool inserted = false;
    std::vector<ByteView>& list = parts.FindOrInsert(id, &inserted);
    framing_ok &= ingester::ForEachFragment(ByteView(framed), [&](ByteView fragment) {
      list.push_back(fragment);
      metrics->inspected_bytes += fragment.size();
    });
  };
  for (const auto& [id, framed] : data.copied) {
    add(id, framed);
  }
  for (const auto& block : data.complete) {
    block->traces.ForEach(add);
  }
  if (!framing_ok) {
    return Status::DataLoss("corrupt fragment framing in recent trace parts");
  }
  Status status;
  bool go_on = true;
  parts.ForEach([&](const model::TraceId&, const std::vector<ByteView>& list) {
    if (!status.ok() || !go_on) {
      return;
    }
    auto trace = traceql::eval::TraceFromParts(list);
    if (!trace.ok()) {
      status = trace.status();
      return;
    }
    ++metrics->inspected_traces;
    metrics->inspected_spans += trace->spans.size();
    auto more = fn(*trace);
    if (!more.ok()) {
      status = more.status();
      return;
    }
    go_on = *more;
  });
  return status;
}

Status SearchInMemory(const ingester::Ingester::RecentData& data, const PreparedSearch& search,
                      SearchCombiner* out, JobMetrics* metrics, TraceShard shard) {
  if (search.noop()) {
    return Status::Ok();
  }
  return ForEachInMemoryTrace(
      data, metrics,
      [&](const traceql::eval::Trace& trace) -> Result<bool> {
        if (out->Full()) {
          return false;
        }
        VV_ASSIGN_OR_RETURN(auto md, search.Match(trace));
        if (md) {
          out->Add(std::move(*md));
        }
        return !out->Full();
      },
      shard);
}

}  // namespace vivace::search
