#pragma once

// The OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export, served as
// a raw-bytes callback method so requests go to the distributor's wire-level scanner without
// being parsed into message objects. The tenant comes from `x-scope-orgid` metadata.

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "common/duration.h"
#include "distributor/distributor.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace vivace::receiver {

class OtlpGrpcService final
    : public opentelemetry::proto::collector::trace::v1::TraceService::WithRawCallbackMethod_Export<
          opentelemetry::proto::collector::trace::v1::TraceService::Service> {
 public:
  explicit OtlpGrpcService(distributor::Distributor* distributor) : distributor_(distributor) {}

  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;

  // Refuses new pushes with UNAVAILABLE and waits up to `grace` for in-flight ones to be
  // answered. Returns true if none remain.
  bool Drain(Duration grace);

 private:
  void Done();

  distributor::Distributor* distributor_;
  std::atomic<bool> draining_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
};

}  // namespace vivace::receiver
