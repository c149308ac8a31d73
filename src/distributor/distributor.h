#pragma once

// The distributor: the first stage after the receivers. For each push it resolves the tenant,
// validates the request at the wire level, applies the tenant's ingestion rate limit, checks
// trace and span IDs, truncates long attributes, regroups spans by trace ID and hands the
// traces to the TraceSink (the ingester), answering only when the sink has acknowledged them.
// Order and messages follow Tempo's distributor. Thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/status.h"
#include "config/config.h"
#include "distributor/rate_limiter.h"
#include "distributor/trace_sink.h"
#include "overrides/overrides.h"

namespace vivace::distributor {

struct PushRequest {
  // X-Scope-OrgID (HTTP header or gRPC metadata), if present.
  std::optional<std::string> tenant_header;
  // An OTLP ExportTraceServiceRequest in protobuf encoding (receivers translate other formats).
  Bytes body;
};

struct PushResult {
  Status status;
  // For ResourceExhausted: how long the client should wait (RetryInfo / Retry-After), 0 = none.
  Duration retry_after{0};
  uint32_t spans = 0;  // spans in the request (0 when it could not be decoded)
};

class Distributor {
 public:
  Distributor(const config::Config& config, const overrides::Overrides* overrides,
              TraceSink* sink, const Clock* clock);

  // Calls `done` exactly once, possibly on another thread.
  void Push(PushRequest request, std::function<void(PushResult)> done);

  // Monolithic mode: also hands every batch of a tenant for which `enabled(tenant)` holds (one
  // with metrics-generator processors) to `generator`, as Tempo's distributor forwards to its
  // generators. Best effort: a refused hand-off is counted, never reported to the client.
  // Call before the first Push.
  void SetGenerator(TraceSink* generator, std::function<bool(const std::string&)> enabled);

 private:
  bool multitenancy_;
  int64_t max_attribute_bytes_;
  Duration retry_after_;
  config::LogSpansConfig log_received_;
  config::LogSpansConfig log_discarded_;
  const overrides::Overrides* overrides_;
  TraceSink* sink_;
  TraceSink* generator_ = nullptr;
  std::function<bool(const std::string&)> generator_enabled_;
  const Clock* clock_;
  RateLimiter limiter_;
};

}  // namespace vivace::distributor
