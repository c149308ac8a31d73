#pragma once

// The Jaeger gRPC receiver: jaeger.api_v2.CollectorService/PostSpans, served as a raw-bytes
// callback method so that requests go through the wire-level decoder (jaeger_proto.cc) without
// message objects. The tenant comes from `x-scope-orgid` metadata. Errors are answered as
// Tempo does (docs/receivers.md): an undecodable request is INTERNAL (gRPC's "error
// unmarshalling request"), distributor errors keep their code (RESOURCE_EXHAUSTED with
// RetryInfo, INVALID_ARGUMENT), and a missing tenant is UNKNOWN.

#include <condition_variable>
#include <mutex>

#include "common/duration.h"
#include "distributor/distributor.h"
#include "jaeger/api_v2/collector.grpc.pb.h"

namespace vivace::receiver {

class JaegerGrpcService final
    : public jaeger::api_v2::CollectorService::WithRawCallbackMethod_PostSpans<
          jaeger::api_v2::CollectorService::Service> {
 public:
  explicit JaegerGrpcService(distributor::Distributor* distributor) : distributor_(distributor) {}

  grpc::ServerUnaryReactor* PostSpans(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;

  // Refuses new calls with UNAVAILABLE and waits up to `grace` for in-flight ones. Returns true
  // if none remain.
  bool Drain(Duration grace);

 private:
  void Done();

  distributor::Distributor* distributor_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool draining_ = false;
  int in_flight_ = 0;
};

}  // namespace vivace::receiver
