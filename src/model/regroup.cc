#include "model/regroup.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/protowire.h"
#include "model/trace_map.h"

namespace vivace::model {

using protowire::Reader;
using protowire::WireType;

namespace {

// Depths of each level below the request, for the nesting limit.
constexpr int kResourceSpansDepth = 2;
constexpr int kScopeSpansDepth = 3;
constexpr int kSpanDepth = 4;

Status Malformed(const char* what) {
  return Status::InvalidArgument(fmt::format("malformed protobuf in {}", what));
}

Status WrongType(uint32_t field, const char* msg) {
  return Status::InvalidArgument(
      fmt::format("malformed protobuf: field {} of {} has an unexpected wire type", field, msg));
}

Status CheckLinkIds(ByteView link) {
  Reader r(link);
  while (r.Next()) {
    if (r.field() == 1 && !r.bytes().empty() && r.bytes().size() != 16) {
      return Status::InvalidArgument(
          fmt::format("link trace ids must be 128 bit, received {} bits", r.bytes().size() * 8));
    }
    if (r.field() == 2 && !r.bytes().empty() && r.bytes().size() != 8) {
      return Status::InvalidArgument(
          fmt::format("link span ids must be 64 bit, received {} bits", r.bytes().size() * 8));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ScannedRequest> ScanExportRequest(ByteView request, const WalkOptions& options) {
  ScannedRequest scan;
  scan.request_ = request;
  VV_RETURN_IF_ERROR(scan.Scan(options));
  if (scan.findings_.needs_rewrite()) {
    // Rare: long attributes or invalid UTF-8. Rewrite once, then index the clean copy.
    WalkFindings findings = scan.findings_;
    auto rewritten = std::make_unique<std::string>();
    RewriteMessage(ExportTraceServiceRequestDesc(), request, options, rewritten.get());
    ScannedRequest clean;
    clean.request_ = ByteView(*rewritten);
    clean.rewritten_ = std::move(rewritten);
    WalkOptions no_limits;  // already applied; re-checking would count truncations twice
    VV_RETURN_IF_ERROR(clean.Scan(no_limits));
    clean.findings_ = findings;
    return clean;
  }
  return scan;
}

Status ScannedRequest::Scan(const WalkOptions& options) {
  Reader r(request_);
  while (r.Next()) {
    if (r.field() != 1) {
      continue;
    }
    if (r.type() != WireType::kLen) {
      return WrongType(1, "ExportTraceServiceRequest");
    }
    VV_RETURN_IF_ERROR(ScanResourceSpans(r.bytes(), options));
  }
  if (!r.ok()) {
    return Malformed("ExportTraceServiceRequest");
  }
  return Status::Ok();
}

Status ScannedRequest::ScanResourceSpans(ByteView rs, const WalkOptions& options) {
  auto resource_index = static_cast<uint32_t>(resources_.size());
  resources_.push_back({});
  // First pass: the resource and whether scope_spans (2) is present; legacy field 1000 is only
  // used when it is not (pdata's MigrateTraces).
  bool has_scope_spans = false;
  Reader r(rs);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        if (r.type() != WireType::kLen) {
          return WrongType(1, "ResourceSpans");
        }
        VV_RETURN_IF_ERROR(ValidateMessage(ResourceDesc(), r.bytes(), kResourceSpansDepth + 1,
                                           options, &findings_));
        resources_[resource_index] = {r.bytes(), true};
        break;
      case 2:
        if (r.type() != WireType::kLen) {
          return WrongType(2, "ResourceSpans");
        }
        has_scope_spans = true;
        break;
      case 3:
        if (r.type() != WireType::kLen) {
          return WrongType(3, "ResourceSpans");
        }
        break;
      case 1000:
        if (r.type() != WireType::kLen) {
          return WrongType(1000, "ResourceSpans");
        }
        break;
      default:
        break;
    }
  }
  if (!r.ok()) {
    return Malformed("ResourceSpans");
  }
  uint32_t wanted = has_scope_spans ? 2 : 1000;
  Reader r2(rs);
  while (r2.Next()) {
    if (r2.field() == wanted) {
      VV_RETURN_IF_ERROR(ScanScopeSpans(r2.bytes(), resource_index, options));
    }
  }
  return Status::Ok();
}

Status ScannedRequest::ScanScopeSpans(ByteView ss, uint32_t resource, const WalkOptions& options) {
  auto scope_index = static_cast<uint32_t>(scopes_.size());
  scopes_.push_back({{}, false, resource});
  Reader r(ss);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        if (r.type() != WireType::kLen) {
          return WrongType(1, "ScopeSpans");
        }
        VV_RETURN_IF_ERROR(
            ValidateMessage(ScopeDesc(), r.bytes(), kScopeSpansDepth + 1, options, &findings_));
        scopes_[scope_index].bytes = r.bytes();
        scopes_[scope_index].present = true;
        break;
      case 2:
        if (r.type() != WireType::kLen) {
          return WrongType(2, "ScopeSpans");
        }
        VV_RETURN_IF_ERROR(ScanSpan(r.bytes(), scope_index, options));
        break;
      case 3:
        if (r.type() != WireType::kLen) {
          return WrongType(3, "ScopeSpans");
        }
        break;
      default:
        break;
    }
  }
  if (!r.ok()) {
    return Malformed("ScopeSpans");
  }
  return Status::Ok();
}

Status ScannedRequest::ScanSpan(ByteView span, uint32_t scope, const WalkOptions& options) {
  VV_RETURN_IF_ERROR(ValidateMessage(SpanDesc(), span, kSpanDepth, options, &findings_));
  // The walk proved the wire types; pick out the IDs and times.
  ByteView trace_id;
  ByteView span_id;
  uint64_t start = 0;
  uint64_t end = 0;
  Reader r(span);
  while (r.Next()) {
    switch (r.field()) {
      case 1:
        trace_id = r.bytes();
        break;
      case 2:
        span_id = r.bytes();
        break;
      case 4:
        // OTLP decoders accept only empty or 8-byte parent IDs (and 0/16, 0/8 in links).
        if (!r.bytes().empty() && r.bytes().size() != 8) {
          return Status::InvalidArgument(fmt::format(
              "parent span ids must be 64 bit, received {} bits", r.bytes().size() * 8));
        }
        break;
      case 7:
        start = r.varint();
        break;
      case 8:
        end = r.varint();
        break;
      case 13:
        VV_RETURN_IF_ERROR(CheckLinkIds(r.bytes()));
        break;
      default:
        break;
    }
  }
  Span s{span, scope, 0, start, end};
  if (trace_id.size() != 16) {
    if (id_error_.ok()) {
      id_error_ = Status::InvalidArgument(
          fmt::format("trace ids must be 128 bit, received {} bits", trace_id.size() * 8));
      id_error_reason_ = "invalid_trace_id";
    }
  } else {
    bool all_zero = std::all_of(span_id.begin(), span_id.end(), [](uint8_t b) { return b == 0; });
    if (span_id.size() != 8 || all_zero) {
      if (id_error_.ok()) {
        id_error_ = Status::InvalidArgument(fmt::format(
            "span ids must be 64 bit and not all zero, received {} bits", span_id.size() * 8));
        id_error_reason_ = "invalid_span_id";
      }
    }
    s.trace = TraceIndex(TraceId::FromBytes(trace_id));
  }
  spans_.push_back(s);
  return Status::Ok();
}

uint32_t ScannedRequest::TraceIndex(const TraceId& id) {
  // Spans of one trace usually arrive together: check the last trace before hashing.
  if (!trace_ids_.empty() && trace_ids_.back() == id) {
    return static_cast<uint32_t>(trace_ids_.size() - 1);
  }
  for (size_t i = trace_ids_.size(); i > 0 && i + 4 > trace_ids_.size(); --i) {
    if (trace_ids_[i - 1] == id) {
      return static_cast<uint32_t>(i - 1);
    }
  }
  if (trace_ids_.size() < 8) {
    for (size_t i = 0; i < trace_ids_.size(); ++i) {
      if (trace_ids_[i] == id) {
        return static_cast<uint32_t>(i);
      }
    }
    trace_ids_.push_back(id);
    return static_cast<uint32_t>(trace_ids_.size() - 1);
  }
  // Many traces: a linear search would be quadratic, so index them.
  if (!index_) {
    index_ = std::make_unique<TraceMap<uint32_t>>(64);
    for (size_t i = 0; i < trace_ids_.size(); ++i) {
      bool ins = false;
      index_->FindOrInsert(trace_ids_[i], &ins) = static_cast<uint32_t>(i);
    }
  }
  bool inserted = false;
  uint32_t& slot = index_->FindOrInsert(id, &inserted);
  if (inserted) {
    slot = static_cast<uint32_t>(trace_ids_.size());
    trace_ids_.push_back(id);
  }
  return slot;
}

RegroupedBatch ScannedRequest::Regroup() const {
  RegroupedBatch out;
  if (!id_error_.ok()) {
    return out;  // span -> trace indices are meaningless when an ID was invalid
  }
  out.span_count = span_count();
  size_t ntraces = trace_ids_.size();
  // Counting sort of span indices by trace, keeping request order within a trace.
  std::vector<uint32_t> first(ntraces + 1, 0);
  for (const Span& s : spans_) {
    first[s.trace + 1]++;
  }
  for (size_t t = 0; t < ntraces; ++t) {
    first[t + 1] += first[t];
  }
  std::vector<uint32_t> order(spans_.size());
  {
    std::vector<uint32_t> next(first.begin(), first.end() - 1);
    for (uint32_t i = 0; i < spans_.size(); ++i) {
      order[next[spans_[i].trace]++] = i;
    }
  }
  out.data.reserve(request_.size() + ntraces * 64);
  out.traces.reserve(ntraces);
  for (size_t t = 0; t < ntraces; ++t) {
    TraceSlice slice;
    slice.id = trace_ids_[t];
    slice.offset = static_cast<uint32_t>(out.data.size());
    uint32_t begin = first[t];
    uint32_t end = first[t + 1];
    slice.span_count = end - begin;
    // As Tempo rebatches: one ResourceSpans (the original resource) per run of spans that
    // share a ScopeSpans, holding one ScopeSpans with that scope. schema_url is dropped.
    uint32_t i = begin;
    while (i < end) {
      uint32_t sc = spans_[order[i]].scope;
      uint32_t res = scopes_[sc].resource;
      uint32_t j = i;
      size_t ss_size =
          scopes_[sc].present ? protowire::LenFieldSize(1, scopes_[sc].bytes.size()) : 0;
      while (j < end && spans_[order[j]].scope == sc) {
        ss_size += protowire::LenFieldSize(2, spans_[order[j]].bytes.size());
        ++j;
      }
      size_t rs_size = protowire::LenFieldSize(2, ss_size);
      if (resources_[res].present) {
        rs_size += protowire::LenFieldSize(1, resources_[res].bytes.size());
      }
      protowire::AppendLenHeader(out.data, 1, rs_size);
      if (resources_[res].present) {
        protowire::AppendLenField(out.data, 1, resources_[res].bytes);
      }
      protowire::AppendLenHeader(out.data, 2, ss_size);
      if (scopes_[sc].present) {
        protowire::AppendLenField(out.data, 1, scopes_[sc].bytes);
      }
      for (; i < j; ++i) {
        const Span& s = spans_[order[i]];
        protowire::AppendLenField(out.data, 2, s.bytes);
        if (s.start != 0 && (slice.start_unix_nano == 0 || s.start < slice.start_unix_nano)) {
          slice.start_unix_nano = s.start;
        }
        slice.end_unix_nano = std::max(slice.end_unix_nano, s.end);
      }
    }
    slice.size = static_cast<uint32_t>(out.data.size() - slice.offset);
    out.traces.push_back(slice);
  }
  return out;
}

}  // namespace vivace::model
