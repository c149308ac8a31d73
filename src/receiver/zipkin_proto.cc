// Zipkin v2 proto3 decoding (zipkin-go proto/zipkin_proto3/zipkin.proto: ListOfSpans, Span,
// Endpoint, Annotation; field tables in docs/receivers.md), at the wire level. Follows
// protobuf-go and zipkin-go's ParseSpans: string fields must be valid UTF-8, a field with an
// unexpected wire type is kept as unknown (ignored), trace IDs must have exactly 16 bytes and
// span IDs 8.

#include <fmt/format.h>

#include "common/protowire.h"
#include "receiver/otlp_out.h"
#include "receiver/zipkin.h"
#include "receiver/zipkin_internal.h"

namespace vivace::receiver {
namespace {

using protowire::Reader;
using protowire::WireType;

Status Bad(std::string_view msg) { return Status::InvalidArgument(std::string(msg)); }

uint64_t BigEndian(ByteView b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v = v << 8 | b[at + i];
  }
  return v;
}

class ProtoDecoder {
 public:
  explicit ProtoDecoder(ZipkinBatch* out) : out_(out) {}

  Status List(ByteView body) {
    Reader r(body);
    while (r.Next()) {
      if (r.field() == 1 && r.type() == WireType::kLen) {
        VV_RETURN_IF_ERROR(Span(r.bytes()));
      }
    }
    return r.ok() ? Status::Ok() : Bad("proto: cannot parse invalid wire-format data");
  }

 private:
  static Status Str(ByteView b, std::string_view* out) {
    if (!IsUtf8(b.str())) {
      return Bad("proto: string field contains invalid UTF-8");
    }
    *out = b.str();
    return Status::Ok();
  }

  Status Endpoint(ByteView b, ZipkinEndpoint* ep) {
    ep->present = true;
    Reader r(b);
    while (r.Next()) {
      switch (r.field()) {
        case 1:
          if (r.type() == WireType::kLen) {
            VV_RETURN_IF_ERROR(Str(r.bytes(), &ep->service_name));
          }
          break;
        case 2:
        case 3:
          if (r.type() == WireType::kLen) {
            std::string_view text = out_->arena.CopyString(FormatIp(r.bytes().str()));
            (r.field() == 2 ? ep->ipv4 : ep->ipv6) = text;
            (r.field() == 2 ? ep->has_ipv4 : ep->has_ipv6) = true;
          }
          break;
        case 4:
          if (r.type() == WireType::kVarint) {
            ep->port = static_cast<uint16_t>(r.varint());  // uint16(int32 port)
          }
          break;
        default:
          break;
      }
    }
    return r.ok() ? Status::Ok() : Bad("proto: cannot parse invalid wire-format data");
  }

  Status Annotation(ByteView b) {
    ZipkinAnnotation a;
    Reader r(b);
    while (r.Next()) {
      if (r.field() == 1 && r.type() == WireType::kI64) {
        a.time_unix_nano = r.varint() * 1000;
      } else if (r.field() == 2 && r.type() == WireType::kLen) {
        VV_RETURN_IF_ERROR(Str(r.bytes(), &a.value));
      }
    }
    if (!r.ok()) {
      return Bad("proto: cannot parse invalid wire-format data");
    }
    out_->annotations.push_back(a);
    return Status::Ok();
  }

  Status Tag(ByteView b) {
    ZipkinTag t;
    Reader r(b);
    while (r.Next()) {
      if ((r.field() == 1 || r.field() == 2) && r.type() == WireType::kLen) {
        VV_RETURN_IF_ERROR(Str(r.bytes(), r.field() == 1 ? &t.key : &t.value));
      }
    }
    if (!r.ok()) {
      return Bad("proto: cannot parse invalid wire-format data");
    }
    out_->tags.push_back(t);
    return Status::Ok();
  }

  Status Span(ByteView b) {
    ZipkinSpan s;
    ByteView trace_id;
    ByteView parent_id;
    ByteView id;
    uint64_t ts = 0;
    uint64_t duration = 0;
    int64_t kind = 0;
    s.tags_begin = s.tags_end = static_cast<uint32_t>(out_->tags.size());
    s.annotations_begin = static_cast<uint32_t>(out_->annotations.size());
    Reader r(b);
    while (r.Next()) {
      const WireType t = r.type();
      switch (r.field()) {
        case 1:
        case 2:
        case 3:
          if (t == WireType::kLen) {
            (r.field() == 1 ? trace_id : r.field() == 2 ? parent_id : id) = r.bytes();
          }
          break;
        case 4:
          if (t == WireType::kVarint) {
            kind = static_cast<int32_t>(r.varint());
          }
          break;
        case 5:
          if (t == WireType::kLen) {
            VV_RETURN_IF_ERROR(Str(r.bytes(), &s.name));
          }
          break;
        case 6:
          if (t == WireType::kI64) {
            ts = r.varint();
          }
          break;
        case 7:
          if (t == WireType::kVarint) {
            duration = r.varint();
          }
          break;
        case 8:
        case 9:
          if (t == WireType::kLen) {
            ZipkinEndpoint& ep = r.field() == 8 ? s.local : s.remote;
            VV_RETURN_IF_ERROR(Endpoint(r.bytes(), &ep));  // merges, as protobuf does
          }
          break;
        case 10:
          if (t == WireType::kLen) {
            VV_RETURN_IF_ERROR(Annotation(r.bytes()));
          }
          break;
        case 11:
          if (t == WireType::kLen) {
            VV_RETURN_IF_ERROR(Tag(r.bytes()));
          }
          break;
        default:
          break;
      }
    }
    if (!r.ok()) {
      return Bad("proto: cannot parse invalid wire-format data");
    }
    s.annotations_end = static_cast<uint32_t>(out_->annotations.size());
    s.tags_end = static_cast<uint32_t>(out_->tags.size());
    DedupeTags(out_->tags, s.tags_begin, &s.tags_end, &seen_);
    out_->tags.resize(s.tags_end);
    if (trace_id.size() != 16) {
      return Bad(
          fmt::format("invalid TraceID: has length {} yet wanted length 16", trace_id.size()));
    }
    s.trace_high = BigEndian(trace_id, 0);
    s.trace_low = BigEndian(trace_id, 8);
    if (!parent_id.empty()) {
      if (parent_id.size() != 8) {
        return Bad(
            fmt::format("invalid ParentID: has length {} yet wanted length 8", parent_id.size()));
      }
      s.has_parent = true;
      s.parent_id = BigEndian(parent_id, 0);
    }
    if (id.empty()) {
      return Bad("expected a non-nil SpanID");
    }
    if (id.size() != 8) {
      return Bad(fmt::format("invalid SpanID: has length {} yet wanted length 8", id.size()));
    }
    s.id = BigEndian(id, 0);
    // Kind.String(): the enum name, or the number for values outside the enum.
    static constexpr std::string_view kKinds[5] = {"SPAN_KIND_UNSPECIFIED", "CLIENT", "SERVER",
                                                   "PRODUCER", "CONSUMER"};
    s.kind = kind >= 0 && kind <= 4 ? kKinds[kind] : out_->arena.CopyString(std::to_string(kind));
    s.start_unix_nano = ts * 1000;
    s.duration_nanos = static_cast<int64_t>(duration * 1000);
    out_->spans.push_back(s);
    return Status::Ok();
  }

  ZipkinBatch* out_;
  KeyIndex seen_;  // DedupeTags scratch
};

}  // namespace

Status DecodeZipkinProto(ByteView body, ZipkinBatch* out) {
  ProtoDecoder d(out);
  return d.List(body);
}

}  // namespace vivace::receiver
