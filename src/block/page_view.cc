#include "block/page_view.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "block/bitpack.h"
#include "block/compression.h"
#include "block/int_codec.h"
#include "block/little_endian.h"

namespace vivace::block {
namespace {

constexpr size_t kBitpackHeader = 9;   // u64 base | u8 width
constexpr size_t kTableHeader = 2;     // u16 count
constexpr size_t kVarbitsHeader = 13;  // u64 base | u8 widths codec | u32 widths length

constexpr double kPow10[kMaxDecimalExponent + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

Status Malformed(const char* what) {
  return Status::DataLoss(std::string("malformed page: ") + what);
}

// `width` bits from bit `bit` of a stream of `size` bytes. REQUIRES: the bits lie inside it.
uint64_t ExtractBits(const uint8_t* p, size_t size, uint64_t bit, int width) {
  if (width == 0) {
    return 0;
  }
  const size_t byte = static_cast<size_t>(bit >> 3);
  const int shift = static_cast<int>(bit & 7);
  uint64_t word = 0;
  if (byte + 8 <= size) {
    std::memcpy(&word, p + byte, 8);  // a constant size: one load (the common case)
  } else {
    std::memcpy(&word, p + byte, size - byte);
  }
  uint64_t v = word >> shift;
  if (shift + width > 64) {
    v |= uint64_t{p[byte + 8]} << (64 - shift);
  }
  return width == 64 ? v : v & ((uint64_t{1} << width) - 1);
}

bool PackedOk(ByteView packed, size_t n, int width) {
  return packed.size() == PackedBytes(n, width) && PaddingIsZero(packed.data(), n, width);
}

}  // namespace

Result<U64PageView> U64PageView::Open(Encoding encoding, ByteView page, uint32_t n) {
  if (n > kMaxPageValues) {
    return Malformed("too many values");
  }
  U64PageView v;
  v.encoding_ = encoding;
  v.n_ = n;
  switch (encoding) {
    case Encoding::kPlain: {
      if (page.empty()) {
        return Malformed("empty plain page");
      }
      v.width_ = page[0];
      if ((v.width_ != 1 && v.width_ != 2 && v.width_ != 4 && v.width_ != 8)
          || page.size() - 1 != size_t{n} * static_cast<size_t>(v.width_)) {
        return Malformed("plain page size");
      }
      v.data_ = page.substr(1);
      return v;
    }
    case Encoding::kBitpack:
      if (page.size() < kBitpackHeader || page[8] > 64
          || !PackedOk(page.substr(kBitpackHeader), n, page[8])) {
        return Malformed("bitpack page size");
      }
      v.base_ = LoadLe64(page.data());
      v.width_ = page[8];
      v.data_ = page.substr(kBitpackHeader);
      return v;
    case Encoding::kDict:
      if (page.empty() || page[0] > 32 || !PackedOk(page.substr(1), n, page[0])) {
        return Malformed("dict page size");
      }
      v.encoding_ = Encoding::kBitpack;  // codes from 0
      v.width_ = page[0];
      v.data_ = page.substr(1);
      return v;
    case Encoding::kDelta: {
      VV_ASSIGN_OR_RETURN(v.values_, DecodeU64(encoding, page, n));
      return v;
    }
    case Encoding::kTable: {
      if (page.size() < kTableHeader + kBitpackHeader) {
        return Malformed("table page header");
      }
      const size_t count = LoadLe16(page.data());
      if (count > kMaxTableValues || (count == 0 && n > 0)) {
        return Malformed("table size");
      }
      ByteView rest = page.substr(kTableHeader);
      const int vwidth = rest[8];
      const size_t vbytes = PackedBytes(count, std::min(vwidth, 64));
      if (vwidth > 64 || rest.size() < kBitpackHeader + vbytes + 1
          || !PackedOk(rest.substr(kBitpackHeader, vbytes), count, vwidth)) {
        return Malformed("table values");
      }
      v.values_.resize(count);
      UnpackBits(rest.data() + kBitpackHeader, count, vwidth, LoadLe64(rest.data()),
                 v.values_.data());
      for (size_t i = 1; i < count; ++i) {
        if (v.values_[i] <= v.values_[i - 1]) {
          return Malformed("table not ascending");
        }
      }
      ByteView codes = rest.substr(kBitpackHeader + vbytes);
      v.width_ = codes[0];
      if (v.width_ > 16 || !PackedOk(codes.substr(1), n, v.width_)) {
        return Malformed("table codes");
      }
      v.data_ = codes.substr(1);
      return v;
    }
    case Encoding::kVarbits: {
      if (page.size() < kVarbitsHeader) {
        return Malformed("varbits header");
      }
      v.base_ = LoadLe64(page.data());
      const uint8_t codec = page[8];
      const size_t stored = LoadLe32(page.data() + 9);
      if (codec > 1 || stored > page.size() - kVarbitsHeader) {
        return Malformed("varbits widths header");
      }
      ByteView w = page.substr(kVarbitsHeader, stored);
      if (codec == 1) {
        VV_ASSIGN_OR_RETURN(v.widths_, ZstdDecompress(w, n));
      } else {
        v.widths_.assign(w.begin(), w.end());
      }
      if (v.widths_.size() != n) {
        return Malformed("varbits widths count");
      }
      v.checkpoints_.reserve(n / 64 + 1);
      uint64_t bits = 0;
      for (uint32_t i = 0; i < n; ++i) {
        if (i % 64 == 0) {
          v.checkpoints_.push_back(bits);
        }
        const uint8_t width = v.widths_[i];
        if (width > 64) {
          return Malformed("varbits width");
        }
        bits += width >= 2 ? width - 1 : 0;
      }
      v.data_ = page.substr(kVarbitsHeader + stored);
      if (v.data_.size() != (bits + 7) / 8
          || (bits % 8 != 0 && (v.data_[v.data_.size() - 1] >> (bits % 8)) != 0)) {
        return Malformed("varbits payload size");
      }
      return v;
    }
    default:
      return Status::InvalidArgument("encoding " + std::string(EncodingName(encoding))
                                     + " does not hold integers");
  }
}

Result<U64PageView> U64PageView::OpenF64(Encoding encoding, ByteView page, uint32_t n) {
  switch (encoding) {
    case Encoding::kPlain:
      if (!page.empty() && page[0] != 8) {
        return Malformed("f64 plain page is not 8 bytes wide");
      }
      return Open(encoding, page, n);
    case Encoding::kTable:
      return Open(encoding, page, n);
    case Encoding::kDecimal: {
      if (page.size() < 2 || page[0] > kMaxDecimalExponent) {
        return Malformed("decimal header");
      }
      const auto inner = static_cast<Encoding>(page[1]);
      if (inner != Encoding::kPlain && inner != Encoding::kBitpack && inner != Encoding::kTable
          && inner != Encoding::kVarbits) {
        return Malformed("decimal inner encoding");
      }
      VV_ASSIGN_OR_RETURN(U64PageView v, Open(inner, page.substr(2), n));
      v.decimal_exp_ = page[0];
      return v;
    }
    default:
      return Status::InvalidArgument("encoding " + std::string(EncodingName(encoding))
                                     + " does not hold f64 values");
  }
}

Status U64PageView::Get(uint32_t first, std::span<uint64_t> out) const {
  const uint8_t* p = data_.data();
  const size_t size = data_.size();
  switch (encoding_) {
    case Encoding::kPlain:
      for (size_t i = 0; i < out.size(); ++i) {
        const uint8_t* at = p + (first + i) * static_cast<size_t>(width_);
        uint64_t x = 0;
        std::memcpy(&x, at, static_cast<size_t>(width_));  // little-endian hosts
        out[i] = x;
      }
      break;
    case Encoding::kBitpack:
      if (first % 8 == 0 && width_ <= 64) {
        // Byte-aligned start (whole pages, as scans read them): the word-at-a-time unpacker.
        UnpackBits(p + size_t{first} / 8 * static_cast<size_t>(width_), out.size(), width_, base_,
                   out.data());
        break;
      }
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = base_ + ExtractBits(p, size, uint64_t{first + i} * width_, width_);
      }
      break;
    case Encoding::kDelta:
      std::memcpy(out.data(), values_.data() + first, out.size() * sizeof(uint64_t));
      break;
    case Encoding::kTable:
      if (first % 8 == 0 && width_ <= 64) {
        UnpackBits(p + size_t{first} / 8 * static_cast<size_t>(width_), out.size(), width_, 0,
                   out.data());
        for (uint64_t& code : out) {
          if (code >= values_.size()) {
            return Malformed("table code outside its table");
          }
          code = values_[code];
        }
        break;
      }
      for (size_t i = 0; i < out.size(); ++i) {
        const uint64_t code = ExtractBits(p, size, uint64_t{first + i} * width_, width_);
        if (code >= values_.size()) {
          return Malformed("table code outside its table");
        }
        out[i] = values_[code];
      }
      break;
    case Encoding::kVarbits: {
      uint64_t bit = checkpoints_[first / 64];
      for (uint32_t i = first - first % 64; i < first; ++i) {
        bit += widths_[i] >= 2 ? widths_[i] - 1 : 0;
      }
      for (size_t i = 0; i < out.size(); ++i) {
        const int w = widths_[first + i];
        uint64_t x = static_cast<uint64_t>(w != 0);
        if (w >= 2) {
          x = (uint64_t{1} << (w - 1)) | ExtractBits(p, size, bit, w - 1);
          bit += static_cast<uint64_t>(w - 1);
        }
        out[i] = base_ + x;
      }
      break;
    }
    default:
      return Malformed("encoding");
  }
  if (decimal_exp_ >= 0) {
    for (uint64_t& v : out) {
      const auto m = static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));  // zigzag
      v = std::bit_cast<uint64_t>(static_cast<double>(m) / kPow10[decimal_exp_]);
    }
  }
  return Status::Ok();
}

}  // namespace vivace::block
