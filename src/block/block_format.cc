#include "block/block_format.h"

#include <cstring>

#include <fmt/format.h>

#include "common/crc32c.h"

namespace vivace::block {
namespace {

void PutU32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

void PutU64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }

template <typename T>
T At(ByteView b, size_t pos) {
  T v;
  std::memcpy(&v, b.data() + pos, sizeof(T));
  return v;
}

Status Corrupt(std::string_view what) {
  return Status::DataLoss(fmt::format("corrupt block index: {}", what));
}

Result<std::vector<RowGroupEntry>> DecodeEntries(ByteView bytes, uint32_t n) {
  if (bytes.size() != size_t{n} * kIndexEntrySize) {
    return Corrupt("size");
  }
  std::vector<RowGroupEntry> out(n);
  for (uint32_t i = 0; i < n; ++i) {
    ByteView e = bytes.substr(size_t{i} * kIndexEntrySize, kIndexEntrySize);
    RowGroupEntry& r = out[i];
    std::memcpy(r.summary.min_id.bytes.data(), e.data(), 16);
    std::memcpy(r.summary.max_id.bytes.data(), e.data() + 16, 16);
    r.offset = At<uint64_t>(e, 32);
    r.length = At<uint32_t>(e, 40);
    r.summary.n_traces = At<uint32_t>(e, 44);
    r.summary.n_spans = At<uint32_t>(e, 48);
    r.header_bytes = At<uint32_t>(e, 52);
    r.summary.min_start = At<uint64_t>(e, 56);
    r.summary.max_end = At<uint64_t>(e, 64);
    r.summary.min_duration = At<uint64_t>(e, 72);
    r.summary.max_duration = At<uint64_t>(e, 80);
    if (r.summary.max_id < r.summary.min_id
        || (i > 0 && !(out[i - 1].summary.max_id < r.summary.min_id))) {
      return Corrupt("entries out of order");
    }
    if (r.header_bytes > r.length || r.summary.n_traces == 0) {
      return Corrupt("entry sizes");
    }
  }
  return out;
}

}  // namespace

std::string EncodeIndexEntries(const std::vector<RowGroupEntry>& entries) {
  std::string out;
  out.reserve(entries.size() * kIndexEntrySize);
  for (const RowGroupEntry& r : entries) {
    out.append(reinterpret_cast<const char*>(r.summary.min_id.bytes.data()), 16);
    out.append(reinterpret_cast<const char*>(r.summary.max_id.bytes.data()), 16);
    PutU64(out, r.offset);
    PutU32(out, r.length);
    PutU32(out, r.summary.n_traces);
    PutU32(out, r.summary.n_spans);
    PutU32(out, r.header_bytes);
    PutU64(out, r.summary.min_start);
    PutU64(out, r.summary.max_end);
    PutU64(out, r.summary.min_duration);
    PutU64(out, r.summary.max_duration);
  }
  return out;
}

std::string EncodeIndex(const std::vector<RowGroupEntry>& entries) {
  std::string body = EncodeIndexEntries(entries);
  std::string out(kIndexMagic, 8);
  PutU32(out, kBlockVersion);
  PutU32(out, static_cast<uint32_t>(entries.size()));
  PutU32(out, Crc32c(ByteView(body)));
  out += body;
  return out;
}

Result<std::vector<RowGroupEntry>> DecodeIndex(ByteView index) {
  if (index.size() < kIndexHeaderSize || std::memcmp(index.data(), kIndexMagic, 8) != 0) {
    return Corrupt("magic");
  }
  if (At<uint32_t>(index, 8) != kBlockVersion) {
    return Corrupt("version");
  }
  uint32_t n = At<uint32_t>(index, 12);
  ByteView body = index.substr(kIndexHeaderSize);
  if (Crc32c(body) != At<uint32_t>(index, 16)) {
    return Corrupt("checksum mismatch");
  }
  return DecodeEntries(body, n);
}

Result<std::vector<RowGroupEntry>> DecodeDataTail(ByteView tail) {
  if (tail.size() < kDataTrailerSize
      || std::memcmp(tail.data() + tail.size() - 8, kDataMagic, 8) != 0) {
    return Corrupt("data trailer");
  }
  uint32_t len = At<uint32_t>(tail, tail.size() - 16);
  uint32_t crc = At<uint32_t>(tail, tail.size() - 12);
  if (len > tail.size() - kDataTrailerSize || len % kIndexEntrySize != 0) {
    return Corrupt("data footer length");
  }
  ByteView footer = tail.substr(tail.size() - kDataTrailerSize - len, len);
  if (Crc32c(footer) != crc) {
    return Corrupt("data footer checksum");
  }
  return DecodeEntries(footer, static_cast<uint32_t>(len / kIndexEntrySize));
}

std::string ObjectKey(std::string_view tenant, std::string_view block_id, std::string_view name) {
  return fmt::format("{}/{}/{}", tenant, block_id, name);
}

std::string BloomName(uint32_t shard) { return fmt::format("bloom-{}", shard); }

}  // namespace vivace::block
