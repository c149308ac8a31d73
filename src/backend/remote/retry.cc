#include "backend/remote/retry.h"

#include <algorithm>
#include <random>
#include <thread>

namespace vivace::backend::remote {

bool IsRetryable(const Result<HttpResponse>& r) {
  if (!r.ok()) {
    Code c = r.status().code();
    return c == Code::kUnavailable || c == Code::kDeadlineExceeded;
  }
  return r->status >= 500 || r->status == 429 || r->status == 408;
}

Result<HttpResponse> WithRetries(const RetryPolicy& policy,
                                 const std::function<Result<HttpResponse>()>& attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  Duration backoff = policy.initial_backoff;
  int attempts = std::max(1, policy.max_attempts);
  for (int i = 1;; ++i) {
    Result<HttpResponse> r = attempt();
    if (i >= attempts || !IsRetryable(r)) {
      return r;
    }
    // Full jitter in [backoff/2, backoff] so that clients retrying together spread out.
    auto half = backoff.count() / 2;
    std::uniform_int_distribution<int64_t> dist(half, std::max<int64_t>(half, backoff.count()));
    std::this_thread::sleep_for(Duration(dist(rng)));
    backoff = std::min(policy.max_backoff, backoff * 2);
  }
}

}  // namespace vivace::backend::remote
