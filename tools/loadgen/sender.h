#pragma once

// Transports for vivace-loadgen. A sender owns one buffer per in-flight slot; the driver
// writes a request into Buffer(slot), calls Send(slot), and gets exactly one completion per
// send through the callback given at construction. Completions arrive on the transport's own
// threads (or inline, for the dry-run sender); the slot's buffer stays untouched until then.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "common/bytes.h"
#include "common/status.h"
#include "loadgen/options.h"
#include "loadgen/stats.h"

namespace vivace::loadgen {

class Sender {
 public:
  using Done = std::function<void(int slot, Outcome outcome)>;

  virtual ~Sender() = default;

  // A writable buffer of `size` bytes for request `slot`.
  // REQUIRES: slot in [0, concurrency) and not in flight.
  virtual uint8_t* Buffer(int slot, size_t size) = 0;
  // Starts sending the `size` bytes written into Buffer(slot). Thread-compatible: one caller.
  virtual void Send(int slot, size_t size) = 0;
};

// OTLP/gRPC: TraceService/Export over `options.connections` channels, callback API.
Result<std::unique_ptr<Sender>> MakeGrpcSender(const Options& options, Sender::Done done);
// OTLP/HTTP protobuf: POST to options.target, libcurl multi on one thread, keep-alive.
Result<std::unique_ptr<Sender>> MakeHttpSender(const Options& options, Sender::Done done);
// Completes every request at once without sending it (--dry-run).
std::unique_ptr<Sender> MakeNullSender(const Options& options, Sender::Done done);

// rejected_spans of an ExportTraceServiceResponse's partial_success (0 if none or malformed).
uint64_t RejectedSpans(ByteView response);

}  // namespace vivace::loadgen
