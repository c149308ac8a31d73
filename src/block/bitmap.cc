#include "block/bitmap.h"

#include <cstring>

#include "block/encoding.h"
#include "block/little_endian.h"

namespace vivace::block {

size_t Bitmap::Count() const {
  size_t n = 0;
  for (uint64_t w : words_) {
    n += static_cast<size_t>(__builtin_popcountll(w));
  }
  return n;
}

std::string EncodeBitmap(const Bitmap& bits) {
  const size_t bytes = (bits.size() + 7) / 8;
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) {
    out[i] = static_cast<char>(bits.words()[i / 8] >> (8 * (i % 8)));
  }
  return out;
}

Result<Bitmap> DecodeBitmap(ByteView page, uint32_t n) {
  if (n > kMaxPageValues) {
    return Status::DataLoss("page value count " + std::to_string(n) + " exceeds the limit");
  }
  const size_t bytes = (size_t{n} + 7) / 8;
  if (page.size() != bytes) {
    return Status::DataLoss("bitmap page size does not match its value count");
  }
  if (n % 8 != 0 && (page[bytes - 1] >> (n % 8)) != 0) {
    return Status::DataLoss("bitmap page has nonzero padding bits");
  }
  Bitmap bits(n);
  const size_t whole = bytes / 8;
  for (size_t w = 0; w < whole; ++w) {
    bits.words_[w] = LoadLe64(page.data() + 8 * w);
  }
  for (size_t i = whole * 8; i < bytes; ++i) {
    bits.words_[i / 8] |= uint64_t{page[i]} << (8 * (i % 8));
  }
  return bits;
}

Result<OptionalPage> SplitOptionalPage(ByteView page, uint32_t n_values, uint32_t null_count) {
  if (null_count > n_values) {
    return Status::DataLoss("page null count exceeds its value count");
  }
  OptionalPage parts;
  parts.n_present = n_values - null_count;
  if (null_count == 0) {
    parts.values = page;
    return parts;
  }
  const size_t bytes = (size_t{n_values} + 7) / 8;
  if (page.size() < bytes) {
    return Status::DataLoss("presence bitmap is truncated");
  }
  VV_ASSIGN_OR_RETURN(parts.presence, DecodeBitmap(page.substr(0, bytes), n_values));
  if (parts.presence.Count() != parts.n_present) {
    return Status::DataLoss("presence bitmap does not match the page null count");
  }
  parts.values = page.substr(bytes);
  return parts;
}

}  // namespace vivace::block
