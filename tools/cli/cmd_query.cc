// query blocks: find a trace in every block of a tenant and combine the parts.

#include <algorithm>
#include <deque>

#include <fmt/format.h>

#include "block/block_format.h"
#include "block/block_reader.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "common/json_writer.h"
#include "model/trace_assembler.h"

namespace vivace::cli {
namespace {

enum class OutputFormat { kV1, kV2, kOtlp };

Result<OutputFormat> ParseFormat(std::string_view text) {
  if (text == "v1") {
    return OutputFormat::kV1;
  }
  if (text == "v2") {
    return OutputFormat::kV2;
  }
  if (text == "otlp") {
    return OutputFormat::kOtlp;
  }
  return Status::InvalidArgument(fmt::format("--format wants v1, v2 or otlp, not \"{}\"", text));
}

std::string Render(model::TraceAssembler& trace, OutputFormat format, uint64_t inspected) {
  std::string out;
  JsonWriter w(&out);
  switch (format) {
    case OutputFormat::kV1:
      trace.WriteJson(w, "batches");
      break;
    case OutputFormat::kV2:
      w.BeginObject();
      w.Key("trace");
      trace.WriteJson(w, "resourceSpans");
      w.Key("metrics");
      w.BeginObject();
      w.Key("inspectedBytes");
      w.Uint64String(inspected);
      w.EndObject();
      w.EndObject();
      break;
    case OutputFormat::kOtlp:
      trace.WriteJson(w, "resourceSpans", model::IdEncoding::kHex);
      break;
  }
  return out;
}

}  // namespace

Status QueryBlocks(Context& ctx) {
  VV_ASSIGN_OR_RETURN(model::TraceId id, ParseTraceIdArg(ctx.arg(0)));
  VV_ASSIGN_OR_RETURN(OutputFormat format, ParseFormat(ctx.flags().Get("format", "v1")));
  std::string tenant = ctx.arg(1);
  VV_ASSIGN_OR_RETURN(TenantBlocks found,
                      LoadTenantBlocks(ctx, tenant, /*include_compacted=*/true));
  std::sort(found.blocks.begin(), found.blocks.end(), StartsBefore);
  std::ostream& err = ctx.err();
  bool quiet = ctx.flags().Bool("quiet");
  model::TraceAssembler combined;
  std::deque<std::string> parts;  // the assembler keeps views into them
  size_t searched = 0;
  size_t failed = 0;
  size_t holding = 0;
  uint64_t inspected = 0;
  for (const BlockInfo& b : found.blocks) {
    std::string block_id = b.meta.block_id.ToString();
    if (b.meta.format != block::kFormatName) {
      ctx.Warn(fmt::format("block {}: format {} skipped (vivace-cli reads {} blocks)", block_id,
                           b.meta.format, block::kFormatName));
      continue;
    }
    ++searched;
    block::BlockReader reader(&ctx.raw(), b.meta);
    block::FindStats stats;
    auto part = reader.FindTrace(id, &stats);
    inspected += stats.bytes_read;
    if (!part.ok()) {
      err << "vivace-cli: error: block " << block_id << ": " << part.status().message() << '\n';
      ++failed;
      continue;
    }
    if (!part->has_value()) {
      continue;
    }
    parts.push_back(std::move(**part));
    model::TraceAssembler alone;
    if (Status s = alone.Add(ByteView(parts.back())); !s.ok()) {
      err << "vivace-cli: error: block " << block_id << ": " << s.message() << '\n';
      ++failed;
      continue;
    }
    VV_RETURN_IF_ERROR(combined.Add(ByteView(parts.back())));
    ++holding;
    if (!quiet) {
      err << fmt::format("block {} ({}, level {}): {} spans, {} read\n", block_id,
                         b.compacted ? "compacted" : "live", b.meta.compaction_level,
                         alone.span_count(), HumanBytes(stats.bytes_read));
    }
  }
  if (combined.empty()) {
    if (failed > 0) {
      return Status::DataLoss(fmt::format("trace {} not found; {} of {} blocks failed to read",
                                          id.Hex(), failed, searched));
    }
    return Status::NotFound(
        fmt::format("trace {} not found in {} blocks of tenant {}", id.Hex(), searched, tenant));
  }
  ctx.out() << Render(combined, format, inspected) << '\n';
  if (!quiet) {
    err << fmt::format("trace {}: {} spans from {} of {} blocks\n", id.Hex(), combined.span_count(),
                       holding, searched);
  }
  if (failed > 0) {
    return Status::DataLoss(fmt::format(
        "{} of {} blocks failed to read; the trace may be incomplete", failed, searched));
  }
  return Status::Ok();
}

}  // namespace vivace::cli
