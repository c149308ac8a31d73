#include "common/arena.h"

#include <gtest/gtest.h>

namespace vivace {
namespace {

TEST(ArenaTest, AllocatesAlignedAndCopiesStrings) {
  Arena arena;
  for (int i = 0; i < 10000; ++i) {
    void* p = arena.Allocate(static_cast<size_t>(i % 37 + 1), 8);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
  }
  std::string_view s = arena.CopyString("hello");
  EXPECT_EQ(s, "hello");
  void* big = arena.Allocate(1 << 20);
  EXPECT_NE(big, nullptr);
  EXPECT_GE(arena.MemoryUsage(), size_t{1} << 20);
}

}  // namespace
}  // namespace vivace
