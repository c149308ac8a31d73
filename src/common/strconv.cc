#include "common/strconv.h"

#include <charconv>

#include <fmt/format.h>

namespace vivace {
namespace {

template <typename T>
Result<T> Parse(std::string_view s, const char* fn) {
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  bool syntax_ok = !digits.empty();
  for (char c : digits) {
    syntax_ok = syntax_ok && c >= '0' && c <= '9';
  }
  if (!syntax_ok || (neg && std::is_unsigned_v<T>) || (s[0] == '+' && std::is_unsigned_v<T>)) {
    return Status::InvalidArgument(fmt::format("{}: parsing {:?}: invalid syntax", fn, s));
  }
  T v{};
  const char* begin = s[0] == '+' ? s.data() + 1 : s.data();
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument(fmt::format("{}: parsing {:?}: value out of range", fn, s));
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return Status::InvalidArgument(fmt::format("{}: parsing {:?}: invalid syntax", fn, s));
  }
  return v;
}

}  // namespace

Result<int64_t> ParseInt64(std::string_view s) { return Parse<int64_t>(s, "strconv.ParseInt"); }

Result<uint64_t> ParseUint64(std::string_view s) { return Parse<uint64_t>(s, "strconv.ParseUint"); }

Result<uint32_t> ParseUint32(std::string_view s) { return Parse<uint32_t>(s, "strconv.ParseUint"); }

}  // namespace vivace
