// Fuzzes the OTLP protobuf ingest path: wire walk, validation, rewrite and regroup. Every batch
// that is accepted must regroup into fragments that protobuf parses back with the same spans.

#include <cstdlib>

#include "fuzz/fuzz_target.h"
#include "model/regroup.h"
#include "tempopb/tempo.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vivace::ByteView input(data, size);
  auto scan = vivace::model::ScanExportRequest(input, {.max_attribute_bytes = 16});
  if (!scan.ok() || !scan->id_error().ok()) {
    return 0;
  }
  vivace::model::RegroupedBatch batch = scan->Regroup();
  uint32_t spans = 0;
  for (const auto& t : batch.traces) {
    tempopb::Trace trace;
    vivace::ByteView frag = batch.fragment(t);
    if (!trace.ParseFromArray(frag.data(), static_cast<int>(frag.size()))) {
      std::abort();  // an accepted batch must always be readable later
    }
    uint32_t n = 0;
    for (const auto& rs : trace.resourcespans()) {
      for (const auto& ss : rs.scope_spans()) {
        n += static_cast<uint32_t>(ss.spans_size());
      }
    }
    if (n != t.span_count) {
      std::abort();
    }
    spans += n;
  }
  if (spans != batch.span_count) {
    std::abort();
  }
  return 0;
}
