#include "backend/block_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "backend/keys.h"
#include "common/logging.h"

namespace vivace::backend {

namespace {

Status ValidateTenant(std::string_view tenant) {
  if (tenant.empty() || tenant.find('/') != std::string_view::npos) {
    return Status::InvalidArgument(
        fmt::format("invalid tenant \"{}\" for a backend key", tenant.substr(0, 160)));
  }
  return Status::Ok();
}

// A stored object that does not decode is corruption, whatever the decoder called it.
Status Corrupt(std::string_view key, const Status& s) {
  if (s.code() == Code::kInvalidArgument || s.code() == Code::kDataLoss) {
    return Status::DataLoss(fmt::format("corrupt object {}: {}", key, s.message()));
  }
  return s.WithContext(key);
}

// Deletes every object at or below `key`.
Status DeleteTree(RawBackend& raw, const std::string& key) {
  VV_ASSIGN_OR_RETURN(std::vector<std::string> children, raw.List(key));
  for (const std::string& child : children) {
    VV_RETURN_IF_ERROR(DeleteTree(raw, JoinKey({key, child})));
  }
  return raw.Delete(key);
}

}  // namespace

BlockStore::BlockStore(RawBackend& raw, const Clock& clock) : raw_(raw), clock_(clock) {}

std::string BlockStore::BlockKey(std::string_view tenant, const BlockId& id,
                                 std::string_view name) {
  return JoinKey({tenant, id.ToString(), name});
}

std::string BlockStore::TenantKey(std::string_view tenant, std::string_view name) {
  return JoinKey({tenant, name});
}

Status BlockStore::WriteBlockMeta(const BlockMeta& meta) {
  VV_RETURN_IF_ERROR(ValidateTenant(meta.tenant_id));
  return raw_.Write(BlockKey(meta.tenant_id, meta.block_id, kMetaName),
                    ByteView(EncodeBlockMetaJson(meta)));
}

Result<BlockMeta> BlockStore::ReadBlockMeta(std::string_view tenant, const BlockId& id) {
  VV_RETURN_IF_ERROR(ValidateTenant(tenant));
  std::string key = BlockKey(tenant, id, kMetaName);
  VV_ASSIGN_OR_RETURN(std::string json, raw_.Read(key));
  auto meta = DecodeBlockMetaJson(ByteView(json));
  if (!meta.ok()) {
    return Corrupt(key, meta.status());
  }
  return meta;
}

Result<CompactedBlockMeta> BlockStore::ReadCompactedBlockMeta(std::string_view tenant,
                                                              const BlockId& id) {
  VV_RETURN_IF_ERROR(ValidateTenant(tenant));
  std::string key = BlockKey(tenant, id, kCompactedMetaName);
  VV_ASSIGN_OR_RETURN(std::string json, raw_.Read(key));
  auto meta = DecodeCompactedBlockMetaJson(ByteView(json));
  if (!meta.ok()) {
    return Corrupt(key, meta.status());
  }
  return meta;
}

Result<std::vector<std::string>> BlockStore::Tenants() {
  VV_ASSIGN_OR_RETURN(std::vector<std::string> names, raw_.List(""));
  std::erase_if(names,
                [](const std::string& n) { return n == kClusterSeedName || n == kWorkCacheName; });
  return names;
}

Result<BlockListing> BlockStore::ListBlocks(std::string_view tenant) {
  VV_RETURN_IF_ERROR(ValidateTenant(tenant));
  VV_ASSIGN_OR_RETURN(std::vector<std::string> names, raw_.List(tenant));
  BlockListing out;
  for (const std::string& name : names) {
    auto id = BlockId::Parse(name);
    // Only canonical names: index.json.gz and other tenant objects are not blocks.
    if (!id.ok() || id->ToString() != name) {
      continue;
    }
    VV_ASSIGN_OR_RETURN(std::vector<std::string> objects, raw_.List(JoinKey({tenant, name})));
    auto has = [&](std::string_view n) {
      return std::binary_search(objects.begin(), objects.end(), n);
    };
    if (has(kCompactedMetaName)) {
      out.compacted.push_back(*id);
    } else if (has(kMetaName)) {
      out.live.push_back(*id);
    }
  }
  std::sort(out.live.begin(), out.live.end());
  std::sort(out.compacted.begin(), out.compacted.end());
  return out;
}

Status BlockStore::MarkBlockCompacted(std::string_view tenant, const BlockId& id) {
  VV_ASSIGN_OR_RETURN(BlockMeta meta, ReadBlockMeta(tenant, id));
  CompactedBlockMeta compacted{std::move(meta), clock_.NowNanos() / 1'000'000'000};
  VV_RETURN_IF_ERROR(raw_.Write(BlockKey(tenant, id, kCompactedMetaName),
                                ByteView(EncodeCompactedBlockMetaJson(compacted))));
  return raw_.Delete(BlockKey(tenant, id, kMetaName));
}

Status BlockStore::ClearBlock(std::string_view tenant, const BlockId& id) {
  VV_RETURN_IF_ERROR(ValidateTenant(tenant));
  VV_RETURN_IF_ERROR(raw_.Delete(BlockKey(tenant, id, kMetaName)));
  VV_RETURN_IF_ERROR(raw_.Delete(BlockKey(tenant, id, kCompactedMetaName)));
  std::string prefix = JoinKey({tenant, id.ToString()});
  VV_ASSIGN_OR_RETURN(std::vector<std::string> objects, raw_.List(prefix));
  for (const std::string& name : objects) {
    VV_RETURN_IF_ERROR(DeleteTree(raw_, JoinKey({prefix, name})));
  }
  return Status::Ok();
}

Status BlockStore::WriteTenantIndex(std::string_view tenant, const TenantIndex& index) {
  VV_RETURN_IF_ERROR(ValidateTenant(tenant));
  std::string pb_key = TenantKey(tenant, kTenantIndexProtoName);
  std::string json_key = TenantKey(tenant, kTenantIndexJsonName);
  if (index.metas.empty() && index.compacted.empty()) {
    VV_RETURN_IF_ERROR(raw_.Delete(pb_key));
    return raw_.Delete(json_key);
  }
  VV_RETURN_IF_ERROR(raw_.Write(pb_key, ByteView(EncodeTenantIndexProto(index))));
  return raw_.Write(json_key, ByteView(EncodeTenantIndexJson(index)));
}

Result<TenantIndex> BlockStore::ReadTenantIndex(std::string_view tenant) {
  VV_RETURN_IF_ERROR(ValidateTenant(tenant));
  std::string pb_key = TenantKey(tenant, kTenantIndexProtoName);
  Status proto_error;
  auto pb = raw_.Read(pb_key);
  if (pb.ok()) {
    auto index = DecodeTenantIndexProto(ByteView(*pb));
    if (index.ok()) {
      return index;
    }
    proto_error = Corrupt(pb_key, index.status());
    VV_WARN("tenant index protobuf unreadable, trying JSON", {"tenant", tenant},
            {"err", proto_error});
  } else if (pb.status().code() != Code::kNotFound) {
    proto_error = pb.status();
  }
  std::string json_key = TenantKey(tenant, kTenantIndexJsonName);
  auto gz = raw_.Read(json_key);
  if (!gz.ok()) {
    // Report the protobuf's problem when there was one; NotFound only when neither exists.
    return proto_error.ok() || gz.status().code() != Code::kNotFound ? gz.status() : proto_error;
  }
  auto index = DecodeTenantIndexJson(ByteView(*gz));
  if (!index.ok()) {
    return Corrupt(json_key, index.status());
  }
  return index;
}

}  // namespace vivace::backend
