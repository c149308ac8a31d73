#include "receiver/otlp_grpc.h"

#include <grpcpp/support/byte_buffer.h>

#include "receiver/metrics.h"
#include "receiver/rpc_status.h"

namespace vivace::receiver {
namespace {

// ExportTraceServiceResponse with an empty partial_success, as the Collector sends it.
constexpr char kSuccessBody[] = "\x0a\x00";

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) {
    return out;
  }
  out.reserve(buffer.Length());
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

}  // namespace

grpc::ServerUnaryReactor* OtlpGrpcService::Export(grpc::CallbackServerContext* context,
                                                  const grpc::ByteBuffer* request,
                                                  grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (draining_.load()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
      return reactor;
    }
    ++in_flight_;
  }
  distributor::PushRequest push;
  const auto& md = context->client_metadata();
  auto range = md.equal_range("x-scope-orgid");
  size_t values = 0;
  for (auto it = range.first; it != range.second; ++it) {
    push.tenant_header = std::string(it->second.data(), it->second.size());
    ++values;
  }
  if (values > 1) {
    push.tenant_header = "";  // several values: no single tenant, as Tempo rejects it
  }
  push.body = Bytes(Flatten(*request));
  distributor_->Push(std::move(push), [this, reactor, response](distributor::PushResult r) {
    if (r.status.ok()) {
      AcceptedSpans().WithLabels({kOtlpReceiver, "grpc"}).Inc(r.spans);
      grpc::Slice slice(kSuccessBody, 2);
      *response = grpc::ByteBuffer(&slice, 1);
      reactor->Finish(grpc::Status::OK);
    } else {
      RefusedSpans().WithLabels({kOtlpReceiver, "grpc"}).Inc(r.spans);
      reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(r.status.code()),
                                   std::string(r.status.message()),
                                   RpcStatusProto(r.status, r.retry_after)));
    }
    Done();
  });
  return reactor;
}

void OtlpGrpcService::Done() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--in_flight_ == 0) {
    cv_.notify_all();
  }
}

bool OtlpGrpcService::Drain(Duration grace) {
  std::unique_lock<std::mutex> lock(mu_);
  draining_.store(true);
  return cv_.wait_for(lock, grace, [this] { return in_flight_ == 0; });
}

}  // namespace vivace::receiver
