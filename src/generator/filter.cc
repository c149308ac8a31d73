#include "generator/filter.h"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>
#include <re2/re2.h>

namespace vivace::generator {

// One attribute condition of a policy.
struct SpanFilter::Condition {
  enum class Target : uint8_t { kName, kStatus, kKind, kResource, kSpan };
  enum class Type : uint8_t { kString, kInt, kDouble, kBool, kRegex, kEnum };
  Target target = Target::kSpan;
  Type type = Type::kString;
  std::string key;
  std::string str;
  int64_t int_value = 0;
  double double_value = 0;
  bool bool_value = false;
  std::shared_ptr<const re2::RE2> regex;

  bool MatchesAttribute(const std::vector<Attribute>& attrs) const {
    // The first attribute with the key decides (Tempo's matchesAnyFilter).
    const Attribute* a = FindAttribute(attrs, key);
    if (a == nullptr) {
      return false;
    }
    AnyValue v = ParseAnyValue(a->value);
    switch (type) {
      case Type::kString:
        return v.type == AnyValue::Type::kString ? v.str == str : str.empty();
      case Type::kInt:
        return (v.type == AnyValue::Type::kInt ? v.int_value : 0) == int_value;
      case Type::kDouble:
        return (v.type == AnyValue::Type::kDouble ? v.double_value : 0) == double_value;
      case Type::kBool:
        return (v.type == AnyValue::Type::kBool && v.bool_value) == bool_value;
      case Type::kRegex: {
        std::string_view s = v.type == AnyValue::Type::kString ? v.str : std::string_view();
        return re2::RE2::PartialMatch(s, *regex);
      }
      case Type::kEnum:
        return false;
    }
    return false;
  }

  bool Matches(const ResourceView& resource, const SpanView& span) const {
    switch (target) {
      case Target::kName:
        return regex ? re2::RE2::PartialMatch(span.name, *regex) : span.name == str;
      case Target::kStatus:
        return regex ? re2::RE2::PartialMatch(StatusCodeName(span.status_code), *regex)
                     : span.status_code == int_value;
      case Target::kKind:
        return regex ? re2::RE2::PartialMatch(SpanKindName(span.kind), *regex)
                     : span.kind == int_value;
      case Target::kResource:
        return MatchesAttribute(resource.attributes);
      case Target::kSpan:
        return MatchesAttribute(span.attributes());
    }
    return false;
  }
};

namespace {

bool ParseInt(const std::string& s, int64_t* out) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b != e && *b == '+') {
    ++b;
  }
  auto res = std::from_chars(b, e, *out);
  return res.ec == std::errc() && res.ptr == e && b != e;
}

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) {
    return false;
  }
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

Result<int64_t> EnumValue(std::string_view value, bool kind) {
  for (int32_t i = 0; i < (kind ? 6 : 3); ++i) {
    if ((kind ? SpanKindName(i) : StatusCodeName(i)) == value) {
      return i;
    }
  }
  return Status::InvalidArgument(
      fmt::format("unsupported {} intrinsic string value: {}", kind ? "kind" : "status", value));
}

}  // namespace

SpanFilter::SpanFilter() = default;
SpanFilter::SpanFilter(SpanFilter&&) noexcept = default;
SpanFilter& SpanFilter::operator=(SpanFilter&&) noexcept = default;
SpanFilter::~SpanFilter() = default;

Result<SpanFilter::Policy> SpanFilter::BuildPolicy(const config::PolicyMatch& match,
                                                   const char* which) {
  Policy p;
  bool regex = match.match_type == "regex";
  if (!regex && match.match_type != "strict") {
    return Status::InvalidArgument(
        fmt::format("invalid match type \"{}\" in filter policy {}: expected strict or regex",
                    match.match_type, which));
  }
  for (const config::FilterAttribute& attr : match.attributes) {
    Condition c;
    const std::string& key = attr.key;
    if (key == "name" || key == "status" || key == "kind") {
      c.target = key == "name"     ? Condition::Target::kName
                 : key == "status" ? Condition::Target::kStatus
                                   : Condition::Target::kKind;
    } else if (key.rfind("resource.", 0) == 0 && key.size() > 9) {
      c.target = Condition::Target::kResource;
      c.key = key.substr(9);
    } else if (key.rfind("span.", 0) == 0 && key.size() > 5) {
      c.target = Condition::Target::kSpan;
      c.key = key.substr(5);
    } else {
      return Status::InvalidArgument(fmt::format(
          "invalid policy match attribute \"{}\" in filter policy {}: expected resource.<name>, "
          "span.<name>, name, status or kind",
          key, which));
    }
    if (regex) {
      auto re = std::make_shared<re2::RE2>(attr.value, re2::RE2::Quiet);
      if (!re->ok()) {
        return Status::InvalidArgument(
            fmt::format("invalid filter policy regex \"{}\": {}", attr.value, re->error()));
      }
      c.type = Condition::Type::kRegex;
      c.regex = std::move(re);
    } else if (c.target == Condition::Target::kName) {
      c.str = attr.value;
    } else if (c.target == Condition::Target::kStatus || c.target == Condition::Target::kKind) {
      c.type = Condition::Type::kEnum;
      VV_ASSIGN_OR_RETURN(c.int_value, EnumValue(attr.value, c.target == Condition::Target::kKind));
    } else if (attr.value == "true" || attr.value == "false") {
      c.type = Condition::Type::kBool;
      c.bool_value = attr.value == "true";
    } else if (ParseInt(attr.value, &c.int_value)) {
      c.type = Condition::Type::kInt;
    } else if (ParseDouble(attr.value, &c.double_value)) {
      c.type = Condition::Type::kDouble;
    } else {
      c.str = attr.value;
    }
    p.conditions.push_back(std::move(c));
  }
  return p;
}

Result<SpanFilter> SpanFilter::Build(const std::vector<config::FilterPolicy>& policies) {
  SpanFilter f;
  auto add = [](const config::PolicyMatch& m, const char* which,
                std::vector<Policy>* out) -> Status {
    if (m.match_type.empty() && m.attributes.empty()) {
      return Status::Ok();  // absent
    }
    VV_ASSIGN_OR_RETURN(Policy p, BuildPolicy(m, which));
    out->push_back(std::move(p));
    return Status::Ok();
  };
  for (const config::FilterPolicy& policy : policies) {
    VV_RETURN_IF_ERROR(add(policy.include, "include", &f.include_));
    VV_RETURN_IF_ERROR(add(policy.include_any, "include_any", &f.include_any_));
    VV_RETURN_IF_ERROR(add(policy.exclude, "exclude", &f.exclude_));
  }
  return f;
}

bool SpanFilter::Policy::Matches(const ResourceView& resource, const SpanView& span) const {
  for (const Condition& c : conditions) {
    if (!c.Matches(resource, span)) {
      return false;
    }
  }
  return true;
}

bool SpanFilter::Keep(const ResourceView& resource, const SpanView& span) const {
  if (empty()) {
    return true;
  }
  for (const Policy& p : exclude_) {
    if (p.Matches(resource, span)) {
      return false;
    }
  }
  for (const Policy& p : include_any_) {
    if (p.Matches(resource, span)) {
      return true;
    }
  }
  if (!include_.empty()) {
    for (const Policy& p : include_) {
      if (!p.Matches(resource, span)) {
        return false;
      }
    }
    return true;
  }
  return include_any_.empty();
}

}  // namespace vivace::generator
