#include "search/tag_search.h"

#include <algorithm>

#include "block/row_group_reader.h"
#include "search/job_deadline.h"
#include "search/recent_search.h"
#include "search/scan/candidates.h"
#include "traceql/eval/trace_proto.h"

namespace vivace::search {
namespace {

// The collection is full (a limit was reached) or the job ran out of time.
bool Done(const TagQuery& q) {
  return (q.values ? q.out_values->Full() : q.names->Full()) || JobDeadline::Passed();
}

Status FromTrace(const traceql::eval::Trace& trace, const TagQuery& q) {
  std::vector<uint32_t> spans;
  if (q.filter != nullptr) {
    VV_ASSIGN_OR_RETURN(spans, q.filter->MatchingSpans(trace));
    if (spans.empty()) {
      return Status::Ok();
    }
  }
  const std::vector<uint32_t>* which = q.filter != nullptr ? &spans : nullptr;
  if (q.values) {
    CollectValues(trace, which, q.attribute, q.out_values);
  } else {
    CollectNames(trace, which, q.scopes, q.names);
  }
  return Status::Ok();
}

}  // namespace

Status TagsInMemory(const ingester::Ingester::RecentData& data, const TagQuery& q,
                    JobMetrics* metrics, TraceShard shard) {
  if (Done(q) || (q.filter != nullptr && q.filter->noop())) {
    return Status::Ok();
  }
  RecentVisit visit;
  if (q.filter != nullptr) {
    visit.fetch = &q.filter->fetch();
  } else {
    // Without a filter every span counts: read the view's columns, as for blocks.
    visit.segment = [&q](block::RowGroupReader& rg) -> Result<bool> {
      VV_RETURN_IF_ERROR(q.values ? CollectRowGroupValues(rg, q.attribute, q.out_values)
                                  : CollectRowGroupNames(rg, q.scopes, q.names));
      return !Done(q);
    };
  }
  visit.trace = [&q](const traceql::eval::Trace& trace) -> Result<bool> {
    VV_RETURN_IF_ERROR(FromTrace(trace, q));
    return !Done(q);
  };
  return VisitRecent(data, visit, metrics, shard);
}

Status TagsInRowGroups(block::BlockReader& reader, size_t first, size_t count, const TagQuery& q,
                       JobMetrics* metrics) {
  VV_ASSIGN_OR_RETURN(std::vector<block::RowGroupEntry> index, reader.Index());
  size_t last = count == 0 ? index.size() : std::min(index.size(), first + count);
  for (size_t i = first; i < last && !Done(q); ++i) {
    VV_ASSIGN_OR_RETURN(std::string bytes, reader.ReadRowGroup(index[i]));
    metrics->inspected_bytes += bytes.size();
    VV_ASSIGN_OR_RETURN(auto rg, block::RowGroupReader::Open(ByteView(bytes)));
    if (q.filter == nullptr) {
      metrics->inspected_traces += rg->rows(block::Table::kTrace);
      metrics->inspected_spans += rg->rows(block::Table::kSpan);
      VV_RETURN_IF_ERROR(q.values ? CollectRowGroupValues(*rg, q.attribute, q.out_values)
                                  : CollectRowGroupNames(*rg, q.scopes, q.names));
      continue;
    }
    if (q.filter->noop()) {
      continue;
    }
    ScanStats stats;
    VV_ASSIGN_OR_RETURN(std::vector<uint32_t> candidates,
                        CandidateTraces(*rg, q.filter->fetch(), &stats));
    for (uint32_t ordinal : candidates) {
      if (Done(q)) {
        break;
      }
      VV_ASSIGN_OR_RETURN(std::string proto, rg->ReadTrace(ordinal));
      VV_ASSIGN_OR_RETURN(traceql::eval::Trace trace,
                          traceql::eval::TraceFromProto(ByteView(proto)));
      ++metrics->inspected_traces;
      metrics->inspected_spans += trace.spans.size();
      VV_RETURN_IF_ERROR(FromTrace(trace, q));
    }
  }
  return Status::Ok();
}

}  // namespace vivace::search
