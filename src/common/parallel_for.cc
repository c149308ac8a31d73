#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace vivace {

namespace {

struct Shared {
  explicit Shared(const std::function<void(size_t)>& f, size_t count) : fn(f), n(count) {}
  const std::function<void(size_t)>& fn;  // outlives every helper that reaches Drain's loop
  const size_t n;
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable cv;
  size_t running = 0;  // helpers inside Drain, guarded by mu
};

void Drain(Shared& s) {
  for (size_t i = s.next.fetch_add(1); i < s.n; i = s.next.fetch_add(1)) {
    s.fn(i);
  }
}

}  // namespace

void ParallelFor(ThreadPool* pool, size_t n, size_t helpers, const std::function<void(size_t)>& fn) {
  helpers = pool == nullptr ? 0 : std::min(helpers, n > 0 ? n - 1 : 0);
  if (helpers == 0) {
    for (size_t i = 0; i < n; ++i) {
      fn(i);
    }
    return;
  }
  auto shared = std::make_shared<Shared>(fn, n);
  for (size_t h = 0; h < helpers; ++h) {
    pool->Submit([shared] {
      {
        std::lock_guard<std::mutex> lock(shared->mu);
        if (shared->next.load() >= shared->n) {
          return;  // all taken: the caller may already have returned, fn may be gone
        }
        ++shared->running;
      }
      Drain(*shared);
      std::lock_guard<std::mutex> lock(shared->mu);
      if (--shared->running == 0) {
        shared->cv.notify_all();
      }
    });
  }
  Drain(*shared);
  // Every index is taken; wait for helpers still running theirs. A helper that has not yet
  // registered sees next >= n under the lock and never touches fn.
  std::unique_lock<std::mutex> lock(shared->mu);
  shared->cv.wait(lock, [&] { return shared->running == 0; });
}

}  // namespace vivace
