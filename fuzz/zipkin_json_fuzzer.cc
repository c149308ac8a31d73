// Fuzzes the Zipkin JSON bodies: the same bytes go through the v2 decoder and translator
// (/api/v2/spans) and through the v1 JSON translator (/api/v1/spans), both with and without
// parse_string_tags.

#include "fuzz/fuzz_target.h"
#include "fuzz/otlp_check.h"
#include "receiver/zipkin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vivace::receiver;
  vivace::ByteView input(data, size);
  const ZipkinOptions options{.parse_string_tags = size % 2 == 1};
  ZipkinBatch batch;
  if (DecodeZipkinJson(input, &batch).ok()) {
    size_t spans = 0;
    auto otlp = TranslateZipkinV2(batch, options, &spans);
    if (otlp.ok()) {
      vivace::fuzz::CheckTranslated(*otlp, spans);
    }
  }
  size_t spans = 0;
  auto v1 = TranslateZipkinV1Json(input, options, &spans);
  if (v1.ok()) {
    vivace::fuzz::CheckTranslated(*v1, spans);
  }
  return 0;
}
