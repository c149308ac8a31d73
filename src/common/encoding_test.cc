#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/hex.h"

namespace vivace {
namespace {

TEST(HexTest, RoundTrips) {
  std::string bytes("\x00\x01\xab\xff", 4);
  EXPECT_EQ(HexEncode(bytes), "0001abff");
  std::string back;
  ASSERT_TRUE(HexDecode("0001ABff", &back));
  EXPECT_EQ(back, bytes);
  EXPECT_FALSE(HexDecode("abc", &back));
  EXPECT_FALSE(HexDecode("zz", &back));
}

TEST(Base64Test, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(std::string_view("")), "");
  EXPECT_EQ(Base64Encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(Base64Encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(Base64Encode(std::string_view("foobar")), "Zm9vYmFy");
  std::string out;
  ASSERT_TRUE(Base64Decode("Zm9vYg==", &out));
  EXPECT_EQ(out, "foob");
  ASSERT_TRUE(Base64Decode("Zm9vYg", &out));
  EXPECT_EQ(out, "foob");
  EXPECT_FALSE(Base64Decode("Z", &out));
  EXPECT_FALSE(Base64Decode("Zm9v!", &out));
}

TEST(Base64Test, TraceIdExampleFromTempoDocs) {
  std::string id;
  ASSERT_TRUE(HexDecode("2f3e0cee77ae5dc9c17ade3689eb2e54", &id));
  EXPECT_EQ(Base64Encode(id), "Lz4M7neuXcnBet42iesuVA==");
}

}  // namespace
}  // namespace vivace
