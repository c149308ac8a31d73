#include "traceql/go_compat.h"

#include <locale.h>
#include <stdlib.h>

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "common/duration.h"
#include "traceql/unicode.h"

namespace vivace::traceql {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char Lower(char c) { return static_cast<char>(c | ('a' - 'A')); }

bool IsHexDigit(char c) { return IsDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f'); }

// Go's strconv.underscoreOK: underscores only between digits or after a base prefix.
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0'
      && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i]) || (hex && IsHexDigit(s[i]))) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') {
        return false;
      }
      saw = '_';
      continue;
    }
    if (saw == '_') {
      return false;
    }
    saw = '!';
  }
  return saw != '_';
}

// A "C" locale for strtod, so that the decimal point never depends on the process locale.
locale_t CLocale() {
  static locale_t loc = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return loc;
}

}  // namespace

std::string FormatGoFloat(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  std::string out;
  if (std::signbit(v)) {
    out.push_back('-');
    v = -v;
  }
  if (v == 0) {
    out.push_back('0');
    return out;
  }
  // Shortest round-trip digits in scientific form: d[.ddd]e±XX.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') {
      digits.push_back(c);
    }
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp10);
  int nd = static_cast<int>(digits.size());
  int dp = exp10 + 1;  // position of the decimal point relative to the digits
  if (exp10 < -4 || exp10 >= 6) {
    out.push_back(digits[0]);
    if (nd > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out.push_back('e');
    out.push_back(exp10 < 0 ? '-' : '+');
    int a = exp10 < 0 ? -exp10 : exp10;
    if (a < 10) {
      out.push_back('0');
    }
    out += std::to_string(a);
    return out;
  }
  // %f with exactly the digits needed.
  if (dp <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-dp), '0');
    out += digits;
  } else if (dp >= nd) {
    out += digits;
    out.append(static_cast<size_t>(dp - nd), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(dp));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(dp), std::string::npos);
  }
  return out;
}

std::string FormatMetricsFloat(double v) {
  // Go: v == float64(int(v)); an out-of-range conversion yields MinInt64 on amd64.
  if (!std::isnan(v) && !std::isinf(v) && v >= -9223372036854775808.0
      && v < 9223372036854775808.0) {
    auto i = static_cast<int64_t>(v);
    if (static_cast<double>(i) == v) {
      return std::to_string(i);
    }
  }
  if (v == -9223372036854775808.0) {
    return "-9223372036854775808";
  }
  return FormatGoFloat(v);
}

Result<int64_t> GoAtoi(std::string_view s) {
  auto fail = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("strconv.Atoi: parsing \"{}\": {}", s, why));
  };
  std::string_view d = s;
  bool neg = false;
  if (!d.empty() && (d[0] == '+' || d[0] == '-')) {
    neg = d[0] == '-';
    d.remove_prefix(1);
  }
  if (d.empty()) {
    return fail("invalid syntax");
  }
  uint64_t v = 0;
  bool overflow = false;
  for (char c : d) {
    if (!IsDigit(c)) {
      return fail("invalid syntax");
    }
    if (v > (UINT64_MAX - 9) / 10) {
      overflow = true;
    } else {
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
  }
  uint64_t limit = neg ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  if (overflow || v > limit) {
    return fail("value out of range");
  }
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

Result<double> GoParseFloat(std::string_view s) {
  auto fail = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("strconv.ParseFloat: parsing \"{}\": {}", s, why));
  };
  std::string clean;
  bool underscores = false;
  for (char c : s) {
    if (c == '_') {
      underscores = true;
    } else {
      clean.push_back(c);
    }
  }
  if (underscores && !UnderscoreOk(s)) {
    return fail("invalid syntax");
  }
  if (clean.empty()) {
    return fail("invalid syntax");
  }
  // Only the forms Go accepts: decimal [digits][.digits][e±digits], or 0x hex with a p exponent.
  bool hex = clean.size() > 2 && clean[0] == '0' && Lower(clean[1]) == 'x';
  for (size_t i = hex ? 2 : 0; i < clean.size(); ++i) {
    char c = clean[i];
    bool ok = IsDigit(c) || c == '.' || c == '+' || c == '-'
              || (hex ? (IsHexDigit(c) || Lower(c) == 'p') : Lower(c) == 'e');
    if (!ok) {
      return fail("invalid syntax");
    }
  }
  if (hex && clean.find_first_of("pP") == std::string::npos) {
    return fail("invalid syntax");
  }
  char* end = nullptr;
  double v = strtod_l(clean.c_str(), &end, CLocale());
  if (end != clean.c_str() + clean.size()) {
    return fail("invalid syntax");
  }
  if (std::isinf(v)) {
    return fail("value out of range");
  }
  return v;
}

std::optional<int64_t> GoParseDuration(std::string_view s) {
  constexpr uint64_t kMax = uint64_t{1} << 63;
  uint64_t total = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return 0;
  }
  if (s.empty()) {
    return std::nullopt;
  }
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) {
      return std::nullopt;
    }
    // Integer part, with Go's overflow checks.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (v > kMax / 10) {
        return std::nullopt;
      }
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kMax) {
        return std::nullopt;
      }
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction: stops accumulating precision on overflow, as Go's leadingFraction.
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && IsDigit(s[j]); ++j) {
        if (overflow) {
          continue;
        }
        if (f > (kMax - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[j] - '0');
        if (y > kMax) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) {
      return std::nullopt;
    }
    size_t u = 0;
    while (u < s.size() && !(s[u] == '.' || IsDigit(s[u]))) {
      ++u;
    }
    if (u == 0) {
      return std::nullopt;
    }
    std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    uint64_t unit = 0;
    if (unit_name == "ns") {
      unit = 1;
    } else if (unit_name == "us" || unit_name == "\xc2\xb5s" || unit_name == "\xce\xbcs") {
      unit = 1000;
    } else if (unit_name == "ms") {
      unit = 1000000;
    } else if (unit_name == "s") {
      unit = 1000000000;
    } else if (unit_name == "m") {
      unit = 60000000000;
    } else if (unit_name == "h") {
      unit = 3600000000000;
    } else {
      return std::nullopt;
    }
    if (v > kMax / unit) {
      return std::nullopt;
    }
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kMax) {
        return std::nullopt;
      }
    }
    total += v;
    if (total > kMax) {
      return std::nullopt;
    }
  }
  if (neg) {
    return static_cast<int64_t>(0 - total);
  }
  if (total > kMax - 1) {
    return std::nullopt;
  }
  return static_cast<int64_t>(total);
}

std::optional<int64_t> PromParseDuration(std::string_view s) {
  if (s == "0") {
    return 0;
  }
  if (s.empty()) {
    return std::nullopt;
  }
  constexpr uint64_t kMax = uint64_t{1} << 63;

  struct Unit {
    std::string_view name;
    int pos;
    uint64_t mult;
  };

  static constexpr Unit kUnits[] = {
      {"ms", 7, 1000000ULL},          {"s", 6, 1000000000ULL},     {"m", 5, 60000000000ULL},
      {"h", 4, 3600000000000ULL},     {"d", 3, 86400000000000ULL}, {"w", 2, 604800000000000ULL},
      {"y", 1, 31536000000000000ULL},
  };
  uint64_t dur = 0;
  int last_pos = 0;
  while (!s.empty()) {
    if (!IsDigit(s[0])) {
      return std::nullopt;
    }
    size_t i = 0;
    uint64_t v = 0;
    bool overflow = false;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (v > (UINT64_MAX - 9) / 10) {
        overflow = true;
      } else {
        v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      }
    }
    if (overflow) {
      return std::nullopt;  // strconv.ParseUint out of range
    }
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !IsDigit(s[u])) {
      ++u;
    }
    if (u == 0) {
      return std::nullopt;
    }
    std::string_view name = s.substr(0, u);
    s.remove_prefix(u);
    const Unit* unit = nullptr;
    for (const Unit& x : kUnits) {
      if (x.name == name) {
        unit = &x;
      }
    }
    if (unit == nullptr || unit->pos <= last_pos) {
      return std::nullopt;
    }
    last_pos = unit->pos;
    if (v > kMax / unit->mult) {
      return std::nullopt;
    }
    dur += v * unit->mult;
    if (dur > kMax - 1) {
      return std::nullopt;
    }
  }
  return static_cast<int64_t>(dur);
}

std::string FormatGoDuration(int64_t ns) { return FormatDuration(Duration(ns)); }

namespace {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexVal(char c) {
  if (IsDigit(c)) {
    return c - '0';
  }
  if (Lower(c) >= 'a' && Lower(c) <= 'f') {
    return Lower(c) - 'a' + 10;
  }
  return -1;
}

}  // namespace

std::optional<std::string> GoUnquote(std::string_view in) {
  if (in.size() < 2) {
    return std::nullopt;
  }
  char quote = in[0];
  if (quote == '`') {
    if (in.back() != '`' || in.substr(1, in.size() - 2).find('`') != std::string_view::npos) {
      return std::nullopt;
    }
    std::string out;
    for (char c : in.substr(1, in.size() - 2)) {
      if (c != '\r') {
        out.push_back(c);
      }
    }
    return out;
  }
  if (quote != '"') {
    return std::nullopt;
  }
  std::string out;
  size_t i = 1;
  while (i < in.size() && in[i] != '"') {
    char c = in[i];
    if (c == '\n') {
      return std::nullopt;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      auto [cp, n] = DecodeRune(in, i);
      AppendUtf8(out, cp);
      i += n;
      continue;
    }
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in.size()) {
      return std::nullopt;
    }
    char e = in[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '"':
        out.push_back('"');
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
        if (i + n > in.size()) {
          return std::nullopt;
        }
        uint32_t v = 0;
        for (size_t j = 0; j < n; ++j) {
          int h = HexVal(in[i + j]);
          if (h < 0) {
            return std::nullopt;
          }
          v = (v << 4) | static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out.push_back(static_cast<char>(v));
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
            return std::nullopt;
          }
          AppendUtf8(out, v);
        }
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        uint32_t v = static_cast<uint32_t>(e - '0');
        if (i + 2 > in.size()) {
          return std::nullopt;
        }
        for (size_t j = 0; j < 2; ++j) {
          int d = in[i + j] - '0';
          if (d < 0 || d > 7) {
            return std::nullopt;
          }
          v = (v << 3) | static_cast<uint32_t>(d);
        }
        i += 2;
        if (v > 255) {
          return std::nullopt;
        }
        out.push_back(static_cast<char>(v));
        break;
      }
      default:
        return std::nullopt;
    }
  }
  if (i != in.size() - 1) {
    return std::nullopt;
  }
  return out;
}

}  // namespace vivace::traceql
