#pragma once

// A table-driven description of the OTLP trace messages, and a walker over their wire bytes.
//
// Ingest never builds message objects; instead every request is walked once against this schema
// to prove it is well formed (wire types, nesting depth, lengths, UTF-8 in string fields), so
// nothing that a protobuf parser would later reject is ever stored. The same walker rewrites a
// request in the rare cases that need it: truncating long attributes (Tempo's
// max_attribute_bytes) and replacing invalid UTF-8 with U+FFFD.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace::model {

struct MessageDesc;

// Messages nest at most this deep (the request itself is depth 1). Protobuf's C++ parser stops
// at 100; staying well below keeps every stored trace parseable at query time.
inline constexpr int kMaxNestingDepth = 64;

// Where a truncated attribute sat, for tempo_distributor_attributes_truncated_total{scope}.
enum class AttributeScope : uint8_t { kResource, kScope, kSpan, kEvent, kLink, kCount };
const char* AttributeScopeName(AttributeScope scope);

struct WalkOptions {
  // Keys and string values of attributes longer than this are cut (0 = no limit).
  size_t max_attribute_bytes = 0;
};

struct WalkFindings {
  bool invalid_utf8 = false;
  uint32_t truncated[static_cast<int>(AttributeScope::kCount)] = {};
  bool needs_rewrite() const;
};

// Schemas of the top-level messages the receivers accept.
const MessageDesc& ExportTraceServiceRequestDesc();
const MessageDesc& ResourceDesc();
const MessageDesc& ScopeDesc();
const MessageDesc& SpanDesc();

// Checks that `bytes` is a well-formed `desc` message at nesting depth `depth`.
// Returns InvalidArgument naming the problem. Fills `findings` with what a rewrite would fix.
Status ValidateMessage(const MessageDesc& desc, ByteView bytes, int depth,
                       const WalkOptions& options, WalkFindings* findings);

// Writes a sanitized copy of a message that ValidateMessage accepted: attributes truncated and
// invalid UTF-8 replaced. Unknown fields are copied unchanged.
void RewriteMessage(const MessageDesc& desc, ByteView bytes, const WalkOptions& options,
                    std::string* out);

// True if `s` is valid UTF-8 (fast path for ASCII).
bool IsValidUtf8(ByteView s);
// Appends `s` with each invalid sequence replaced by U+FFFD, as Go's encoders do.
void AppendSanitizedUtf8(std::string& out, ByteView s);

}  // namespace vivace::model
