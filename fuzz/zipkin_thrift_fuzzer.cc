// Fuzzes the Zipkin v1 thrift body (/api/v1/spans with Content-Type application/x-thrift): a
// thrift-binary list of zipkincore Spans, translated straight to OTLP.

#include "fuzz/fuzz_target.h"
#include "fuzz/otlp_check.h"
#include "receiver/zipkin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t spans = 0;
  auto otlp = vivace::receiver::TranslateZipkinV1Thrift(vivace::ByteView(data, size), &spans);
  if (otlp.ok()) {
    vivace::fuzz::CheckTranslated(*otlp, spans);
  }
  return 0;
}
