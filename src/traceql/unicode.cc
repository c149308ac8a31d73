#include "traceql/unicode.h"

#include <locale.h>
#include <wctype.h>

namespace vivace::traceql {
namespace {

// glibc's C.UTF-8 locale classifies the whole of Unicode; nullptr if unavailable.
locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

}  // namespace

std::pair<uint32_t, size_t> DecodeRune(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    return {b, 1};
  }
  size_t n = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b & 0xE0) == 0xC0) {
    n = 2;
    cp = b & 0x1F;
    min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
    cp = b & 0x0F;
    min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4;
    cp = b & 0x07;
    min = 0x10000;
  } else {
    return {kRuneError, 1};
  }
  if (i + n > s.size()) {
    return {kRuneError, 1};
  }
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      return {kRuneError, 1};
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return {kRuneError, 1};
  }
  return {cp, n};
}

bool IsGoSpace(uint32_t cp) {
  switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool IsGoLetter(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (IsGoSpace(cp) || cp == kRuneError) {
    return false;
  }
  locale_t loc = Utf8Locale();
  if (loc == static_cast<locale_t>(nullptr)) {
    return true;
  }
  return iswalpha_l(static_cast<wint_t>(cp), loc) != 0;
}

bool IsGoDigit(uint32_t cp) {
  if (cp < 0x80) {
    return cp >= '0' && cp <= '9';
  }
  locale_t loc = Utf8Locale();
  if (loc == static_cast<locale_t>(nullptr)) {
    return false;
  }
  return iswdigit_l(static_cast<wint_t>(cp), loc) != 0;
}

bool IsAttributeRune(uint32_t cp) {
  if (IsGoSpace(cp)) {
    return false;
  }
  switch (cp) {
    case '{':
    case '}':
    case '(':
    case ')':
    case '=':
    case '~':
    case '!':
    case '<':
    case '>':
    case '&':
    case '|':
    case '^':
    case ',':
      return false;
    default:
      return true;
  }
}

}  // namespace vivace::traceql
