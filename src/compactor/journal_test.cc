#include "compactor/journal.h"

#include <gtest/gtest.h>

namespace vivace::compactor {
namespace {

Journal Sample() {
  Journal j;
  j.output = backend::BlockId::Random();
  j.started_unix_s = 1700000000;
  j.inputs = {backend::BlockId::Random(), backend::BlockId::Random()};
  return j;
}

TEST(JournalTest, RoundTrips) {
  Journal j = Sample();
  auto back = DecodeJournal(EncodeJournal(j));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, j);
}

TEST(JournalTest, BadInputNamesTheProblem) {
  const std::string good = EncodeJournal(Sample());

  struct Case {
    std::string text;
    std::string message;
  };

  const Case cases[] = {
      {"", "names no output"},
      {good.substr(0, good.size() - 1), "truncated"},
      {"hello\n", "not a compaction journal"},
      {"vivace-compaction-journal 1\nstarted 12\n", "names no output"},
      {"vivace-compaction-journal 1\nstarted x\n", "bad start time"},
      {"vivace-compaction-journal 1\nweird 1\n", "unknown line"},
  };
  for (const Case& c : cases) {
    auto r = DecodeJournal(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), Code::kDataLoss) << c.text;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.text << ": " << r.status().ToString();
  }
  EXPECT_FALSE(DecodeJournal("vivace-compaction-journal 1\noutput nope\n").ok());
}

}  // namespace
}  // namespace vivace::compactor
