// Fuzzes WAL replay: arbitrary segment bytes are scanned and every accepted record's payload
// parsed. Accepted bytes must be a prefix of the input; parsed fragments must lie inside it.

#include <cstdlib>

#include "fuzz/fuzz_target.h"
#include "ingester/wal/wal_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vivace::ingester::wal::ParsePayload;
  using vivace::ingester::wal::ScanSegment;
  using vivace::ingester::wal::WalTrace;
  vivace::ByteView input(data, size);
  // Also try the input as a segment body behind a valid header.
  std::string with_header = vivace::ingester::wal::SegmentHeader();
  with_header.append(reinterpret_cast<const char*>(data), size);
  for (vivace::ByteView segment : {input, vivace::ByteView(with_header)}) {
    auto scan = ScanSegment(segment, [&](uint64_t, vivace::ByteView payload) {
      if (payload.data() < segment.data() || payload.end() > segment.end()) {
        std::abort();
      }
      uint64_t seq = 0;
      ParsePayload(payload, &seq, [&](const WalTrace& t) {
        if (t.fragment.data() < payload.data() || t.fragment.end() > payload.end()) {
          std::abort();
        }
      }).IgnoreError();
    });
    if (scan.valid_bytes > segment.size()) {
      std::abort();
    }
  }
  return 0;
}
