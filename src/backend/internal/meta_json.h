#pragma once

// Pieces of the meta.json codec shared with the tenant index JSON codec (tenant_index.cc),
// which embeds metas in its arrays.

#include <simdjson.h>

#include <cstdint>
#include <string>

#include "backend/block_meta.h"
#include "common/json_writer.h"
#include "common/status.h"

namespace vivace::backend::internal {

// Parses `json` with a thread-local parser (or a temporary one for large inputs) and calls
// `fn(root)`. InvalidArgument for syntax errors; `what` names the document in messages.
Status ParseJson(ByteView json, std::string_view what,
                 const std::function<Status(simdjson::dom::element)>& fn);

// Decodes the keys of a meta object into `meta`; also `compactedTime` when `compacted_time`
// is not null.
Status DecodeMetaObject(simdjson::dom::element el, std::string_view what, BlockMeta* meta,
                        int64_t* compacted_time);

// Writes the keys of `meta` into an object the caller has opened.
void WriteMetaFields(JsonWriter& w, const BlockMeta& meta);

// Re-serialises a dedicatedColumns value: minified array text, "" for null or [].
Result<std::string> DedicatedColumnsText(simdjson::dom::element el, std::string_view what);

// Go's json.Unmarshal matches keys case-insensitively; `folded` must be lower case.
bool KeyIs(std::string_view key, std::string_view folded);

}  // namespace vivace::backend::internal
