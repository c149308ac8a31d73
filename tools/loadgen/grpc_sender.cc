// OTLP/gRPC transport: the generic stub sends the pre-serialized bytes as they are (no message
// objects), with the callback API so that `concurrency` calls are in flight without a thread
// each. Calls are spread round-robin over `connections` channels, each with its own subchannel
// pool and therefore its own TCP connection.

#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "common/status.h"
#include "loadgen/sender.h"

namespace vivace::loadgen {
namespace {

constexpr char kExportMethod[] = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

class GrpcSender final : public Sender {
 public:
  GrpcSender(const Options& options, Done done)
      : timeout_(options.timeout),
        tenant_(options.tenant),
        gzip_(options.compression == Compression::kGzip),
        slots_(static_cast<size_t>(options.concurrency)),
        done_(std::move(done)) {
    for (int i = 0; i < options.connections; ++i) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      args.SetInt("vivace.loadgen.channel", i);  // distinct args: never share a connection
      args.SetMaxReceiveMessageSize(-1);
      args.SetMaxSendMessageSize(-1);
      auto channel =
          grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), args);
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
      channels_.push_back(std::move(channel));
    }
  }

  // Waits up to `timeout` for every channel to connect; a warning, not an error, when one
  // does not (the failures are then counted like any other).
  bool WaitConnected() {
    bool ok = true;
    for (auto& channel : channels_) {
      ok = channel->WaitForConnected(std::chrono::system_clock::now() + timeout_) && ok;
    }
    return ok;
  }

  uint8_t* Buffer(int slot, size_t size) override {
    Slot& s = slots_[static_cast<size_t>(slot)];
    s.slice = grpc::Slice(size);  // uninitialized, refcounted: handed to gRPC without a copy
    return const_cast<uint8_t*>(s.slice.begin());
  }

  void Send(int slot, size_t size) override {
    Slot& s = slots_[static_cast<size_t>(slot)];
    s.context = std::make_unique<grpc::ClientContext>();
    s.context->set_deadline(std::chrono::system_clock::now() + timeout_);
    if (!tenant_.empty()) {
      s.context->AddMetadata("x-scope-orgid", tenant_);
    }
    if (gzip_) {
      s.context->set_compression_algorithm(GRPC_COMPRESS_GZIP);
    }
    s.request = grpc::ByteBuffer(&s.slice, 1);
    s.response.Clear();
    s.size = size;
    grpc::GenericStub& stub = *stubs_[next_stub_++ % stubs_.size()];
    stub.UnaryCall(s.context.get(), kExportMethod, grpc::StubOptions(), &s.request, &s.response,
                   [this, slot](const grpc::Status& status) { Complete(slot, status); });
  }

 private:
  struct Slot {
    grpc::Slice slice;
    std::unique_ptr<grpc::ClientContext> context;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
    size_t size = 0;
  };

  // Runs on a gRPC thread. Must not throw.
  void Complete(int slot, const grpc::Status& status) {
    Slot& s = slots_[static_cast<size_t>(slot)];
    Outcome outcome;
    outcome.wire_bytes = s.size;  // before gRPC's own compression, which it does not report
    if (status.ok()) {
      outcome.ok = true;
      grpc::Slice flat;
      if (s.response.TrySingleSlice(&flat).ok() || s.response.DumpToSingleSlice(&flat).ok()) {
        outcome.rejected_spans = RejectedSpans(ByteView(flat.begin(), flat.size()));
      }
    } else {
      outcome.error = std::string(CodeName(static_cast<Code>(status.error_code())));
      outcome.message = status.error_message();
    }
    done_(slot, std::move(outcome));
  }

  Duration timeout_;
  std::string tenant_;
  bool gzip_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::vector<Slot> slots_;
  size_t next_stub_ = 0;
  Done done_;
};

}  // namespace

Result<std::unique_ptr<Sender>> MakeGrpcSender(const Options& options, Sender::Done done) {
  auto sender = std::make_unique<GrpcSender>(options, std::move(done));
  if (!sender->WaitConnected()) {
    return Status::Unavailable("could not connect to " + options.target);
  }
  return std::unique_ptr<Sender>(std::move(sender));
}

}  // namespace vivace::loadgen
