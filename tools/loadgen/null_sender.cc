#include <string>
#include <vector>

#include "common/protowire.h"
#include "loadgen/sender.h"

namespace vivace::loadgen {
namespace {

class NullSender final : public Sender {
 public:
  NullSender(int slots, Done done) : buffers_(static_cast<size_t>(slots)), done_(std::move(done)) {}

  uint8_t* Buffer(int slot, size_t size) override {
    std::string& b = buffers_[static_cast<size_t>(slot)];
    b.resize(size);
    return reinterpret_cast<uint8_t*>(b.data());
  }

  void Send(int slot, size_t size) override {
    Outcome outcome;
    outcome.ok = true;
    outcome.wire_bytes = size;
    done_(slot, std::move(outcome));
  }

 private:
  std::vector<std::string> buffers_;
  Done done_;
};

}  // namespace

std::unique_ptr<Sender> MakeNullSender(const Options& options, Sender::Done done) {
  return std::make_unique<NullSender>(options.concurrency, std::move(done));
}

uint64_t RejectedSpans(ByteView response) {
  // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
  // ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  protowire::Reader r(response);
  while (r.Next()) {
    if (r.field() == 1 && r.type() == protowire::WireType::kLen) {
      protowire::Reader p(r.bytes());
      while (p.Next()) {
        if (p.field() == 1 && p.type() == protowire::WireType::kVarint) {
          return p.varint();
        }
      }
    }
  }
  return 0;
}

}  // namespace vivace::loadgen
