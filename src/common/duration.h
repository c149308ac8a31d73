#pragma once

// Durations in Go's syntax, as Tempo's YAML and query parameters use them: "1h30m", "250ms",
// "1.5s", "0". Formatting matches Go's time.Duration.String() ("5m0s", "1h0m0s", "300ms") so
// /status/config prints what Tempo prints.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace {

using Duration = std::chrono::nanoseconds;

// Go's time.ParseDuration. With `allow_days`, also Prometheus' d/w/y units (model.Duration).
Result<Duration> ParseDuration(std::string_view s, bool allow_days = false);
std::string FormatDuration(Duration d);

}  // namespace vivace
