#pragma once

// Number parsing with Go's strconv error texts, because Tempo returns those texts to clients
// (e.g. `invalid start: strconv.ParseInt: parsing "x": invalid syntax`).

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace vivace {

// Base-10 int64 / uint64 / uint32, as strconv.ParseInt(s, 10, 64) etc. InvalidArgument with
// `strconv.ParseInt: parsing "<s>": invalid syntax` or `value out of range`.
Result<int64_t> ParseInt64(std::string_view s);
Result<uint64_t> ParseUint64(std::string_view s);
Result<uint32_t> ParseUint32(std::string_view s);

}  // namespace vivace
