// verify block / verify tenant.

#include <algorithm>

#include <fmt/format.h>

#include "block/inspect.h"
#include "cli/commands.h"
#include "cli/format.h"

namespace vivace::cli {
namespace {

// Verifies one block; the error names the object at fault (not the block).
Result<block::VerifyReport> Verify(Context& ctx, const BlockInfo& info,
                                   const backend::BlockId& expected, std::string_view tenant,
                                   std::string progress_label) {
  std::string id = expected.ToString();
  const char* meta_name = info.compacted ? "meta.compacted.json" : "meta.json";
  if (!(info.meta.block_id == expected)) {
    return Status::DataLoss(fmt::format("{}: blockID {} does not match the block's path {}",
                                        meta_name, info.meta.block_id.ToString(), id));
  }
  if (info.meta.tenant_id != tenant) {
    return Status::DataLoss(fmt::format("{}: tenantID {} does not match tenant {}", meta_name,
                                        info.meta.tenant_id, tenant));
  }
  auto report = block::VerifyBlock(ctx.raw(), info.meta, ctx.Progress(std::move(progress_label)));
  if (!report.ok()) {
    return report.status();
  }
  for (const std::string& w : report->warnings) {
    ctx.Warn(fmt::format("block {}: {}", id, w));
  }
  return report;
}

std::string Summary(const block::VerifyReport& r) {
  return fmt::format("{} row groups, {} traces, {} spans, {} bloom shards, {} read", r.row_groups,
                     r.traces, r.spans, r.bloom_shards, HumanBytes(r.bytes_read));
}

}  // namespace

Status VerifyBlockCommand(Context& ctx) {
  VV_ASSIGN_OR_RETURN(backend::BlockId id, ParseBlockIdArg(ctx.arg(1)));
  VV_ASSIGN_OR_RETURN(BlockInfo info, ctx.LoadBlock(ctx.arg(0), id));
  auto report = Verify(ctx, info, id, ctx.arg(0), "verifying " + id.ToString());
  if (!report.ok()) {
    return report.status().WithContext(fmt::format("block {}", id.ToString()));
  }
  ctx.out() << "block " << id.ToString() << ": ok (" << Summary(*report) << ")\n";
  return Status::Ok();
}

Status VerifyTenant(Context& ctx) {
  std::string tenant = ctx.arg(0);
  VV_ASSIGN_OR_RETURN(TenantBlocks found,
                      LoadTenantBlocks(ctx, tenant, ctx.flags().Bool("include-compacted")));
  std::sort(found.blocks.begin(), found.blocks.end(), StartsBefore);
  size_t failed = found.unreadable;
  size_t n = found.blocks.size();
  for (size_t i = 0; i < n; ++i) {
    const BlockInfo& b = found.blocks[i];
    std::string id = b.meta.block_id.ToString();
    auto report =
        Verify(ctx, b, b.meta.block_id, tenant, fmt::format("block {}/{} {}", i + 1, n, id));
    if (report.ok()) {
      ctx.out() << "ok      " << id << "  " << Summary(*report) << '\n';
    } else {
      ctx.out() << "FAILED  " << id << "  " << report.status().message() << '\n';
      ++failed;
    }
    ctx.out().flush();
  }
  size_t total = n + found.unreadable;
  ctx.out() << fmt::format("verified {} blocks of tenant {}: {} ok, {} failed\n", total, tenant,
                           total - failed, failed);
  if (found.hidden_compacted > 0) {
    ctx.out() << found.hidden_compacted
              << " compacted blocks not verified (--include-compacted verifies them)\n";
  }
  if (failed > 0) {
    return Status::DataLoss(
        fmt::format("{} of {} blocks of tenant {} failed verification", failed, total, tenant));
  }
  return Status::Ok();
}

}  // namespace vivace::cli
