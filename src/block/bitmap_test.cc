#include "block/bitmap.h"

#include <gtest/gtest.h>

#include <random>

#include "block/encoding.h"
#include "block/int_codec.h"

namespace vivace::block {
namespace {

TEST(BitmapTest, RoundTrips) {
  std::mt19937 rng(4);
  for (size_t n : {0, 1, 7, 8, 9, 63, 64, 65, 1000}) {
    Bitmap b(n);
    for (size_t i = 0; i < n; ++i) {
      b.Set(i, rng() % 3 == 0);
    }
    std::string page = EncodeBitmap(b);
    ASSERT_EQ(page.size(), (n + 7) / 8);
    auto r = DecodeBitmap(ByteView(page), static_cast<uint32_t>(n));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, b);
    EXPECT_EQ(r->Count(), b.Count());
  }
}

TEST(BitmapTest, LayoutAndErrors) {
  Bitmap b(10);
  b.Set(0);
  b.Set(3);
  b.Set(9);
  std::string page = EncodeBitmap(b);
  EXPECT_EQ(page, std::string("\x09\x02", 2));
  EXPECT_FALSE(DecodeBitmap(ByteView(page), 9).ok());  // size 2 but 9 bits need 2: bit 9 set
  EXPECT_FALSE(DecodeBitmap(ByteView(page), 17).ok());
  EXPECT_FALSE(DecodeBitmap(ByteView(page.substr(0, 1)), 10).ok());
  EXPECT_FALSE(DecodeBitmap(ByteView(std::string("\x09\x04", 2)), 10).ok());  // padding bit
  EXPECT_FALSE(DecodeBitmap(ByteView(std::string_view("")), kMaxPageValues + 1).ok());
}

TEST(BitmapTest, SplitsOptionalPages) {
  std::vector<uint64_t> present = {10, 20, 30};
  Bitmap presence(5);
  presence.Set(0);
  presence.Set(2);
  presence.Set(4);
  std::string page = EncodeBitmap(presence) + EncodeBitpack(present);
  auto r = SplitOptionalPage(ByteView(page), 5, 2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->n_present, 3u);
  EXPECT_EQ(r->presence, presence);
  auto values = DecodeU64(Encoding::kBitpack, r->values, r->n_present);
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, present);

  auto dense = SplitOptionalPage(ByteView(page), 5, 0);
  ASSERT_TRUE(dense.ok());
  EXPECT_EQ(dense->values.size(), page.size());
  EXPECT_EQ(dense->presence.size(), 0u);

  EXPECT_FALSE(SplitOptionalPage(ByteView(page), 5, 1).ok());  // popcount mismatch
  EXPECT_FALSE(SplitOptionalPage(ByteView(page), 5, 6).ok());
  EXPECT_FALSE(SplitOptionalPage(ByteView(std::string_view("")), 5, 2).ok());
}

}  // namespace
}  // namespace vivace::block
