#pragma once

// Page codecs for byte-string columns: BYTES (variable length), PLAIN with a fixed width (trace
// and span IDs, 1/2/4/8/16 bytes) and DICT (codes into the chunk's sorted dictionary,
// block/dictionary.h). Byte layouts: docs/format/encodings.md.
//
// Decoders are total: malformed pages yield DataLoss, and decoded values are views into the
// page bytes, which the caller keeps alive. Thread-safe: pure functions.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "block/encoding.h"
#include "common/bytes.h"
#include "common/status.h"

namespace vivace::block {

// BYTES: the n+1 offsets 0, end of value 0, ..., end of value n-1 as a DELTA stream, then the
// values concatenated.
std::string EncodeBytes(std::span<const std::string_view> values);

// A decoded BYTES page. Holds views into the page it was decoded from.
class BytesPage {
 public:
  BytesPage() = default;
  BytesPage(std::vector<uint64_t> offsets, ByteView data)
      : offsets_(std::move(offsets)), data_(data) {}

  size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  std::string_view operator[](size_t i) const {
    return data_.str().substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  // The concatenated values and the n+1 offsets into them.
  ByteView data() const { return data_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }

 private:
  std::vector<uint64_t> offsets_;
  ByteView data_;
};

// DataLoss unless `page` is a BYTES page of exactly n values (offsets start at 0, never
// decrease, and end at the number of bytes that follow them).
Result<BytesPage> DecodeBytes(ByteView page, uint32_t n);

// PLAIN for fixed-width byte strings: u8 width | the values concatenated.
// REQUIRES: width in {1, 2, 4, 8, 16} and values.size() a multiple of width.
std::string EncodePlainFixed(ByteView values, int width);

// A decoded fixed-width PLAIN page: `values` views n * width bytes of the page.
struct FixedPage {
  int width = 0;
  ByteView values;
  ByteView at(size_t i) const { return values.substr(i * static_cast<size_t>(width), width); }
};
Result<FixedPage> DecodePlainFixed(ByteView page, uint32_t n);

// DICT: u8 width (bits of the largest code on the page) | codes packed LSB-first.
std::string EncodeDictCodes(std::span<const uint32_t> codes);
// DataLoss unless `page` holds exactly n codes, each < dict_size.
Result<std::vector<uint32_t>> DecodeDictCodes(ByteView page, uint32_t n, uint32_t dict_size);

// The page index `code_signature` of a dict page: OR of 1 << (code & 63) over its codes.
uint64_t CodeSignature(std::span<const uint32_t> codes);

}  // namespace vivace::block
