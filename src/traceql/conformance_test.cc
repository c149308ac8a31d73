// Tempo's TraceQL conformance corpus (shared/conformance/traceql/test_examples.yaml, an
// unmodified copy of grafana/tempo's pkg/traceql/test_examples.yaml), classified exactly as its
// README says: valid queries parse and validate; parse_fails fail to parse; validate_fails
// parse and fail validation with a non-"unsupported" error; unsupported parse and fail with the
// "unsupported" kind; valid and unsupported queries round-trip through the printer. The corpus
// is read at test time from the sibling `shared` directory (or $VV_SHARED_DIR); the test skips
// when it is absent. Each category prints its pass count.

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "traceql/parser.h"
#include "traceql/plan.h"
#include "traceql/printer.h"
#include "traceql/validate.h"

namespace vivace::traceql {
namespace {

struct Corpus {
  std::vector<std::string> valid;
  std::vector<std::string> parse_fails;
  std::vector<std::string> validate_fails;
  std::vector<std::string> unsupported;
  std::vector<std::string> dump;
};

std::filesystem::path CorpusPath() {
  const char* env = std::getenv("VV_SHARED_DIR");
  std::filesystem::path dir = env != nullptr ? env : VV_SHARED_DIR;
  return dir / "conformance" / "traceql" / "test_examples.yaml";
}

std::vector<std::string> ReadList(const YAML::Node& root, const char* key) {
  std::vector<std::string> out;
  const YAML::Node list = root[key];
  if (list && list.IsSequence()) {
    for (const YAML::Node& n : list) {
      out.push_back(n.as<std::string>());
    }
  }
  return out;
}

// Loads the corpus or skips the calling test.
class ConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path path = CorpusPath();
    if (!std::filesystem::exists(path)) {
      GTEST_SKIP() << "TraceQL conformance corpus not found at " << path
                   << " (expected in the sibling shared/ checkout; set VV_SHARED_DIR to its path)";
    }
    try {
      YAML::Node root = YAML::LoadFile(path.string());
      corpus_.valid = ReadList(root, "valid");
      corpus_.parse_fails = ReadList(root, "parse_fails");
      corpus_.validate_fails = ReadList(root, "validate_fails");
      corpus_.unsupported = ReadList(root, "unsupported");
      corpus_.dump = ReadList(root, "dump");
    } catch (const YAML::Exception& e) {
      FAIL() << "cannot read " << path << ": " << e.what();
    }
    ASSERT_FALSE(corpus_.valid.empty());
    ASSERT_FALSE(corpus_.parse_fails.empty());
    ASSERT_FALSE(corpus_.validate_fails.empty());
    ASSERT_FALSE(corpus_.unsupported.empty());
  }

  static void Report(const char* category, size_t passed, size_t total) {
    std::cout << "traceql conformance " << category << ": " << passed << "/" << total
              << " passed\n";
  }

  Corpus corpus_;
};

TEST_F(ConformanceTest, Valid) {
  size_t passed = 0;
  for (const std::string& q : corpus_.valid) {
    Result<Query> parsed = Parse(q);
    if (!parsed.ok()) {
      ADD_FAILURE() << "valid - " << q << ": " << parsed.status().message();
      continue;
    }
    Status st = Validate(*parsed);
    if (!st.ok()) {
      ADD_FAILURE() << "valid - " << q << ": " << st.message();
      continue;
    }
    // Tempo's TestExamplesInEngine: the query also compiles into fetch requests.
    Result<CompiledQuery> compiled = Compile(q);
    if (!compiled.ok() || compiled->requests.size() != parsed->subqueries.size()) {
      ADD_FAILURE() << "valid - " << q << ": does not compile into fetch requests";
      continue;
    }
    ++passed;
  }
  Report("valid", passed, corpus_.valid.size());
}

TEST_F(ConformanceTest, ParseFails) {
  size_t passed = 0;
  for (const std::string& q : corpus_.parse_fails) {
    Result<Query> parsed = Parse(q);
    if (parsed.ok()) {
      ADD_FAILURE() << "parse fails - " << q << ": parsed as " << ToString(*parsed);
      continue;
    }
    ++passed;
  }
  Report("parse_fails", passed, corpus_.parse_fails.size());
}

TEST_F(ConformanceTest, ValidateFails) {
  size_t passed = 0;
  for (const std::string& q : corpus_.validate_fails) {
    Result<Query> parsed = Parse(q);
    if (!parsed.ok()) {
      ADD_FAILURE() << "validate fails - " << q << ": " << parsed.status().message();
      continue;
    }
    Status st = Validate(*parsed);
    if (st.ok() || IsUnsupported(st)) {
      ADD_FAILURE() << "validate fails - " << q << ": got "
                    << (st.ok() ? std::string("no error") : st.ToString());
      continue;
    }
    ++passed;
  }
  Report("validate_fails", passed, corpus_.validate_fails.size());
}

TEST_F(ConformanceTest, Unsupported) {
  size_t passed = 0;
  for (const std::string& q : corpus_.unsupported) {
    Result<Query> parsed = Parse(q);
    if (!parsed.ok()) {
      ADD_FAILURE() << "unsupported - " << q << ": " << parsed.status().message();
      continue;
    }
    Status st = Validate(*parsed);
    if (!IsUnsupported(st)) {
      ADD_FAILURE() << "unsupported - " << q << ": got "
                    << (st.ok() ? std::string("no error") : st.ToString());
      continue;
    }
    ++passed;
  }
  Report("unsupported", passed, corpus_.unsupported.size());
}

TEST_F(ConformanceTest, Dump) {
  size_t passed = 0;
  for (const std::string& q : corpus_.dump) {
    Result<Query> parsed = Parse(q);
    if (!parsed.ok()) {
      ADD_FAILURE() << "dump - " << q << ": " << parsed.status().message();
      continue;
    }
    ++passed;
  }
  Report("dump", passed, corpus_.dump.size());
}

// Tempo's TestStringer: parse without rewrites, print, parse again, compare.
TEST_F(ConformanceTest, RoundTrip) {
  ParseOptions raw;
  raw.apply_rewrites = false;
  size_t passed = 0;
  size_t total = 0;
  for (const auto* list : {&corpus_.valid, &corpus_.unsupported}) {
    for (const std::string& q : *list) {
      ++total;
      Result<Query> first = Parse(q, raw);
      if (!first.ok()) {
        ADD_FAILURE() << "round trip - " << q << ": " << first.status().message();
        continue;
      }
      std::string printed = ToString(*first);
      Result<Query> second = Parse(printed, raw);
      if (!second.ok()) {
        ADD_FAILURE() << "round trip - " << q << ": printed " << printed
                      << " does not parse: " << second.status().message();
        continue;
      }
      if (!(*first == *second)) {
        ADD_FAILURE() << "round trip - " << q << ": printed " << printed << " parses as "
                      << ToString(*second);
        continue;
      }
      ++passed;
    }
  }
  Report("round trip (valid + unsupported)", passed, total);
}

}  // namespace
}  // namespace vivace::traceql
