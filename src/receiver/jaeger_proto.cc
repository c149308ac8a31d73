// Jaeger protobuf decoding (jaeger-idl proto/api_v2/model.proto and collector.proto, field
// tables in docs/receivers.md), at the wire level with protowire::Reader. Follows the generated
// gogo code Tempo runs: a field with the wrong wire type fails the decode, unknown fields are
// skipped, a singular message field that occurs twice is merged, and IDs, timestamps and
// durations are validated as Jaeger's custom types and gogo's stdtime/stdduration do.

#include <cstring>

#include <fmt/format.h>

#include "common/protowire.h"
#include "receiver/jaeger.h"

namespace vivace::receiver {
namespace {

using protowire::Reader;
using protowire::WireType;

// time.Time{} (absent non-nullable timestamps) in Unix seconds: year 1.
constexpr int64_t kZeroTimeSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300800;  // year 10000, exclusive
constexpr int64_t kMaxDurationSeconds = 315576000000;   // 10000 years

Status Bad(std::string_view what) {
  return Status::InvalidArgument(fmt::format("jaeger proto: {}", what));
}

bool BigEndian(ByteView b, size_t at, uint64_t* out) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v = v << 8 | b[at + i];
  }
  *out = v;
  return true;
}

Status TraceIdField(ByteView b, uint64_t* high, uint64_t* low) {
  if (b.size() == 16) {
    BigEndian(b, 0, high);
    BigEndian(b, 8, low);
    return Status::Ok();
  }
  if (b.size() == 8) {
    *high = 0;
    BigEndian(b, 0, low);
    return Status::Ok();
  }
  return Bad(fmt::format("trace id has {} bytes (want 16 or 8)", b.size()));
}

Status SpanIdField(ByteView b, uint64_t* id) {
  if (b.size() != 8) {
    return Bad(fmt::format("span id has {} bytes (want 8)", b.size()));
  }
  BigEndian(b, 0, id);
  return Status::Ok();
}

// google.protobuf.Timestamp -> Unix nanoseconds as Go's time.UnixNano() computes them
// (two's-complement wrap outside its range), after gogo's validation.
Status TimestampField(ByteView b, uint64_t* unix_nano) {
  int64_t seconds = 0;
  int64_t nanos = 0;
  Reader r(b);
  while (r.Next()) {
    if ((r.field() == 1 || r.field() == 2) && r.type() != WireType::kVarint) {
      return Bad("timestamp field has the wrong wire type");
    }
    if (r.field() == 1) {
      seconds = static_cast<int64_t>(r.varint());
    } else if (r.field() == 2) {
      nanos = static_cast<int32_t>(r.varint());
    }
  }
  if (!r.ok()) {
    return Bad("malformed timestamp");
  }
  if (seconds < kZeroTimeSeconds || seconds >= kMaxTimestampSeconds || nanos < 0
      || nanos >= 1000000000) {
    return Bad("timestamp out of range");
  }
  *unix_nano = static_cast<uint64_t>(seconds) * 1000000000u + static_cast<uint64_t>(nanos);
  return Status::Ok();
}

Status DurationField(ByteView b, int64_t* nanos_out) {
  int64_t seconds = 0;
  int64_t nanos = 0;
  Reader r(b);
  while (r.Next()) {
    if ((r.field() == 1 || r.field() == 2) && r.type() != WireType::kVarint) {
      return Bad("duration field has the wrong wire type");
    }
    if (r.field() == 1) {
      seconds = static_cast<int64_t>(r.varint());
    } else if (r.field() == 2) {
      nanos = static_cast<int32_t>(r.varint());
    }
  }
  if (!r.ok()) {
    return Bad("malformed duration");
  }
  if (seconds < -kMaxDurationSeconds || seconds > kMaxDurationSeconds || nanos <= -1000000000
      || nanos >= 1000000000 || (seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0)) {
    return Bad("duration out of range");
  }
  // time.Duration must hold it.
  constexpr int64_t kMaxSeconds = INT64_MAX / 1000000000;
  if (seconds > kMaxSeconds || seconds < -kMaxSeconds) {
    return Bad("duration out of range for time.Duration");
  }
  *nanos_out = seconds * 1000000000 + nanos;
  return Status::Ok();
}

class ProtoBatchDecoder {
 public:
  explicit ProtoBatchDecoder(JaegerBatch* out) : out_(out) {}

  Status Request(ByteView b) {
    Reader r(b);
    while (r.Next()) {
      if (r.field() == 1) {
        if (r.type() != WireType::kLen) {
          return Bad("wrong wire type for PostSpansRequest.batch");
        }
        VV_RETURN_IF_ERROR(Batch(r.bytes()));
      }
    }
    return r.ok() ? Status::Ok() : Bad("malformed PostSpansRequest");
  }

 private:
  static uint32_t Idx(size_t n) { return static_cast<uint32_t>(n); }

  Status Batch(ByteView b) {
    Reader r(b);
    while (r.Next()) {
      if (r.field() != 1 && r.field() != 2) {
        continue;
      }
      if (r.type() != WireType::kLen) {
        return Bad("wrong wire type in Batch");
      }
      if (r.field() == 1) {
        VV_RETURN_IF_ERROR(Span(r.bytes()));
      } else {
        out_->has_process = true;
        VV_RETURN_IF_ERROR(Process(r.bytes(), &out_->process));
      }
    }
    return r.ok() ? Status::Ok() : Bad("malformed Batch");
  }

  // Merges into `p` (a repeated singular field merges, as protobuf does).
  Status Process(ByteView b, JaegerProcess* p) {
    if (p->tags_end != p->tags_begin && p->tags_end != out_->tags.size()) {
      // Keep the process's tags contiguous: move the earlier ones to the end first.
      uint32_t begin = Idx(out_->tags.size());
      for (uint32_t i = p->tags_begin; i < p->tags_end; ++i) {
        out_->tags.push_back(out_->tags[i]);
      }
      p->tags_begin = begin;
      p->tags_end = Idx(out_->tags.size());
    } else if (p->tags_end == p->tags_begin) {
      p->tags_begin = p->tags_end = Idx(out_->tags.size());
    }
    Reader r(b);
    while (r.Next()) {
      if (r.field() != 1 && r.field() != 2) {
        continue;
      }
      if (r.type() != WireType::kLen) {
        return Bad("wrong wire type in Process");
      }
      if (r.field() == 1) {
        p->service_name = r.bytes().str();
      } else {
        VV_RETURN_IF_ERROR(KeyValue(r.bytes()));
        p->tags_end = Idx(out_->tags.size());
      }
    }
    return r.ok() ? Status::Ok() : Bad("malformed Process");
  }

  Status KeyValue(ByteView b) {
    JaegerTag tag;
    int32_t vtype = 0;
    Reader r(b);
    while (r.Next()) {
      const uint32_t f = r.field();
      if (f < 1 || f > 7) {
        continue;
      }
      static constexpr WireType kTypes[8] = {
          WireType::kVarint, WireType::kLen,    WireType::kVarint, WireType::kLen,
          WireType::kVarint, WireType::kVarint, WireType::kI64,    WireType::kLen};
      if (r.type() != kTypes[f]) {
        return Bad("wrong wire type in KeyValue");
      }
      switch (f) {
        case 1:
          tag.key = r.bytes().str();
          break;
        case 2:
          vtype = static_cast<int32_t>(r.varint());
          break;
        case 3:
          tag.vstr = r.bytes().str();
          break;
        case 4:
          tag.vbool = r.varint() != 0;
          break;
        case 5:
          tag.vlong = static_cast<int64_t>(r.varint());
          break;
        case 6: {
          uint64_t bits = r.varint();
          std::memcpy(&tag.vdouble, &bits, 8);
          break;
        }
        default:
          tag.vbinary = r.bytes().str();
          break;
      }
    }
    if (!r.ok()) {
      return Bad("malformed KeyValue");
    }
    // api_v2 ValueType (STRING=0, BOOL=1, INT64=2, FLOAT64=3, BINARY=4) onto thrift's numbers.
    static constexpr int32_t kToThrift[5] = {kTagString, kTagBool, kTagLong, kTagDouble,
                                             kTagBinary};
    tag.raw_vtype = vtype;
    tag.known_type = vtype >= 0 && vtype <= 4;
    tag.vtype = tag.known_type ? kToThrift[vtype] : vtype;
    out_->tags.push_back(tag);
    return Status::Ok();
  }

  Status Log(ByteView b) {
    JaegerLog log;
    uint64_t ts = static_cast<uint64_t>(kZeroTimeSeconds) * 1000000000u;
    log.fields_begin = log.fields_end = Idx(out_->tags.size());
    Reader r(b);
    while (r.Next()) {
      if (r.field() != 1 && r.field() != 2) {
        continue;
      }
      if (r.type() != WireType::kLen) {
        return Bad("wrong wire type in Log");
      }
      if (r.field() == 1) {
        VV_RETURN_IF_ERROR(TimestampField(r.bytes(), &ts));
      } else {
        VV_RETURN_IF_ERROR(KeyValue(r.bytes()));
        log.fields_end = Idx(out_->tags.size());
      }
    }
    if (!r.ok()) {
      return Bad("malformed Log");
    }
    log.time_unix_nano = ts;
    out_->logs.push_back(log);
    return Status::Ok();
  }

  Status Ref(ByteView b) {
    JaegerRef ref;
    Reader r(b);
    while (r.Next()) {
      const uint32_t f = r.field();
      if (f < 1 || f > 3) {
        continue;
      }
      if (r.type() != (f == 3 ? WireType::kVarint : WireType::kLen)) {
        return Bad("wrong wire type in SpanRef");
      }
      if (f == 1) {
        VV_RETURN_IF_ERROR(TraceIdField(r.bytes(), &ref.trace_high, &ref.trace_low));
      } else if (f == 2) {
        VV_RETURN_IF_ERROR(SpanIdField(r.bytes(), &ref.span_id));
      } else {
        ref.ref_type = static_cast<int32_t>(r.varint());
      }
    }
    if (!r.ok()) {
      return Bad("malformed SpanRef");
    }
    out_->refs.push_back(ref);
    return Status::Ok();
  }

  // Span fields are collected first and their repeated parts appended to the batch's vectors;
  // Jaeger spans interleave tags, logs and references freely, so each part is copied into a
  // contiguous range once the span is complete.
  Status Span(ByteView b) {
    JaegerSpan s;
    uint64_t start = static_cast<uint64_t>(kZeroTimeSeconds) * 1000000000u;
    bool start_present = false;
    int64_t duration = 0;
    uint64_t flags = 0;
    bool any_repeated = false;
    bool process_present = false;
    bool process_id = false;
    JaegerProcess own;
    span_tags_.clear();
    span_logs_.clear();
    span_refs_.clear();
    Reader r(b);
    while (r.Next()) {
      const uint32_t f = r.field();
      if (f < 1 || f > 12) {
        continue;
      }
      if (r.type() != (f == 5 ? WireType::kVarint : WireType::kLen)) {
        return Bad("wrong wire type in Span");
      }
      switch (f) {
        case 1:
          VV_RETURN_IF_ERROR(TraceIdField(r.bytes(), &s.trace_high, &s.trace_low));
          break;
        case 2:
          VV_RETURN_IF_ERROR(SpanIdField(r.bytes(), &s.span_id));
          break;
        case 3:
          s.operation_name = r.bytes().str();
          break;
        case 4:
          any_repeated = true;
          span_refs_.push_back(r.bytes());
          break;
        case 5:
          flags = r.varint();
          break;
        case 6:
          start_present = true;
          VV_RETURN_IF_ERROR(TimestampField(r.bytes(), &start));
          break;
        case 7:
          VV_RETURN_IF_ERROR(DurationField(r.bytes(), &duration));
          break;
        case 8:
          any_repeated = true;
          span_tags_.push_back(r.bytes());
          break;
        case 9:
          any_repeated = true;
          span_logs_.push_back(r.bytes());
          break;
        case 10:
          process_present = true;
          process_bytes_.push_back(r.bytes());
          break;
        case 11:
          process_id = process_id || !r.bytes().empty();
          break;
        default:  // 12 warnings
          any_repeated = true;
          break;
      }
    }
    if (!r.ok()) {
      return Bad("malformed Span");
    }
    s.tags_begin = Idx(out_->tags.size());
    for (ByteView t : span_tags_) {
      VV_RETURN_IF_ERROR(KeyValue(t));
    }
    s.tags_end = Idx(out_->tags.size());
    // Logs append their fields to the tag vector too; the span's own tags are already placed.
    s.logs_begin = Idx(out_->logs.size());
    for (ByteView l : span_logs_) {
      VV_RETURN_IF_ERROR(Log(l));
    }
    s.logs_end = Idx(out_->logs.size());
    s.refs_begin = Idx(out_->refs.size());
    for (ByteView ref : span_refs_) {
      VV_RETURN_IF_ERROR(Ref(ref));
    }
    s.refs_end = Idx(out_->refs.size());
    if (process_present) {
      for (ByteView p : process_bytes_) {
        VV_RETURN_IF_ERROR(Process(p, &own));
      }
      process_bytes_.clear();
      s.process = static_cast<int32_t>(out_->processes.size());
      out_->processes.push_back(own);
    }
    s.start_unix_nano = start;
    s.end_unix_nano = start + static_cast<uint64_t>(duration);
    s.blank = s.trace_high == 0 && s.trace_low == 0 && s.span_id == 0 && s.operation_name.empty()
              && !any_repeated && flags == 0 && !start_present && duration == 0 && !process_present
              && !process_id;
    out_->spans.push_back(s);
    return Status::Ok();
  }

  JaegerBatch* out_;
  std::vector<ByteView> span_tags_;
  std::vector<ByteView> span_logs_;
  std::vector<ByteView> span_refs_;
  std::vector<ByteView> process_bytes_;
};

}  // namespace

Status DecodeJaegerProto(ByteView request, JaegerBatch* out) {
  ProtoBatchDecoder d(out);
  return d.Request(request);
}

}  // namespace vivace::receiver
