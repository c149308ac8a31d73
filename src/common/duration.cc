#include "common/duration.h"

#include <fmt/format.h>

namespace vivace {
namespace {

struct Unit {
  std::string_view name;
  int64_t ns;
};

constexpr int64_t kNs = 1;
constexpr int64_t kUs = 1000 * kNs;
constexpr int64_t kMs = 1000 * kUs;
constexpr int64_t kSec = 1000 * kMs;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

constexpr Unit kUnits[] = {
    {"ns", kNs}, {"us", kUs}, {"\xc2\xb5s", kUs}, {"\xce\xbcs", kUs}, {"ms", kMs},
    {"s", kSec}, {"m", kMin}, {"h", kHour},
};
constexpr Unit kDayUnits[] = {{"d", kDay}, {"w", 7 * kDay}, {"y", 365 * kDay}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<Duration> ParseDuration(std::string_view s, bool allow_days) {
  std::string_view orig = s;
  auto bad = [&] {
    return Status::InvalidArgument(fmt::format("time: invalid duration \"{}\"", orig));
  };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return Duration(0);
  }
  if (s.empty()) {
    return bad();
  }
  // Accumulate in long double: exact for every realistic config value and overflow-checked.
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
    }
    std::string_view int_part = s.substr(0, i);
    std::string_view frac_part;
    if (i < s.size() && s[i] == '.') {
      size_t j = i + 1;
      while (j < s.size() && IsDigit(s[j])) {
        ++j;
      }
      frac_part = s.substr(i + 1, j - i - 1);
      i = j;
    }
    if (int_part.empty() && frac_part.empty()) {
      return bad();
    }
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !IsDigit(s[u]) && s[u] != '.') {
      ++u;
    }
    std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    int64_t unit = 0;
    for (const Unit& x : kUnits) {
      if (x.name == unit_name) {
        unit = x.ns;
      }
    }
    if (allow_days) {
      for (const Unit& x : kDayUnits) {
        if (x.name == unit_name) {
          unit = x.ns;
        }
      }
    }
    if (unit == 0) {
      if (unit_name.empty()) {
        return Status::InvalidArgument(
            fmt::format("time: missing unit in duration \"{}\"", orig));
      }
      return Status::InvalidArgument(
          fmt::format("time: unknown unit \"{}\" in duration \"{}\"", unit_name, orig));
    }
    long double v = 0;
    for (char c : int_part) {
      v = v * 10 + (c - '0');
    }
    long double scale = 1;
    for (char c : frac_part) {
      scale /= 10;
      v += (c - '0') * scale;
    }
    total += v * static_cast<long double>(unit);
    if (total > static_cast<long double>(INT64_MAX)) {
      return bad();
    }
  }
  auto ns = static_cast<int64_t>(total);
  return Duration(neg ? -ns : ns);
}

std::string FormatDuration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) {
    return "0s";
  }
  std::string sign = ns < 0 ? "-" : "";
  uint64_t u = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  auto frac = [](uint64_t v, uint64_t unit) {
    // Go prints fractions without trailing zeros: 1.5ms, 2.25s.
    std::string s = fmt::format("{}", v / unit);
    uint64_t rem = v % unit;
    if (rem != 0) {
      std::string digits = fmt::format("{}", rem);
      std::string padded(std::to_string(unit).size() - 1 - digits.size(), '0');
      padded += digits;
      while (!padded.empty() && padded.back() == '0') {
        padded.pop_back();
      }
      s += "." + padded;
    }
    return s;
  };
  if (u < static_cast<uint64_t>(kUs)) {
    return fmt::format("{}{}ns", sign, u);
  }
  if (u < static_cast<uint64_t>(kMs)) {
    return sign + frac(u, kUs) + "\xc2\xb5s";
  }
  if (u < static_cast<uint64_t>(kSec)) {
    return sign + frac(u, kMs) + "ms";
  }
  uint64_t hours = u / kHour;
  uint64_t mins = (u % kHour) / kMin;
  uint64_t rest = u % kMin;
  std::string out = sign;
  if (hours > 0) {
    out += fmt::format("{}h", hours);
  }
  if (hours > 0 || mins > 0) {
    out += fmt::format("{}m", mins);
  }
  out += frac(rest, kSec) + "s";
  return out;
}

}  // namespace vivace
