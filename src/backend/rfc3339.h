#pragma once

// RFC 3339 timestamps as Go's time.Time writes and reads them in JSON, for meta.json and the
// tenant index: "2022-07-04T11:11:09Z", "2024-01-02T03:04:05.123456789Z", "...+02:00".
// Years 0000-9999, which includes Go's zero time "0001-01-01T00:00:00Z".

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace::backend {

struct Timestamp {
  int64_t seconds = 0;  // since the Unix epoch, UTC
  int32_t nanos = 0;    // 0..999'999'999

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// Go's RFC3339Nano in UTC: the fraction is trimmed of trailing zeros and omitted when zero.
// Times outside years 0000-9999 are clamped to that range.
std::string FormatRfc3339(Timestamp t);

// Parses an RFC 3339 date-time with optional fraction and a "Z" or "+hh:mm" offset.
// InvalidArgument naming the text otherwise, or when the instant falls outside years
// 0000-9999 in UTC.
Result<Timestamp> ParseRfc3339(std::string_view text);

}  // namespace vivace::backend
