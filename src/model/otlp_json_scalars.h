#pragma once

// Internal to the OTLP/JSON decoder (otlp_json.cc): reading scalar JSON values the lenient way
// the Collector's pdata unmarshaler does (integers as numbers or decimal strings, doubles as
// numbers, numeric strings or "NaN"/"Infinity"/"-Infinity", hex IDs), and describing values in
// error messages. Each reader returns nullptr on success or the reason the value was refused.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace::model::internal {

// Decimal digits with an optional sign, as Go's strconv.ParseInt / ParseUint accept them.
const char* ParseDecimal(std::string_view s, bool allow_negative, uint64_t* magnitude,
                         bool* negative);

// An integer in [min, max] from a JSON number (integral doubles included) or a decimal string.
// `*bits` receives its two's-complement 64-bit form, which is also its protobuf varint value
// (int32 and int64 both sign-extend). REQUIRES: `v` is a number or a string.
const char* ReadInteger(simdjson::dom::element v, int64_t min, uint64_t max, uint64_t* bits);

// A double from a decimal string, "NaN", "Infinity" or "-Infinity".
const char* ParseDoubleString(std::string_view s, double* out);

// Decodes 2n hex digits (either case) into `out[0..n)`. Returns false on a non-hex digit.
bool DecodeHex(std::string_view hex, uint8_t* out, size_t n);
bool IsHex(std::string_view s);

// "an object", "a number", ... for "expected X, got Y" messages.
const char* TypeName(simdjson::dom::element_type type);

// A short, printable rendering of a scalar value: "\"abc\"" (truncated), 12, true, null.
std::string QuoteValue(simdjson::dom::element v);

// The InvalidArgument (ResourceExhausted for out of memory) for a failed simdjson parse.
Status JsonSyntaxError(simdjson::error_code err);

}  // namespace vivace::model::internal
