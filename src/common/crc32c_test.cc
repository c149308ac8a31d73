#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace vivace {
namespace {

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc32c(ByteView(std::string_view("123456789"))), 0xE3069283u);
  EXPECT_EQ(Crc32c(ByteView(std::string(32, '\0'))), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ByteView(std::string(32, '\xff'))), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(ByteView(std::string_view(""))), 0u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
  }
  EXPECT_EQ(Crc32c(ByteView(ascending)), 0x46DD794Eu);  // RFC 3720 B.4
}

TEST(Crc32cTest, SoftwareMatchesKnownVectors) {
  EXPECT_EQ(internal::Crc32cSoftware(0, ByteView(std::string_view("123456789"))), 0xE3069283u);
  EXPECT_EQ(internal::Crc32cSoftware(0, ByteView(std::string(32, '\0'))), 0x8A9136AAu);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string s = "The quick brown fox jumps over the lazy dog, twice over.";
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    uint32_t first = Crc32c(ByteView(s.substr(0, cut)));
    EXPECT_EQ(Crc32cExtend(first, ByteView(s.substr(cut))), Crc32c(ByteView(s))) << cut;
  }
}

TEST(Crc32cTest, HardwareEqualsSoftwareOnRandomData) {
  if (!internal::Crc32cHasHardware()) {
    GTEST_SKIP() << "no SSE4.2 on this CPU";
  }
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::string buf(rng() % 3000, '\0');
    for (auto& ch : buf) {
      ch = static_cast<char>(rng());
    }
    auto seed = static_cast<uint32_t>(rng());
    // Odd offsets exercise unaligned loads and every tail length.
    size_t off = buf.empty() ? 0 : rng() % std::min<size_t>(buf.size(), 9);
    ByteView v(buf.data() + off, buf.size() - off);
    ASSERT_EQ(internal::Crc32cHardware(seed, v), internal::Crc32cSoftware(seed, v)) << round;
  }
}

}  // namespace
}  // namespace vivace
