#include "model/trace_map.h"

#include <map>
#include <random>

#include <gtest/gtest.h>

namespace vivace::model {
namespace {

TraceId IdOf(uint64_t v) {
  TraceId id;
  for (int i = 0; i < 8; ++i) {
    id.bytes[static_cast<size_t>(15 - i)] = static_cast<uint8_t>(v >> (8 * i));
  }
  return id;
}

TEST(TraceMapTest, BehavesLikeAMapUnderRandomOperations) {
  TraceMap<int> map;
  std::map<uint64_t, int> model;
  std::mt19937_64 rng(42);
  for (int step = 0; step < 200000; ++step) {
    uint64_t k = rng() % 3000;
    switch (rng() % 3) {
      case 0: {
        bool inserted = false;
        map.FindOrInsert(IdOf(k), &inserted) = step;
        EXPECT_EQ(inserted, model.count(k) == 0);
        model[k] = step;
        break;
      }
      case 1:
        EXPECT_EQ(map.Erase(IdOf(k)), model.erase(k) == 1);
        break;
      default: {
        int* v = map.Find(IdOf(k));
        auto it = model.find(k);
        ASSERT_EQ(v != nullptr, it != model.end());
        if (v != nullptr) {
          EXPECT_EQ(*v, it->second);
        }
      }
    }
    ASSERT_EQ(map.size(), model.size());
  }
  map.EraseIf([](const TraceId& id, int&) { return id.lo() % 2 == 0; });
  for (auto& [k, v] : model) {
    EXPECT_EQ(map.Find(IdOf(k)) != nullptr, k % 2 == 1);
  }
}

}  // namespace
}  // namespace vivace::model
