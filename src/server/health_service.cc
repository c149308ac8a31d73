#include "server/health_service.h"

namespace vivace::server {

grpc::ServerUnaryReactor* HealthService::Check(grpc::CallbackServerContext* context,
                                               const grpc::health::v1::HealthCheckRequest*,
                                               grpc::health::v1::HealthCheckResponse* response) {
  response->set_status(services_->NotReadyReason().empty()
                           ? grpc::health::v1::HealthCheckResponse::SERVING
                           : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace vivace::server
