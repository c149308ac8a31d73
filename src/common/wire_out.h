#pragma once

// An appending protobuf writer for building messages front to back without message objects:
// the OTLP/JSON decoder and the Jaeger/Zipkin receivers emit OTLP protobuf with it.
//
// A nested message's length is only known once the message is closed, so Open() reserves a
// guessed number of bytes for the length varint and Close() writes it, shifting the payload when
// the guess was wrong. With guesses per message type (1 byte for attributes, 2 for spans, 3 for
// scope and resource spans) shifts are rare and small, and the output is canonical: byte for
// byte what protobuf itself writes. Not thread-safe.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "common/protowire.h"

namespace vivace::protowire {

class WireOut {
 public:
  // `expected` sizes the first buffer; it grows by doubling.
  explicit WireOut(size_t expected) : buf_(std::max<size_t>(expected, 256), '\0') {}

  // A message opened by Open(), to pass to Close().
  struct Mark {
    size_t at;    // where the length varint goes
    int reserve;  // bytes reserved for it
  };

  // Starts a length-delimited field. REQUIRES: 1 <= reserve <= 5.
  Mark Open(uint32_t field, int reserve) {
    Ensure(16);
    Tag(field, protowire::WireType::kLen);
    Mark m{pos_, reserve};
    pos_ += static_cast<size_t>(reserve);
    return m;
  }

  // Ends the field started by `m`. Fields opened after `m` must be closed already.
  void Close(Mark m) {
    size_t start = m.at + static_cast<size_t>(m.reserve);
    size_t len = pos_ - start;
    auto need = static_cast<int>(protowire::VarintSize(len));
    if (need != m.reserve) [[unlikely]] {
      Shift(m, start, len, need);
    }
    protowire::WriteVarint(reinterpret_cast<uint8_t*>(buf_.data() + m.at), len);
  }

  void VarintField(uint32_t field, uint64_t v) {
    Ensure(16);
    Tag(field, protowire::WireType::kVarint);
    Varint(v);
  }

  void Fixed64Field(uint32_t field, uint64_t v) {
    Ensure(16);
    Tag(field, protowire::WireType::kI64);
    std::memcpy(buf_.data() + pos_, &v, 8);  // little-endian hosts only, as protowire.h
    pos_ += 8;
  }

  void Fixed32Field(uint32_t field, uint32_t v) {
    Ensure(16);
    Tag(field, protowire::WireType::kI32);
    std::memcpy(buf_.data() + pos_, &v, 4);
    pos_ += 4;
  }

  void BytesField(uint32_t field, std::string_view s) {
    Ensure(16 + s.size());
    Tag(field, protowire::WireType::kLen);
    Varint(s.size());
    if (!s.empty()) {  // memcpy from a null view is undefined even for 0 bytes
      std::memcpy(buf_.data() + pos_, s.data(), s.size());
      pos_ += s.size();
    }
  }

  // The number of bytes written so far.
  size_t size() const { return pos_; }

  // Starts a length-delimited field of exactly `n` bytes and returns where to write them.
  uint8_t* RawField(uint32_t field, size_t n) {
    Ensure(16 + n);
    Tag(field, protowire::WireType::kLen);
    Varint(n);
    auto* p = reinterpret_cast<uint8_t*>(buf_.data() + pos_);
    pos_ += n;
    return p;
  }

  // The bytes written so far; the writer is empty afterwards.
  std::string Take() {
    buf_.resize(pos_);
    pos_ = 0;
    return std::move(buf_);
  }

 private:
  void Ensure(size_t n) {
    if (buf_.size() - pos_ < n) [[unlikely]] {
      Grow(n);
    }
  }

  [[gnu::noinline]] void Grow(size_t n) { buf_.resize(std::max(buf_.size() * 2, pos_ + n)); }

  [[gnu::noinline]] void Shift(Mark m, size_t start, size_t len, int need) {
    if (need > m.reserve) {
      Ensure(static_cast<size_t>(need - m.reserve));
    }
    std::memmove(buf_.data() + m.at + need, buf_.data() + start, len);
    pos_ = m.at + static_cast<size_t>(need) + len;
  }

  void Tag(uint32_t field, protowire::WireType type) { Varint(protowire::MakeTag(field, type)); }

  void Varint(uint64_t v) {
    auto* p = reinterpret_cast<uint8_t*>(buf_.data() + pos_);
    pos_ += static_cast<size_t>(protowire::WriteVarint(p, v) - p);
  }

  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace vivace::protowire
