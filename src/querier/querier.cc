#include "querier/querier.h"

#include "ingester/fragments.h"

namespace vivace::querier {

Result<TraceByIdResult> Querier::FindTraceById(const TraceByIdRequest& request) const {
  TraceByIdResult result;
  // The first tenant's limit applies to the combined result, as Tempo's frontend does.
  int64_t max_bytes =
      request.tenants.empty() ? 0 : overrides_->ForTenant(request.tenants[0])->global_max_bytes_per_trace;
  result.max_bytes = max_bytes;
  result.trace = std::make_unique<model::TraceAssembler>(static_cast<size_t>(max_bytes));
  if (request.mode == QueryMode::kBlocks) {
    return result;  // no backend blocks are reachable yet
  }
  for (const std::string& tenant : request.tenants) {
    result.data += ingester_->FindTraceById(tenant, request.id);
  }
  Status status;
  bool ok = ingester::ForEachFragment(result.data, [&](ByteView fragment) {
    result.inspected_bytes += fragment.size();
    if (status.ok()) {
      status = result.trace->Add(fragment);
    }
  });
  if (!ok) {
    return Status::DataLoss("corrupt fragment framing in live trace");
  }
  VV_RETURN_IF_ERROR(status);
  result.found = !result.trace->empty();
  result.too_large = result.trace->too_large();
  return result;
}

}  // namespace vivace::querier
