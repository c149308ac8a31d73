#pragma once

// grpc.health.v1.Health on the main gRPC port: SERVING while the process is ready
// (the same condition as /ready), NOT_SERVING otherwise.

#include "grpc/health/v1/health.grpc.pb.h"
#include "server/services.h"

namespace vivace::server {

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  explicit HealthService(const Services* services) : services_(services) {}

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;

 private:
  const Services* services_;
};

}  // namespace vivace::server
