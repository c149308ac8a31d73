#include "config/env_expand.h"

#include <map>

#include <gtest/gtest.h>

namespace vivace::config {
namespace {

std::optional<std::string> Lookup(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> env = {
      {"HOST", "tempo.example.com"}, {"EMPTY", ""},      {"NAME", "hello"},
      {"PATH_VAR", "/a/b/c.txt"},    {"MIXED", "hELLo"}, {"PORT", "4317"},
      {"NESTED", "inner"},
  };
  auto it = env.find(name);
  if (it == env.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string Expand(std::string_view text) {
  auto r = ExpandEnv(text, Lookup);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

TEST(EnvExpandTest, SpecTable) {
  struct Case {
    std::string_view in;
    std::string_view out;
  };

  const Case cases[] = {
      {"${HOST}", "tempo.example.com"},
      {"${UNSET}", ""},
      {"x${HOST}y", "xtempo.example.comy"},
      {"${UNSET:-dflt}", "dflt"},
      {"${EMPTY:-dflt}", "dflt"},
      {"${NAME:-dflt}", "hello"},
      {"${UNSET=dflt}", "dflt"},
      {"${EMPTY=dflt}", ""},
      {"${EMPTY:=dflt}", "dflt"},
      {"${UNSET:=dflt}", "dflt"},
      {"${NAME^}", "Hello"},
      {"${NAME^^}", "HELLO"},
      {"${MIXED,}", "hELLo"},
      {"${MIXED,,}", "hello"},
      {"${NAME:1}", "ello"},
      {"${NAME:1:3}", "ell"},
      {"${NAME:10}", ""},
      {"${#NAME}", "5"},
      {"${#UNSET}", "0"},
      {"${PATH_VAR#*/}", "a/b/c.txt"},
      {"${PATH_VAR##*/}", "c.txt"},
      {"${PATH_VAR%/*}", "/a/b"},
      {"${PATH_VAR%%/*}", ""},
      {"${PATH_VAR%.txt}", "/a/b/c"},
      {"${NAME/l/L}", "heLlo"},
      {"${NAME//l/L}", "heLLo"},
      {"${NAME/#he/HE}", "HEllo"},
      {"${NAME/%lo/LO}", "helLO"},
      {"${NAME/#x/y}", "hello"},
      {"${NAME/l}", "helo"},
      {"$HOST", "$HOST"},
      {"$$", "$"},
      {"$${HOST}", "${HOST}"},
      {"cost: 5$", "cost: 5$"},
      {"${UNSET:-${NESTED}}", "inner"},
      {"${UNSET:-${ALSO_UNSET:-deep}}", "deep"},
      {"endpoint: ${HOST}:${PORT}", "endpoint: tempo.example.com:4317"},
      {"no refs at all", "no refs at all"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Expand(c.in), c.out) << c.in;
  }
}

TEST(EnvExpandTest, UnsupportedFormsAreErrors) {
  for (std::string_view in : {"${NAME-d}", "${NAME+d}", "${NAME:?d}", "${NAME:+d}", "${HOST", "${",
                              "${}", "${NAME:-abc", "${NAME/x/y", "${!NAME}", "${NA ME}"}) {
    auto r = ExpandEnv(in, Lookup);
    EXPECT_FALSE(r.ok()) << in << " expanded to " << (r.ok() ? *r : "");
  }
}

TEST(EnvExpandTest, DeepNestingIsAnErrorNotACrash) {
  std::string in;
  for (int i = 0; i < 10000; ++i) {
    in += "${A:-";
  }
  EXPECT_FALSE(ExpandEnv(in, Lookup).ok());
}

TEST(EnvExpandTest, GlobsStayLinear) {
  std::string pattern = "${LONG%%";
  for (int i = 0; i < 50; ++i) {
    pattern += "*a";
  }
  pattern += "b}";
  auto lookup = [](std::string_view) { return std::optional<std::string>(std::string(300, 'a')); };
  auto r = ExpandEnv(pattern, lookup);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 300U);
}

}  // namespace
}  // namespace vivace::config
