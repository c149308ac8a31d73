#include "receiver/json_reader.h"

#include <array>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

namespace vivace::receiver {
namespace {

// Length of the valid UTF-8 sequence at p (first byte >= 0x80), or 0 if invalid: no overlong
// forms, no surrogates, nothing above U+10FFFF.
size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  const unsigned char c = p[0];
  const size_t left = static_cast<size_t>(end - p);
  if (c >= 0xC2 && c <= 0xDF) {
    return left >= 2 && cont(p[1]) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !cont(p[1]) || !cont(p[2])) {
      return 0;
    }
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F)) {
      return 0;
    }
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3])) {
      return 0;
    }
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F)) {
      return 0;
    }
    return 4;
  }
  return 0;
}

int HexValue(char c) {
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

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Advances p over plain ASCII string bytes: stops at '"', '\\', a control character, a
// non-ASCII byte or the end.
const char* SkipPlain(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches non-ASCII.
    __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));
    int mask = _mm_movemask_epi8(special);
    if (mask != 0) {
      return p + __builtin_ctz(static_cast<unsigned>(mask));
    }
    p += 16;
  }
#endif
  while (p < end) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) {
      break;
    }
    ++p;
  }
  return p;
}

}  // namespace

bool JsonReader::Fail(std::string_view what) {
  if (error_.empty()) {
    error_ = fmt::format("invalid JSON: {} at offset {}", what, p_ - begin_);
    p_ = end_;
  }
  return false;
}

constexpr auto kE = JsonReader::Kind::kError;

constexpr JsonReader::Kind MakeStartKind(unsigned char c) {
  using K = JsonReader::Kind;
  switch (c) {
    case '"':
      return K::kString;
    case '{':
      return K::kObject;
    case '[':
      return K::kArray;
    case 'n':
      return K::kNull;
    case 't':
    case 'f':
      return K::kBool;
    case '-':
      return K::kNumber;
    default:
      return c >= '0' && c <= '9' ? K::kNumber : kE;
  }
}

template <size_t... I>
constexpr std::array<JsonReader::Kind, 256> StartKinds(std::index_sequence<I...>) {
  return {MakeStartKind(static_cast<unsigned char>(I))...};
}

const std::array<JsonReader::Kind, 256> JsonReader::kStartKind =
    StartKinds(std::make_index_sequence<256>());

JsonReader::Kind JsonReader::PeekFailed() {
  if (!failed()) {
    Fail(p_ < end_ ? "unexpected character" : "truncated document");
  }
  return Kind::kError;
}

bool JsonReader::ReadStringFailed() {
  if (failed()) {
    return false;
  }
  return Fail(p_ < end_ ? "expected a string" : "truncated document");
}

bool JsonReader::MemberFailed() {
  if (failed()) {
    return false;
  }
  return Fail(p_ < end_ ? "expected a member name, ':', ',' or '}' in object"
                        : "truncated document");
}

bool JsonReader::ElementFailed() {
  if (failed()) {
    return false;
  }
  return Fail(p_ < end_ ? "expected ',' or ']' in array" : "truncated document");
}

bool JsonReader::AtEndOfInput() {
  SkipWhitespace();
  return p_ >= end_;
}

bool JsonReader::ReadLiteral(std::string_view word) {
  if (static_cast<size_t>(end_ - p_) >= word.size()
      && std::memcmp(p_, word.data(), word.size()) == 0) {
    p_ += word.size();
    return true;
  }
  return Fail("malformed literal (true, false or null)");
}

bool JsonReader::ReadNull() {
  if (Peek() != Kind::kNull) {
    return failed() ? false : Fail("expected null");
  }
  return ReadLiteral("null");
}

bool JsonReader::ReadBool(bool* out) {
  if (Peek() != Kind::kBool) {
    return failed() ? false : Fail("expected true or false");
  }
  *out = *p_ == 't';
  return ReadLiteral(*out ? "true" : "false");
}

bool JsonReader::ReadStringAt(std::string_view* out) {
  const char* start = ++p_;
  while (true) {
    p_ = SkipPlain(p_, end_);
    if (p_ >= end_) {
      return Fail("unterminated string");
    }
    auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      *out = std::string_view(start, static_cast<size_t>(p_ - start));
      ++p_;
      return true;
    }
    if (c == '\\') {
      return ReadStringSlow(start, out);
    }
    if (c < 0x20) {
      return Fail("control character in string");
    }
    size_t n = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(p_),
                                  reinterpret_cast<const unsigned char*>(end_));
    if (n == 0) {
      return Fail("invalid UTF-8");
    }
    p_ += n;
  }
}

// The string from `start` has an escape at p_: unescape it into scratch_, then into the arena.
bool JsonReader::ReadStringSlow(const char* start, std::string_view* out) {
  scratch_.assign(start, static_cast<size_t>(p_ - start));
  while (true) {
    const char* run = p_;
    p_ = SkipPlain(p_, end_);
    scratch_.append(run, static_cast<size_t>(p_ - run));
    if (p_ >= end_) {
      return Fail("unterminated string");
    }
    auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      ++p_;
      *out = arena_->CopyString(scratch_);
      return true;
    }
    if (c < 0x20) {
      return Fail("control character in string");
    }
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(p_),
                                    reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) {
        return Fail("invalid UTF-8");
      }
      scratch_.append(p_, n);
      p_ += n;
      continue;
    }
    // A backslash.
    if (end_ - p_ < 2) {
      return Fail("unterminated string");
    }
    char e = p_[1];
    p_ += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        scratch_.push_back(e);
        break;
      case 'b':
        scratch_.push_back('\b');
        break;
      case 'f':
        scratch_.push_back('\f');
        break;
      case 'n':
        scratch_.push_back('\n');
        break;
      case 'r':
        scratch_.push_back('\r');
        break;
      case 't':
        scratch_.push_back('\t');
        break;
      case 'u': {
        auto hex4 = [&](const char* h, uint32_t* cp) {
          if (end_ - h < 4) {
            return false;
          }
          uint32_t v = 0;
          for (int i = 0; i < 4; ++i) {
            int d = HexValue(h[i]);
            if (d < 0) {
              return false;
            }
            v = v << 4 | static_cast<uint32_t>(d);
          }
          *cp = v;
          return true;
        };
        uint32_t cp = 0;
        if (!hex4(p_, &cp)) {
          return Fail("malformed \\u escape in string");
        }
        p_ += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return Fail("unpaired surrogate in string");
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low = 0;
          if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u' || !hex4(p_ + 2, &low) || low < 0xDC00
              || low > 0xDFFF) {
            return Fail("unpaired surrogate in string");
          }
          p_ += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        AppendUtf8(cp, &scratch_);
        break;
      }
      default:
        p_ -= 2;
        return Fail("invalid escape in string");
    }
  }
}

bool JsonReader::ReadNumber(int64_t* out, bool* is_int64) {
  if (Peek() != Kind::kNumber) {
    return failed() ? false : Fail("expected a number");
  }
  const char* p = p_;
  bool negative = false;
  if (*p == '-') {
    negative = true;
    ++p;
  }
  auto digit = [&](const char* q) { return q < end_ && *q >= '0' && *q <= '9'; };
  if (!digit(p)) {
    return Fail("malformed number");
  }
  uint64_t magnitude = 0;
  bool overflow = false;
  if (*p == '0') {
    ++p;
  } else {
    while (digit(p)) {
      auto d = static_cast<uint64_t>(*p - '0');
      if (magnitude > (UINT64_MAX - d) / 10) {
        overflow = true;
      } else {
        magnitude = magnitude * 10 + d;
      }
      ++p;
    }
  }
  bool integral = true;
  if (p < end_ && *p == '.') {
    integral = false;
    ++p;
    if (!digit(p)) {
      return Fail("malformed number");
    }
    while (digit(p)) {
      ++p;
    }
  }
  if (p < end_ && (*p == 'e' || *p == 'E')) {
    integral = false;
    ++p;
    if (p < end_ && (*p == '+' || *p == '-')) {
      ++p;
    }
    if (!digit(p)) {
      return Fail("malformed number");
    }
    while (digit(p)) {
      ++p;
    }
  }
  p_ = p;
  *is_int64 = false;
  if (integral && !overflow) {
    if (!negative && magnitude <= static_cast<uint64_t>(INT64_MAX)) {
      *out = static_cast<int64_t>(magnitude);
      *is_int64 = true;
    } else if (negative && magnitude <= static_cast<uint64_t>(INT64_MAX) + 1) {
      *out = static_cast<int64_t>(0 - magnitude);
      *is_int64 = true;
    }
  }
  return true;
}

bool JsonReader::BeginObject() {
  if (Peek() != Kind::kObject) {
    return failed() ? false : Fail("expected an object");
  }
  if (++depth_ > kMaxDepth) {
    return Fail("nested too deep");
  }
  ++p_;
  first_ = true;
  return true;
}

bool JsonReader::BeginArray() {
  if (Peek() != Kind::kArray) {
    return failed() ? false : Fail("expected an array");
  }
  if (++depth_ > kMaxDepth) {
    return Fail("nested too deep");
  }
  ++p_;
  first_ = true;
  return true;
}

// Recursion is bounded by kMaxDepth (BeginObject / BeginArray count the depth).
bool JsonReader::SkipValue() {
  switch (Peek()) {
    case Kind::kNull:
      return ReadLiteral("null");
    case Kind::kBool: {
      bool b = false;
      return ReadBool(&b);
    }
    case Kind::kNumber: {
      int64_t v = 0;
      bool is_int = false;
      return ReadNumber(&v, &is_int);
    }
    case Kind::kString: {
      std::string_view s;
      return ReadString(&s);
    }
    case Kind::kArray:
      if (!BeginArray()) {
        return false;
      }
      while (NextElement()) {
        if (!SkipValue()) {
          return false;
        }
      }
      return !failed();
    case Kind::kObject: {
      if (!BeginObject()) {
        return false;
      }
      std::string_view key;
      while (NextMember(&key)) {
        if (!SkipValue()) {
          return false;
        }
      }
      return !failed();
    }
    case Kind::kError:
      return false;
  }
  return false;
}

bool JsonReader::Finish() {
  if (failed()) {
    return false;
  }
  SkipWhitespace();
  if (p_ != end_) {
    return Fail("trailing data after the document");
  }
  return true;
}

}  // namespace vivace::receiver
