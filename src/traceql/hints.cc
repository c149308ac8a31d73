#include "traceql/hints.h"

namespace vivace::traceql {
namespace {

const Static* Find(const Query& q, std::string_view name, StaticType type, bool allow_unsafe) {
  if (!q.has_hints || (IsUnsafeHint(name) && !allow_unsafe)) {
    return nullptr;
  }
  for (const Hint& h : q.hints) {
    if (h.name == name && h.value.type() == type) {
      return &h.value;
    }
  }
  return nullptr;
}

}  // namespace

bool IsUnsafeHint(std::string_view name) {
  return !(name == kHintSample || name == kHintTraceSample || name == kHintSpanSample
           || name == kHintExemplars || name == kHintMostRecent || name == kHintExtrapolate);
}

std::optional<double> HintFloat(const Query& q, std::string_view name, bool allow_unsafe) {
  if (const Static* v = Find(q, name, StaticType::kFloat, allow_unsafe)) {
    return v->float_value();
  }
  if (const Static* v = Find(q, name, StaticType::kInt, allow_unsafe)) {
    return static_cast<double>(v->int_value());
  }
  return std::nullopt;
}

std::optional<int64_t> HintInt(const Query& q, std::string_view name, bool allow_unsafe) {
  if (const Static* v = Find(q, name, StaticType::kInt, allow_unsafe)) {
    return v->int_value();
  }
  return std::nullopt;
}

std::optional<bool> HintBool(const Query& q, std::string_view name, bool allow_unsafe) {
  if (const Static* v = Find(q, name, StaticType::kBool, allow_unsafe)) {
    return v->bool_value();
  }
  return std::nullopt;
}

std::optional<int64_t> HintDuration(const Query& q, std::string_view name, bool allow_unsafe) {
  if (const Static* v = Find(q, name, StaticType::kDuration, allow_unsafe)) {
    return v->int_value();
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> HintStringList(const Query& q, std::string_view name,
                                                       bool allow_unsafe) {
  const Static* v = Find(q, name, StaticType::kString, allow_unsafe);
  if (v == nullptr) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::string_view rest = v->string_value();
  while (true) {
    size_t comma = rest.find(',');
    out.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace vivace::traceql
