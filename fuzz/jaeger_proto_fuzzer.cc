// Fuzzes the Jaeger gRPC path: a jaeger.api_v2.PostSpansRequest is decoded at the wire level and
// translated as the protobuf flavour (regrouping by process and scope).

#include <string>

#include "fuzz/fuzz_target.h"
#include "fuzz/otlp_check.h"
#include "receiver/jaeger.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vivace::receiver;
  JaegerBatch batch;
  if (DecodeJaegerProto(vivace::ByteView(data, size), &batch).ok()) {
    size_t spans = 0;
    std::string otlp = TranslateJaeger(batch, JaegerFlavor::kProto, &spans);
    vivace::fuzz::CheckTranslated(otlp, spans);
  }
  return 0;
}
