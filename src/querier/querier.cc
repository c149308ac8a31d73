#include "querier/querier.h"

#include <algorithm>

#include "block/metrics.h"
#include "common/logging.h"
#include "common/parallel_for.h"
#include "ingester/fragments.h"

namespace vivace::querier {

namespace {
// Open block readers kept (each holds a block's index and the bloom shards it has read).
constexpr size_t kBlockReaderCapacity = 4096;
}  // namespace

Querier::Querier(const ingester::Ingester* ingester, const overrides::Overrides* overrides,
                 const blocklist::Blocklist* blocklist, backend::RawBackend* backend,
                 int block_read_concurrency)
    : ingester_(ingester),
      overrides_(overrides),
      blocklist_(backend != nullptr ? blocklist : nullptr),
      readers_(backend, kBlockReaderCapacity),
      block_pool_(block_read_concurrency > 1 && blocklist_ != nullptr
                      ? std::make_unique<ThreadPool>("block-read", block_read_concurrency - 1)
                      : nullptr),
      block_pool_threads_(block_pool_ ? static_cast<size_t>(block_read_concurrency - 1) : 0) {}

Querier::~Querier() = default;

void Querier::SearchBlocks(const std::string& tenant, const TraceByIdRequest& request,
                           const std::vector<backend::BlockId>& skip,
                           TraceByIdResult* result) const {
  auto blocks = blocklist_->Blocks(tenant);
  std::vector<const backend::BlockMeta*> candidates;
  for (const backend::BlockMeta& meta : blocks->metas) {
    if ((request.start_unix_s > 0 && meta.end_time < request.start_unix_s)
        || (request.end_unix_s > 0 && meta.start_time > request.end_unix_s)) {
      continue;
    }
    if ((request.block_start && meta.block_id < *request.block_start)
        || (request.block_end && *request.block_end < meta.block_id)) {
      continue;
    }
    if (std::find(skip.begin(), skip.end(), meta.block_id) != skip.end()) {
      continue;  // the ingester searched it
    }
    candidates.push_back(&meta);
  }
  // Blocks are searched in parallel: a cold lookup is bound by the latency of reading each
  // block's bloom shard, not by CPU. Results are kept per block and appended in block order.
  std::vector<Result<std::optional<std::string>>> found(candidates.size(),
                                                        std::optional<std::string>());
  ParallelFor(block_pool_.get(), candidates.size(), block_pool_threads_, [&](size_t i) {
    found[i] = readers_.Get(*candidates[i])->FindTrace(request.id);
  });
  result->blocks_searched += static_cast<uint32_t>(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!found[i].ok()) {
      ++result->blocks_failed;
      block::ReadFailuresTotal().WithLabels({tenant}).Inc();
      VV_ERROR("skipping unreadable block", {"tenant", tenant},
               {"block", candidates[i]->block_id.ToString()}, {"err", found[i].status()});
      continue;
    }
    if (found[i]->has_value()) {
      ingester::AppendFramed(result->data, ByteView(**found[i]));
    }
  }
}

Result<TraceByIdResult> Querier::FindTraceById(const TraceByIdRequest& request) const {
  TraceByIdResult result;
  // The first tenant's limit applies to the combined result, as Tempo's frontend does.
  int64_t max_bytes = request.tenants.empty()
                          ? 0
                          : overrides_->ForTenant(request.tenants[0])->global_max_bytes_per_trace;
  result.max_bytes = max_bytes;
  result.trace = std::make_unique<model::TraceAssembler>(static_cast<size_t>(max_bytes));
  for (const std::string& tenant : request.tenants) {
    std::vector<backend::BlockId> searched;
    if (request.mode != QueryMode::kBlocks) {
      result.data += ingester_->FindTraceById(tenant, request.id, &searched);
    }
    if (request.mode != QueryMode::kIngesters && blocklist_ != nullptr) {
      SearchBlocks(tenant, request, searched, &result);
    }
  }
  Status status;
  bool ok = ingester::ForEachFragment(result.data, [&](ByteView fragment) {
    result.inspected_bytes += fragment.size();
    if (status.ok()) {
      status = result.trace->Add(fragment);
    }
  });
  if (!ok) {
    return Status::DataLoss("corrupt fragment framing in trace parts");
  }
  VV_RETURN_IF_ERROR(status);
  result.found = !result.trace->empty();
  result.too_large = result.trace->too_large();
  return result;
}

}  // namespace vivace::querier
