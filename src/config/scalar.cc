#include "config/scalar.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace vivace::config {
namespace {

std::string WithoutUnderscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '_') {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string> SplitCsv(std::string_view text) {
  std::vector<std::string> out;
  if (Trim(text).empty()) {
    return out;
  }
  while (true) {
    size_t comma = text.find(',');
    out.emplace_back(Trim(text.substr(0, comma)));
    if (comma == std::string_view::npos) {
      break;
    }
    text.remove_prefix(comma + 1);
  }
  return out;
}

Result<double> ParseFloat(std::string_view text) {
  std::string s = WithoutUnderscores(text);
  std::string_view v = s;
  if (!v.empty() && v.front() == '+') {
    v.remove_prefix(1);
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(d)) {
    return Status::InvalidArgument(fmt::format("cannot parse \"{}\" as a number", text));
  }
  return d;
}

Result<int64_t> ParseRadix(std::string_view digits, int base, bool negative,
                           std::string_view orig) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return Status::InvalidArgument(fmt::format("cannot parse \"{}\" as an integer", orig));
  }
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (v > kMax + (negative ? 1 : 0)) {
    return Status::InvalidArgument(fmt::format("integer \"{}\" is out of range", orig));
  }
  if (negative) {
    return v == kMax + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(v);
  }
  return static_cast<int64_t>(v);
}

bool LooksLikeInteger(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if ((c < '0' || c > '9') && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<int64_t> ParseInt(std::string_view text) {
  std::string s = WithoutUnderscores(Trim(text));
  std::string_view v = s;
  bool negative = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    return ParseRadix(v.substr(2), 16, negative, text);
  }
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O')) {
    return ParseRadix(v.substr(2), 8, negative, text);
  }
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'b' || v[1] == 'B')) {
    return ParseRadix(v.substr(2), 2, negative, text);
  }
  if (LooksLikeInteger(v)) {
    return ParseRadix(v, 10, negative, text);
  }
  // Go's yaml.v2 stores an integral float (30e6) into an int field.
  auto f = ParseFloat(text);
  if (!f.ok()) {
    return Status::InvalidArgument(fmt::format("cannot parse \"{}\" as an integer", text));
  }
  double d = *f;
  if (d != std::floor(d) || d < -9.2e18 || d > 9.2e18) {
    return Status::InvalidArgument(fmt::format("cannot parse \"{}\" as an integer", text));
  }
  return static_cast<int64_t>(d);
}

Result<bool> ParseYamlBool(std::string_view text) {
  static constexpr std::string_view kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                               "True", "TRUE", "on",  "On",  "ON"};
  static constexpr std::string_view kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                                "False", "FALSE", "off", "Off", "OFF"};
  for (std::string_view t : kTrue) {
    if (text == t) {
      return true;
    }
  }
  for (std::string_view f : kFalse) {
    if (text == f) {
      return false;
    }
  }
  return Status::InvalidArgument(fmt::format("cannot parse \"{}\" as a boolean", text));
}

Result<bool> ParseGoBool(std::string_view text) {
  static constexpr std::string_view kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::string_view kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
  for (std::string_view t : kTrue) {
    if (text == t) {
      return true;
    }
  }
  for (std::string_view f : kFalse) {
    if (text == f) {
      return false;
    }
  }
  return Status::InvalidArgument(fmt::format("parse error: invalid boolean \"{}\"", text));
}

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kSection:
    case Kind::kAnyMap:
    case Kind::kStringMap:
      return "a map";
    case Kind::kString:
    case Kind::kScalar:
      return "a scalar";
    case Kind::kInt:
    case Kind::kInt64:
    case Kind::kUint32:
      return "an integer";
    case Kind::kBool:
      return "a boolean";
    case Kind::kFloat:
      return "a number";
    case Kind::kDuration:
      return "a duration";
    case Kind::kStringList:
    case Kind::kFloatList:
    case Kind::kAnyList:
    case Kind::kStructList:
      return "a list";
    case Kind::kAny:
    case Kind::kCustom:
      return "a value";
  }
  return "a value";
}

Result<LeafValue> ParseScalarText(Kind kind, uint32_t flags, std::string_view text) {
  switch (kind) {
    case Kind::kString:
    case Kind::kScalar:
      return LeafValue(std::string(text));
    case Kind::kInt:
    case Kind::kInt64:
    case Kind::kUint32: {
      VV_ASSIGN_OR_RETURN(int64_t v, ParseInt(text));
      if (kind == Kind::kInt
          && (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())) {
        return Status::InvalidArgument(fmt::format("integer \"{}\" is out of range", text));
      }
      if (kind == Kind::kUint32 && (v < 0 || v > std::numeric_limits<uint32_t>::max())) {
        return Status::InvalidArgument(fmt::format("integer \"{}\" is out of range", text));
      }
      return LeafValue(v);
    }
    case Kind::kBool: {
      VV_ASSIGN_OR_RETURN(bool b, ParseYamlBool(text));
      return LeafValue(b);
    }
    case Kind::kFloat: {
      VV_ASSIGN_OR_RETURN(double d, ParseFloat(text));
      return LeafValue(d);
    }
    case Kind::kDuration: {
      if ((flags & kDays) == 0 && LooksLikeInteger(text)) {
        VV_ASSIGN_OR_RETURN(int64_t ns, ParseInt(text));
        return LeafValue(Duration(ns));
      }
      VV_ASSIGN_OR_RETURN(Duration d, ParseDuration(text, (flags & kDays) != 0));
      return LeafValue(d);
    }
    case Kind::kStringList:
      return LeafValue(SplitCsv(text));
    case Kind::kFloatList: {
      std::vector<double> out;
      for (const std::string& part : SplitCsv(text)) {
        VV_ASSIGN_OR_RETURN(double d, ParseFloat(part));
        out.push_back(d);
      }
      return LeafValue(std::move(out));
    }
    default:
      return Status::InvalidArgument(fmt::format("expected {}", KindName(kind)));
  }
}

void StoreLeaf(Kind kind, const LeafValue& value, void* dst) {
  switch (kind) {
    case Kind::kString:
      *static_cast<std::string*>(dst) = std::get<std::string>(value);
      break;
    case Kind::kInt:
      *static_cast<int*>(dst) = static_cast<int>(std::get<int64_t>(value));
      break;
    case Kind::kInt64:
      *static_cast<int64_t*>(dst) = std::get<int64_t>(value);
      break;
    case Kind::kUint32:
      *static_cast<uint32_t*>(dst) = static_cast<uint32_t>(std::get<int64_t>(value));
      break;
    case Kind::kBool:
      *static_cast<bool*>(dst) = std::get<bool>(value);
      break;
    case Kind::kFloat:
      *static_cast<double*>(dst) = std::get<double>(value);
      break;
    case Kind::kDuration:
      *static_cast<Duration*>(dst) = std::get<Duration>(value);
      break;
    case Kind::kStringList:
      *static_cast<std::vector<std::string>*>(dst) = std::get<std::vector<std::string>>(value);
      break;
    case Kind::kFloatList:
      *static_cast<std::vector<double>*>(dst) = std::get<std::vector<double>>(value);
      break;
    case Kind::kStringMap:
      *static_cast<std::map<std::string, std::string>*>(dst) =
          std::get<std::map<std::string, std::string>>(value);
      break;
    default:
      break;
  }
}

namespace {

RenderNode Scalar(std::string text) {
  RenderNode n;
  n.type = RenderNode::Type::kScalar;
  n.scalar = std::move(text);
  return n;
}

std::string MaskedString(uint32_t flags, const std::string& s, bool mask) {
  if (mask && !s.empty()) {
    if ((flags & kSecret) != 0) {
      return QuoteYamlString("********");
    }
    if ((flags & kPromSecret) != 0) {
      return QuoteYamlString("<secret>");
    }
  }
  return QuoteYamlString(s);
}

}  // namespace

RenderNode RenderLeaf(Kind kind, uint32_t flags, const void* field, bool mask) {
  switch (kind) {
    case Kind::kString:
      return Scalar(MaskedString(flags, *static_cast<const std::string*>(field), mask));
    case Kind::kInt:
      return Scalar(fmt::format("{}", *static_cast<const int*>(field)));
    case Kind::kInt64:
      return Scalar(fmt::format("{}", *static_cast<const int64_t*>(field)));
    case Kind::kUint32:
      return Scalar(fmt::format("{}", *static_cast<const uint32_t*>(field)));
    case Kind::kBool:
      return Scalar(*static_cast<const bool*>(field) ? "true" : "false");
    case Kind::kFloat:
      return Scalar(fmt::format("{}", *static_cast<const double*>(field)));
    case Kind::kDuration:
      return Scalar(FormatDuration(*static_cast<const Duration*>(field)));
    case Kind::kStringList: {
      const auto& v = *static_cast<const std::vector<std::string>*>(field);
      if (v.empty()) {
        return Scalar("[]");
      }
      RenderNode n;
      n.type = RenderNode::Type::kList;
      for (const std::string& s : v) {
        n.children.push_back(Scalar(MaskedString(flags, s, mask)));
      }
      return n;
    }
    case Kind::kFloatList: {
      const auto& v = *static_cast<const std::vector<double>*>(field);
      if (v.empty()) {
        return Scalar("[]");
      }
      RenderNode n;
      n.type = RenderNode::Type::kList;
      for (double d : v) {
        n.children.push_back(Scalar(fmt::format("{}", d)));
      }
      return n;
    }
    case Kind::kStringMap: {
      const auto& m = *static_cast<const std::map<std::string, std::string>*>(field);
      if (m.empty()) {
        return Scalar("{}");
      }
      RenderNode n;
      n.type = RenderNode::Type::kMap;
      for (const auto& [k, v] : m) {
        RenderNode e = Scalar(MaskedString(flags, v, mask));
        e.key = k;
        n.children.push_back(std::move(e));
      }
      return n;
    }
    default:
      return Scalar("null");
  }
}

}  // namespace vivace::config
