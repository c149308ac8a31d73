#include "model/otlp_json_scalars.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include <fmt/format.h>

namespace vivace::model::internal {

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

constexpr std::array<int8_t, 256> MakeHexTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) {
    v = -1;
  }
  for (int i = 0; i < 10; ++i) {
    t[static_cast<size_t>('0' + i)] = static_cast<int8_t>(i);
  }
  for (int i = 0; i < 6; ++i) {
    t[static_cast<size_t>('a' + i)] = static_cast<int8_t>(10 + i);
    t[static_cast<size_t>('A' + i)] = static_cast<int8_t>(10 + i);
  }
  return t;
}

constexpr std::array<int8_t, 256> kHex = MakeHexTable();

}  // namespace

const char* ParseDecimal(std::string_view s, bool allow_negative, uint64_t* magnitude,
                         bool* negative) {
  *negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (s[0] == '-') {
      if (!allow_negative) {
        return "not an unsigned integer";
      }
      *negative = true;
    }
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return "not an integer";
  }
  uint64_t v = 0;
  for (char ch : s) {
    auto d = static_cast<uint64_t>(static_cast<unsigned char>(ch) - '0');
    if (d > 9) {
      return "not an integer";
    }
    v = v * 10 + d;  // may wrap past 19 digits: checked below
  }
  if (s.size() > 19) {
    // Only 20 digits from 10000000000000000000 to 18446744073709551615 fit (leading zeros
    // aside); compare digit strings rather than trusting the wrapped value.
    size_t zeros = s.find_first_not_of('0');
    std::string_view digits = zeros == std::string_view::npos ? "" : s.substr(zeros);
    if (digits.size() > 20 || (digits.size() == 20 && digits > "18446744073709551615")) {
      return "integer out of range";
    }
  }
  *magnitude = v;
  return nullptr;
}

const char* ReadInteger(element v, int64_t min, uint64_t max, uint64_t* bits) {
  bool negative = false;
  uint64_t magnitude = 0;
  switch (v.type()) {
    case element_type::INT64: {
      int64_t i = v.get_int64().value_unsafe();
      if (i >= 0 && static_cast<uint64_t>(i) <= max && i >= min) {
        *bits = static_cast<uint64_t>(i);  // the common case
        return nullptr;
      }
      negative = i < 0;
      magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
      break;
    }
    case element_type::UINT64:
      magnitude = v.get_uint64().value_unsafe();
      break;
    case element_type::DOUBLE: {
      double d = v.get_double().value_unsafe();
      if (d != std::floor(d)) {
        return "not an integer";  // also NaN
      }
      if (d >= 18446744073709551616.0 || d < -9223372036854775808.0) {
        return "integer out of range";
      }
      negative = d < 0;
      magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(static_cast<int64_t>(d))
                           : static_cast<uint64_t>(d);
      break;
    }
    case element_type::STRING: {
      const char* err = ParseDecimal(v.get_string().value_unsafe(), min < 0, &magnitude, &negative);
      if (err != nullptr) {
        return err;
      }
      break;
    }
    default:
      return "not a number";
  }
  if (negative && magnitude != 0) {
    if (min >= 0 || magnitude > uint64_t{0} - static_cast<uint64_t>(min)) {
      return "integer out of range";
    }
    *bits = uint64_t{0} - magnitude;
    return nullptr;
  }
  if (magnitude > max) {
    return "integer out of range";
  }
  *bits = magnitude;
  return nullptr;
}

const char* ParseDoubleString(std::string_view s, double* out) {
  if (s == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return nullptr;
  }
  if (s == "Infinity") {
    *out = std::numeric_limits<double>::infinity();
    return nullptr;
  }
  if (s == "-Infinity") {
    *out = -std::numeric_limits<double>::infinity();
    return nullptr;
  }
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return "not a number";
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc::result_out_of_range) {
    return "number out of range";
  }
  if (ec != std::errc() || end != s.data() + s.size()) {
    return "not a number";
  }
  return nullptr;
}

bool DecodeHex(std::string_view hex, uint8_t* out, size_t n) {
  const auto* p = reinterpret_cast<const uint8_t*>(hex.data());
  int bad = 0;
  for (size_t i = 0; i < n; ++i) {
    int hi = kHex[p[2 * i]];
    int lo = kHex[p[2 * i + 1]];
    bad |= hi | lo;  // negative if either digit was not hex
    out[i] = static_cast<uint8_t>((hi & 0xf) << 4 | (lo & 0xf));
  }
  return bad >= 0;
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (kHex[static_cast<uint8_t>(c)] < 0) {
      return false;
    }
  }
  return true;
}

const char* TypeName(element_type type) {
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

std::string QuoteValue(element v) {
  switch (v.type()) {
    case element_type::STRING: {
      // Error messages must stay short and printable whatever the input.
      constexpr size_t kMax = 48;
      std::string_view s = v.get_string().value_unsafe();
      std::string out = "\"";
      for (size_t i = 0; i < s.size() && i < kMax; ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '?';
      }
      if (s.size() > kMax) {
        out += "...";
      }
      out += '"';
      return out;
    }
    case element_type::INT64:
      return fmt::format("{}", v.get_int64().value_unsafe());
    case element_type::UINT64:
      return fmt::format("{}", v.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return fmt::format("{}", v.get_double().value_unsafe());
    case element_type::BOOL:
      return v.get_bool().value_unsafe() ? "true" : "false";
    default:
      return TypeName(v.type());
  }
}

Status JsonSyntaxError(simdjson::error_code err) {
  const char* what = nullptr;
  switch (err) {
    case simdjson::EMPTY:
      what = "empty body";
      break;
    case simdjson::DEPTH_ERROR:
      return Status::InvalidArgument(
          fmt::format("invalid JSON: nested deeper than {} levels", simdjson::DEFAULT_MAX_DEPTH));
    case simdjson::TAPE_ERROR:
      what = "malformed or truncated structure (brackets, commas, colons or trailing data)";
      break;
    case simdjson::STRING_ERROR:
    case simdjson::UNCLOSED_STRING:
    case simdjson::UNESCAPED_CHARS:
      what = "malformed string";
      break;
    case simdjson::NUMBER_ERROR:
      what = "malformed number, or a number out of the 64-bit range";
      break;
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      what = "malformed literal (true, false or null)";
      break;
    case simdjson::UTF8_ERROR:
      what = "invalid UTF-8";
      break;
    case simdjson::CAPACITY:
      what = "document too large";
      break;
    case simdjson::MEMALLOC:
      return Status::ResourceExhausted("out of memory parsing JSON");
    default:
      return Status::InvalidArgument(fmt::format("invalid JSON: {}", simdjson::error_message(err)));
  }
  return Status::InvalidArgument(fmt::format("invalid JSON: {}", what));
}

}  // namespace vivace::model::internal
