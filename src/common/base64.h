#pragma once

// Standard base64 with padding (RFC 4648 §4), as proto3 JSON uses for `bytes` fields.

#include <string>
#include <string_view>

#include "common/bytes.h"

namespace vivace {

void AppendBase64(std::string& out, ByteView bytes);
std::string Base64Encode(ByteView bytes);
// Accepts standard and URL-safe alphabets, with or without padding (as Go's protojson does).
bool Base64Decode(std::string_view in, std::string* out);

}  // namespace vivace
