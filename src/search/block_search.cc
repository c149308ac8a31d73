#include "search/block_search.h"

#include <algorithm>

#include "block/row_group_reader.h"
#include "search/scan/candidates.h"
#include "traceql/eval/trace_proto.h"

namespace vivace::search {

Status SearchRowGroups(block::BlockReader& reader, const std::vector<block::RowGroupEntry>& index,
                       size_t first, size_t count, const PreparedSearch& search,
                       SearchCombiner* out, JobMetrics* metrics) {
  if (search.noop()) {
    return Status::Ok();
  }
  size_t last = std::min(index.size(), first + count);
  for (size_t i = first; i < last && !out->Full(); ++i) {
    const block::RowGroupEntry& entry = index[i];
    const block::RowGroupSummary& sum = entry.summary;
    if (!search.OverlapsWindow(sum.min_start, sum.max_end)
        || !search.DurationsMayPass(sum.min_duration, sum.max_duration)) {
      continue;
    }
    // The header first: its statistics and value filters may rule the row group out, and
    // the scan then reads only the chunks of the columns it tests (one range read each);
    // the rest of the row group is read, in one range read, only to rebuild candidates.
    VV_ASSIGN_OR_RETURN(std::string header,
                        reader.ReadRowGroupRange(entry, 0, entry.header_bytes));
    metrics->inspected_bytes += header.size();
    const uint64_t chunks_at = entry.header_bytes;
    block::ChunkFetcher fetch = [&reader, &entry, chunks_at](uint64_t offset, uint64_t length) {
      return reader.ReadRowGroupRange(entry, chunks_at + offset, length);
    };
    VV_ASSIGN_OR_RETURN(auto rg, block::RowGroupReader::OpenHeader(ByteView(header), entry.length,
                                                                   std::move(fetch)));
    ScanStats stats;
    Result<std::vector<uint32_t>> scanned = CandidateTraces(*rg, search.fetch(), &stats);
    Status fetched = scanned.ok() && !scanned->empty() && !out->Full() ? rg->FetchAll()
                                                                       : Status::Ok();
    metrics->inspected_bytes += rg->fetched_bytes();
    VV_RETURN_IF_ERROR(scanned.status());
    VV_RETURN_IF_ERROR(fetched);
    for (uint32_t ordinal : *scanned) {
      if (out->Full()) {
        break;
      }
      VV_ASSIGN_OR_RETURN(std::string proto, rg->ReadTrace(ordinal));
      VV_ASSIGN_OR_RETURN(traceql::eval::Trace trace,
                          traceql::eval::TraceFromProto(ByteView(proto)));
      ++metrics->inspected_traces;
      metrics->inspected_spans += trace.spans.size();
      VV_ASSIGN_OR_RETURN(auto md, search.Match(trace));
      if (md) {
        out->Add(std::move(*md));
      }
    }
  }
  return Status::Ok();
}

Status SearchBlock(block::BlockReader& reader, const PreparedSearch& search, SearchCombiner* out,
                   JobMetrics* metrics) {
  const backend::BlockMeta& meta = reader.meta();
  if (search.has_window()
      && !search.OverlapsWindow(static_cast<uint64_t>(meta.start_time) * 1'000'000'000,
                                static_cast<uint64_t>(meta.end_time + 1) * 1'000'000'000)) {
    return Status::Ok();
  }
  VV_ASSIGN_OR_RETURN(std::vector<block::RowGroupEntry> index, reader.Index());
  return SearchRowGroups(reader, index, 0, index.size(), search, out, metrics);
}

}  // namespace vivace::search
