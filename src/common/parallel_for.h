#pragma once

// Runs fn(i) for every i in [0, n), on the calling thread and on up to `helpers` tasks of
// `pool`. The caller always takes part and returns once every index is done, so this never
// deadlocks however busy the pool is: helpers that start late find nothing left to do. fn must
// be thread-safe; each index runs exactly once.

#include <cstddef>
#include <functional>

#include "common/thread_pool.h"

namespace vivace {

void ParallelFor(ThreadPool* pool, size_t n, size_t helpers, const std::function<void(size_t)>& fn);

}  // namespace vivace
