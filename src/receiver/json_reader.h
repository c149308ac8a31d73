#pragma once

// A strict, single-pass JSON pull reader for the receivers' hot decoders (Zipkin v2 JSON): the
// decoder walks the document in order and reads each value into its own struct, with no DOM or
// tape in between. Strings come back as views into the input when they hold no escape (the
// common case) and unescaped into the caller's arena otherwise.
//
// Strict like simdjson and Go's encoding/json syntax check: RFC 8259 grammar, UTF-8 validated in
// every string (invalid UTF-8 is an error, as simdjson has it), no control characters in strings,
// nesting at most kMaxDepth, nothing but whitespace after the root value. Skipped values are
// validated as thoroughly as read ones.
//
// Errors: the first one sticks; every later call returns false / kError, so decoders can check
// failed() once where convenient. error() names the problem and the byte offset.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/arena.h"

namespace vivace::receiver {

class JsonReader {
 public:
  static constexpr int kMaxDepth = 1024;  // simdjson's default

  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject, kError };

  JsonReader(std::string_view input, Arena* arena)
      : p_(input.data()), begin_(p_), end_(p_ + input.size()), arena_(arena) {}

  // The kind of the next value, after whitespace; kError at the end of the input or on a byte
  // that cannot start a value (the error is recorded).
  Kind Peek() {
    SkipWhitespace();
    if (p_ < end_) {
      Kind k = kStartKind[static_cast<unsigned char>(*p_)];
      if (k != Kind::kError) {
        return k;
      }
    }
    return PeekFailed();
  }

  // True if the input holds only whitespace (from the current position).
  bool AtEndOfInput();

  // Each reader consumes one value of its kind; on another kind it records an error and
  // returns false. Decoders Peek() first where the kind decides the meaning.
  bool ReadNull();
  bool ReadBool(bool* out);

  bool ReadString(std::string_view* out) {
    SkipWhitespace();
    if (p_ < end_ && *p_ == '"') {
      return ReadStringAt(out);
    }
    return ReadStringFailed();
  }

  // A number; `*is_int64` tells whether it is an integer literal (no fraction, no exponent) in
  // int64 range, in which case `*out` holds it.
  bool ReadNumber(int64_t* out, bool* is_int64);
  bool SkipValue();

  // Objects: BeginObject(), then NextMember(&key) until it returns false (the closing brace,
  // or an error: check failed()), reading each member's value in between.
  bool BeginObject();

  bool NextMember(std::string_view* key) {
    SkipWhitespace();
    if (p_ < end_) {
      if (*p_ == '}') {
        return EndContainer();
      }
      if (first_ || *p_ == ',') {
        p_ += first_ ? 0 : 1;
        first_ = false;
        SkipWhitespace();
        if (p_ < end_ && *p_ == '"' && ReadStringAt(key)) {
          SkipWhitespace();
          if (p_ < end_ && *p_ == ':') {
            ++p_;
            return true;
          }
        }
      }
    }
    return MemberFailed();
  }

  // Arrays: BeginArray(), then NextElement() until false, reading one value after each true.
  bool BeginArray();

  bool NextElement() {
    SkipWhitespace();
    if (p_ < end_) {
      if (*p_ == ']') {
        return EndContainer();
      }
      if (first_ || *p_ == ',') {
        p_ += first_ ? 0 : 1;
        first_ = false;
        return true;
      }
    }
    return ElementFailed();
  }

  // After the root value: only whitespace may follow.
  bool Finish();

  bool failed() const { return !error_.empty(); }

  const std::string& error() const { return error_; }

  // Records `what` (with the offset) unless an error is already recorded; returns false.
  bool Fail(std::string_view what);

 private:
  void SkipWhitespace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  static const std::array<Kind, 256> kStartKind;
  Kind PeekFailed();
  bool ReadStringFailed();
  bool MemberFailed();
  bool ElementFailed();

  bool EndContainer() {
    ++p_;
    --depth_;
    first_ = false;
    return false;
  }

  // p_ is at the opening quote.
  bool ReadStringAt(std::string_view* out);
  bool ReadStringSlow(const char* start, std::string_view* out);
  bool ReadLiteral(std::string_view word);

  const char* p_;
  const char* begin_;
  const char* end_;
  Arena* arena_;
  int depth_ = 0;
  bool first_ = false;  // the next NextMember / NextElement is the first of its container
  std::string scratch_;
  std::string error_;
};

}  // namespace vivace::receiver
