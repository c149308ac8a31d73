#include "block/dictionary.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "block/bytes_codec.h"
#include "block/compression.h"
#include "block/little_endian.h"

namespace vivace::block {
namespace {

TEST(DictionaryTest, SortsBytewiseAndDeduplicates) {
  std::vector<std::string_view> v = {"b", "a", "\xff", "", "a", "ab", "B"};
  Dictionary d = Dictionary::FromValues(v);
  ASSERT_EQ(d.size(), 6u);
  EXPECT_EQ(d.value(0), "");
  EXPECT_EQ(d.value(1), "B");
  EXPECT_EQ(d.value(2), "a");
  EXPECT_EQ(d.value(3), "ab");
  EXPECT_EQ(d.value(4), "b");
  EXPECT_EQ(d.value(5), "\xff");  // bytewise: 0xff sorts after ASCII
  EXPECT_EQ(d.value_bytes(), 6u);
}

TEST(DictionaryTest, Lookup) {
  std::vector<std::string_view> v = {"GET", "POST", "PUT", "DELETE"};
  Dictionary d = Dictionary::FromValues(v);
  EXPECT_EQ(d.Find("DELETE"), 0u);
  EXPECT_EQ(d.Find("PUT"), 3u);
  EXPECT_EQ(d.Find("PATCH"), std::nullopt);
  EXPECT_EQ(d.Find(""), std::nullopt);
  EXPECT_EQ(d.LowerBound("P"), 2u);  // codes of values in ["P", "Q") are [2, 4)
  EXPECT_EQ(d.LowerBound("Q"), 4u);
  EXPECT_EQ(d.UpperBound("POST"), 3u);
  EXPECT_EQ(d.LowerBound("ZZZ"), 4u);
  Dictionary empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.Find("x"), std::nullopt);
  EXPECT_EQ(empty.LowerBound("x"), 0u);
}

TEST(DictionaryTest, BuilderCodesPreserveOrder) {
  DictionaryBuilder b;
  std::vector<std::string> values = {"svc-c", "svc-a", "svc-c", "svc-b", "svc-a"};
  std::vector<uint32_t> ids;
  for (const auto& v : values) {
    ids.push_back(b.Add(v));
  }
  EXPECT_EQ(b.distinct(), 3u);
  EXPECT_EQ(b.value_bytes(), 15u);
  DictionaryBuilder::Built built = b.Build();
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(built.dictionary.value(built.code_of[ids[i]]), values[i]);
  }
  EXPECT_EQ(built.code_of[ids[0]], 2u);
  EXPECT_EQ(built.code_of[ids[1]], 0u);
}

TEST(DictionaryTest, PlanUsesDictionaryWhenWorthwhile) {
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) {
    names.push_back("operation-" + std::to_string(i % 17));
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  StringChunk chunk = PlanStringChunk(views);
  ASSERT_TRUE(chunk.use_dictionary);
  EXPECT_EQ(chunk.dictionary.size(), 17u);
  ASSERT_EQ(chunk.codes.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(chunk.dictionary.value(chunk.codes[i]), names[i]);
  }
  // The dict page is far smaller than BYTES.
  EXPECT_LT(EncodeDictCodes(chunk.codes).size() + EncodeDictionaryPage(chunk.dictionary).size(),
            EncodeBytes(views).size() / 4);
}

TEST(DictionaryTest, PlanFallsBackToBytes) {
  // Mostly distinct values.
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    ids.push_back(std::to_string(i * 7919) + (i % 3 == 0 ? "x" : ""));
  }
  std::vector<std::string_view> views(ids.begin(), ids.end());
  EXPECT_FALSE(PlanStringChunk(views).use_dictionary);
  // Few distinct values, but the dictionary would exceed 1 MiB.
  std::vector<std::string> big = {std::string(600000, 'a'), std::string(600000, 'b')};
  std::vector<std::string_view> big_views;
  for (int i = 0; i < 10; ++i) {
    big_views.push_back(big[static_cast<size_t>(i % 2)]);
  }
  EXPECT_FALSE(PlanStringChunk(big_views).use_dictionary);
  EXPECT_FALSE(PlanStringChunk({}).use_dictionary);
  std::vector<std::string_view> same(10, "only");
  EXPECT_TRUE(PlanStringChunk(same).use_dictionary);
}

TEST(DictionaryTest, PageRoundTrips) {
  std::mt19937 rng(9);
  std::vector<std::string> values;
  for (int i = 0; i < 500; ++i) {
    values.push_back("k" + std::to_string(rng() % 400));
  }
  values.push_back("");
  std::vector<std::string_view> views(values.begin(), values.end());
  Dictionary d = Dictionary::FromValues(views);
  std::string stored = EncodeDictionaryPage(d);
  auto r = DecodeDictionaryPage(ByteView(stored), d.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), d.size());
  for (uint32_t i = 0; i < d.size(); ++i) {
    EXPECT_EQ(r->value(i), d.value(i));
  }
  EXPECT_EQ(DecodeDictionaryPage(ByteView(stored), d.size() + 1).status().code(), Code::kDataLoss);
  EXPECT_FALSE(DecodeDictionaryPage(ByteView(stored.substr(0, stored.size() - 1)), d.size()).ok());
  EXPECT_FALSE(DecodeDictionaryPage(ByteView(d.SerializeRaw()), d.size()).ok());  // not zstd
  auto empty = DecodeDictionaryPage(ByteView(EncodeDictionaryPage(Dictionary())), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
}

TEST(DictionaryTest, RejectsUnsortedOrDuplicateValues) {
  for (const std::vector<std::string_view>& v :
       {std::vector<std::string_view>{"b", "a"}, std::vector<std::string_view>{"a", "a"}}) {
    std::string raw;
    AppendLe32(raw, 2);
    raw += EncodeBytes(v);
    EXPECT_EQ(Dictionary::ParseRaw(ByteView(raw)).status().code(), Code::kDataLoss);
    EXPECT_FALSE(DecodeDictionaryPage(ByteView(ZstdCompress(ByteView(raw))), 2).ok());
  }
  EXPECT_FALSE(Dictionary::ParseRaw(ByteView(std::string_view("\x01\x00"))).ok());
  std::string count_mismatch;
  AppendLe32(count_mismatch, 3);
  count_mismatch += EncodeBytes(std::vector<std::string_view>{"a", "b"});
  EXPECT_FALSE(Dictionary::ParseRaw(ByteView(count_mismatch)).ok());
}

}  // namespace
}  // namespace vivace::block
