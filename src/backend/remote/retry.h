#pragma once

// Retries of object-store requests: which failures are worth another attempt (connection
// errors, timeouts, 5xx, 429 throttling) and the capped exponential backoff with jitter
// between attempts, as Tempo's clients do (S3 retry_max_attempts / retry_backoff_initial /
// retry_backoff_max; GCS max_retries).

#include <functional>

#include "backend/remote/http_transport.h"
#include "common/duration.h"

namespace vivace::backend::remote {

struct RetryPolicy {
  int max_attempts = 3;  // total attempts, at least 1
  Duration initial_backoff = std::chrono::milliseconds(200);
  Duration max_backoff = std::chrono::seconds(1);
};

// True for results another attempt may fix.
bool IsRetryable(const Result<HttpResponse>& r);

// Calls `attempt` (which builds, signs and sends one request) until it returns a result that
// is not retryable or the attempts run out, sleeping the backoff in between. Returns the last
// result.
Result<HttpResponse> WithRetries(const RetryPolicy& policy,
                                 const std::function<Result<HttpResponse>()>& attempt);

}  // namespace vivace::backend::remote
