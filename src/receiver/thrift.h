#pragma once

// Thrift wire readers: TBinaryProtocol and TCompactProtocol (docs/receivers.md has the byte
// layouts), behind one interface so that the Jaeger and Zipkin decoders are written once as
// templates over the reader. Every read is bounds-checked; on malformed input a reader records
// an error (error()) and all further reads fail, so decoders simply stop.
//
// Limits: container sizes are checked against the bytes left (each element takes at least one
// byte), and skipping unknown fields recurses at most kMaxDepth levels.
//
// Reader API (both classes):
//   bool ReadMessageBegin(std::string_view* name, MessageType* type, int32_t* seqid)
//   void StructBegin() / StructEnd()
//   bool FieldBegin(TType* type, int16_t* id)   // false at STOP or on error
//   bool ReadBool/ReadByte/ReadI16/ReadI32/ReadI64/ReadDouble/ReadString(...)
//   bool ListBegin(TType* elem, uint32_t* size)  // lists and sets
//   bool Skip(TType type)

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace vivace::receiver::thrift {

// Type ids as TBinaryProtocol writes them; the compact reader maps its own ids to these.
enum class TType : uint8_t {
  kStop = 0,
  kBool = 2,
  kByte = 3,
  kDouble = 4,
  kI16 = 6,
  kI32 = 8,
  kI64 = 10,
  kString = 11,
  kStruct = 12,
  kMap = 13,
  kSet = 14,
  kList = 15,
  kUuid = 16,
};

enum class MessageType : uint8_t { kCall = 1, kReply = 2, kException = 3, kOneway = 4 };

inline constexpr int kMaxDepth = 64;

// Shared state and primitive reads.
class ReaderBase {
 public:
  explicit ReaderBase(ByteView buf) : p_(buf.data()), end_(buf.data() + buf.size()) {}

  bool ok() const { return error_ == nullptr; }

  // A lower-case description of the first error, or "" when ok.
  const char* error() const { return error_ == nullptr ? "" : error_; }

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  size_t position(ByteView start) const { return static_cast<size_t>(p_ - start.data()); }

  bool Fail(const char* why) {
    if (error_ == nullptr) {
      error_ = why;
    }
    p_ = end_;
    return false;
  }

 protected:
  bool Take(size_t n, const uint8_t** out) {
    if (static_cast<size_t>(end_ - p_) < n) {
      return Fail("unexpected end of input");
    }
    *out = p_;
    p_ += n;
    return true;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  const char* error_ = nullptr;
};

class BinaryReader : public ReaderBase {
 public:
  using ReaderBase::ReaderBase;

  bool ReadMessageBegin(std::string_view* name, MessageType* type, int32_t* seqid) {
    int32_t first = 0;
    if (!ReadI32(&first)) {
      return false;
    }
    if (first < 0) {  // strict: version word, then name and seqid
      if ((static_cast<uint32_t>(first) & 0xffff0000u) != 0x80010000u) {
        return Fail("bad thrift binary protocol version");
      }
      *type = static_cast<MessageType>(first & 0xff);
      return ReadString(name) && ReadI32(seqid);
    }
    // Old (non-strict) envelope: name, type byte, seqid.
    const uint8_t* s = nullptr;
    if (!Take(static_cast<size_t>(first), &s)) {
      return false;
    }
    *name = std::string_view(reinterpret_cast<const char*>(s), static_cast<size_t>(first));
    int8_t t = 0;
    if (!ReadByte(&t)) {
      return false;
    }
    *type = static_cast<MessageType>(t);
    return ReadI32(seqid);
  }

  void StructBegin() {}

  void StructEnd() {}

  bool FieldBegin(TType* type, int16_t* id) {
    const uint8_t* b = nullptr;
    if (!Take(1, &b)) {
      return false;
    }
    *type = static_cast<TType>(*b);
    if (*type == TType::kStop) {
      return false;
    }
    return ReadI16(id);
  }

  bool ReadBool(bool* v) {
    const uint8_t* b = nullptr;
    if (!Take(1, &b)) {
      return false;
    }
    *v = *b != 0;
    return true;
  }

  bool ReadByte(int8_t* v) {
    const uint8_t* b = nullptr;
    if (!Take(1, &b)) {
      return false;
    }
    *v = static_cast<int8_t>(*b);
    return true;
  }

  bool ReadI16(int16_t* v) {
    uint64_t u = 0;
    if (!ReadBig(2, &u)) {
      return false;
    }
    *v = static_cast<int16_t>(u);
    return true;
  }

  bool ReadI32(int32_t* v) {
    uint64_t u = 0;
    if (!ReadBig(4, &u)) {
      return false;
    }
    *v = static_cast<int32_t>(u);
    return true;
  }

  bool ReadI64(int64_t* v) {
    uint64_t u = 0;
    if (!ReadBig(8, &u)) {
      return false;
    }
    *v = static_cast<int64_t>(u);
    return true;
  }

  bool ReadDouble(double* v) {
    uint64_t u = 0;
    if (!ReadBig(8, &u)) {
      return false;
    }
    std::memcpy(v, &u, 8);
    return true;
  }

  bool ReadString(std::string_view* v) {
    int32_t len = 0;
    if (!ReadI32(&len)) {
      return false;
    }
    if (len < 0) {
      return Fail("negative string length");
    }
    const uint8_t* s = nullptr;
    if (!Take(static_cast<size_t>(len), &s)) {
      return false;
    }
    *v = std::string_view(reinterpret_cast<const char*>(s), static_cast<size_t>(len));
    return true;
  }

  bool ListBegin(TType* elem, uint32_t* size) {
    const uint8_t* b = nullptr;
    int32_t n = 0;
    if (!Take(1, &b) || !ReadI32(&n)) {
      return false;
    }
    *elem = static_cast<TType>(*b);
    return CheckSize(n, size);
  }

  bool MapBegin(TType* key, TType* value, uint32_t* size) {
    const uint8_t* b = nullptr;
    int32_t n = 0;
    if (!Take(2, &b) || !ReadI32(&n)) {
      return false;
    }
    *key = static_cast<TType>(b[0]);
    *value = static_cast<TType>(b[1]);
    return CheckSize(n, size);
  }

  bool Skip(TType type) { return SkipDepth(type, 0); }

 private:
  bool ReadBig(int n, uint64_t* out) {
    const uint8_t* b = nullptr;
    if (!Take(static_cast<size_t>(n), &b)) {
      return false;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) {
      v = v << 8 | b[i];
    }
    *out = v;
    return true;
  }

  bool CheckSize(int32_t n, uint32_t* size) {
    if (n < 0) {
      return Fail("negative container size");
    }
    if (static_cast<size_t>(n) > remaining()) {
      return Fail("container size exceeds the input");
    }
    *size = static_cast<uint32_t>(n);
    return true;
  }

  bool SkipDepth(TType type, int depth);
};

class CompactReader : public ReaderBase {
 public:
  explicit CompactReader(ByteView buf) : ReaderBase(buf) { last_ids_.reserve(8); }

  bool ReadMessageBegin(std::string_view* name, MessageType* type, int32_t* seqid) {
    const uint8_t* b = nullptr;
    if (!Take(2, &b)) {
      return false;
    }
    if (b[0] != 0x82) {
      return Fail("bad thrift compact protocol id");
    }
    if ((b[1] & 0x1f) != 1) {
      return Fail("bad thrift compact protocol version");
    }
    *type = static_cast<MessageType>((b[1] >> 5) & 0x07);
    uint64_t seq = 0;
    if (!ReadVarint(&seq)) {
      return false;
    }
    *seqid = static_cast<int32_t>(seq);
    return ReadString(name);
  }

  void StructBegin() {
    last_ids_.push_back(last_id_);
    last_id_ = 0;
  }

  void StructEnd() {
    if (!last_ids_.empty()) {
      last_id_ = last_ids_.back();
      last_ids_.pop_back();
    }
  }

  bool FieldBegin(TType* type, int16_t* id) {
    const uint8_t* b = nullptr;
    if (!Take(1, &b)) {
      return false;
    }
    uint8_t h = *b;
    if (h == 0) {
      return false;  // STOP
    }
    uint8_t ct = h & 0x0f;
    uint8_t delta = h >> 4;
    if (delta != 0) {
      *id = static_cast<int16_t>(last_id_ + delta);
    } else {
      int16_t full = 0;
      if (!ReadI16(&full)) {
        return false;
      }
      *id = full;
    }
    if (ct == 1 || ct == 2) {
      pending_bool_ = ct == 1;
      has_pending_bool_ = true;
    }
    if (!Convert(ct, type)) {
      return false;
    }
    last_id_ = *id;
    return true;
  }

  bool ReadBool(bool* v) {
    if (has_pending_bool_) {
      has_pending_bool_ = false;
      *v = pending_bool_;
      return true;
    }
    const uint8_t* b = nullptr;
    if (!Take(1, &b)) {
      return false;
    }
    *v = *b == 1;
    return true;
  }

  bool ReadByte(int8_t* v) {
    const uint8_t* b = nullptr;
    if (!Take(1, &b)) {
      return false;
    }
    *v = static_cast<int8_t>(*b);
    return true;
  }

  bool ReadI16(int16_t* v) {
    int64_t x = 0;
    if (!ReadZigzag(&x)) {
      return false;
    }
    *v = static_cast<int16_t>(x);
    return true;
  }

  bool ReadI32(int32_t* v) {
    int64_t x = 0;
    if (!ReadZigzag(&x)) {
      return false;
    }
    *v = static_cast<int32_t>(x);
    return true;
  }

  bool ReadI64(int64_t* v) { return ReadZigzag(v); }

  bool ReadDouble(double* v) {
    const uint8_t* b = nullptr;
    if (!Take(8, &b)) {
      return false;
    }
    std::memcpy(v, b, 8);  // little-endian on the wire and on our hosts
    return true;
  }

  bool ReadString(std::string_view* v) {
    uint64_t len = 0;
    if (!ReadVarint(&len)) {
      return false;
    }
    if (len > remaining()) {
      return Fail("unexpected end of input");
    }
    *v = std::string_view(reinterpret_cast<const char*>(p_), static_cast<size_t>(len));
    p_ += len;
    return true;
  }

  bool ListBegin(TType* elem, uint32_t* size) {
    const uint8_t* b = nullptr;
    if (!Take(1, &b)) {
      return false;
    }
    uint64_t n = *b >> 4;
    if (n == 15) {
      if (!ReadVarint(&n)) {
        return false;
      }
    }
    if (!Convert(*b & 0x0f, elem)) {
      return false;
    }
    return CheckSize(n, size);
  }

  bool MapBegin(TType* key, TType* value, uint32_t* size) {
    uint64_t n = 0;
    if (!ReadVarint(&n)) {
      return false;
    }
    if (n == 0) {
      *key = TType::kStop;
      *value = TType::kStop;
      *size = 0;
      return true;
    }
    const uint8_t* b = nullptr;
    if (!Take(1, &b) || !Convert(*b >> 4, key) || !Convert(*b & 0x0f, value)) {
      return false;
    }
    return CheckSize(n, size);
  }

  bool Skip(TType type) { return SkipDepth(type, 0); }

 private:
  bool Convert(uint8_t ct, TType* out) {
    static constexpr TType kMap[14] = {TType::kStop,   TType::kBool, TType::kBool, TType::kByte,
                                       TType::kI16,    TType::kI32,  TType::kI64,  TType::kDouble,
                                       TType::kString, TType::kList, TType::kSet,  TType::kMap,
                                       TType::kStruct, TType::kUuid};
    if (ct >= 14) {
      return Fail("unknown thrift compact type");
    }
    *out = kMap[ct];
    return true;
  }

  bool CheckSize(uint64_t n, uint32_t* size) {
    if (n > remaining()) {
      return Fail("container size exceeds the input");
    }
    *size = static_cast<uint32_t>(n);
    return true;
  }

  bool ReadVarint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ == end_) {
        return Fail("unexpected end of input");
      }
      uint8_t b = *p_++;
      v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return Fail("varint too long");
  }

  bool ReadZigzag(int64_t* v) {
    uint64_t u = 0;
    if (!ReadVarint(&u)) {
      return false;
    }
    *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    return true;
  }

  bool SkipDepth(TType type, int depth);

  std::vector<int16_t> last_ids_;
  int16_t last_id_ = 0;
  bool pending_bool_ = false;
  bool has_pending_bool_ = false;
};

// Reads a struct field by field: calls on_field(type, id) for each, which must consume the
// value (read or Skip it) and return false to stop on error. Returns false on error.
template <typename Reader, typename OnField>
bool ReadStruct(Reader& r, OnField&& on_field) {
  r.StructBegin();
  TType type = TType::kStop;
  int16_t id = 0;
  while (r.FieldBegin(&type, &id)) {
    if (!on_field(type, id)) {
      return false;
    }
  }
  r.StructEnd();
  return r.ok();
}

}  // namespace vivace::receiver::thrift
