#include "cli/args.h"

#include <fmt/format.h>

namespace vivace::cli {
namespace {

const FlagSpec* FindLong(const std::vector<const FlagSpec*>& known, std::string_view name) {
  for (const FlagSpec* f : known) {
    if (f->name == name) {
      return f;
    }
  }
  return nullptr;
}

const FlagSpec* FindShort(const std::vector<const FlagSpec*>& known, char c) {
  for (const FlagSpec* f : known) {
    if (f->short_name == c) {
      return f;
    }
  }
  return nullptr;
}

Result<std::string> BoolValue(std::string_view flag, std::string_view value) {
  if (value == "true" || value == "1") {
    return std::string("true");
  }
  if (value == "false" || value == "0") {
    return std::string("false");
  }
  return Status::InvalidArgument(
      fmt::format("flag --{} takes true or false, not \"{}\"", flag, value));
}

}  // namespace

std::string ParsedArgs::Get(std::string_view name, std::string_view fallback) const {
  auto it = flags_.find(std::string(name));
  return it == flags_.end() ? std::string(fallback) : it->second.back();
}

std::vector<std::string> ParsedArgs::All(std::string_view name) const {
  auto it = flags_.find(std::string(name));
  return it == flags_.end() ? std::vector<std::string>() : it->second;
}

bool ParsedArgs::Bool(std::string_view name, bool fallback) const {
  auto it = flags_.find(std::string(name));
  return it == flags_.end() ? fallback : it->second.back() == "true";
}

std::vector<std::string> ParsedArgs::Names() const {
  std::vector<std::string> names;
  names.reserve(flags_.size());
  for (const auto& [name, values] : flags_) {
    names.push_back(name);
  }
  return names;
}

Result<ParsedArgs> Tokenize(const std::vector<std::string>& argv,
                            const std::vector<const FlagSpec*>& known) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& token = argv[i];
    if (flags_done || token.size() < 2 || token[0] != '-') {
      parsed.words().push_back(token);
      continue;
    }
    if (token == "--") {
      flags_done = true;
      continue;
    }
    std::string_view body = std::string_view(token).substr(token[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    bool negated = false;
    if (token[1] != '-' && body.size() == 1) {
      spec = FindShort(known, body[0]);
    } else {
      spec = FindLong(known, body);
      if (spec == nullptr && body.starts_with("no-")) {
        spec = FindLong(known, body.substr(3));
        negated = spec != nullptr && spec->value_name.empty();
        if (!negated) {
          spec = nullptr;
        }
      }
    }
    if (spec == nullptr) {
      return Status::InvalidArgument(
          fmt::format("unknown flag {}", token.substr(0, token.find('='))));
    }
    std::string name(spec->name);
    if (spec->value_name.empty()) {
      if (negated && value) {
        return Status::InvalidArgument(fmt::format("flag --no-{} takes no value", name));
      }
      std::string v = "true";
      if (negated) {
        v = "false";
      } else if (value) {
        VV_ASSIGN_OR_RETURN(v, BoolValue(name, *value));
      }
      parsed.Add(name, v);
      continue;
    }
    if (!value) {
      if (i + 1 >= argv.size()) {
        return Status::InvalidArgument(
            fmt::format("flag --{} needs a value {}", name, spec->value_name));
      }
      value = argv[++i];
    }
    parsed.Add(name, *value);
  }
  return parsed;
}

}  // namespace vivace::cli
