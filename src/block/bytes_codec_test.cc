#include "block/bytes_codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "block/int_codec.h"

namespace vivace::block {
namespace {

std::vector<std::string_view> Views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

void ExpectBytesRoundTrip(const std::vector<std::string>& values) {
  std::string page = EncodeBytes(Views(values));
  auto r = DecodeBytes(ByteView(page), static_cast<uint32_t>(values.size()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ((*r)[i], values[i]);
  }
}

TEST(BytesCodecTest, RoundTrips) {
  ExpectBytesRoundTrip({});
  ExpectBytesRoundTrip({""});
  ExpectBytesRoundTrip({"", "", ""});
  ExpectBytesRoundTrip({"GET /api/traces", "", "x", std::string(100000, 'z'), "\0\xff"});
  std::mt19937 rng(1);
  std::vector<std::string> random(3000);
  for (auto& s : random) {
    s.resize(rng() % 40);
    for (auto& c : s) {
      c = static_cast<char>(rng());
    }
  }
  ExpectBytesRoundTrip(random);
}

TEST(BytesCodecTest, Layout) {
  // Offsets 0 2 2 5: DELTA first 0, min delta 0, width 2, deltas 2 0 3 -> 0b110010; then bytes.
  std::vector<std::string> v = {"ab", "", "cde"};
  std::string page = EncodeBytes(Views(v));
  EXPECT_EQ(page, std::string("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x02\x32" "abcde", 23));
}

TEST(BytesCodecTest, RejectsMalformedPages) {
  std::vector<std::string> v = {"alpha", "beta", "", "gamma"};
  std::string page = EncodeBytes(Views(v));
  for (size_t len = 0; len < page.size(); ++len) {
    EXPECT_FALSE(DecodeBytes(ByteView(page.substr(0, len)), 4).ok()) << len;
  }
  EXPECT_FALSE(DecodeBytes(ByteView(page + "x"), 4).ok());
  EXPECT_FALSE(DecodeBytes(ByteView(page), 3).ok());
  EXPECT_FALSE(DecodeBytes(ByteView(page), 13).ok());
  // Offsets that do not start at 0, that decrease, or overrun the data.
  std::string not_zero = EncodeDelta(std::vector<uint64_t>{1, 2}) + "ab";
  EXPECT_EQ(DecodeBytes(ByteView(not_zero), 1).status().code(), Code::kDataLoss);
  std::string decreasing = EncodeDelta(std::vector<uint64_t>{0, 3, 1}) + "abc";
  EXPECT_EQ(DecodeBytes(ByteView(decreasing), 2).status().code(), Code::kDataLoss);
  std::string overrun = EncodeDelta(std::vector<uint64_t>{0, ~uint64_t{0}}) + "abc";
  EXPECT_EQ(DecodeBytes(ByteView(overrun), 1).status().code(), Code::kDataLoss);
  EXPECT_FALSE(DecodeBytes(ByteView(page), kMaxPageValues + 1).ok());
}

TEST(BytesCodecTest, PlainFixedRoundTrips) {
  std::string ids;
  for (int i = 0; i < 5 * 16; ++i) {
    ids.push_back(static_cast<char>(i));
  }
  std::string page = EncodePlainFixed(ByteView(ids), 16);
  ASSERT_EQ(page.size(), 81u);
  auto r = DecodePlainFixed(ByteView(page), 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->width, 16);
  EXPECT_EQ(r->at(2), ByteView(ids).substr(32, 16));
  EXPECT_FALSE(DecodePlainFixed(ByteView(page), 4).ok());
  EXPECT_FALSE(DecodePlainFixed(ByteView(page.substr(0, 80)), 5).ok());
  EXPECT_FALSE(DecodePlainFixed(ByteView(std::string_view("")), 0).ok());
  std::string bad_width = page;
  bad_width[0] = 3;
  EXPECT_FALSE(DecodePlainFixed(ByteView(bad_width), 5).ok());
  auto empty = DecodePlainFixed(ByteView(EncodePlainFixed(ByteView(std::string_view("")), 8)), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->values.size(), 0u);
}

TEST(BytesCodecTest, DictCodesRoundTrip) {
  std::mt19937 rng(2);
  for (uint32_t dict_size : {1u, 2u, 3u, 255u, 256u, 70000u, 0xFFFFFFFFu}) {
    std::vector<uint32_t> codes(777);
    for (auto& c : codes) {
      c = static_cast<uint32_t>(rng() % dict_size);
    }
    std::string page = EncodeDictCodes(codes);
    auto r = DecodeDictCodes(ByteView(page), static_cast<uint32_t>(codes.size()), dict_size);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, codes);
  }
  auto empty = DecodeDictCodes(ByteView(EncodeDictCodes({})), 0, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(BytesCodecTest, DictCodesRejectsBadPages) {
  std::vector<uint32_t> codes = {0, 1, 2, 5, 4};
  std::string page = EncodeDictCodes(codes);
  // Width 3, codes LSB-first: bits 0-2 = 0, 3-5 = 1, 6-8 = 2, 9-11 = 5, 12-14 = 4.
  EXPECT_EQ(page, std::string("\x03\x88\x4a", 3));
  EXPECT_EQ(DecodeDictCodes(ByteView(page), 5, 5).status().code(), Code::kDataLoss);
  EXPECT_TRUE(DecodeDictCodes(ByteView(page), 5, 6).ok());
  EXPECT_FALSE(DecodeDictCodes(ByteView(page), 5, 0).ok());
  EXPECT_FALSE(DecodeDictCodes(ByteView(page.substr(0, 2)), 5, 6).ok());
  EXPECT_FALSE(DecodeDictCodes(ByteView(std::string_view("")), 0, 6).ok());
  std::string wide = page;
  wide[0] = 33;
  EXPECT_FALSE(DecodeDictCodes(ByteView(wide), 5, 6).ok());
}

TEST(BytesCodecTest, CodeSignature) {
  EXPECT_EQ(CodeSignature(std::vector<uint32_t>{}), 0u);
  EXPECT_EQ(CodeSignature(std::vector<uint32_t>{0, 3, 64, 67}), 0b1001u);
  EXPECT_EQ(CodeSignature(std::vector<uint32_t>{63}), uint64_t{1} << 63);
}

}  // namespace
}  // namespace vivace::block
