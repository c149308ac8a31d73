#include "block/bitpack.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace vivace::block {
namespace {

uint64_t Mask(int width) { return width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

TEST(BitpackTest, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(~uint64_t{0}), 64);
}

TEST(BitpackTest, LayoutIsLsbFirst) {
  // Values 1, 2, 3 at width 3: bits 001 010 011 -> byte 0 = 0b11010001, byte 1 = 0b0.
  std::vector<uint64_t> v = {1, 2, 3};
  std::string out;
  AppendPacked(v, 3, 0, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0b11010001);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0b0);
}

TEST(BitpackTest, RoundTripsEveryWidthAndLength) {
  std::mt19937_64 rng(7);
  for (int width = 0; width <= 64; ++width) {
    for (size_t n : {0, 1, 5, 63, 64, 65, 127, 128, 1000}) {
      std::vector<uint64_t> v(n);
      for (auto& x : v) {
        x = width == 0 ? 0 : rng() & Mask(width);
      }
      if (n > 0 && width > 0) {
        v[0] = Mask(width);  // the extreme value of the width
      }
      std::string out;
      AppendPacked(v, width, 0, out);
      ASSERT_EQ(out.size(), PackedBytes(n, width));
      auto* p = reinterpret_cast<const uint8_t*>(out.data());
      EXPECT_TRUE(PaddingIsZero(p, n, width));
      std::vector<uint64_t> back(n);
      UnpackBits(p, n, width, 0, back.data());
      ASSERT_EQ(back, v) << "width " << width << " n " << n;
    }
  }
}

TEST(BitpackTest, SubtractAndAddWrap) {
  std::vector<uint64_t> v = {~uint64_t{0} - 3, ~uint64_t{0}, ~uint64_t{0} - 1};
  const uint64_t base = ~uint64_t{0} - 3;
  std::string out;
  AppendPacked(v, 2, base, out);
  std::vector<uint64_t> back(v.size());
  UnpackBits(reinterpret_cast<const uint8_t*>(out.data()), v.size(), 2, base, back.data());
  EXPECT_EQ(back, v);
}

TEST(BitpackTest, RoundTripsU32) {
  std::mt19937 rng(3);
  for (int width = 0; width <= 32; ++width) {
    for (size_t n : {0, 1, 64, 200}) {
      std::vector<uint32_t> v(n);
      for (auto& x : v) {
        x = static_cast<uint32_t>(rng() & Mask(width));
      }
      std::string out;
      AppendPacked(v, width, out);
      ASSERT_EQ(out.size(), PackedBytes(n, width));
      std::vector<uint32_t> back(n);
      UnpackBits(reinterpret_cast<const uint8_t*>(out.data()), n, width, back.data());
      ASSERT_EQ(back, v) << "width " << width << " n " << n;
    }
  }
}

TEST(BitpackTest, DetectsNonzeroPadding) {
  const uint8_t ok[1] = {0b00000111};
  const uint8_t bad[1] = {0b10000111};
  EXPECT_TRUE(PaddingIsZero(ok, 1, 3));
  EXPECT_FALSE(PaddingIsZero(bad, 1, 3));
  EXPECT_TRUE(PaddingIsZero(bad, 1, 8));
}

}  // namespace
}  // namespace vivace::block
