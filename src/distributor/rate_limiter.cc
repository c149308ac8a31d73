#include "distributor/rate_limiter.h"

#include <algorithm>

namespace vivace::distributor {

bool RateLimiter::AllowN(const std::string& tenant, int64_t n, double rate, double burst,
                         int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& b = buckets_[tenant];
  if (!b.init) {
    b.init = true;
    b.tokens = burst;
    b.last_ns = now_ns;
  }
  double elapsed = static_cast<double>(now_ns - b.last_ns) / 1e9;
  if (elapsed > 0) {
    b.tokens = std::min(burst, b.tokens + elapsed * rate);
    b.last_ns = now_ns;
  }
  if (static_cast<double>(n) > b.tokens) {
    return false;
  }
  b.tokens -= static_cast<double>(n);
  return true;
}

}  // namespace vivace::distributor
