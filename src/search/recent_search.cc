#include "search/recent_search.h"

#include "search/scan/candidates.h"
#include "traceql/eval/trace_proto.h"

namespace vivace::search {
namespace {

class Visitor {
 public:
  Visitor(const RecentTraces& traces, const RecentVisit& visit, JobMetrics* metrics)
      : traces_(traces), visit_(visit), metrics_(metrics) {}

  // Decodes trace i and passes it on; false in *more to stop.
  Status Trace(uint32_t i, bool* more) {
    const RecentTraces::Trace& t = traces_.traces()[i];
    fragments_.clear();
    if (!traces_.Fragments(t, &fragments_)) {
      return Status::DataLoss("corrupt fragment framing in recent trace parts");
    }
    for (ByteView f : fragments_) {
      metrics_->inspected_bytes += f.size();
    }
    VV_ASSIGN_OR_RETURN(traceql::eval::Trace trace, traceql::eval::TraceFromParts(fragments_));
    ++metrics_->inspected_traces;
    metrics_->inspected_spans += trace.spans.size();
    VV_ASSIGN_OR_RETURN(*more, visit_.trace(trace));
    return Status::Ok();
  }

  Status Segment(const RecentColumnar::BucketView::Part& part, bool* more) {
    const RecentColumnar::Segment& seg = *part.segment;
    if (visit_.bounds != nullptr
        && (!visit_.bounds->OverlapsWindow(seg.summary.min_start, seg.summary.max_end)
            || !visit_.bounds->DurationsMayPass(seg.summary.min_duration,
                                                seg.summary.max_duration))) {
      return Status::Ok();
    }
    // Encoded in this process and never left memory: no checksums to verify.
    VV_ASSIGN_OR_RETURN(
        auto rg, block::RowGroupReader::Open(ByteView(seg.rowgroup), {.verify_checksums = false}));
    metrics_->inspected_bytes += seg.rowgroup.size();
    if (visit_.segment) {
      metrics_->inspected_traces += rg->rows(block::Table::kTrace);
      metrics_->inspected_spans += rg->rows(block::Table::kSpan);
      VV_ASSIGN_OR_RETURN(*more, visit_.segment(*rg));
      return Status::Ok();
    }
    if (visit_.fetch == nullptr) {
      for (int32_t t : part.trace_of_ordinal) {
        if (t >= 0) {
          VV_RETURN_IF_ERROR(Trace(static_cast<uint32_t>(t), more));
          if (!*more) {
            break;
          }
        }
      }
      return Status::Ok();
    }
    ScanStats stats;
    VV_ASSIGN_OR_RETURN(std::vector<uint32_t> candidates,
                        CandidateTraces(*rg, *visit_.fetch, &stats));
    for (uint32_t ordinal : candidates) {
      if (ordinal >= part.trace_of_ordinal.size()) {
        return Status::Internal("columnar scan named an ordinal past the segment");
      }
      int32_t t = part.trace_of_ordinal[ordinal];
      if (t >= 0) {
        VV_RETURN_IF_ERROR(Trace(static_cast<uint32_t>(t), more));
        if (!*more) {
          break;
        }
      }
    }
    return Status::Ok();
  }

 private:
  const RecentTraces& traces_;
  const RecentVisit& visit_;
  JobMetrics* metrics_;
  std::vector<ByteView> fragments_;
};

}  // namespace

Status VisitRecent(const ingester::Ingester::RecentData& data, const RecentVisit& visit,
                   JobMetrics* metrics, TraceShard shard) {
  const ingester::Ingester::RecentData* grouped = &data;
  ingester::Ingester::RecentData copy;
  if (data.bucket_begin.size() != RecentColumnar::kBuckets + 1) {
    copy = data;  // built by hand (tests): group it here
    ingester::Ingester::GroupByBucket(&copy);
    grouped = &copy;
  }
  bool more = true;
  // Bucket by bucket, so that a search that reaches its limit early reads little.
  for (uint32_t b = 0; b < RecentColumnar::kBuckets && more; ++b) {
    if (!RecentColumnar::InShard(b, shard)) {
      continue;
    }
    RecentTraces traces(*grouped, b);
    Visitor v(traces, visit, metrics);
    if (data.columnar == nullptr) {
      for (uint32_t i = 0; i < traces.traces().size() && more; ++i) {
        VV_RETURN_IF_ERROR(v.Trace(i, &more));
      }
      continue;
    }
    RecentColumnar::BucketView view =
        data.columnar->View(traces, static_cast<bool>(visit.segment));
    for (const auto& part : view.segments) {
      VV_RETURN_IF_ERROR(v.Segment(part, &more));
      if (!more) {
        return Status::Ok();
      }
    }
    for (uint32_t i : view.one_by_one) {
      VV_RETURN_IF_ERROR(v.Trace(i, &more));
      if (!more) {
        return Status::Ok();
      }
    }
  }
  return Status::Ok();
}

Status SearchInMemory(const ingester::Ingester::RecentData& data, const PreparedSearch& search,
                      SearchCombiner* out, JobMetrics* metrics, TraceShard shard) {
  if (search.noop() || out->Full()) {
    return Status::Ok();
  }
  RecentVisit visit;
  visit.fetch = &search.fetch();
  visit.bounds = &search;
  visit.trace = [&](const traceql::eval::Trace& trace) -> Result<bool> {
    VV_ASSIGN_OR_RETURN(auto md, search.Match(trace));
    if (md) {
      out->Add(std::move(*md));
    }
    return !out->Full();
  };
  return VisitRecent(data, visit, metrics, shard);
}

}  // namespace vivace::search
