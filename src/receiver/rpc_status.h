#pragma once

// google.rpc.Status bodies and details, as the OTLP receivers send them on errors: the binary
// form (gRPC `grpc-status-details-bin`, OTLP/HTTP protobuf error bodies) and the proto3 JSON form
// (OTLP/HTTP JSON error bodies), with google.rpc.RetryInfo when the client should back off.

#include <string>

#include "common/duration.h"
#include "common/status.h"

namespace vivace::receiver {

std::string RpcStatusProto(const Status& status, Duration retry_after);
std::string RpcStatusJson(const Status& status, Duration retry_after);

// The OpenTelemetry Collector's mapping of a gRPC code to an OTLP/HTTP status.
int OtlpHttpStatusFor(Code code);

}  // namespace vivace::receiver
