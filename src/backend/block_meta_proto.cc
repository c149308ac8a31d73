#include "backend/block_meta_proto.h"

#include "backend/internal/meta_json.h"

namespace vivace::backend {

namespace pb = tempodb::backend::v1;

void ToProto(const BlockMeta& meta, pb::BlockMeta* out) {
  out->set_version(meta.format);
  out->set_block_id(std::string(meta.block_id.bytes().str()));
  out->set_tenant_id(meta.tenant_id);
  out->mutable_start_time()->set_seconds(meta.start_time);
  out->mutable_end_time()->set_seconds(meta.end_time);
  out->set_total_objects(meta.total_objects);
  out->set_size(meta.size);
  out->set_compaction_level(meta.compaction_level);
  out->set_index_page_size(meta.index_page_size);
  out->set_total_records(meta.total_records);
  out->set_bloom_shard_count(meta.bloom_shards);
  out->set_footer_size(meta.footer_size);
  out->set_dedicated_columns(meta.dedicated_columns);
  out->set_replication_factor(meta.replication_factor);
}

void ToProto(const CompactedBlockMeta& meta, pb::CompactedBlockMeta* out) {
  ToProto(meta.meta, out->mutable_block_meta());
  out->mutable_compacted_time()->set_seconds(meta.compacted_time);
}

Result<BlockMeta> FromProto(const pb::BlockMeta& p) {
  BlockMeta meta;
  meta.format = p.version();
  if (!p.block_id().empty()) {  // an absent ID stays nil, as in JSON
    VV_ASSIGN_OR_RETURN(meta.block_id, BlockId::FromBytes(ByteView(p.block_id())));
  }
  meta.tenant_id = p.tenant_id();
  meta.start_time = p.start_time().seconds();
  meta.end_time = p.end_time().seconds();
  meta.total_objects = p.total_objects();
  meta.size = p.size();
  meta.compaction_level = p.compaction_level();
  meta.index_page_size = p.index_page_size();
  meta.total_records = p.total_records();
  meta.bloom_shards = p.bloom_shard_count();
  meta.footer_size = p.footer_size();
  meta.replication_factor = p.replication_factor();
  if (!p.dedicated_columns().empty()) {
    // Bytes from storage: check they are a JSON array before they are embedded in JSON.
    VV_RETURN_IF_ERROR(internal::ParseJson(
        ByteView(p.dedicated_columns()), "dedicated columns", [&](simdjson::dom::element el) {
          auto text = internal::DedicatedColumnsText(el, "dedicated columns");
          if (!text.ok()) {
            return text.status();
          }
          meta.dedicated_columns = std::move(*text);
          return Status::Ok();
        }));
  }
  return meta;
}

Result<CompactedBlockMeta> FromProto(const pb::CompactedBlockMeta& p) {
  CompactedBlockMeta meta;
  VV_ASSIGN_OR_RETURN(meta.meta, FromProto(p.block_meta()));
  meta.compacted_time = p.compacted_time().seconds();
  return meta;
}

}  // namespace vivace::backend
