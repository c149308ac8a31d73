#include "backend/tenant_index.h"

#include <fmt/format.h>

#include "backend/block_meta_proto.h"
#include "backend/internal/compression.h"
#include "backend/internal/meta_json.h"
#include "backend/keys.h"
#include "tempodb/backend/v1/v1.pb.h"

namespace vivace::backend {

namespace {

constexpr std::string_view kWhat = "tenant index";

Status DecodeMetaArray(simdjson::dom::element el, std::string_view key, bool compacted,
                       TenantIndex* index) {
  if (el.is_null()) {
    return Status::Ok();  // Go writes an empty slice as null
  }
  simdjson::dom::array arr;
  if (el.get_array().get(arr) != simdjson::SUCCESS) {
    return Status::InvalidArgument(fmt::format("{}: \"{}\" is not an array", kWhat, key));
  }
  for (simdjson::dom::element item : arr) {
    if (compacted) {
      CompactedBlockMeta m;
      VV_RETURN_IF_ERROR(internal::DecodeMetaObject(item, kWhat, &m.meta, &m.compacted_time));
      index->compacted.push_back(std::move(m));
    } else {
      BlockMeta m;
      VV_RETURN_IF_ERROR(internal::DecodeMetaObject(item, kWhat, &m, nullptr));
      index->metas.push_back(std::move(m));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeTenantIndexProto(const TenantIndex& index) {
  tempodb::backend::v1::TenantIndex pb;
  pb.mutable_created_at()->set_seconds(index.created_at.seconds);
  pb.mutable_created_at()->set_nanos(index.created_at.nanos);
  for (const BlockMeta& m : index.metas) {
    ToProto(m, pb.add_meta());
  }
  for (const CompactedBlockMeta& m : index.compacted) {
    ToProto(m, pb.add_compacted_meta());
  }
  return internal::ZstdCompress(ByteView(pb.SerializeAsString()));
}

Result<TenantIndex> DecodeTenantIndexProto(ByteView zst) {
  VV_ASSIGN_OR_RETURN(std::string raw, internal::ZstdDecompress(zst, kMaxTenantIndexBytes));
  tempodb::backend::v1::TenantIndex pb;
  if (!pb.ParseFromString(raw)) {
    return Status::DataLoss(fmt::format("{}: invalid protobuf", kWhat));
  }
  TenantIndex index;
  index.created_at = {pb.created_at().seconds(), pb.created_at().nanos()};
  index.metas.reserve(pb.meta_size());
  for (const auto& m : pb.meta()) {
    VV_ASSIGN_OR_RETURN(BlockMeta meta, FromProto(m));
    index.metas.push_back(std::move(meta));
  }
  index.compacted.reserve(pb.compacted_meta_size());
  for (const auto& m : pb.compacted_meta()) {
    VV_ASSIGN_OR_RETURN(CompactedBlockMeta meta, FromProto(m));
    index.compacted.push_back(std::move(meta));
  }
  return index;
}

std::string EncodeTenantIndexJson(const TenantIndex& index) {
  std::string json;
  json.reserve(64 + 400 * (index.metas.size() + index.compacted.size()));
  JsonWriter w(&json);
  w.BeginObject();
  w.Key("created_at");
  w.String(FormatRfc3339(index.created_at));
  w.Key("meta");
  w.BeginArray();
  for (const BlockMeta& m : index.metas) {
    w.BeginObject();
    internal::WriteMetaFields(w, m);
    w.EndObject();
  }
  w.EndArray();
  w.Key("compacted");
  w.BeginArray();
  for (const CompactedBlockMeta& m : index.compacted) {
    w.BeginObject();
    internal::WriteMetaFields(w, m.meta);
    w.Key("compactedTime");
    w.String(FormatRfc3339({m.compacted_time, 0}));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return internal::GzipCompress(ByteView(json), kTenantIndexJsonInnerName);
}

Result<TenantIndex> DecodeTenantIndexJsonText(ByteView json) {
  TenantIndex index;
  Status status = internal::ParseJson(json, kWhat, [&](simdjson::dom::element root) {
    simdjson::dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      return Status::InvalidArgument(fmt::format("{}: expected a JSON object", kWhat));
    }
    for (auto field : obj) {
      std::string_view k = field.key;
      if (internal::KeyIs(k, "created_at")) {
        if (field.value.is_null()) {
          continue;
        }
        std::string_view s;
        if (field.value.get_string().get(s) != simdjson::SUCCESS) {
          return Status::InvalidArgument(fmt::format("{}: created_at is not a string", kWhat));
        }
        auto t = ParseRfc3339(s);
        if (!t.ok()) {
          return t.status().WithContext(kWhat);
        }
        index.created_at = *t;
      } else if (internal::KeyIs(k, "meta")) {
        index.metas.clear();  // the last duplicate wins
        VV_RETURN_IF_ERROR(DecodeMetaArray(field.value, k, false, &index));
      } else if (internal::KeyIs(k, "compacted")) {
        index.compacted.clear();
        VV_RETURN_IF_ERROR(DecodeMetaArray(field.value, k, true, &index));
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) {
    return status;
  }
  return index;
}

Result<TenantIndex> DecodeTenantIndexJson(ByteView gz) {
  VV_ASSIGN_OR_RETURN(std::string json, internal::GzipDecompress(gz, kMaxTenantIndexBytes));
  return DecodeTenantIndexJsonText(ByteView(json));
}

}  // namespace vivace::backend
