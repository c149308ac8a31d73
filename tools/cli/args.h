#pragma once

// Command-line grammar of vivace-cli, in the style of tempo-cli (Go's kong): a command path of
// words ("list blocks"), positional arguments, and flags anywhere on the line:
//   --name=value  --name value  -c value  --flag  --flag=false  --no-flag  --  (ends flags)
// A flag name means the same thing (and takes a value or not) in every command, so the line can
// be tokenised before the command is known.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vivace::cli {

struct FlagSpec {
  std::string_view name{};        // "include-compacted"
  char short_name = 0;            // 'c' for -c
  std::string_view value_name{};  // "<path>"; empty for boolean flags
  std::string_view help{};
  bool repeated = false;  // may be given several times; every value is kept
};

struct ArgSpec {
  std::string_view name{};  // "tenant-id"
  std::string_view help{};
};

// Flags and positionals of one command line. Boolean flags hold "true" or "false".
class ParsedArgs {
 public:
  std::vector<std::string>& words() { return words_; }

  const std::vector<std::string>& words() const { return words_; }

  // Positional arguments after the command path (set once the command is known).
  const std::vector<std::string>& args() const { return args_; }

  void set_args(std::vector<std::string> args) { args_ = std::move(args); }

  bool Has(std::string_view name) const { return flags_.count(std::string(name)) > 0; }

  // The last value of the flag, or `fallback` when it was not given.
  std::string Get(std::string_view name, std::string_view fallback = "") const;
  // Every value of a repeated flag, in order.
  std::vector<std::string> All(std::string_view name) const;
  bool Bool(std::string_view name, bool fallback = false) const;
  // Flag names given on the line, for checking them against the command.
  std::vector<std::string> Names() const;

  void Add(std::string name, std::string value) {
    flags_[std::move(name)].push_back(std::move(value));
  }

 private:
  std::vector<std::string> words_;  // non-flag tokens: command path + positionals
  std::vector<std::string> args_;
  std::map<std::string, std::vector<std::string>> flags_;
};

// Splits `argv` (without the program name) using `known`, the union of every flag. Errors
// (InvalidArgument): an unknown flag, a missing value, a value given to a boolean flag that is
// not true/false.
Result<ParsedArgs> Tokenize(const std::vector<std::string>& argv,
                            const std::vector<const FlagSpec*>& known);

}  // namespace vivace::cli
