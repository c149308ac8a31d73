#include "receiver/key_index.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "receiver/otlp_out.h"

namespace vivace::receiver {
namespace {

TEST(KeyIndexTest, FindsInsertedKeysAcrossGrowthAndResets) {
  KeyIndex index;
  std::vector<std::string> keys;
  for (int round = 0; round < 3; ++round) {
    index.Reset();
    keys.clear();
    for (int i = 0; i < 500; ++i) {  // grows the table several times
      keys.push_back("key." + std::to_string(i * (round + 1)));
      index.Insert(keys.back(), static_cast<uint32_t>(i));
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      EXPECT_EQ(index.Find(keys[i], [&](uint32_t p) { return keys[p] == keys[i]; }),
                static_cast<int>(i));
    }
    EXPECT_EQ(index.Find("absent", [&](uint32_t p) { return keys[p] == "absent"; }), -1);
  }
  // After a reset nothing from the previous round is found.
  index.Reset();
  EXPECT_EQ(index.Find(keys[0], [](uint32_t) { return true; }), -1);
}

TEST(KeyIndexTest, HashCoversShortAndLongKeys) {
  EXPECT_NE(KeyIndex::Hash(""), KeyIndex::Hash("a"));
  EXPECT_NE(KeyIndex::Hash("abcdefgh"), KeyIndex::Hash("abcdefgi"));
  EXPECT_NE(KeyIndex::Hash("http.request.method"), KeyIndex::Hash("http.request.methoe"));
  EXPECT_EQ(KeyIndex::Hash("service.name"), KeyIndex::Hash(std::string("service.name")));
}

// AttrMap switches to the index past a few entries; Put/Get/Remove keep pcommon.Map semantics.
TEST(AttrMapTest, ReplaceRemoveAndReinsertPastTheIndexThreshold) {
  AttrMap m;
  std::vector<std::string> keys;
  for (int i = 0; i < 40; ++i) {
    keys.push_back("k" + std::to_string(i));
  }
  for (int round = 0; round < 2; ++round) {
    m.Clear();
    for (int i = 0; i < 40; ++i) {
      m.Put(keys[static_cast<size_t>(i)], Value::Int(i));
    }
    m.Put("k3", Value::Str("replaced"));
    EXPECT_TRUE(m.Remove("k7"));
    EXPECT_FALSE(m.Remove("k7"));
    EXPECT_EQ(m.Get("k7"), nullptr);
    m.Put("k7", Value::Bool(true));  // re-added at the end
    EXPECT_EQ(m.size(), 40u);
    EXPECT_EQ(m.Get("k3")->AsStr(), "replaced");
    EXPECT_TRUE(m.Get("k7")->b);
    EXPECT_EQ(m.Get("k39")->i, 39);
    std::vector<std::string_view> order;
    m.ForEach([&](std::string_view k, const Value&) { order.push_back(k); });
    ASSERT_EQ(order.size(), 40u);
    EXPECT_EQ(order[3], "k3");
    EXPECT_EQ(order.back(), "k7");
  }
}

}  // namespace
}  // namespace vivace::receiver
