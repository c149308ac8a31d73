#include "common/parallel_for.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace vivace {
namespace {

TEST(ParallelForTest, RunsEveryIndexOnce) {
  ThreadPool pool("test", 3);
  for (size_t n : {0, 1, 2, 7, 100}) {
    std::vector<std::atomic<int>> hits(n);
    ParallelFor(&pool, n, 3, [&](size_t i) { hits[i].fetch_add(1); });
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST(ParallelForTest, CallerFinishesAloneWhenThePoolIsBusyOrAbsent) {
  ThreadPool pool("test", 1);
  std::atomic<bool> release{false};
  pool.Submit([&] {
    while (!release.load()) {
      std::this_thread::yield();
    }
  });
  std::atomic<int> sum{0};
  ParallelFor(&pool, 10, 4, [&](size_t i) { sum += static_cast<int>(i); });
  EXPECT_EQ(sum.load(), 45);
  release = true;
  sum = 0;
  ParallelFor(nullptr, 10, 4, [&](size_t i) { sum += static_cast<int>(i); });
  EXPECT_EQ(sum.load(), 45);
}

}  // namespace
}  // namespace vivace
