#include "config/env_expand.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace vivace::config {
namespace {

constexpr int kMaxNesting = 32;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// One pattern element of a glob (`?`, `[...]`, `\x` or a literal) against one character.
// Sets *width to the pattern bytes consumed. `*` is handled by the caller.
bool MatchOne(std::string_view p, size_t pi, char c, size_t* width) {
  char pc = p[pi];
  if (pc == '?') {
    *width = 1;
    return true;
  }
  if (pc == '\\' && pi + 1 < p.size()) {
    *width = 2;
    return p[pi + 1] == c;
  }
  if (pc == '[') {
    size_t end = p.find(']', pi + 2);
    if (end != std::string_view::npos) {
      size_t i = pi + 1;
      bool negate = p[i] == '!' || p[i] == '^';
      if (negate) {
        ++i;
      }
      bool hit = false;
      for (; i < end; ++i) {
        if (i + 2 < end && p[i + 1] == '-') {
          hit = hit || (c >= p[i] && c <= p[i + 2]);
          i += 2;
        } else {
          hit = hit || c == p[i];
        }
      }
      *width = end - pi + 1;
      return hit != negate;
    }
  }
  *width = 1;
  return pc == c;
}

// Shell glob match of the whole of `s`; iterative, so no input makes it exponential.
bool Glob(std::string_view p, std::string_view s) {
  size_t pi = 0;
  size_t si = 0;
  size_t star = std::string_view::npos;
  size_t resume = 0;
  while (si < s.size()) {
    size_t width = 0;
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      resume = si;
    } else if (pi < p.size() && MatchOne(p, pi, s[si], &width)) {
      pi += width;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') {
    ++pi;
  }
  return pi == p.size();
}

std::string TrimPrefix(const std::string& v, std::string_view pattern, bool longest) {
  for (size_t n = 0; n <= v.size(); ++n) {
    size_t len = longest ? v.size() - n : n;
    if (Glob(pattern, std::string_view(v).substr(0, len))) {
      return v.substr(len);
    }
  }
  return v;
}

std::string TrimSuffix(const std::string& v, std::string_view pattern, bool longest) {
  for (size_t n = 0; n <= v.size(); ++n) {
    size_t len = longest ? v.size() - n : n;
    if (Glob(pattern, std::string_view(v).substr(v.size() - len))) {
      return v.substr(0, v.size() - len);
    }
  }
  return v;
}

std::string Replace(const std::string& v, const std::string& pattern, const std::string& repl,
                    char mode) {
  if (pattern.empty()) {
    return v;
  }
  switch (mode) {
    case '#':
      return v.compare(0, pattern.size(), pattern) == 0 ? repl + v.substr(pattern.size()) : v;
    case '%':
      return v.size() >= pattern.size()
                     && v.compare(v.size() - pattern.size(), pattern.size(), pattern) == 0
                 ? v.substr(0, v.size() - pattern.size()) + repl
                 : v;
    default:
      break;
  }
  std::string out;
  size_t from = 0;
  while (true) {
    size_t at = v.find(pattern, from);
    if (at == std::string::npos) {
      break;
    }
    out.append(v, from, at - from).append(repl);
    from = at + pattern.size();
    if (mode != '/') {
      break;  // replace first only
    }
  }
  out.append(v, from, std::string::npos);
  return out;
}

std::optional<int64_t> ParseIndex(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

// bash-like ${VAR:pos:len}; unparsable numbers leave the value as is (drone/envsubst).
std::string Substring(const std::string& v, std::string_view spec) {
  size_t colon = spec.find(':');
  auto pos = ParseIndex(spec.substr(0, colon));
  if (!pos) {
    return v;
  }
  auto size = static_cast<int64_t>(v.size());
  int64_t start = *pos < 0 ? std::max<int64_t>(0, size + *pos) : std::min(*pos, size);
  int64_t len = size - start;
  if (colon != std::string_view::npos) {
    auto l = ParseIndex(spec.substr(colon + 1));
    if (!l) {
      return v;
    }
    len = *l < 0 ? std::max<int64_t>(0, size + *l - start) : std::min(*l, size - start);
  }
  return v.substr(static_cast<size_t>(start), static_cast<size_t>(len));
}

class Expander {
 public:
  Expander(std::string_view text, const EnvLookup& lookup) : t_(text), lookup_(lookup) {}

  // Expands from pos_ until a character of `stops` (not consumed) or the end.
  Status Expand(std::string_view stops, int depth, std::string* out) {
    while (pos_ < t_.size()) {
      char c = t_[pos_];
      if (stops.find(c) != std::string_view::npos) {
        return Status::Ok();
      }
      if (c == '$' && pos_ + 1 < t_.size() && t_[pos_ + 1] == '$') {
        out->push_back('$');
        pos_ += 2;
      } else if (c == '$' && pos_ + 1 < t_.size() && t_[pos_ + 1] == '{') {
        size_t start = pos_;
        pos_ += 2;
        VV_RETURN_IF_ERROR(Reference(start, depth + 1, out));
      } else {
        out->push_back(c);
        ++pos_;
      }
    }
    if (!stops.empty()) {
      return Status::InvalidArgument("missing closing brace");
    }
    return Status::Ok();
  }

 private:
  Status Bad(size_t start, std::string_view why) const {
    std::string_view ref = t_.substr(start, std::min<size_t>(pos_ - start + 1, 64));
    return Status::InvalidArgument(fmt::format("{} in \"{}\"", why, ref));
  }

  Status Close(size_t start) {
    if (pos_ >= t_.size() || t_[pos_] != '}') {
      return Bad(start, "missing closing brace");
    }
    ++pos_;
    return Status::Ok();
  }

  Result<std::string> Arg(std::string_view stops, int depth) {
    std::string arg;
    VV_RETURN_IF_ERROR(Expand(stops, depth, &arg));
    return arg;
  }

  // After "${"; appends the substitution to *out.
  Status Reference(size_t start, int depth, std::string* out) {
    if (depth > kMaxNesting) {
      return Bad(start, "references nested too deeply");
    }
    bool length = pos_ < t_.size() && t_[pos_] == '#';
    if (length) {
      ++pos_;
    }
    size_t name_start = pos_;
    while (pos_ < t_.size() && IsNameChar(t_[pos_])) {
      ++pos_;
    }
    std::string_view name = t_.substr(name_start, pos_ - name_start);
    if (pos_ >= t_.size()) {
      return Bad(start, "missing closing brace");
    }
    if (name.empty()) {
      return Bad(start, "bad substitution");
    }
    std::optional<std::string> found = lookup_(name);
    std::string value = found.value_or("");
    if (length) {
      VV_RETURN_IF_ERROR(Close(start));
      out->append(std::to_string(value.size()));
      return Status::Ok();
    }
    char op = t_[pos_];
    char next = pos_ + 1 < t_.size() ? t_[pos_ + 1] : '\0';
    switch (op) {
      case '}':
        ++pos_;
        out->append(value);
        return Status::Ok();
      case '^':
      case ',': {
        bool all = next == op;
        pos_ += all ? 2 : 1;
        VV_RETURN_IF_ERROR(Close(start));
        for (size_t i = 0; i < value.size() && (all || i == 0); ++i) {
          auto c = static_cast<unsigned char>(value[i]);
          value[i] = static_cast<char>(op == '^' ? std::toupper(c) : std::tolower(c));
        }
        out->append(value);
        return Status::Ok();
      }
      case ':':
        return Colon(start, depth, value, found.has_value(), out);
      case '=': {
        ++pos_;
        VV_ASSIGN_OR_RETURN(std::string def, Arg("}", depth));
        VV_RETURN_IF_ERROR(Close(start));
        out->append(found ? value : def);
        return Status::Ok();
      }
      case '#':
      case '%': {
        bool longest = next == op;
        pos_ += longest ? 2 : 1;
        VV_ASSIGN_OR_RETURN(std::string pattern, Arg("}", depth));
        VV_RETURN_IF_ERROR(Close(start));
        out->append(op == '#' ? TrimPrefix(value, pattern, longest)
                              : TrimSuffix(value, pattern, longest));
        return Status::Ok();
      }
      case '/': {
        char mode = next == '/' || next == '#' || next == '%' ? next : '1';
        pos_ += mode == '1' ? 1 : 2;
        VV_ASSIGN_OR_RETURN(std::string pattern, Arg("/}", depth));
        std::string repl;
        if (pos_ < t_.size() && t_[pos_] == '/') {
          ++pos_;
          VV_ASSIGN_OR_RETURN(repl, Arg("}", depth));
        }
        VV_RETURN_IF_ERROR(Close(start));
        out->append(Replace(value, pattern, repl, mode));
        return Status::Ok();
      }
      case '-':
      case '+':
      case '?':
        return Bad(start, fmt::format("unsupported substitution \"{}\"", op));
      default:
        return Bad(start, "bad substitution");
    }
  }

  // ${VAR:-d} ${VAR:=d} ${VAR:pos[:len]}; ${VAR:?d} and ${VAR:+d} are errors.
  Status Colon(size_t start, int depth, const std::string& value, bool set, std::string* out) {
    ++pos_;
    char c = pos_ < t_.size() ? t_[pos_] : '\0';
    if (c == '-' || c == '=') {
      ++pos_;
      VV_ASSIGN_OR_RETURN(std::string def, Arg("}", depth));
      VV_RETURN_IF_ERROR(Close(start));
      out->append(set && !value.empty() ? value : def);
      return Status::Ok();
    }
    if (c == '?' || c == '+') {
      return Bad(start, fmt::format("unsupported substitution \":{}\"", c));
    }
    size_t spec_start = pos_;
    while (pos_ < t_.size() && t_[pos_] != '}') {
      ++pos_;
    }
    std::string_view spec = t_.substr(spec_start, pos_ - spec_start);
    VV_RETURN_IF_ERROR(Close(start));
    out->append(Substring(value, spec));
    return Status::Ok();
  }

  std::string_view t_;
  const EnvLookup& lookup_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& lookup) {
  Expander expander(text, lookup);
  std::string out;
  out.reserve(text.size());
  VV_RETURN_IF_ERROR(expander.Expand("", 0, &out));
  return out;
}

std::optional<std::string> ProcessEnvLookup(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
  if (v == nullptr) {
    return std::nullopt;
  }
  return std::string(v);
}

}  // namespace vivace::config
