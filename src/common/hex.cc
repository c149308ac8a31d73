#include "common/hex.h"

namespace vivace {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int Nibble(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

void AppendHex(std::string& out, ByteView bytes) {
  size_t off = out.size();
  out.resize(off + bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[off + 2 * i] = kDigits[bytes[i] >> 4];
    out[off + 2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
}

std::string HexEncode(ByteView bytes) {
  std::string out;
  AppendHex(out, bytes);
  return out;
}

bool HexDecodeInto(std::string_view hex, uint8_t* out, size_t n) {
  if (hex.size() != 2 * n) {
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    int hi = Nibble(hex[2 * i]);
    int lo = Nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return false;
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) {
    return false;
  }
  out->resize(hex.size() / 2);
  return HexDecodeInto(hex, reinterpret_cast<uint8_t*>(out->data()), out->size());
}

}  // namespace vivace
