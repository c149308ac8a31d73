#include "backend/rfc3339.h"

#include <fmt/format.h>

namespace vivace::backend {

namespace {

constexpr int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil-days algorithm).
constexpr int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

constexpr int64_t kMinSeconds = DaysFromCivil(0, 1, 1) * kSecondsPerDay;
constexpr int64_t kMaxSeconds = DaysFromCivil(9999, 12, 31) * kSecondsPerDay + kSecondsPerDay - 1;

// Reads exactly `n` digits at `*pos`; -1 when they are not all digits.
int64_t Digits(std::string_view s, size_t* pos, size_t n) {
  if (s.size() - *pos < n) {
    return -1;
  }
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') {
      return -1;
    }
    v = v * 10 + (c - '0');
  }
  *pos += n;
  return v;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

Status BadTime(std::string_view text) {
  return Status::InvalidArgument(fmt::format("invalid RFC 3339 time \"{}\"", text.substr(0, 64)));
}

}  // namespace

std::string FormatRfc3339(Timestamp t) {
  int64_t secs = t.seconds;
  int32_t nanos = t.nanos < 0 || t.nanos > 999'999'999 ? 0 : t.nanos;
  if (secs < kMinSeconds) {
    secs = kMinSeconds;
    nanos = 0;
  } else if (secs > kMaxSeconds) {
    secs = kMaxSeconds;
    nanos = 999'999'999;
  }
  int64_t days = secs >= 0 ? secs / kSecondsPerDay : (secs - kSecondsPerDay + 1) / kSecondsPerDay;
  int64_t rem = secs - days * kSecondsPerDay;
  Civil c = CivilFromDays(days);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day,
                                rem / 3600, rem / 60 % 60, rem % 60);
  if (nanos != 0) {
    std::string frac = fmt::format("{:09}", nanos);
    while (frac.back() == '0') {
      frac.pop_back();
    }
    out += '.';
    out += frac;
  }
  out += 'Z';
  return out;
}

Result<Timestamp> ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  int64_t year = Digits(text, &pos, 4);
  if (year < 0 || !Expect(text, &pos, '-')) {
    return BadTime(text);
  }
  int64_t month = Digits(text, &pos, 2);
  if (month < 1 || month > 12 || !Expect(text, &pos, '-')) {
    return BadTime(text);
  }
  int64_t day = Digits(text, &pos, 2);
  if (day < 1 || day > DaysInMonth(year, static_cast<int>(month)) || !Expect(text, &pos, 'T')) {
    return BadTime(text);
  }
  int64_t hour = Digits(text, &pos, 2);
  if (hour < 0 || hour > 23 || !Expect(text, &pos, ':')) {
    return BadTime(text);
  }
  int64_t minute = Digits(text, &pos, 2);
  if (minute < 0 || minute > 59 || !Expect(text, &pos, ':')) {
    return BadTime(text);
  }
  int64_t second = Digits(text, &pos, 2);
  if (second < 0 || second > 59) {
    return BadTime(text);
  }
  int32_t nanos = 0;
  if (Expect(text, &pos, '.')) {
    size_t start = pos;
    int32_t scale = 100'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nanos += static_cast<int32_t>(text[pos] - '0') * scale;  // digits past the 9th add 0
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return BadTime(text);
    }
  }
  int64_t offset = 0;
  if (!Expect(text, &pos, 'Z')) {
    int sign = 0;
    if (Expect(text, &pos, '+')) {
      sign = 1;
    } else if (Expect(text, &pos, '-')) {
      sign = -1;
    } else {
      return BadTime(text);
    }
    int64_t oh = Digits(text, &pos, 2);
    if (oh < 0 || oh > 23 || !Expect(text, &pos, ':')) {
      return BadTime(text);
    }
    int64_t om = Digits(text, &pos, 2);
    if (om < 0 || om > 59) {
      return BadTime(text);
    }
    offset = sign * (oh * 3600 + om * 60);
  }
  if (pos != text.size()) {
    return BadTime(text);
  }
  int64_t secs =
      DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day)) * kSecondsPerDay
      + hour * 3600 + minute * 60 + second - offset;
  // An offset can carry the instant out of 0000-9999, which Go cannot write back either.
  if (secs < kMinSeconds || secs > kMaxSeconds) {
    return BadTime(text);
  }
  return Timestamp{secs, nanos};
}

}  // namespace vivace::backend
