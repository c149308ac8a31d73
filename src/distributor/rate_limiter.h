#pragma once

// Per-tenant ingestion rate limiting: a token bucket per tenant (Tempo's `local` strategy)
// refilled at rate_limit_bytes per second up to burst_size_bytes. Thread-safe.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vivace::distributor {

class RateLimiter {
 public:
  // Takes `n` bytes from the tenant's bucket if it holds them. `now_ns` is monotonic time.
  // A request larger than the burst can never pass.
  bool AllowN(const std::string& tenant, int64_t n, double rate, double burst, int64_t now_ns);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ns = 0;
    bool init = false;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace vivace::distributor
