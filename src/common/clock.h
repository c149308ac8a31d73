#pragma once

// Time sources. Components take a Clock& so tests drive time with FakeClock instead of sleeping.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace vivace {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in nanoseconds since the Unix epoch.
  virtual int64_t NowNanos() const = 0;
  // Monotonic time in nanoseconds, for measuring intervals.
  virtual int64_t MonotonicNanos() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowNanos() const override;
  int64_t MonotonicNanos() const override;
  static SystemClock& Get();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_nanos = 1'700'000'000'000'000'000) : now_(start_nanos) {}
  int64_t NowNanos() const override { return now_.load(); }
  int64_t MonotonicNanos() const override { return now_.load(); }
  void Advance(std::chrono::nanoseconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace vivace
