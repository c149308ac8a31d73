#pragma once

// The worker pool: a fixed set of threads running queued tasks. Network threads hand work here
// so they never block. Thread-safe. Stop() runs what is queued, then joins.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vivace {

class ThreadPool {
 public:
  ThreadPool(std::string name, int threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  // Queues `task`. Returns false once the pool is stopping (the task is not run).
  bool Submit(std::function<void()> task);
  void Stop();
  size_t queued() const;

 private:
  void Run();
  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vivace
