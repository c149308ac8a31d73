#pragma once

// Hex encoding of trace and span IDs (lower-case, as Tempo prints them).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace vivace {

std::string HexEncode(ByteView bytes);
// Appends the lower-case hex of `bytes` to `out`.
void AppendHex(std::string& out, ByteView bytes);
// Decodes an even-length hex string, either case. Returns false on a bad character or odd length.
bool HexDecode(std::string_view hex, std::string* out);
// Decodes exactly `n` bytes from 2n hex characters into `out`.
bool HexDecodeInto(std::string_view hex, uint8_t* out, size_t n);

}  // namespace vivace
