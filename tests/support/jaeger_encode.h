#pragma once

// Test-side encoders for the Jaeger and Zipkin wire formats: a Jaeger Batch (thrift binary or
// compact, bare or as an Agent.emitBatch message, or as an api_v2 PostSpansRequest) and Zipkin
// v2 spans (JSON or proto3). Used by unit tests, fuzz seeds and the receiver benchmark; the
// receivers themselves only decode. Header-only.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/protowire.h"

namespace vivace::testing {

struct JTag {
  std::string key;
  int32_t type = 0;  // thrift TagType: STRING=0, DOUBLE=1, BOOL=2, LONG=3, BINARY=4
  std::string str;
  double dbl = 0;
  bool boolean = false;
  int64_t lng = 0;
  std::string binary;

  static JTag Str(std::string k, std::string v) {
    return {std::move(k), 0, std::move(v), 0, false, 0, {}};
  }

  static JTag Dbl(std::string k, double v) { return {std::move(k), 1, {}, v, false, 0, {}}; }

  static JTag Bool(std::string k, bool v) { return {std::move(k), 2, {}, 0, v, 0, {}}; }

  static JTag Long(std::string k, int64_t v) { return {std::move(k), 3, {}, 0, false, v, {}}; }

  static JTag Bin(std::string k, std::string v) {
    return {std::move(k), 4, {}, 0, false, 0, std::move(v)};
  }
};

struct JLog {
  int64_t timestamp_us = 0;
  std::vector<JTag> fields;
};

struct JRef {
  int32_t type = 0;  // CHILD_OF=0, FOLLOWS_FROM=1
  int64_t trace_low = 0;
  int64_t trace_high = 0;
  int64_t span_id = 0;
};

struct JSpan {
  int64_t trace_low = 0;
  int64_t trace_high = 0;
  int64_t span_id = 0;
  int64_t parent_span_id = 0;
  std::string operation_name;
  std::vector<JRef> references;
  int32_t flags = 1;
  int64_t start_us = 0;
  int64_t duration_us = 0;
  std::vector<JTag> tags;
  std::vector<JLog> logs;
};

struct JBatch {
  std::string service_name;
  std::vector<JTag> process_tags;
  std::vector<JSpan> spans;
};

// A thrift writer for either protocol.
class ThriftWriter {
 public:
  explicit ThriftWriter(bool compact) : compact_(compact) {}

  std::string& out() { return out_; }

  void MessageBegin(std::string_view name, int type, int32_t seqid) {
    if (compact_) {
      out_ += static_cast<char>(0x82);
      out_ += static_cast<char>((type << 5) | 1);
      Varint(static_cast<uint32_t>(seqid));
      Varint(name.size());
      out_ += name;
    } else {
      Be(0x80010000u | static_cast<uint32_t>(type), 4);
      Be(name.size(), 4);
      out_ += name;
      Be(static_cast<uint32_t>(seqid), 4);
    }
  }

  void StructBegin() {
    stack_.push_back(last_);
    last_ = 0;
  }

  void StructEnd() {
    out_ += '\0';
    last_ = stack_.back();
    stack_.pop_back();
  }

  // Binary type ids: BOOL=2 DOUBLE=4 I16=6 I32=8 I64=10 STRING=11 STRUCT=12 LIST=15.
  void Field(int type, int16_t id, bool bool_value = false) {
    if (compact_) {
      int ct = Compact(type);
      if (type == 2) {
        ct = bool_value ? 1 : 2;
      }
      if (id > last_ && id - last_ <= 15) {
        out_ += static_cast<char>(((id - last_) << 4) | ct);
      } else {
        out_ += static_cast<char>(ct);
        Zigzag(id);
      }
      last_ = id;
    } else {
      out_ += static_cast<char>(type);
      Be(static_cast<uint16_t>(id), 2);
    }
  }

  void BoolField(int16_t id, bool v) {
    Field(2, id, v);
    if (!compact_) {
      out_ += static_cast<char>(v ? 1 : 0);
    }
  }

  void I32(int32_t v) { compact_ ? Zigzag(v) : Be(static_cast<uint32_t>(v), 4); }

  void I16(int16_t v) { compact_ ? Zigzag(v) : Be(static_cast<uint16_t>(v), 2); }

  void I64(int64_t v) { compact_ ? Zigzag(v) : Be(static_cast<uint64_t>(v), 8); }

  void Double(double d) {
    uint64_t bits = 0;
    std::memcpy(&bits, &d, 8);
    if (compact_) {
      out_.append(reinterpret_cast<const char*>(&bits), 8);
    } else {
      Be(bits, 8);
    }
  }

  void String(std::string_view s) {
    compact_ ? Varint(s.size()) : Be(s.size(), 4);
    out_ += s;
  }

  void ListBegin(int elem_type, size_t n) {
    if (compact_) {
      int ct = Compact(elem_type);
      if (n <= 14) {
        out_ += static_cast<char>((n << 4) | ct);
      } else {
        out_ += static_cast<char>(0xf0 | ct);
        Varint(n);
      }
    } else {
      out_ += static_cast<char>(elem_type);
      Be(n, 4);
    }
  }

 private:
  static int Compact(int type) {
    switch (type) {
      case 2:
        return 1;
      case 3:
        return 3;
      case 4:
        return 7;
      case 6:
        return 4;
      case 8:
        return 5;
      case 10:
        return 6;
      case 11:
        return 8;
      case 12:
        return 12;
      case 13:
        return 11;
      case 14:
        return 10;
      default:
        return 9;
    }
  }

  void Be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
      out_ += static_cast<char>(v >> (8 * i));
    }
  }

  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>(v | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }

  void Zigzag(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }

  bool compact_;
  std::string out_;
  std::vector<int16_t> stack_;
  int16_t last_ = 0;
};

inline void WriteTag(ThriftWriter& w, const JTag& t) {
  w.StructBegin();
  w.Field(11, 1);
  w.String(t.key);
  w.Field(8, 2);
  w.I32(t.type);
  switch (t.type) {
    case 0:
      w.Field(11, 3);
      w.String(t.str);
      break;
    case 1:
      w.Field(4, 4);
      w.Double(t.dbl);
      break;
    case 2:
      w.BoolField(5, t.boolean);
      break;
    case 3:
      w.Field(10, 6);
      w.I64(t.lng);
      break;
    default:
      w.Field(11, 7);
      w.String(t.binary);
      break;
  }
  w.StructEnd();
}

inline void WriteTags(ThriftWriter& w, int16_t id, const std::vector<JTag>& tags) {
  w.Field(15, id);
  w.ListBegin(12, tags.size());
  for (const JTag& t : tags) {
    WriteTag(w, t);
  }
}

inline void WriteBatch(ThriftWriter& w, const JBatch& b) {
  w.StructBegin();
  w.Field(12, 1);  // process
  w.StructBegin();
  w.Field(11, 1);
  w.String(b.service_name);
  if (!b.process_tags.empty()) {
    WriteTags(w, 2, b.process_tags);
  }
  w.StructEnd();
  w.Field(15, 2);  // spans
  w.ListBegin(12, b.spans.size());
  for (const JSpan& s : b.spans) {
    w.StructBegin();
    w.Field(10, 1);
    w.I64(s.trace_low);
    w.Field(10, 2);
    w.I64(s.trace_high);
    w.Field(10, 3);
    w.I64(s.span_id);
    w.Field(10, 4);
    w.I64(s.parent_span_id);
    w.Field(11, 5);
    w.String(s.operation_name);
    if (!s.references.empty()) {
      w.Field(15, 6);
      w.ListBegin(12, s.references.size());
      for (const JRef& r : s.references) {
        w.StructBegin();
        w.Field(8, 1);
        w.I32(r.type);
        w.Field(10, 2);
        w.I64(r.trace_low);
        w.Field(10, 3);
        w.I64(r.trace_high);
        w.Field(10, 4);
        w.I64(r.span_id);
        w.StructEnd();
      }
    }
    w.Field(8, 7);
    w.I32(s.flags);
    w.Field(10, 8);
    w.I64(s.start_us);
    w.Field(10, 9);
    w.I64(s.duration_us);
    if (!s.tags.empty()) {
      WriteTags(w, 10, s.tags);
    }
    if (!s.logs.empty()) {
      w.Field(15, 11);
      w.ListBegin(12, s.logs.size());
      for (const JLog& l : s.logs) {
        w.StructBegin();
        w.Field(10, 1);
        w.I64(l.timestamp_us);
        WriteTags(w, 2, l.fields);
        w.StructEnd();
      }
    }
    w.StructEnd();
  }
  w.StructEnd();
}

// The Jaeger HTTP /api/traces body: a bare Batch in the binary protocol.
inline std::string EncodeThriftBatch(const JBatch& b) {
  ThriftWriter w(false);
  WriteBatch(w, b);
  return std::move(w.out());
}

// An agent UDP datagram: Agent.emitBatch (ONEWAY) in the compact or binary protocol.
inline std::string EncodeEmitBatch(const JBatch& b, bool compact, int32_t seqid = 1) {
  ThriftWriter w(compact);
  w.MessageBegin("emitBatch", 4, seqid);
  w.StructBegin();  // emitBatch_args
  w.Field(12, 1);
  WriteBatch(w, b);
  w.StructEnd();
  return std::move(w.out());
}

// --- protobuf (jaeger.api_v2) ----------------------------------------------------------------

inline std::string Be64(uint64_t v) {
  std::string out;
  for (int i = 7; i >= 0; --i) {
    out += static_cast<char>(v >> (8 * i));
  }
  return out;
}

inline std::string Be128(int64_t high, int64_t low) {
  return Be64(static_cast<uint64_t>(high)) + Be64(static_cast<uint64_t>(low));
}

inline std::string ProtoTimestamp(int64_t us) {
  std::string t;
  protowire::AppendVarintField(t, 1, static_cast<uint64_t>(us / 1000000));
  protowire::AppendVarintField(t, 2, static_cast<uint64_t>((us % 1000000) * 1000));
  return t;
}

inline std::string ProtoKeyValue(const JTag& tag) {
  std::string kv;
  protowire::AppendLenField(kv, 1, tag.key);
  static constexpr int kProtoType[5] = {0, 3, 1, 2, 4};  // thrift TagType -> api_v2 ValueType
  protowire::AppendVarintField(kv, 2, static_cast<uint64_t>(kProtoType[tag.type]));
  switch (tag.type) {
    case 0:
      protowire::AppendLenField(kv, 3, tag.str);
      break;
    case 1: {
      uint64_t bits = 0;
      std::memcpy(&bits, &tag.dbl, 8);
      protowire::AppendFixed64Field(kv, 6, bits);
      break;
    }
    case 2:
      protowire::AppendVarintField(kv, 4, tag.boolean ? 1 : 0);
      break;
    case 3:
      protowire::AppendVarintField(kv, 5, static_cast<uint64_t>(tag.lng));
      break;
    default:
      protowire::AppendLenField(kv, 7, tag.binary);
      break;
  }
  return kv;
}

// A PostSpansRequest for the batch (parents as CHILD_OF references, as Jaeger SDKs send them).
inline std::string EncodePostSpans(const JBatch& b) {
  std::string batch;
  for (const JSpan& s : b.spans) {
    std::string span;
    protowire::AppendLenField(span, 1, Be128(s.trace_high, s.trace_low));
    protowire::AppendLenField(span, 2, Be64(static_cast<uint64_t>(s.span_id)));
    protowire::AppendLenField(span, 3, s.operation_name);
    auto ref = [&](int32_t type, int64_t th, int64_t tl, int64_t id) {
      std::string r;
      protowire::AppendLenField(r, 1, Be128(th, tl));
      protowire::AppendLenField(r, 2, Be64(static_cast<uint64_t>(id)));
      if (type != 0) {
        protowire::AppendVarintField(r, 3, static_cast<uint64_t>(type));
      }
      protowire::AppendLenField(span, 4, r);
    };
    if (s.parent_span_id != 0) {
      ref(0, s.trace_high, s.trace_low, s.parent_span_id);
    }
    for (const JRef& r : s.references) {
      ref(r.type, r.trace_high, r.trace_low, r.span_id);
    }
    protowire::AppendVarintField(span, 5, static_cast<uint64_t>(s.flags));
    protowire::AppendLenField(span, 6, ProtoTimestamp(s.start_us));
    std::string d;
    protowire::AppendVarintField(d, 1, static_cast<uint64_t>(s.duration_us / 1000000));
    protowire::AppendVarintField(d, 2, static_cast<uint64_t>((s.duration_us % 1000000) * 1000));
    protowire::AppendLenField(span, 7, d);
    for (const JTag& t : s.tags) {
      protowire::AppendLenField(span, 8, ProtoKeyValue(t));
    }
    for (const JLog& l : s.logs) {
      std::string log;
      protowire::AppendLenField(log, 1, ProtoTimestamp(l.timestamp_us));
      for (const JTag& t : l.fields) {
        protowire::AppendLenField(log, 2, ProtoKeyValue(t));
      }
      protowire::AppendLenField(span, 9, log);
    }
    protowire::AppendLenField(batch, 1, span);
  }
  std::string process;
  protowire::AppendLenField(process, 1, b.service_name);
  for (const JTag& t : b.process_tags) {
    protowire::AppendLenField(process, 2, ProtoKeyValue(t));
  }
  protowire::AppendLenField(batch, 2, process);
  std::string req;
  protowire::AppendLenField(req, 1, batch);
  return req;
}

}  // namespace vivace::testing
