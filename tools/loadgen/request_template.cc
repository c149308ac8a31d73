#include "loadgen/request_template.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "common/protowire.h"
#include "loadgen/rng.h"

namespace vivace::loadgen {
namespace {

using protowire::Reader;
using protowire::WireType;

// Field numbers of the OTLP trace messages (opentelemetry/proto/trace/v1/trace.proto).
constexpr uint32_t kRequestResourceSpans = 1;
constexpr uint32_t kResourceSpansScopeSpans = 2;
constexpr uint32_t kScopeSpansSpans = 2;
constexpr uint32_t kSpanTraceId = 1;
constexpr uint32_t kSpanSpanId = 2;
constexpr uint32_t kSpanParentSpanId = 4;
constexpr uint32_t kSpanStart = 7;
constexpr uint32_t kSpanEnd = 8;
constexpr uint32_t kSpanEvents = 11;
constexpr uint32_t kSpanLinks = 13;
constexpr uint32_t kEventTime = 1;
constexpr uint32_t kLinkTraceId = 1;
constexpr uint32_t kLinkSpanId = 2;

// Collects the patch points of one serialized request.
class PatchFinder {
 public:
  PatchFinder(ByteView request, RequestTemplate* out) : base_(request.data()), out_(out) {}

  Status Request(ByteView request) {
    Reader r(request);
    while (r.Next()) {
      if (r.field() == kRequestResourceSpans && r.type() == WireType::kLen) {
        VV_RETURN_IF_ERROR(Nested(r.bytes(), kResourceSpansScopeSpans, &PatchFinder::ScopeSpans));
      }
    }
    return r.ok() ? Status::Ok() : Status::Internal("malformed generated request");
  }

 private:
  using Visitor = Status (PatchFinder::*)(ByteView);

  // Calls `visit` for each length-delimited `field` of `message`.
  Status Nested(ByteView message, uint32_t field, Visitor visit) {
    Reader r(message);
    while (r.Next()) {
      if (r.field() == field && r.type() == WireType::kLen) {
        VV_RETURN_IF_ERROR((this->*visit)(r.bytes()));
      }
    }
    return r.ok() ? Status::Ok() : Status::Internal("malformed generated message");
  }

  Status ScopeSpans(ByteView ss) { return Nested(ss, kScopeSpansSpans, &PatchFinder::Span); }

  Status Span(ByteView span) {
    int64_t trace = -1;
    int times = 0;
    bool has_span_id = false;
    std::vector<uint32_t> span_ids;  // span_id and parent_span_id: the trace is known at the end
    Reader r(span);
    while (r.Next()) {
      switch (r.field()) {
        case kSpanTraceId:
          trace = TraceOf(r.bytes());
          if (trace < 0) {
            return Status::Internal("generated span without a placeholder trace id");
          }
          Add(r.bytes().data(), trace, PatchKind::kTraceId);
          break;
        case kSpanSpanId:
        case kSpanParentSpanId:
          if (r.bytes().size() != 8) {
            return Status::Internal("generated span id is not 8 bytes");
          }
          has_span_id = has_span_id || r.field() == kSpanSpanId;
          span_ids.push_back(Offset(r.bytes().data()));
          break;
        case kSpanStart:
        case kSpanEnd:
          ++times;
          AddTime(r.position() - 8, r.varint());
          break;
        case kSpanEvents:
          VV_RETURN_IF_ERROR(Event(r.bytes()));
          break;
        case kSpanLinks:
          VV_RETURN_IF_ERROR(Link(r.bytes()));
          break;
        default:
          break;
      }
    }
    if (!r.ok() || trace < 0 || !has_span_id || times != 2) {
      return Status::Internal("generated span lacks an id or a timestamp");
    }
    for (uint32_t off : span_ids) {
      out_->patches.push_back({off, static_cast<uint16_t>(trace), PatchKind::kSpanId});
    }
    ++out_->span_count;
    return Status::Ok();
  }

  Status Event(ByteView event) {
    Reader r(event);
    bool has_time = false;
    while (r.Next()) {
      if (r.field() == kEventTime && r.type() == WireType::kI64) {
        has_time = true;
        AddTime(r.position() - 8, r.varint());
      }
    }
    return r.ok() && has_time ? Status::Ok() : Status::Internal("generated event lacks a time");
  }

  Status Link(ByteView link) {
    Reader r(link);
    int64_t trace = -1;
    const uint8_t* span_id = nullptr;
    while (r.Next()) {
      if (r.field() == kLinkTraceId) {
        trace = TraceOf(r.bytes());
        if (trace < 0) {
          return Status::Internal("generated link without a placeholder trace id");
        }
        Add(r.bytes().data(), trace, PatchKind::kTraceId);
      } else if (r.field() == kLinkSpanId && r.bytes().size() == 8) {
        span_id = r.bytes().data();
      }
    }
    if (!r.ok() || trace < 0 || span_id == nullptr) {
      return Status::Internal("generated link lacks an id");
    }
    Add(span_id, trace, PatchKind::kSpanId);
    return Status::Ok();
  }

  int64_t TraceOf(ByteView id) {
    int64_t t = PlaceholderTraceIndex(id);
    if (t < 0 || t > UINT16_MAX) {
      return -1;
    }
    out_->trace_count = std::max(out_->trace_count, static_cast<uint32_t>(t) + 1);
    return t;
  }

  uint32_t Offset(const uint8_t* p) const { return static_cast<uint32_t>(p - base_); }

  void Add(const uint8_t* p, int64_t trace, PatchKind kind) {
    out_->patches.push_back({Offset(p), static_cast<uint16_t>(trace), kind});
  }

  void AddTime(const uint8_t* p, uint64_t value) {
    out_->max_time = std::max(out_->max_time, value);
    Add(p, 0, PatchKind::kTime);
  }

  const uint8_t* base_;
  RequestTemplate* out_;
};

}  // namespace

IdSource::IdSource(uint64_t seed)
    : hi_salt_(Mix64(seed ^ 0x7472616365686921ULL)),
      lo_salt_(Mix64(seed ^ 0x74726163656c6f21ULL)),
      span_salt_(Mix64(seed ^ 0x7370616e78726f72ULL)) {}

TraceKey IdSource::Key(uint64_t seq) const {
  TraceKey key;
  uint64_t hi = Mix64(seq + hi_salt_);  // a bijection of seq: IDs never repeat within a run
  uint64_t lo = Mix64(seq ^ lo_salt_);
  for (int i = 0; i < 8; ++i) {
    key.id[static_cast<size_t>(7 - i)] = static_cast<uint8_t>(hi >> (8 * i));
    key.id[static_cast<size_t>(15 - i)] = static_cast<uint8_t>(lo >> (8 * i));
  }
  key.span_xor = Mix64(seq + span_salt_);
  return key;
}

void RequestTemplate::Instantiate(const TraceKey* keys, uint64_t base_unix_nano,
                                  uint8_t* out) const {
  std::memcpy(out, bytes.data(), bytes.size());
  for (const Patch& p : patches) {
    uint8_t* field = out + p.offset;
    switch (p.kind) {
      case PatchKind::kTraceId:
        std::memcpy(field, keys[p.trace].id.data(), 16);
        break;
      case PatchKind::kSpanId: {
        uint64_t v = 0;
        std::memcpy(&v, field, 8);
        v ^= keys[p.trace].span_xor;
        // An all-zero span ID is invalid. The substitute is a function of the template ID, so
        // parent references still match.
        if (v == 0) [[unlikely]] {
          v = ~uint64_t{0};
        }
        std::memcpy(field, &v, 8);
        break;
      }
      case PatchKind::kTime: {
        uint64_t v = 0;
        std::memcpy(&v, field, 8);  // fixed64 is little-endian, as are our hosts
        v += base_unix_nano;
        std::memcpy(field, &v, 8);
        break;
      }
    }
  }
}

Result<RequestTemplate> MakeTemplate(const ExportRequest& request) {
  RequestTemplate t;
  if (!request.SerializeToString(&t.bytes)) {
    return Status::Internal("serializing a generated request failed");
  }
  if (t.bytes.size() > UINT32_MAX) {
    return Status::InvalidArgument("generated request exceeds 4 GiB");
  }
  PatchFinder finder(t.bytes, &t);
  VV_RETURN_IF_ERROR(finder.Request(t.bytes));
  std::sort(t.patches.begin(), t.patches.end(),
            [](const Patch& a, const Patch& b) { return a.offset < b.offset; });
  return t;
}

Result<TemplatePool> TemplatePool::Build(const GeneratorOptions& options, int traces_per_request,
                                         int count, size_t max_bytes, int tail_traces) {
  if (traces_per_request < 1 || traces_per_request > UINT16_MAX + 1) {
    return Status::InvalidArgument(
        fmt::format("traces per request must be in [1, 65536], got {}", traces_per_request));
  }
  if (options.spans_per_trace < 1 || options.depth < 1) {
    return Status::InvalidArgument("spans per trace and depth must be positive");
  }
  Generator gen(options);
  TemplatePool pool;
  size_t bytes = 0;
  for (int i = 0; i < std::max(count, 1) && (i == 0 || bytes < max_bytes); ++i) {
    VV_ASSIGN_OR_RETURN(RequestTemplate t, MakeTemplate(gen.NextRequest(traces_per_request)));
    bytes += t.size();
    pool.templates_.push_back(std::move(t));
  }
  if (tail_traces > 0) {
    VV_ASSIGN_OR_RETURN(pool.tail_, MakeTemplate(gen.NextRequest(tail_traces)));
  }
  return pool;
}

size_t TemplatePool::total_bytes() const {
  size_t n = tail_.size();
  for (const RequestTemplate& t : templates_) {
    n += t.size();
  }
  return n;
}

}  // namespace vivace::loadgen
