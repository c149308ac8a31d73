// Fuzzes the Jaeger agent UDP path for thrift compact (port 6831): an Agent.emitBatch
// datagram is decoded and translated as the thrift flavour.

#include <string>

#include "fuzz/fuzz_target.h"
#include "fuzz/otlp_check.h"
#include "receiver/jaeger.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vivace::receiver;
  vivace::ByteView input(data, size);
  JaegerBatch batch;
  if (DecodeJaegerEmitBatch(input, ThriftProtocol::kCompact, &batch).ok()) {
    size_t spans = 0;
    std::string otlp = TranslateJaeger(batch, JaegerFlavor::kThrift, &spans);
    vivace::fuzz::CheckTranslated(otlp, spans);
  }
  return 0;
}
