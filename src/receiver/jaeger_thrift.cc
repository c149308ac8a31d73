// Jaeger thrift decoding (jaeger-idl thrift/jaeger.thrift and agent.thrift; field tables in
// docs/receivers.md): Batch, Process, Span, Tag, Log, SpanRef and the Agent.emitBatch
// envelope, in the binary and compact protocols. As with the generated Go code Tempo runs,
// fields of an unexpected wire type and unknown field ids are skipped, and a missing required
// field fails the decode.

#include <fmt/format.h>

#include "receiver/jaeger.h"
#include "receiver/thrift.h"

namespace vivace::receiver {
namespace {

using thrift::ReadStruct;
using thrift::TType;

template <typename R>
class ThriftBatchDecoder {
 public:
  ThriftBatchDecoder(R& r, JaegerBatch* out) : r_(r), out_(out) {}

  bool Batch() {
    bool has_process = false;
    bool has_spans = false;
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      switch (id) {
        case 1:
          if (t == TType::kStruct) {
            has_process = true;
            out_->has_process = true;
            return Process(&out_->process);
          }
          break;
        case 2:
          if (t == TType::kList) {
            has_spans = true;
            return List(TType::kStruct, [&] { return Span(); });
          }
          break;
        case 4:
          if (t == TType::kStruct) {
            return ClientStats();
          }
          break;
        default:
          break;
      }
      return r_.Skip(t);
    });
    return ok && Require(has_process, "Batch.process") && Require(has_spans, "Batch.spans");
  }

  const char* missing() const { return missing_; }

 private:
  bool Require(bool set, const char* what) {
    if (!set && missing_ == nullptr) {
      missing_ = what;
    }
    return set;
  }

  // Reads a list of `elem` values with `read` for each; a list of another element type is
  // skipped whole (and so leaves the field unset).
  template <typename F>
  bool List(TType elem, F&& read, bool* matched = nullptr) {
    TType actual = TType::kStop;
    uint32_t n = 0;
    if (!r_.ListBegin(&actual, &n)) {
      return false;
    }
    if (actual != elem) {
      for (uint32_t i = 0; i < n; ++i) {
        if (!r_.Skip(actual)) {
          return false;
        }
      }
      return true;
    }
    if (matched != nullptr) {
      *matched = true;
    }
    for (uint32_t i = 0; i < n; ++i) {
      if (!read()) {
        return false;
      }
    }
    return true;
  }

  bool ClientStats() {
    int set = 0;
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      if (id >= 1 && id <= 3 && t == TType::kI64) {
        int64_t v = 0;
        set |= 1 << id;
        return r_.ReadI64(&v);
      }
      return r_.Skip(t);
    });
    return ok && Require(set == 0xe, "ClientStats fields");
  }

  bool Process(JaegerProcess* p) {
    bool has_name = false;
    p->tags_begin = p->tags_end = static_cast<uint32_t>(out_->tags.size());
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      if (id == 1 && t == TType::kString) {
        has_name = true;
        return r_.ReadString(&p->service_name);
      }
      if (id == 2 && t == TType::kList) {
        // Tags of a repeated field are appended again: the last occurrence wins, as in Go.
        p->tags_begin = static_cast<uint32_t>(out_->tags.size());
        bool ok2 = List(TType::kStruct, [&] { return Tag(); });
        p->tags_end = static_cast<uint32_t>(out_->tags.size());
        return ok2;
      }
      return r_.Skip(t);
    });
    return ok && Require(has_name, "Process.serviceName");
  }

  bool Tag() {
    JaegerTag tag;
    bool has_key = false;
    bool has_type = false;
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      switch (id) {
        case 1:
          if (t == TType::kString) {
            has_key = true;
            return r_.ReadString(&tag.key);
          }
          break;
        case 2:
          if (t == TType::kI32) {
            has_type = true;
            return r_.ReadI32(&tag.raw_vtype);
          }
          break;
        case 3:
          if (t == TType::kString) {
            return r_.ReadString(&tag.vstr);
          }
          break;
        case 4:
          if (t == TType::kDouble) {
            return r_.ReadDouble(&tag.vdouble);
          }
          break;
        case 5:
          if (t == TType::kBool) {
            return r_.ReadBool(&tag.vbool);
          }
          break;
        case 6:
          if (t == TType::kI64) {
            return r_.ReadI64(&tag.vlong);
          }
          break;
        case 7:
          if (t == TType::kString) {
            return r_.ReadString(&tag.vbinary);
          }
          break;
        default:
          break;
      }
      return r_.Skip(t);
    });
    if (!ok || !Require(has_key, "Tag.key") || !Require(has_type, "Tag.vType")) {
      return false;
    }
    tag.vtype = tag.raw_vtype;
    tag.known_type = tag.raw_vtype >= 0 && tag.raw_vtype <= 4;
    out_->tags.push_back(tag);
    return true;
  }

  bool Log() {
    JaegerLog log;
    bool has_ts = false;
    bool has_fields = false;
    log.fields_begin = log.fields_end = static_cast<uint32_t>(out_->tags.size());
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      if (id == 1 && t == TType::kI64) {
        int64_t ts = 0;
        has_ts = true;
        if (!r_.ReadI64(&ts)) {
          return false;
        }
        log.time_unix_nano = static_cast<uint64_t>(ts) * 1000;
        return true;
      }
      if (id == 2 && t == TType::kList) {
        log.fields_begin = static_cast<uint32_t>(out_->tags.size());
        bool ok2 = List(
            TType::kStruct, [&] { return Tag(); }, &has_fields);
        log.fields_end = static_cast<uint32_t>(out_->tags.size());
        return ok2;
      }
      return r_.Skip(t);
    });
    if (!ok || !Require(has_ts, "Log.timestamp") || !Require(has_fields, "Log.fields")) {
      return false;
    }
    out_->logs.push_back(log);
    return true;
  }

  bool Ref() {
    JaegerRef ref;
    int set = 0;
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      if (id == 1 && t == TType::kI32) {
        set |= 1;
        return r_.ReadI32(&ref.ref_type);
      }
      if (id >= 2 && id <= 4 && t == TType::kI64) {
        int64_t v = 0;
        set |= 1 << (id - 1);
        if (!r_.ReadI64(&v)) {
          return false;
        }
        (id == 2   ? ref.trace_low
         : id == 3 ? ref.trace_high
                   : ref.span_id) = static_cast<uint64_t>(v);
        return true;
      }
      return r_.Skip(t);
    });
    if (!ok || !Require(set == 0xf, "SpanRef fields")) {
      return false;
    }
    out_->refs.push_back(ref);
    return true;
  }

  bool Span() {
    JaegerSpan s;
    int64_t start = 0;
    int64_t duration = 0;
    int32_t flags = 0;
    // Required fields: 1 traceIdLow, 2 traceIdHigh, 3 spanId, 4 parentSpanId,
    // 5 operationName, 7 flags, 8 startTime, 9 duration.
    int set = 0;
    bool lists = false;  // a list field was present (even empty): not a blank span
    auto idx = [](size_t n) { return static_cast<uint32_t>(n); };
    s.refs_begin = s.refs_end = idx(out_->refs.size());
    s.tags_begin = s.tags_end = idx(out_->tags.size());
    s.logs_begin = s.logs_end = idx(out_->logs.size());
    bool ok = ReadStruct(r_, [&](TType t, int16_t id) {
      int64_t v = 0;
      switch (id) {
        case 1:
        case 2:
        case 3:
        case 4:
        case 8:
        case 9:
          if (t != TType::kI64) {
            break;
          }
          if (!r_.ReadI64(&v)) {
            return false;
          }
          set |= 1 << id;
          if (id == 1) {
            s.trace_low = static_cast<uint64_t>(v);
          } else if (id == 2) {
            s.trace_high = static_cast<uint64_t>(v);
          } else if (id == 3) {
            s.span_id = static_cast<uint64_t>(v);
          } else if (id == 4) {
            s.parent_span_id = static_cast<uint64_t>(v);
          } else if (id == 8) {
            start = v;
          } else {
            duration = v;
          }
          return true;
        case 5:
          if (t == TType::kString) {
            set |= 1 << id;
            return r_.ReadString(&s.operation_name);
          }
          break;
        case 7:
          if (t == TType::kI32) {
            set |= 1 << id;
            return r_.ReadI32(&flags);
          }
          break;
        case 6:
          if (t == TType::kList) {
            s.refs_begin = idx(out_->refs.size());
            bool ok2 = List(
                TType::kStruct, [&] { return Ref(); }, &lists);
            s.refs_end = idx(out_->refs.size());
            return ok2;
          }
          break;
        case 10:
          if (t == TType::kList) {
            s.tags_begin = idx(out_->tags.size());
            bool ok2 = List(
                TType::kStruct, [&] { return Tag(); }, &lists);
            s.tags_end = idx(out_->tags.size());
            return ok2;
          }
          break;
        case 11:
          if (t == TType::kList) {
            s.logs_begin = idx(out_->logs.size());
            bool ok2 = List(
                TType::kStruct, [&] { return Log(); }, &lists);
            s.logs_end = idx(out_->logs.size());
            return ok2;
          }
          break;
        default:
          break;
      }
      return r_.Skip(t);
    });
    constexpr int kRequired =
        (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9);
    if (!ok || !Require((set & kRequired) == kRequired, "Span required fields")) {
      return false;
    }
    s.start_unix_nano = static_cast<uint64_t>(start) * 1000;
    s.end_unix_nano = (static_cast<uint64_t>(start) + static_cast<uint64_t>(duration)) * 1000;
    s.blank = s.trace_low == 0 && s.trace_high == 0 && s.span_id == 0 && s.parent_span_id == 0
              && s.operation_name.empty() && flags == 0 && start == 0 && duration == 0 && !lists;
    out_->spans.push_back(s);
    return true;
  }

  R& r_;
  JaegerBatch* out_;
  const char* missing_ = nullptr;
};

template <typename R>
Status DecodeBatchWith(R& r, JaegerBatch* out) {
  ThriftBatchDecoder<R> d(r, out);
  if (!d.Batch()) {
    if (!r.ok()) {
      return Status::InvalidArgument(fmt::format("thrift: {}", r.error()));
    }
    return Status::InvalidArgument(
        fmt::format("thrift: required field {} is not set", d.missing() ? d.missing() : "?"));
  }
  return Status::Ok();
}

// emitBatch_args { 1: Batch batch }.
template <typename R>
Status DecodeEmitArgs(R& r, JaegerBatch* out) {
  Status result;
  bool ok = ReadStruct(r, [&](TType t, int16_t id) {
    if (id == 1 && t == TType::kStruct) {
      result = DecodeBatchWith(r, out);
      return result.ok();
    }
    return r.Skip(t);
  });
  if (!result.ok()) {
    return result;
  }
  if (!ok) {
    return Status::InvalidArgument(fmt::format("thrift: {}", r.error()));
  }
  return Status::Ok();
}

template <typename R>
Status DecodeEmit(R& r, JaegerBatch* out) {
  std::string_view name;
  thrift::MessageType type = thrift::MessageType::kCall;
  int32_t seqid = 0;
  if (!r.ReadMessageBegin(&name, &type, &seqid)) {
    return Status::InvalidArgument(fmt::format("thrift: {}", r.error()));
  }
  if (type != thrift::MessageType::kCall && type != thrift::MessageType::kOneway) {
    return Status::InvalidArgument("thrift: message is not a call");
  }
  if (name != "emitBatch") {
    if (name == "emitZipkinBatch") {
      return Status::InvalidArgument("emitZipkinBatch is not supported");
    }
    return Status::InvalidArgument("thrift: unknown method");
  }
  return DecodeEmitArgs(r, out);
}

}  // namespace

Status DecodeJaegerThriftBatch(ByteView body, JaegerBatch* out) {
  thrift::BinaryReader r(body);
  return DecodeBatchWith(r, out);
}

Status DecodeJaegerEmitBatch(ByteView datagram, ThriftProtocol protocol, JaegerBatch* out) {
  if (protocol == ThriftProtocol::kCompact) {
    thrift::CompactReader r(datagram);
    return DecodeEmit(r, out);
  }
  thrift::BinaryReader r(datagram);
  return DecodeEmit(r, out);
}

}  // namespace vivace::receiver
