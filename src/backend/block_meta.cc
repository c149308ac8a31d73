#include "backend/block_meta.h"

#include <limits>

#include <fmt/format.h>

#include "backend/internal/meta_json.h"
#include "backend/rfc3339.h"

namespace vivace::backend {

namespace internal {

namespace {

using simdjson::dom::element;

// Documents up to this size use a per-thread parser that keeps its buffers; larger ones (big
// tenant indexes) a temporary parser, so one large index does not pin memory in every thread.
constexpr size_t kReusableParserBytes = 1 << 20;

Status FieldError(std::string_view what, std::string_view key, std::string_view want) {
  return Status::InvalidArgument(
      fmt::format("{}: field \"{}\": {}", what, key.substr(0, 64), want));
}

Status GetString(element el, std::string_view what, std::string_view key, std::string* out) {
  std::string_view s;
  if (el.get_string().get(s) != simdjson::SUCCESS) {
    return FieldError(what, key, "expected a string");
  }
  out->assign(s);
  return Status::Ok();
}

Status GetInt64(element el, std::string_view what, std::string_view key, int64_t* out) {
  if (el.get_int64().get(*out) != simdjson::SUCCESS) {
    return FieldError(what, key, "expected a 64-bit integer");
  }
  return Status::Ok();
}

Status GetUint64(element el, std::string_view what, std::string_view key, uint64_t* out) {
  if (el.get_uint64().get(*out) != simdjson::SUCCESS) {
    return FieldError(what, key, "expected an unsigned 64-bit integer");
  }
  return Status::Ok();
}

Status GetUint32(element el, std::string_view what, std::string_view key, uint32_t* out) {
  uint64_t v = 0;
  if (el.get_uint64().get(v) != simdjson::SUCCESS || v > std::numeric_limits<uint32_t>::max()) {
    return FieldError(what, key, "expected an unsigned 32-bit integer");
  }
  *out = static_cast<uint32_t>(v);
  return Status::Ok();
}

Status GetTime(element el, std::string_view what, std::string_view key, int64_t* out) {
  std::string_view s;
  if (el.get_string().get(s) != simdjson::SUCCESS) {
    return FieldError(what, key, "expected an RFC 3339 time string");
  }
  auto t = ParseRfc3339(s);
  if (!t.ok()) {
    return FieldError(what, key, t.status().message());
  }
  *out = t->seconds;
  return Status::Ok();
}

Status GetBlockId(element el, std::string_view what, std::string_view key, BlockId* out) {
  std::string_view s;
  if (el.get_string().get(s) != simdjson::SUCCESS) {
    return FieldError(what, key, "expected a UUID string");
  }
  auto id = BlockId::Parse(s);
  if (!id.ok()) {
    return FieldError(what, key, id.status().message());
  }
  *out = *id;
  return Status::Ok();
}

Status SyntaxError(std::string_view what, simdjson::error_code err) {
  if (err == simdjson::EMPTY) {
    return Status::InvalidArgument(fmt::format("{}: empty document", what));
  }
  return Status::InvalidArgument(
      fmt::format("{}: invalid JSON: {}", what, simdjson::error_message(err)));
}

}  // namespace

bool KeyIs(std::string_view key, std::string_view folded) {
  if (key.size() != folded.size()) {
    return false;
  }
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != folded[i]) {
      return false;
    }
  }
  return true;
}

Status ParseJson(ByteView json, std::string_view what,
                 const std::function<Status(simdjson::dom::element)>& fn) {
  auto run = [&](simdjson::dom::parser& parser) -> Status {
    element root;
    // The input has no SIMDJSON_PADDING, so the parser copies it into its padded buffer.
    simdjson::error_code err = parser.parse(json.data(), json.size(), true).get(root);
    if (err != simdjson::SUCCESS) {
      return SyntaxError(what, err);
    }
    return fn(root);
  };
  if (json.size() > kReusableParserBytes) {
    simdjson::dom::parser parser;
    return run(parser);
  }
  thread_local simdjson::dom::parser parser;
  return run(parser);
}

Result<std::string> DedicatedColumnsText(element el, std::string_view what) {
  if (el.is_null()) {
    return std::string();
  }
  simdjson::dom::array arr;
  if (el.get_array().get(arr) != simdjson::SUCCESS) {
    return FieldError(what, "dedicatedColumns", "expected an array");
  }
  if (arr.size() == 0) {
    return std::string();  // Tempo omits an empty list
  }
  return simdjson::minify(el);
}

Status DecodeMetaObject(element el, std::string_view what, BlockMeta* meta,
                        int64_t* compacted_time) {
  simdjson::dom::object obj;
  if (el.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument(fmt::format("{}: expected a JSON object", what));
  }
  for (auto field : obj) {
    std::string_view k = field.key;
    element v = field.value;
    if (v.is_null()) {
      continue;  // Go leaves the field as it was
    }
    Status s;
    if (KeyIs(k, "format")) {
      s = GetString(v, what, k, &meta->format);
    } else if (KeyIs(k, "blockid")) {
      s = GetBlockId(v, what, k, &meta->block_id);
    } else if (KeyIs(k, "tenantid")) {
      s = GetString(v, what, k, &meta->tenant_id);
    } else if (KeyIs(k, "starttime")) {
      s = GetTime(v, what, k, &meta->start_time);
    } else if (KeyIs(k, "endtime")) {
      s = GetTime(v, what, k, &meta->end_time);
    } else if (KeyIs(k, "totalobjects")) {
      s = GetInt64(v, what, k, &meta->total_objects);
    } else if (KeyIs(k, "size")) {
      s = GetUint64(v, what, k, &meta->size);
    } else if (KeyIs(k, "compactionlevel")) {
      s = GetUint32(v, what, k, &meta->compaction_level);
    } else if (KeyIs(k, "indexpagesize")) {
      s = GetUint32(v, what, k, &meta->index_page_size);
    } else if (KeyIs(k, "totalrecords")) {
      s = GetUint32(v, what, k, &meta->total_records);
    } else if (KeyIs(k, "bloomshards")) {
      s = GetUint32(v, what, k, &meta->bloom_shards);
    } else if (KeyIs(k, "footersize")) {
      s = GetUint32(v, what, k, &meta->footer_size);
    } else if (KeyIs(k, "dedicatedcolumns")) {
      auto text = DedicatedColumnsText(v, what);
      if (!text.ok()) {
        return text.status();
      }
      meta->dedicated_columns = std::move(*text);
    } else if (KeyIs(k, "replicationfactor")) {
      s = GetUint32(v, what, k, &meta->replication_factor);
    } else if (compacted_time != nullptr && KeyIs(k, "compactedtime")) {
      s = GetTime(v, what, k, compacted_time);
    }
    // Anything else (legacy encoding, dataEncoding, minID, maxID; future keys) is ignored.
    VV_RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

void WriteMetaFields(JsonWriter& w, const BlockMeta& meta) {
  w.Key("format");
  w.String(meta.format);
  w.Key("blockID");
  w.String(meta.block_id.ToString());
  w.Key("tenantID");
  w.String(meta.tenant_id);
  w.Key("startTime");
  w.String(FormatRfc3339({meta.start_time, 0}));
  w.Key("endTime");
  w.String(FormatRfc3339({meta.end_time, 0}));
  w.Key("totalObjects");
  w.Int(meta.total_objects);
  if (meta.size != 0) {
    w.Key("size");
    w.Uint(meta.size);
  }
  w.Key("compactionLevel");
  w.Uint(meta.compaction_level);
  w.Key("indexPageSize");
  w.Uint(meta.index_page_size);
  w.Key("totalRecords");
  w.Uint(meta.total_records);
  w.Key("bloomShards");
  w.Uint(meta.bloom_shards);
  w.Key("footerSize");
  w.Uint(meta.footer_size);
  if (!meta.dedicated_columns.empty()) {
    w.Key("dedicatedColumns");
    w.Raw(meta.dedicated_columns);
  }
  if (meta.replication_factor != 0) {
    w.Key("replicationFactor");
    w.Uint(meta.replication_factor);
  }
}

}  // namespace internal

std::string EncodeBlockMetaJson(const BlockMeta& meta) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  internal::WriteMetaFields(w, meta);
  w.EndObject();
  return out;
}

std::string EncodeCompactedBlockMetaJson(const CompactedBlockMeta& meta) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  internal::WriteMetaFields(w, meta.meta);
  w.Key("compactedTime");
  w.String(FormatRfc3339({meta.compacted_time, 0}));
  w.EndObject();
  return out;
}

Result<BlockMeta> DecodeBlockMetaJson(ByteView json) {
  BlockMeta meta;
  VV_RETURN_IF_ERROR(internal::ParseJson(json, "meta.json", [&](simdjson::dom::element root) {
    return internal::DecodeMetaObject(root, "meta.json", &meta, nullptr);
  }));
  return meta;
}

Result<CompactedBlockMeta> DecodeCompactedBlockMetaJson(ByteView json) {
  CompactedBlockMeta meta;
  VV_RETURN_IF_ERROR(
      internal::ParseJson(json, "meta.compacted.json", [&](simdjson::dom::element root) {
        return internal::DecodeMetaObject(root, "meta.compacted.json", &meta.meta,
                                          &meta.compacted_time);
      }));
  return meta;
}

}  // namespace vivace::backend
