#include "ingester/wal/wal_record.h"

#include <cstring>

#include "common/hash.h"

namespace vivace::ingester::wal {
namespace {

void PutU32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

void PutU64(std::string& out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

template <typename T>
bool Get(ByteView in, size_t* pos, T* v) {
  if (in.size() - *pos < sizeof(T)) {
    return false;
  }
  std::memcpy(v, in.data() + *pos, sizeof(T));
  *pos += sizeof(T);
  return true;
}

// Payload: u64 seq | u32 n_traces | trace* ; trace: id[16] | u64 start | u64 end | u32 spans |
// u32 len | bytes[len].
constexpr size_t kTraceHeader = 16 + 8 + 8 + 4 + 4;

}  // namespace

RecordBuilder::RecordBuilder(uint64_t seq) {
  buf_.resize(kRecordHeaderSize);  // filled in by Finish
  PutU64(buf_, seq);
  PutU32(buf_, 0);  // trace count, patched by Finish
}

void RecordBuilder::Add(const model::TraceId& id, uint64_t start, uint64_t end, uint32_t spans,
                        ByteView fragment) {
  buf_.append(reinterpret_cast<const char*>(id.bytes.data()), 16);
  PutU64(buf_, start);
  PutU64(buf_, end);
  PutU32(buf_, spans);
  PutU32(buf_, static_cast<uint32_t>(fragment.size()));
  buf_.append(reinterpret_cast<const char*>(fragment.data()), fragment.size());
  ++count_;
}

std::string RecordBuilder::Finish() {
  std::memcpy(buf_.data() + kRecordHeaderSize + 8, &count_, 4);
  auto len = static_cast<uint32_t>(buf_.size() - kRecordHeaderSize);
  uint64_t sum = Hash64(buf_.data() + kRecordHeaderSize, len);
  std::memcpy(buf_.data(), &len, 4);
  std::memcpy(buf_.data() + 4, &sum, 8);
  return std::move(buf_);
}

Status ParsePayload(ByteView payload, uint64_t* seq,
                    const std::function<void(const WalTrace&)>& fn) {
  size_t pos = 0;
  uint32_t n = 0;
  if (!Get(payload, &pos, seq) || !Get(payload, &pos, &n)) {
    return Status::DataLoss("wal record too short");
  }
  if (n > (payload.size() - pos) / kTraceHeader) {
    return Status::DataLoss("wal record trace count exceeds its size");
  }
  for (uint32_t i = 0; i < n; ++i) {
    WalTrace t;
    uint32_t len = 0;
    if (payload.size() - pos < kTraceHeader) {
      return Status::DataLoss("wal record truncated");
    }
    std::memcpy(t.id.bytes.data(), payload.data() + pos, 16);
    pos += 16;
    Get(payload, &pos, &t.start_unix_nano);
    Get(payload, &pos, &t.end_unix_nano);
    Get(payload, &pos, &t.spans);
    Get(payload, &pos, &len);
    if (len > payload.size() - pos) {
      return Status::DataLoss("wal record fragment exceeds the record");
    }
    t.fragment = payload.substr(pos, len);
    pos += len;
    fn(t);
  }
  if (pos != payload.size()) {
    return Status::DataLoss("wal record has trailing bytes");
  }
  return Status::Ok();
}

std::string SegmentHeader() {
  std::string h(kSegmentMagic, 8);
  PutU32(h, kFormatVersion);
  PutU32(h, 0);
  return h;
}

SegmentScan ScanSegment(ByteView segment,
                        const std::function<void(uint64_t seq, ByteView payload)>& record) {
  SegmentScan scan;
  if (segment.size() < kSegmentHeaderSize || std::memcmp(segment.data(), kSegmentMagic, 8) != 0) {
    scan.torn = !segment.empty();
    return scan;
  }
  uint32_t version = 0;
  std::memcpy(&version, segment.data() + 8, 4);
  if (version != kFormatVersion) {
    scan.torn = true;
    return scan;
  }
  scan.header_ok = true;
  size_t pos = kSegmentHeaderSize;
  scan.valid_bytes = pos;
  while (pos < segment.size()) {
    uint32_t len = 0;
    uint64_t sum = 0;
    if (segment.size() - pos < kRecordHeaderSize) {
      scan.torn = true;
      break;
    }
    std::memcpy(&len, segment.data() + pos, 4);
    std::memcpy(&sum, segment.data() + pos + 4, 8);
    if (len < 12 || len > kMaxRecordBytes || len > segment.size() - pos - kRecordHeaderSize) {
      scan.torn = true;
      break;
    }
    ByteView payload = segment.substr(pos + kRecordHeaderSize, len);
    if (Hash64(payload.data(), payload.size()) != sum) {
      scan.torn = true;
      break;
    }
    uint64_t seq = 0;
    std::memcpy(&seq, payload.data(), 8);
    record(seq, payload);
    pos += kRecordHeaderSize + len;
    scan.valid_bytes = pos;
    ++scan.records;
  }
  return scan;
}

}  // namespace vivace::ingester::wal
