#pragma once

// Protobuf wire-format primitives: a bounds-checked reader and an appending writer. The ingest
// path scans OTLP requests with these instead of building message objects, so every read is
// checked and a malformed input yields `false`, never an out-of-bounds access.
// Format reference: docs/format/protobuf-wire.md (tags, varints, length-delimited fields).

#include <cstdint>
#include <cstring>
#include <string>

#include "common/bytes.h"

namespace vivace::protowire {

enum class WireType : uint8_t { kVarint = 0, kI64 = 1, kLen = 2, kSGroup = 3, kEGroup = 4, kI32 = 5 };

inline uint32_t MakeTag(uint32_t field, WireType type) {
  return field << 3 | static_cast<uint32_t>(type);
}

// Reads fields one at a time from a message buffer.
//
//   Reader r(bytes);
//   while (r.Next()) { switch (r.field()) { case 1: ... r.bytes() ...; } }
//   if (!r.ok()) { malformed }
class Reader {
 public:
  explicit Reader(ByteView buf) : p_(buf.data()), end_(buf.data() + buf.size()) {}

  // Advances to the next field. Returns false at the end of the buffer or on malformed input
  // (then ok() is false). Groups are rejected: OTLP and Tempo messages never use them.
  bool Next() {
    if (p_ == end_) {
      return false;
    }
    uint64_t tag = *p_;
    if (tag < 0x80) [[likely]] {  // fields 1-15: a one-byte tag
      ++p_;
    } else if (!ReadVarint(&tag) || tag > UINT32_MAX) {
      return Fail();
    }
    field_ = static_cast<uint32_t>(tag >> 3);
    type_ = static_cast<WireType>(tag & 7);
    if (field_ == 0) {
      return Fail();
    }
    switch (type_) {
      case WireType::kVarint:
        if (p_ != end_ && *p_ < 0x80) {
          varint_ = *p_++;
          return true;
        }
        return ReadVarint(&varint_) || Fail();
      case WireType::kI64:
        if (end_ - p_ < 8) {
          return Fail();
        }
        std::memcpy(&varint_, p_, 8);  // little-endian hosts only (x86-64, arm64)
        p_ += 8;
        return true;
      case WireType::kI32: {
        if (end_ - p_ < 4) {
          return Fail();
        }
        uint32_t v = 0;
        std::memcpy(&v, p_, 4);
        varint_ = v;
        p_ += 4;
        return true;
      }
      case WireType::kLen: {
        uint64_t len = 0;
        if (p_ != end_ && *p_ < 0x80) {
          len = *p_++;
        } else if (!ReadVarint(&len)) {
          return Fail();
        }
        if (len > static_cast<uint64_t>(end_ - p_)) {
          return Fail();
        }
        bytes_ = ByteView(p_, static_cast<size_t>(len));
        p_ += len;
        return true;
      }
      default:
        return Fail();
    }
  }

  bool ok() const { return ok_; }
  uint32_t field() const { return field_; }
  WireType type() const { return type_; }
  // Value of a varint, fixed64 or fixed32 field.
  uint64_t varint() const { return varint_; }
  // Payload of a length-delimited field (a view into the input buffer).
  ByteView bytes() const { return bytes_; }
  // Start of the field just read's tag is not kept; callers that need raw spans use position().
  const uint8_t* position() const { return p_; }

 private:
  bool Fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }
  bool ReadVarint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) {
        return false;
      }
      uint8_t b = *p_++;
      v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  uint32_t field_ = 0;
  WireType type_ = WireType::kVarint;
  uint64_t varint_ = 0;
  ByteView bytes_;
  bool ok_ = true;
};

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

// Writes a varint into `p` and returns the byte after it. REQUIRES: room for VarintSize(v).
inline uint8_t* WriteVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

inline void AppendTag(std::string& out, uint32_t field, WireType type) {
  AppendVarint(out, MakeTag(field, type));
}

// Size of a length-delimited field with a payload of `len` bytes.
inline size_t LenFieldSize(uint32_t field, size_t len) {
  return VarintSize(MakeTag(field, WireType::kLen)) + VarintSize(len) + len;
}

inline void AppendLenField(std::string& out, uint32_t field, ByteView payload) {
  AppendTag(out, field, WireType::kLen);
  AppendVarint(out, payload.size());
  out.append(reinterpret_cast<const char*>(payload.data()), payload.size());
}

inline void AppendLenHeader(std::string& out, uint32_t field, size_t len) {
  AppendTag(out, field, WireType::kLen);
  AppendVarint(out, len);
}

inline void AppendVarintField(std::string& out, uint32_t field, uint64_t v) {
  AppendTag(out, field, WireType::kVarint);
  AppendVarint(out, v);
}

inline void AppendFixed64Field(std::string& out, uint32_t field, uint64_t v) {
  AppendTag(out, field, WireType::kI64);
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

inline void AppendFixed32Field(std::string& out, uint32_t field, uint32_t v) {
  AppendTag(out, field, WireType::kI32);
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

}  // namespace vivace::protowire
