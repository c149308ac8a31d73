// Fuzzes the Zipkin v2 proto3 body (ListOfSpans, Content-Type application/x-protobuf): wire-level
// decode, then the v2 translator.

#include "fuzz/fuzz_target.h"
#include "fuzz/otlp_check.h"
#include "receiver/zipkin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vivace::receiver;
  ZipkinBatch batch;
  if (DecodeZipkinProto(vivace::ByteView(data, size), &batch).ok()) {
    size_t spans = 0;
    auto otlp = TranslateZipkinV2(batch, ZipkinOptions{}, &spans);
    if (otlp.ok()) {
      vivace::fuzz::CheckTranslated(*otlp, spans);
    }
  }
  return 0;
}
