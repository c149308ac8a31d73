#include "cli/context.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "cli/backend_options.h"

namespace vivace::cli {

Result<backend::BlockStore*> Context::Store() {
  if (store_ == nullptr) {
    VV_ASSIGN_OR_RETURN(BackendChoice choice, ChooseBackend(line_));
    VV_ASSIGN_OR_RETURN(raw_, OpenBackend(choice));
    store_ = std::make_unique<backend::BlockStore>(*raw_);
  }
  return store_.get();
}

block::InspectProgress Context::Progress(std::string label) {
  if (line_.Bool("quiet")) {
    return nullptr;
  }
  return [this, label = std::move(label)](size_t done, size_t total) {
    if (err_is_tty_) {
      err_ << '\r' << label << ": row group " << done << '/' << total << "\x1b[K";
      if (done == total) {
        err_ << '\n';
      }
      err_.flush();
      return;
    }
    size_t step = std::max<size_t>(1, total / 10);
    if (done == total || done % step == 0) {
      err_ << label << ": row group " << done << '/' << total << '\n';
    }
  };
}

Status Context::CheckTenant(std::string_view tenant) {
  VV_ASSIGN_OR_RETURN(backend::BlockStore * store, Store());
  VV_ASSIGN_OR_RETURN(std::vector<std::string> tenants, store->Tenants());
  if (std::find(tenants.begin(), tenants.end(), tenant) != tenants.end()) {
    return Status::Ok();
  }
  if (tenants.empty()) {
    return Status::NotFound(fmt::format("unknown tenant {}: the bucket has no tenants", tenant));
  }
  return Status::NotFound(
      fmt::format("unknown tenant {} (tenants: {})", tenant, fmt::join(tenants, ", ")));
}

Result<BlockInfo> Context::LoadBlock(std::string_view tenant, const backend::BlockId& id) {
  VV_RETURN_IF_ERROR(CheckTenant(tenant));
  backend::BlockStore* store = *Store();
  BlockInfo info;
  auto meta = store->ReadBlockMeta(tenant, id);
  if (meta.ok()) {
    info.meta = std::move(meta).value();
    return info;
  }
  if (meta.status().code() != Code::kNotFound) {
    return meta.status().WithContext(fmt::format("block {}: meta.json", id.ToString()));
  }
  auto compacted = store->ReadCompactedBlockMeta(tenant, id);
  if (compacted.ok()) {
    info.meta = std::move(compacted->meta);
    info.compacted = true;
    info.compacted_time = compacted->compacted_time;
    return info;
  }
  if (compacted.status().code() != Code::kNotFound) {
    return compacted.status().WithContext(
        fmt::format("block {}: meta.compacted.json", id.ToString()));
  }
  return Status::NotFound(
      fmt::format("block {} not found in tenant {} (no meta.json or meta.compacted.json)",
                  id.ToString(), tenant));
}

bool StartsBefore(const BlockInfo& a, const BlockInfo& b) {
  return std::tie(a.meta.start_time, a.meta.end_time, a.meta.block_id)
         < std::tie(b.meta.start_time, b.meta.end_time, b.meta.block_id);
}

Result<backend::BlockId> ParseBlockIdArg(std::string_view text) {
  auto id = backend::BlockId::Parse(text);
  if (!id.ok()) {
    return Status::InvalidArgument(fmt::format(
        "invalid block ID \"{}\": want a UUID such as 3a1f0c52-8d3e-4b7a-9c1d-2e4f6a8b0c1d", text));
  }
  return id;
}

Result<model::TraceId> ParseTraceIdArg(std::string_view text) {
  auto id = model::TraceId::ParseHex(text);
  if (!id.ok()) {
    return Status::InvalidArgument(
        fmt::format("invalid trace ID \"{}\": want 1 to 32 hex digits", text));
  }
  return id;
}

Result<TenantBlocks> LoadTenantBlocks(Context& ctx, std::string_view tenant,
                                      bool include_compacted) {
  VV_RETURN_IF_ERROR(ctx.CheckTenant(tenant));
  backend::BlockStore* store = *ctx.Store();
  VV_ASSIGN_OR_RETURN(backend::BlockListing listing, store->ListBlocks(tenant));
  TenantBlocks result;
  for (const backend::BlockId& id : listing.live) {
    auto meta = store->ReadBlockMeta(tenant, id);
    if (!meta.ok()) {
      ctx.Warn(fmt::format("block {}: meta.json: {}", id.ToString(), meta.status().message()));
      ++result.unreadable;
      continue;
    }
    result.blocks.push_back({.meta = std::move(meta).value()});
  }
  if (!include_compacted) {
    result.hidden_compacted = listing.compacted.size();
    return result;
  }
  for (const backend::BlockId& id : listing.compacted) {
    auto meta = store->ReadCompactedBlockMeta(tenant, id);
    if (!meta.ok()) {
      ctx.Warn(
          fmt::format("block {}: meta.compacted.json: {}", id.ToString(), meta.status().message()));
      ++result.unreadable;
      continue;
    }
    result.blocks.push_back(
        {.meta = std::move(meta->meta), .compacted = true, .compacted_time = meta->compacted_time});
  }
  return result;
}

}  // namespace vivace::cli
