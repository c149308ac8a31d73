#include "block/bytes_codec.h"

#include <algorithm>

#include "block/bitpack.h"
#include "block/int_codec.h"

namespace vivace::block {

std::string EncodeBytes(std::span<const std::string_view> values) {
  std::vector<uint64_t> offsets(values.size() + 1);
  for (size_t i = 0; i < values.size(); ++i) {
    offsets[i + 1] = offsets[i] + values[i].size();
  }
  std::string out = EncodeDelta(offsets);
  out.reserve(out.size() + offsets.back());
  for (std::string_view v : values) {
    out.append(v);
  }
  return out;
}

Result<BytesPage> DecodeBytes(ByteView page, uint32_t n) {
  if (n > kMaxPageValues) {
    return Status::DataLoss("page value count " + std::to_string(n) + " exceeds the limit");
  }
  const size_t n_offsets = size_t{n} + 1;
  VV_ASSIGN_OR_RETURN(size_t header, internal::DeltaStreamSize(page, n_offsets));
  std::vector<uint64_t> offsets(n_offsets);
  internal::UnpackDelta(page, offsets);
  const size_t data_size = page.size() - header;
  if (offsets[0] != 0) {
    return Status::DataLoss("bytes page offsets do not start at 0");
  }
  for (size_t i = 1; i < n_offsets; ++i) {
    if (offsets[i] < offsets[i - 1]) {
      return Status::DataLoss("bytes page offsets decrease");
    }
  }
  if (offsets.back() != data_size) {
    return Status::DataLoss("bytes page offsets do not match its data size");
  }
  return BytesPage(std::move(offsets), page.substr(header));
}

std::string EncodePlainFixed(ByteView values, int width) {
  std::string out;
  out.reserve(1 + values.size());
  out.push_back(static_cast<char>(width));
  out.append(values.str());
  return out;
}

Result<FixedPage> DecodePlainFixed(ByteView page, uint32_t n) {
  if (n > kMaxPageValues) {
    return Status::DataLoss("page value count " + std::to_string(n) + " exceeds the limit");
  }
  if (page.empty()) {
    return Status::DataLoss("plain page is empty");
  }
  const int w = page[0];
  if (w != 1 && w != 2 && w != 4 && w != 8 && w != 16) {
    return Status::DataLoss("plain page has invalid byte width " + std::to_string(w));
  }
  if (page.size() - 1 != size_t{n} * static_cast<size_t>(w)) {
    return Status::DataLoss("plain page size does not match its value count");
  }
  return FixedPage{w, page.substr(1)};
}

std::string EncodeDictCodes(std::span<const uint32_t> codes) {
  uint32_t max = 0;
  for (uint32_t c : codes) {
    max = std::max(max, c);
  }
  const int width = BitWidth(max);
  std::string out;
  out.reserve(1 + PackedBytes(codes.size(), width));
  out.push_back(static_cast<char>(width));
  AppendPacked(codes, width, out);
  return out;
}

Result<std::vector<uint32_t>> DecodeDictCodes(ByteView page, uint32_t n, uint32_t dict_size) {
  if (n > kMaxPageValues) {
    return Status::DataLoss("page value count " + std::to_string(n) + " exceeds the limit");
  }
  if (page.empty()) {
    return Status::DataLoss("dict page is empty");
  }
  const int width = page[0];
  if (width > 32) {
    return Status::DataLoss("dict page has invalid width " + std::to_string(width));
  }
  ByteView packed = page.substr(1);
  if (packed.size() != PackedBytes(n, width)) {
    return Status::DataLoss("dict page size does not match its value count");
  }
  if (!PaddingIsZero(packed.data(), n, width)) {
    return Status::DataLoss("dict page has nonzero padding bits");
  }
  std::vector<uint32_t> codes(n);
  UnpackBits(packed.data(), n, width, codes.data());
  uint32_t max = 0;
  for (uint32_t c : codes) {
    max = std::max(max, c);
  }
  if (n > 0 && max >= dict_size) {
    return Status::DataLoss("dict page code " + std::to_string(max)
                            + " is outside the dictionary of " + std::to_string(dict_size));
  }
  return codes;
}

uint64_t CodeSignature(std::span<const uint32_t> codes) {
  uint64_t sig = 0;
  for (uint32_t c : codes) {
    sig |= uint64_t{1} << (c & 63);
  }
  return sig;
}

}  // namespace vivace::block
