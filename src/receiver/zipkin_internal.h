#pragma once

// Helpers shared by the Zipkin decoders and translators (zipkin_*.cc). Not for other users.

#include <cstdint>
#include <string_view>
#include <vector>

#include "receiver/key_index.h"
#include "receiver/zipkin.h"

namespace vivace::receiver {

// Go's encoding/json key matching: exact, else ASCII case-insensitive.
bool KeyIsFolded(std::string_view key, std::string_view name);

inline bool KeyIs(std::string_view key, std::string_view name) {
  return key.size() == name.size() && (key == name || KeyIsFolded(key, name));
}

// strconv.ParseUint(s, 16, 64): hex digits only (any case, any number of leading zeros).
bool ParseHexUint64(std::string_view s, uint64_t* out);

// zipkin-go's TraceIDFromHex: more than 16 digits = high part ++ last 16 digits.
bool ParseZipkinTraceId(std::string_view s, uint64_t* high, uint64_t* low);

// Makes the keys of tags[begin, *end) unique, keeping the first position of each key with its
// last value (Go map semantics), and shrinks *end. `scratch` is reused between calls.
void DedupeTags(std::vector<ZipkinTag>& tags, uint32_t begin, uint32_t* end, KeyIndex* scratch);

// Keys that are never span attributes in the Zipkin v2 translator: resource semantic
// conventions (semconv 1.6.1), the scope tags and OpenCensus leftovers.
bool IsNonSpanAttribute(std::string_view key);

// Valid UTF-8 (protobuf string fields must be).
bool IsUtf8(std::string_view s);

}  // namespace vivace::receiver
