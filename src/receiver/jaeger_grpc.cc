#include "receiver/jaeger_grpc.h"

#include <grpcpp/support/byte_buffer.h>

#include "receiver/jaeger.h"
#include "receiver/metrics.h"
#include "receiver/rpc_status.h"

namespace vivace::receiver {

grpc::ServerUnaryReactor* JaegerGrpcService::PostSpans(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (draining_) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
      return reactor;
    }
    ++in_flight_;
  }
  std::string bytes;
  {
    std::vector<grpc::Slice> slices;
    if (request->Dump(&slices).ok()) {
      bytes.reserve(request->Length());
      for (const grpc::Slice& s : slices) {
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  JaegerBatch batch;
  if (Status s = DecodeJaegerProto(ByteView(bytes), &batch); !s.ok()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL,
                                 "grpc: error unmarshalling request: " + std::string(s.message())));
    Done();
    return reactor;
  }
  size_t spans = 0;
  distributor::PushRequest push;
  push.body = Bytes(TranslateJaeger(batch, JaegerFlavor::kProto, &spans));
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
  distributor_->Push(std::move(push), [this, reactor, response](distributor::PushResult r) {
    if (r.status.ok()) {
      AcceptedSpans().WithLabels({kJaegerReceiver, "grpc"}).Inc(r.spans);
      // PostSpansResponse{} is zero bytes, but an empty message still has to be sent: a
      // ByteBuffer without a slice would mean "no message" and fail the unary call.
      grpc::Slice empty;
      *response = grpc::ByteBuffer(&empty, 1);
      reactor->Finish(grpc::Status::OK);
    } else {
      RefusedSpans().WithLabels({kJaegerReceiver, "grpc"}).Inc(r.spans);
      // Tempo's tenant middleware fails with a plain error, which gRPC reports as UNKNOWN.
      if (r.status.code() == Code::kUnauthenticated) {
        reactor->Finish(grpc::Status(grpc::StatusCode::UNKNOWN, std::string(r.status.message())));
      } else {
        reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(r.status.code()),
                                     std::string(r.status.message()),
                                     RpcStatusProto(r.status, r.retry_after)));
      }
    }
    Done();
  });
  return reactor;
}

void JaegerGrpcService::Done() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--in_flight_ == 0) {
    cv_.notify_all();
  }
}

bool JaegerGrpcService::Drain(Duration grace) {
  std::unique_lock<std::mutex> lock(mu_);
  draining_ = true;
  return cv_.wait_for(lock, grace, [this] { return in_flight_ == 0; });
}

}  // namespace vivace::receiver
