#include "common/logging.h"

#include <gtest/gtest.h>

namespace vivace::log {
namespace {

TEST(LoggingTest, LogfmtKeysInTempoOrder) {
  std::string line = FormatLine(Level::kInfo, "main.cc:12", "Starting Tempo",
                                {{"target", "all"}, {"n", 3}, {"empty", ""}});
  EXPECT_EQ(line.rfind("level=info ts=", 0), 0u);
  EXPECT_NE(line.find(" caller=main.cc:12 msg=\"Starting Tempo\" target=all n=3 empty=\"\"\n"),
            std::string::npos);
}

TEST(LoggingTest, QuotesAndEscapes) {
  std::string line = FormatLine(Level::kWarn, "x.cc:1", "m", {{"err", "a \"b\"\nc"}});
  EXPECT_NE(line.find("err=\"a \\\"b\\\"\\nc\""), std::string::npos);
}

TEST(LoggingTest, ParsesLevels) {
  EXPECT_EQ(*ParseLevel("debug"), Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud").ok());
}

}  // namespace
}  // namespace vivace::log
