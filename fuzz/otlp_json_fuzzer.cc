// Fuzzes the OTLP/JSON ingest decoder. Any input must yield protobuf bytes or InvalidArgument;
// accepted input must produce bytes that the generated protobuf class parses and that the
// wire-level scanner (the next step of ingest) accepts.

#include <cstdlib>

#include "fuzz/fuzz_target.h"
#include "model/otlp_json.h"
#include "model/regroup.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto proto = vivace::model::OtlpJsonToProtobuf(vivace::ByteView(data, size));
  if (!proto.ok()) {
    if (proto.status().code() != vivace::Code::kInvalidArgument
        || proto.status().message().empty()) {
      std::abort();  // bad input is always a clear InvalidArgument
    }
    return 0;
  }
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  if (!request.ParseFromString(*proto)) {
    std::abort();
  }
  auto scan = vivace::model::ScanExportRequest(*proto, {});
  if (!scan.ok()) {
    std::abort();  // the decoder must never emit what the scanner rejects (depth, wire types)
  }
  return 0;
}
