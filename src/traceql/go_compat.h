#pragma once

// The few Go standard-library behaviours that TraceQL's text depends on, reimplemented so that
// Vivace accepts, rejects and prints literals exactly as Tempo does: strconv number parsing and
// shortest float formatting, time.ParseDuration, Prometheus' model.ParseDuration and
// strconv.Unquote. Error texts are Go's, because Tempo returns them to clients.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace::traceql {

// strconv.FormatFloat(v, 'g', -1, 64): shortest round-trip digits, exponent form when the
// decimal exponent is < -4 or >= 6 ("1e+06", "100000", "1.5e-05", "NaN", "+Inf").
std::string FormatGoFloat(double v);

// Tempo's metrics formatFloat: integers as "%d", anything else as "%g" ("100", "1.5", "NaN").
std::string FormatMetricsFloat(double v);

// strconv.Atoi on 64-bit (base 10, no underscores). Errors carry Go's text:
// `strconv.Atoi: parsing "x": invalid syntax` / `value out of range`.
Result<int64_t> GoAtoi(std::string_view s);

// strconv.ParseFloat(s, 64) for the texts Go's scanner produces (decimal or hexadecimal, with
// digit-separating underscores). Overflow is an error; underflow rounds to zero as in Go.
Result<double> GoParseFloat(std::string_view s);

// time.ParseDuration (ns, us, µs, μs, ms, s, m, h; fractions; Go's exact rounding).
std::optional<int64_t> GoParseDuration(std::string_view s);

// Prometheus model.ParseDuration: integer groups of y w d h m s ms, biggest unit first.
std::optional<int64_t> PromParseDuration(std::string_view s);

// time.Duration.String(): "1h30m0s", "1.5ms", "0s".
std::string FormatGoDuration(int64_t ns);

// strconv.Unquote for a double-quoted or back-quoted Go literal (quotes included).
// Returns nullopt on invalid syntax.
std::optional<std::string> GoUnquote(std::string_view literal);

}  // namespace vivace::traceql
