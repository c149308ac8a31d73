#include "model/trace_id.h"

#include <gtest/gtest.h>

namespace vivace::model {
namespace {

TEST(TraceIdTest, ParsesWithTempoPaddingRules) {
  EXPECT_EQ(TraceId::ParseHex("d6e9329d67b6146a")->Hex(), "0000000000000000d6e9329d67b6146a");
  EXPECT_EQ(TraceId::ParseHex("234567890abcdef")->Hex(), "00000000000000000234567890abcdef");
  EXPECT_EQ(TraceId::ParseHex("ABCDEF")->Hex(), "00000000000000000000000000abcdef");
  EXPECT_EQ(TraceId::ParseHex("")->Hex(), std::string(32, '0'));
}

TEST(TraceIdTest, RejectsWithTempoMessages) {
  EXPECT_EQ(TraceId::ParseHex("12xz").status().message(),
            "trace IDs can only contain hex characters: invalid character 'x' at position 3");
  EXPECT_EQ(TraceId::ParseHex("121234567890abcdef1234567890abcdef").status().message(),
            "trace IDs can't be larger than 128 bits");
}

TEST(TraceIdTest, TrimmedHexDropsLeadingZeros) {
  EXPECT_EQ(TraceId::ParseHex("0012")->TrimmedHex(), "12");
  EXPECT_EQ(TraceId::ParseHex("2f3e0cee77ae5dc9c17ade3689eb2e54")->TrimmedHex(),
            "2f3e0cee77ae5dc9c17ade3689eb2e54");
}

}  // namespace
}  // namespace vivace::model
