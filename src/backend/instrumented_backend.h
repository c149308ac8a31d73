#pragma once

// InstrumentedBackend: a RawBackend wrapper that records every request in Tempo's
// tempodb_backend_request_duration_seconds{operation,status_code}. Operations use the HTTP
// method names Tempo's object-store clients report (GET, HEAD, PUT, DELETE), so the
// dashboards of the Tempo mixin work unchanged: Read/ReadRange/List are GET, Size is HEAD,
// Write and each Append part and Close are PUT, Delete is DELETE. Status codes are the HTTP
// equivalents of the result (200, 400, 403, 404, 416, 500, 503, ...).
//
// Thread-safe.

#include <memory>

#include "backend/raw_backend.h"
#include "common/clock.h"
#include "common/metrics.h"

namespace vivace::backend {

class InstrumentedBackend final : public RawBackend {
 public:
  // Owns `inner`; `clock` is not owned.
  explicit InstrumentedBackend(std::unique_ptr<RawBackend> inner,
                               const Clock& clock = SystemClock::Get());

  Result<std::string> Read(std::string_view key) override;
  Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<uint64_t> Size(std::string_view key) override;
  Status Write(std::string_view key, ByteView data) override;
  Result<std::unique_ptr<AppendWriter>> Append(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;

  RawBackend& inner() { return *inner_; }

 private:
  std::unique_ptr<RawBackend> inner_;
  const Clock& clock_;
};

// tempodb_backend_request_duration_seconds, registered in the default registry.
metrics::Family<metrics::Histogram>& BackendRequestDuration();

// The HTTP status code reported for a result ("200", "404", ...).
std::string_view HttpStatusCodeOf(const Status& status);

}  // namespace vivace::backend
