#include "block/int_codec.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "block/bitpack.h"
#include "block/compression.h"
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
    case Encoding::kTable:
    case Encoding::kVarbits:
      return Status::Ok();  // checked while decoding
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

// --- TABLE.

constexpr size_t kTableHeader = 2;  // u16 count

// The sorted distinct values of `values`.
std::vector<uint64_t> DistinctSorted(std::span<const uint64_t> values) {
  std::vector<uint64_t> d(values.begin(), values.end());
  std::sort(d.begin(), d.end());
  d.erase(std::unique(d.begin(), d.end()), d.end());
  return d;
}

size_t TableSize(size_t n, size_t distinct, uint64_t min, uint64_t max) {
  return kTableHeader + kBitpackHeader + PackedBytes(distinct, BitWidth(max - min)) + 1
         + PackedBytes(n, BitWidth(distinct == 0 ? 0 : distinct - 1));
}

Status DecodeTableInto(ByteView page, std::span<uint64_t> out) {
  if (page.size() < kTableHeader + kBitpackHeader) {
    return Status::DataLoss("table page is shorter than its header");
  }
  const size_t count = LoadLe16(page.data());
  const size_t n = out.size();
  if (count > kMaxTableValues || (count == 0 && n > 0)) {
    return Status::DataLoss("table page has an invalid value count");
  }
  ByteView rest = page.substr(kTableHeader);
  const int vwidth = rest[8];
  if (vwidth > 64) {
    return Status::DataLoss("table page has invalid width " + std::to_string(vwidth));
  }
  const size_t vbytes = PackedBytes(count, vwidth);
  if (rest.size() < kBitpackHeader + vbytes + 1) {
    return Status::DataLoss("table page is truncated");
  }
  VV_RETURN_IF_ERROR(CheckPacked(rest.substr(kBitpackHeader, vbytes), count, vwidth, "table"));
  std::array<uint64_t, kMaxTableValues> table;
  UnpackBits(rest.data() + kBitpackHeader, count, vwidth, LoadLe64(rest.data()), table.data());
  for (size_t i = 1; i < count; ++i) {
    if (table[i] <= table[i - 1]) {
      return Status::DataLoss("table page values are not strictly ascending");
    }
  }
  ByteView codes = rest.substr(kBitpackHeader + vbytes);
  const int cwidth = codes[0];
  if (cwidth > 16) {
    return Status::DataLoss("table page has invalid code width " + std::to_string(cwidth));
  }
  VV_RETURN_IF_ERROR(CheckPacked(codes.substr(1), n, cwidth, "table"));
  UnpackBits(codes.data() + 1, n, cwidth, 0, out.data());
  for (uint64_t& v : out) {
    if (v >= count) {
      return Status::DataLoss("table page code is outside its table");
    }
    v = table[v];
  }
  return Status::Ok();
}

// --- VARBITS.

constexpr size_t kVarbitsHeader = 13;  // u64 base | u8 widths codec | u32 widths length

Status DecodeVarbitsInto(ByteView page, std::span<uint64_t> out) {
  const size_t n = out.size();
  if (page.size() < kVarbitsHeader) {
    return Status::DataLoss("varbits page is shorter than its header");
  }
  const uint64_t base = LoadLe64(page.data());
  const uint8_t codec = page[8];
  const size_t stored = LoadLe32(page.data() + 9);
  if (codec > 1 || stored > page.size() - kVarbitsHeader) {
    return Status::DataLoss("varbits page has a malformed widths header");
  }
  ByteView widths_stored = page.substr(kVarbitsHeader, stored);
  std::vector<uint8_t> owned;
  ByteView widths = widths_stored;
  if (codec == 1) {
    VV_ASSIGN_OR_RETURN(owned, ZstdDecompress(widths_stored, n));
    widths = ByteView(owned.data(), owned.size());
  }
  if (widths.size() != n) {
    return Status::DataLoss("varbits page widths do not match its value count");
  }
  uint64_t bits = 0;
  for (uint8_t w : widths) {
    if (w > 64) {
      return Status::DataLoss("varbits page has a width over 64");
    }
    bits += w >= 2 ? w - 1 : 0;
  }
  ByteView payload = page.substr(kVarbitsHeader + stored);
  if (payload.size() != (bits + 7) / 8) {
    return Status::DataLoss("varbits page size does not match its widths");
  }
  if (bits % 8 != 0 && (payload[payload.size() - 1] >> (bits % 8)) != 0) {
    return Status::DataLoss("varbits page has nonzero padding bits");
  }
  // Bits are read LSB-first through a 64-bit window refilled a byte at a time.
  const uint8_t* p = payload.data();
  const uint8_t* end = p + payload.size();
  uint64_t window = 0;
  int avail = 0;
  for (size_t i = 0; i < n; ++i) {
    const int w = widths[i];
    uint64_t x = static_cast<uint64_t>(w != 0);
    if (w >= 2) {
      const int need = w - 1;
      uint64_t low = 0;
      int got = 0;
      while (got < need) {
        if (avail == 0) {
          const size_t take = std::min<size_t>(8, static_cast<size_t>(end - p));
          if (take == 0) {
            return Status::DataLoss("varbits page is truncated");
          }
          window = 0;
          std::memcpy(&window, p, take);  // little-endian hosts (as LoadLe64)
          p += take;
          avail = static_cast<int>(take * 8);
        }
        const int t = std::min(need - got, avail);
        const uint64_t mask = t == 64 ? ~uint64_t{0} : (uint64_t{1} << t) - 1;
        low |= (window & mask) << got;
        window = t == 64 ? 0 : window >> t;
        avail -= t;
        got += t;
      }
      x = (uint64_t{1} << need) | low;
    }
    out[i] = base + x;
  }
  return Status::Ok();
}

// Writes bits LSB-first.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}

  void Put(uint64_t v, int width) {  // 0 <= width <= 63
    if (width == 0) {
      return;
    }
    acc_ |= v << filled_;
    if (filled_ + width >= 64) {
      char b[8];
      std::memcpy(b, &acc_, 8);
      out_->append(b, 8);
      const int used = 64 - filled_;
      acc_ = used == 64 ? 0 : v >> used;
      filled_ = filled_ + width - 64;
    } else {
      filled_ += width;
    }
  }

  void Flush() {
    for (int b = 0; b < filled_; b += 8) {
      out_->push_back(static_cast<char>(acc_ >> b));
    }
    acc_ = 0;
    filled_ = 0;
  }

 private:
  std::string* out_;
  uint64_t acc_ = 0;
  int filled_ = 0;
};

std::string EncodeVarbitsWith(std::span<const uint64_t> values, uint64_t base) {
  std::string widths(values.size(), '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    widths[i] = static_cast<char>(BitWidth(values[i] - base));
  }
  std::string z = values.empty() ? std::string() : ZstdCompress(ByteView(widths), 1);
  const bool use_z = !z.empty() && z.size() < widths.size();
  const std::string& stored = use_z ? z : widths;
  std::string out;
  AppendLe64(out, base);
  out.push_back(static_cast<char>(use_z ? 1 : 0));
  AppendLe32(out, static_cast<uint32_t>(stored.size()));
  out += stored;
  BitWriter bw(&out);
  for (uint64_t v : values) {
    const uint64_t x = v - base;
    const int w = BitWidth(x);
    if (w >= 2) {
      bw.Put(x & ((uint64_t{1} << (w - 1)) - 1), w - 1);  // the top bit is implied by w
    }
  }
  bw.Flush();
  return out;
}

// Estimated VARBITS size from the histogram of value widths: the payload bits plus the
// widths at their order-0 entropy (what zstd's Huffman stage gets close to), plus framing.
size_t EstimateVarbits(const std::array<uint32_t, 65>& hist, size_t n) {
  double bits = 0;
  double entropy_bits = 0;
  for (int w = 0; w <= 64; ++w) {
    if (hist[w] == 0) {
      continue;
    }
    const double c = hist[w];
    bits += c * (w >= 2 ? w - 1 : 0);
    entropy_bits -= c * std::log2(c / static_cast<double>(n));
  }
  return kVarbitsHeader + 40 + static_cast<size_t>((bits + entropy_bits * 1.05) / 8);
}

// Up to kDistinctCap distinct values of a page, counted with a small open-addressing set.
class DistinctCounter {
 public:
  static constexpr size_t kCap = 256;

  // False once more than kCap distinct values were seen.
  bool Add(uint64_t v) {
    if (over_) {
      return false;
    }
    size_t h = static_cast<size_t>((v * 0x9E3779B97F4A7C15ULL) >> 55);  // 9 bits: 512 slots
    while (used_[h]) {
      if (keys_[h] == v) {
        return true;
      }
      h = (h + 1) & (kSlots - 1);
    }
    if (count_ == kCap) {
      over_ = true;
      return false;
    }
    used_[h] = true;
    keys_[h] = v;
    ++count_;
    return true;
  }

  bool over() const { return over_; }

  size_t count() const { return count_; }

 private:
  static constexpr size_t kSlots = 512;
  std::array<uint64_t, kSlots> keys_{};
  std::array<bool, kSlots> used_{};
  size_t count_ = 0;
  bool over_ = false;
};

// --- DECIMAL (f64).

constexpr double kPow10[kMaxDecimalExponent + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag64(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

double BitsToDouble(uint64_t b) {
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}

uint64_t DoubleToBits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

// m with m / 10^e == x bit for bit, if there is one.
bool DecimalMantissa(uint64_t bits, int e, int64_t* m) {
  const double x = BitsToDouble(bits);
  const double scaled = x * kPow10[e];
  if (!(std::fabs(scaled) < 9007199254740992.0)) {  // 2^53; also rejects NaN and infinities
    return false;
  }
  const auto candidate = static_cast<int64_t>(std::llround(scaled));
  if (DoubleToBits(static_cast<double>(candidate) / kPow10[e]) != bits) {
    return false;
  }
  *m = candidate;
  return true;
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

std::string EncodeTable(std::span<const uint64_t> values) {
  const std::vector<uint64_t> table = DistinctSorted(values);
  std::string out;
  AppendLe16(out, static_cast<uint16_t>(table.size()));
  const U64Stats ts = Measure(table);
  std::string packed = EncodeBitpackWith(table, ts);
  out += packed;
  const int cwidth = BitWidth(table.empty() ? 0 : table.size() - 1);
  out.push_back(static_cast<char>(cwidth));
  std::vector<uint64_t> codes(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    codes[i] = static_cast<uint64_t>(std::lower_bound(table.begin(), table.end(), values[i])
                                     - table.begin());
  }
  AppendPacked(codes, cwidth, 0, out);
  return out;
}

std::string EncodeVarbits(std::span<const uint64_t> values) {
  const U64Stats s = Measure(values);
  return EncodeVarbitsWith(values, s.min);
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
  size_t best = std::min({plain_size, pack_size, delta_size});
  // TABLE and VARBITS only pay on wide pages: size them from one more pass.
  size_t table_size = SIZE_MAX;
  size_t varbits_size = SIZE_MAX;
  if (n >= 16 && pack_width >= 2) {
    DistinctCounter distinct;
    std::array<uint32_t, 65> hist{};
    for (uint64_t v : values) {
      distinct.Add(v);
      hist[static_cast<size_t>(BitWidth(v - s.min))]++;
    }
    if (!distinct.over()) {
      table_size = TableSize(n, distinct.count(), s.min, s.max);
    }
    if (pack_width >= 8) {
      varbits_size = EstimateVarbits(hist, n);
    }
  }
  if (table_size < best && table_size <= varbits_size) {
    page.encoding = Encoding::kTable;
    page.bit_width = static_cast<uint16_t>(pack_width);
    page.bytes = EncodeTable(values);
    return page;
  }
  if (varbits_size < best) {
    std::string v = EncodeVarbitsWith(values, s.min);
    if (v.size() < best) {
      page.encoding = Encoding::kVarbits;
      page.bit_width = static_cast<uint16_t>(pack_width);
      page.bytes = std::move(v);
      return page;
    }
  }
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
  if (encoding == Encoding::kTable) {
    return DecodeTableInto(page, out);
  }
  if (encoding == Encoding::kVarbits) {
    return DecodeVarbitsInto(page, out);
  }
  Unpack(encoding, page, out);
  return Status::Ok();
}

Result<std::vector<uint64_t>> DecodeU64(Encoding encoding, ByteView page, uint32_t n) {
  VV_RETURN_IF_ERROR(Check(encoding, page, n));
  std::vector<uint64_t> out(n);
  VV_RETURN_IF_ERROR(DecodeU64Into(encoding, page, out));
  return out;
}

F64Page EncodeF64Page(std::span<const uint64_t> bits) {
  F64Page page;
  bool any = false;
  double lo = 0;
  double hi = 0;
  for (uint64_t b : bits) {
    const double d = BitsToDouble(b);
    if (std::isnan(d)) {
      continue;
    }
    if (!any || d < lo) {
      lo = d;
      page.min = b;
    }
    if (!any || d > hi) {
      hi = d;
      page.max = b;
    }
    any = true;
  }
  const size_t n = bits.size();
  page.encoding = Encoding::kPlain;
  page.bytes = EncodePlainU64(bits, 8);
  if (n < 4) {
    return page;
  }
  // DECIMAL with the smallest exponent that represents every value exactly.
  std::vector<uint64_t> mantissas(n);
  for (int e = 0; e <= kMaxDecimalExponent; ++e) {
    bool ok = true;
    for (size_t i = 0; i < n && ok; ++i) {
      int64_t m = 0;
      ok = DecimalMantissa(bits[i], e, &m);
      mantissas[i] = ZigZag64(m);
    }
    if (ok) {
      U64Page inner = EncodeU64Page(mantissas);
      if (inner.encoding == Encoding::kDelta) {
        inner.encoding = Encoding::kBitpack;
        inner.bytes = EncodeBitpack(mantissas);
      }
      if (2 + inner.bytes.size() < page.bytes.size()) {
        page.encoding = Encoding::kDecimal;
        page.bytes.clear();
        page.bytes.push_back(static_cast<char>(e));
        page.bytes.push_back(static_cast<char>(inner.encoding));
        page.bytes += inner.bytes;
      }
      break;
    }
  }
  DistinctCounter distinct;
  for (uint64_t b : bits) {
    if (!distinct.Add(b)) {
      break;
    }
  }
  if (!distinct.over()) {
    const U64Stats s = Measure(bits);
    if (TableSize(n, distinct.count(), s.min, s.max) < page.bytes.size()) {
      page.encoding = Encoding::kTable;
      page.bytes = EncodeTable(bits);
    }
  }
  return page;
}

Status DecodeF64Into(Encoding encoding, ByteView page, std::span<uint64_t> out) {
  VV_RETURN_IF_ERROR(CheckCount(out.size()));
  switch (encoding) {
    case Encoding::kPlain:
      if (!page.empty() && page[0] != 8) {
        return Status::DataLoss("f64 plain page is not 8 bytes wide");
      }
      return DecodeU64Into(encoding, page, out);
    case Encoding::kTable:
      return DecodeTableInto(page, out);
    case Encoding::kDecimal: {
      if (page.size() < 2 || page[0] > kMaxDecimalExponent) {
        return Status::DataLoss("decimal page has a malformed header");
      }
      const int e = page[0];
      const auto inner = static_cast<Encoding>(page[1]);
      if (inner != Encoding::kPlain && inner != Encoding::kBitpack && inner != Encoding::kTable
          && inner != Encoding::kVarbits) {
        return Status::DataLoss("decimal page has an invalid inner encoding");
      }
      VV_RETURN_IF_ERROR(DecodeU64Into(inner, page.substr(2), out));
      for (uint64_t& v : out) {
        v = DoubleToBits(static_cast<double>(UnZigZag64(v)) / kPow10[e]);
      }
      return Status::Ok();
    }
    default:
      return Status::InvalidArgument("encoding " + std::string(EncodingName(encoding))
                                     + " does not hold f64 values");
  }
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
