// Fuzzes the Zipkin JSON bodies: the same bytes go through the v2 decoder and translator
// (/api/v2/spans) and through the v1 JSON translator (/api/v1/spans), both with and without
// parse_string_tags. The v2 decoder (a single-pass reader) is checked against the simdjson-DOM
// decoder it replaced (zipkin_json_reference.cc): same verdict, same decoded batch. The one
// allowed difference: simdjson refuses numbers out of double / 64-bit range anywhere, where the
// single-pass decoder (like Go) only refuses them in the integer fields it reads.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_target.h"
#include "fuzz/otlp_check.h"
#include "fuzz/zipkin_json_reference.h"
#include "receiver/zipkin.h"

namespace {

using vivace::receiver::ZipkinBatch;

[[noreturn]] void Mismatch(const std::string& what) {
  std::fprintf(stderr, "zipkin json decoders disagree: %s\n", what.c_str());
  std::abort();
}

void CheckSameBatch(const ZipkinBatch& a, const ZipkinBatch& b) {
  if (a.spans.size() != b.spans.size()) {
    Mismatch("span count");
  }
  auto same_ep = [](const vivace::receiver::ZipkinEndpoint& x,
                    const vivace::receiver::ZipkinEndpoint& y) {
    return x.present == y.present && x.service_name == y.service_name && x.has_ipv4 == y.has_ipv4
           && x.has_ipv6 == y.has_ipv6 && x.ipv4 == y.ipv4 && x.ipv6 == y.ipv6 && x.port == y.port;
  };
  for (size_t i = 0; i < a.spans.size(); ++i) {
    const auto& x = a.spans[i];
    const auto& y = b.spans[i];
    if (x.null != y.null || x.trace_high != y.trace_high || x.trace_low != y.trace_low
        || x.id != y.id || x.has_parent != y.has_parent || x.parent_id != y.parent_id
        || x.name != y.name || x.kind != y.kind || x.timestamp_absent != y.timestamp_absent
        || x.start_unix_nano != y.start_unix_nano || x.duration_nanos != y.duration_nanos
        || !same_ep(x.local, y.local) || !same_ep(x.remote, y.remote)) {
      Mismatch("span " + std::to_string(i) + " fields");
    }
    if (x.tags_end - x.tags_begin != y.tags_end - y.tags_begin
        || x.annotations_end - x.annotations_begin != y.annotations_end - y.annotations_begin) {
      Mismatch("span " + std::to_string(i) + " tag or annotation count");
    }
    for (uint32_t t = 0; t < x.tags_end - x.tags_begin; ++t) {
      const auto& tx = a.tags[x.tags_begin + t];
      const auto& ty = b.tags[y.tags_begin + t];
      if (tx.key != ty.key || tx.value != ty.value) {
        Mismatch("span " + std::to_string(i) + " tag " + std::to_string(t));
      }
    }
    for (uint32_t t = 0; t < x.annotations_end - x.annotations_begin; ++t) {
      const auto& ax = a.annotations[x.annotations_begin + t];
      const auto& ay = b.annotations[y.annotations_begin + t];
      if (ax.time_unix_nano != ay.time_unix_nano || ax.value != ay.value) {
        Mismatch("span " + std::to_string(i) + " annotation " + std::to_string(t));
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vivace::receiver;
  vivace::ByteView input(data, size);
  const ZipkinOptions options{.parse_string_tags = size % 2 == 1};
  ZipkinBatch batch;
  const vivace::Status st = DecodeZipkinJson(input, &batch);
  ZipkinBatch reference;
  const vivace::Status ref = vivace::fuzz::DecodeZipkinJsonReference(input, &reference);
  if (ref.ok() && !st.ok()) {
    Mismatch("only the reference accepts; new decoder says: " + st.ToString());
  }
  if (st.ok() && !ref.ok() && ref.message() != "invalid JSON: Problem while parsing a number") {
    Mismatch("only the new decoder accepts; reference says: " + ref.ToString());
  }
  if (st.ok() && ref.ok()) {
    CheckSameBatch(batch, reference);
  }
  if (st.ok()) {
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
