#include "block/int_codec.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "block/bitpack.h"
#include "block/little_endian.h"

namespace vivace::block {
namespace {

constexpr size_t kBitpackHeader = 9;  // u64 base | u8 width
constexpr size_t kDeltaHeader = 17;   // u64 first | i64 min delta | u8 width

int PlainByteWidth(uint64_t max) {
  int bits = BitWidth(max);
  if (bits <= 8) {
    return 1;
  }
  if (bits <= 16) {
    return 2;
  }
  return bits <= 32 ? 4 : 8;
}

bool IsPlainU64Width(int w) { return w == 1 || w == 2 || w == 4 || w == 8; }

Status CheckCount(size_t n) {
  if (n > kMaxPageValues) {
    return Status::DataLoss("page value count " + std::to_string(n) + " exceeds the limit");
  }
  return Status::Ok();
}

// Statistics of a u64 sequence that size every candidate encoding in one pass.
struct U64Stats {
  uint64_t min = 0;
  uint64_t max = 0;
  int64_t min_delta = 0;
  int64_t max_delta = 0;
};

U64Stats Measure(std::span<const uint64_t> v) {
  U64Stats s;
  if (v.empty()) {
    return s;
  }
  s.min = s.max = v[0];
  s.min_delta = std::numeric_limits<int64_t>::max();
  s.max_delta = std::numeric_limits<int64_t>::min();
  for (size_t i = 1; i < v.size(); ++i) {
    s.min = std::min(s.min, v[i]);
    s.max = std::max(s.max, v[i]);
    auto d = static_cast<int64_t>(v[i] - v[i - 1]);
    s.min_delta = std::min(s.min_delta, d);
    s.max_delta = std::max(s.max_delta, d);
  }
  if (v.size() == 1) {
    s.min_delta = s.max_delta = 0;
  }
  return s;
}

int DeltaWidth(const U64Stats& s) {
  return BitWidth(static_cast<uint64_t>(s.max_delta) - static_cast<uint64_t>(s.min_delta));
}

std::string EncodeDeltaWith(std::span<const uint64_t> values, const U64Stats& s) {
  std::string out;
  const int width = DeltaWidth(s);
  out.reserve(kDeltaHeader + PackedBytes(values.size(), width));
  AppendLe64(out, values.empty() ? 0 : values[0]);
  AppendLe64(out, static_cast<uint64_t>(s.min_delta));
  out.push_back(static_cast<char>(width));
  if (values.size() > 1) {
    std::vector<uint64_t> deltas(values.size() - 1);
    for (size_t i = 1; i < values.size(); ++i) {
      deltas[i - 1] = values[i] - values[i - 1];
    }
    AppendPacked(deltas, width, static_cast<uint64_t>(s.min_delta), out);
  }
  return out;
}

std::string EncodeBitpackWith(std::span<const uint64_t> values, const U64Stats& s) {
  std::string out;
  const int width = BitWidth(s.max - s.min);
  out.reserve(kBitpackHeader + PackedBytes(values.size(), width));
  AppendLe64(out, s.min);
  out.push_back(static_cast<char>(width));
  AppendPacked(values, width, s.min, out);
  return out;
}

// --- Validation (sizes only, before anything is allocated or written) and unpacking.

Status CheckPlain(ByteView page, size_t n) {
  if (page.empty()) {
    return Status::DataLoss("plain page is empty");
  }
  const int w = page[0];
  if (!IsPlainU64Width(w)) {
    return Status::DataLoss("plain page has invalid byte width " + std::to_string(w));
  }
  if (page.size() - 1 != n * static_cast<size_t>(w)) {
    return Status::DataLoss("plain page size does not match its value count");
  }
  return Status::Ok();
}

void UnpackPlain(ByteView page, std::span<uint64_t> out) {
  const int w = page[0];
  const uint8_t* p = page.data() + 1;
  switch (w) {
    case 8:
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = LoadLe64(p + 8 * i);
      }
      break;
    case 4:
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = LoadLe32(p + 4 * i);
      }
      break;
    case 2:
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = LoadLe16(p + 2 * i);
      }
      break;
    default:
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = p[i];
      }
      break;
  }
}

Status CheckPacked(ByteView packed, size_t n, int width, const char* what) {
  if (packed.size() != PackedBytes(n, width)) {
    return Status::DataLoss(std::string(what) + " page size does not match its value count");
  }
  if (!PaddingIsZero(packed.data(), n, width)) {
    return Status::DataLoss(std::string(what) + " page has nonzero padding bits");
  }
  return Status::Ok();
}

Status CheckBitpack(ByteView page, size_t n) {
  if (page.size() < kBitpackHeader) {
    return Status::DataLoss("bitpack page is shorter than its header");
  }
  const int width = page[8];
  if (width > 64) {
    return Status::DataLoss("bitpack page has invalid width " + std::to_string(width));
  }
  return CheckPacked(page.substr(kBitpackHeader), n, width, "bitpack");
}

void UnpackBitpack(ByteView page, std::span<uint64_t> out) {
  UnpackBits(page.data() + kBitpackHeader, out.size(), page[8], LoadLe64(page.data()), out.data());
}

Status CheckDelta(ByteView page, size_t n) {
  VV_ASSIGN_OR_RETURN(size_t size, internal::DeltaStreamSize(page, n));
  if (size != page.size()) {
    return Status::DataLoss("delta page size does not match its value count");
  }
  return Status::Ok();
}

Status Check(Encoding encoding, ByteView page, size_t n) {
  VV_RETURN_IF_ERROR(CheckCount(n));
  switch (encoding) {
    case Encoding::kPlain:
      return CheckPlain(page, n);
    case Encoding::kBitpack:
      return CheckBitpack(page, n);
    case Encoding::kDelta:
      return CheckDelta(page, n);
    default:
      return Status::InvalidArgument("encoding " + std::string(EncodingName(encoding))
                                     + " does not hold u64 values");
  }
}

void Unpack(Encoding encoding, ByteView page, std::span<uint64_t> out) {
  switch (encoding) {
    case Encoding::kPlain:
      UnpackPlain(page, out);
      break;
    case Encoding::kBitpack:
      UnpackBitpack(page, out);
      break;
    default:
      internal::UnpackDelta(page, out);
      break;
  }
}

}  // namespace

std::string EncodePlainU64(std::span<const uint64_t> values, int byte_width) {
  std::string out;
  out.reserve(1 + values.size() * static_cast<size_t>(byte_width));
  out.push_back(static_cast<char>(byte_width));
  for (uint64_t v : values) {
    for (int b = 0; b < byte_width; ++b) {
      out.push_back(static_cast<char>(v >> (8 * b)));
    }
  }
  return out;
}

std::string EncodeBitpack(std::span<const uint64_t> values) {
  return EncodeBitpackWith(values, Measure(values));
}

std::string EncodeDelta(std::span<const uint64_t> values) {
  return EncodeDeltaWith(values, Measure(values));
}

U64Page EncodeU64Page(std::span<const uint64_t> values) {
  const U64Stats s = Measure(values);
  const size_t n = values.size();
  const int plain_width = PlainByteWidth(s.max);
  const int pack_width = BitWidth(s.max - s.min);
  const int delta_width = DeltaWidth(s);
  const size_t plain_size = 1 + n * static_cast<size_t>(plain_width);
  const size_t pack_size = kBitpackHeader + PackedBytes(n, pack_width);
  const size_t delta_size = kDeltaHeader + PackedBytes(n == 0 ? 0 : n - 1, delta_width);

  U64Page page;
  page.min = s.min;
  page.max = s.max;
  if (plain_size <= pack_size && plain_size <= delta_size) {
    page.encoding = Encoding::kPlain;
    page.bit_width = static_cast<uint16_t>(8 * plain_width);
    page.bytes = EncodePlainU64(values, plain_width);
  } else if (pack_size <= delta_size) {
    page.encoding = Encoding::kBitpack;
    page.bit_width = static_cast<uint16_t>(pack_width);
    page.bytes = EncodeBitpackWith(values, s);
  } else {
    page.encoding = Encoding::kDelta;
    page.bit_width = static_cast<uint16_t>(delta_width);
    page.bytes = EncodeDeltaWith(values, s);
  }
  return page;
}

Status DecodeU64Into(Encoding encoding, ByteView page, std::span<uint64_t> out) {
  VV_RETURN_IF_ERROR(Check(encoding, page, out.size()));
  Unpack(encoding, page, out);
  return Status::Ok();
}

Result<std::vector<uint64_t>> DecodeU64(Encoding encoding, ByteView page, uint32_t n) {
  VV_RETURN_IF_ERROR(Check(encoding, page, n));
  std::vector<uint64_t> out(n);
  Unpack(encoding, page, out);
  return out;
}

namespace internal {

Result<size_t> DeltaStreamSize(ByteView page, size_t n) {
  if (page.size() < kDeltaHeader) {
    return Status::DataLoss("delta stream is shorter than its header");
  }
  const int width = page[16];
  if (width > 64) {
    return Status::DataLoss("delta stream has invalid width " + std::to_string(width));
  }
  const size_t deltas = n == 0 ? 0 : n - 1;
  const size_t packed = PackedBytes(deltas, width);
  if (page.size() - kDeltaHeader < packed) {
    return Status::DataLoss("delta stream is truncated");
  }
  if (!PaddingIsZero(page.data() + kDeltaHeader, deltas, width)) {
    return Status::DataLoss("delta stream has nonzero padding bits");
  }
  return kDeltaHeader + packed;
}

void UnpackDelta(ByteView page, std::span<uint64_t> out) {
  if (out.empty()) {
    return;
  }
  const uint64_t first = LoadLe64(page.data());
  const uint64_t min_delta = LoadLe64(page.data() + 8);
  // Deltas go to out[1..n), then a running sum turns them into values (wrapping, as encoded).
  UnpackBits(page.data() + kDeltaHeader, out.size() - 1, page[16], min_delta, out.data() + 1);
  uint64_t acc = first;
  out[0] = acc;
  for (size_t i = 1; i < out.size(); ++i) {
    acc += out[i];
    out[i] = acc;
  }
}

}  // namespace internal
}  // namespace vivace::block
