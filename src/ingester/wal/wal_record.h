#pragma once

// The WAL's record format (docs/format/wal.md): one record per acknowledged push, holding the
// trace fragments of that push. Encoding and a total decoder, shared by the writer, replay and
// the wal_replay fuzzer.

#include <cstdint>
#include <functional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "model/trace_id.h"

namespace vivace::ingester::wal {

inline constexpr char kSegmentMagic[8] = {'V', 'V', 'W', 'A', 'L', '0', '0', '1'};
inline constexpr size_t kSegmentHeaderSize = 16;  // magic, u32 version, u32 reserved
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kRecordHeaderSize = 12;  // u32 payload_len, u64 xxh3(payload)
// A record is one push; pushes are bounded well below this by the receivers.
inline constexpr uint32_t kMaxRecordBytes = 256u << 20;

// One trace fragment inside a record.
struct WalTrace {
  model::TraceId id;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  uint32_t spans = 0;
  ByteView fragment;  // a serialized tempopb.Trace; a view into the record
};

// Builds the payload of one record: call Add per trace, then Finish.
class RecordBuilder {
 public:
  explicit RecordBuilder(uint64_t seq);
  void Add(const model::TraceId& id, uint64_t start, uint64_t end, uint32_t spans,
           ByteView fragment);
  // The whole record: header (length, checksum) and payload.
  std::string Finish();

 private:
  std::string buf_;
  uint32_t count_ = 0;
};

// Parses one record payload (without the 12-byte header). DataLoss if malformed.
Status ParsePayload(ByteView payload, uint64_t* seq,
                    const std::function<void(const WalTrace&)>& fn);

std::string SegmentHeader();

// Reads records from a segment's bytes, stopping at the first torn or corrupt one.
struct SegmentScan {
  size_t valid_bytes = 0;      // prefix of whole, checksummed records (incl. the header)
  uint64_t records = 0;
  bool header_ok = false;
  bool torn = false;           // bytes after valid_bytes did not form a valid record
};
SegmentScan ScanSegment(ByteView segment,
                        const std::function<void(uint64_t seq, ByteView payload)>& record);

}  // namespace vivace::ingester::wal
