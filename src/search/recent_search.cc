#include "search/recent_search.h"

#include "ingester/fragments.h"
#include "model/trace_map.h"
#include "traceql/eval/trace_proto.h"

namespace vivace::search {

Status SearchInMemory(const ingester::Ingester::RecentData& data, const PreparedSearch& search,
                      SearchCombiner* out, JobMetrics* metrics) {
  if (search.noop()) {
    return Status::Ok();
  }
  // A trace may have parts in the live traces, the head block and complete blocks.
  model::TraceMap<std::vector<ByteView>> parts(data.copied.size());
  bool framing_ok = true;
  auto add = [&](const model::TraceId& id, const std::string& framed) {
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
  parts.ForEach([&](const model::TraceId&, const std::vector<ByteView>& list) {
    if (!status.ok() || out->Full()) {
      return;
    }
    auto trace = traceql::eval::TraceFromParts(list);
    if (!trace.ok()) {
      status = trace.status();
      return;
    }
    ++metrics->inspected_traces;
    metrics->inspected_spans += trace->spans.size();
    auto md = search.Match(*trace);
    if (!md.ok()) {
      status = md.status();
      return;
    }
    if (*md) {
      out->Add(std::move(**md));
    }
  });
  return status;
}

}  // namespace vivace::search
