#include "model/combine.h"

#include <algorithm>
#include <cstring>

#include <absl/container/flat_hash_map.h>

namespace vivace::model {

using opentelemetry::proto::trace::v1::ResourceSpans;
using opentelemetry::proto::trace::v1::ScopeSpans;
using opentelemetry::proto::trace::v1::Span;

namespace {

uint64_t SpanIdValue(const std::string& id) {
  // Big-endian, as Tempo reads span IDs; IDs are 8 bytes after ingest validation.
  uint64_t v = 0;
  for (size_t i = 0; i < id.size() && i < 8; ++i) {
    v = v << 8 | static_cast<uint8_t>(id[i]);
  }
  return v;
}

std::string SpanIdBytes(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return s;
}

bool SpanLess(const Span& a, const Span& b) {
  if (a.start_time_unix_nano() == b.start_time_unix_nano()) {
    return a.span_id() < b.span_id();
  }
  return a.start_time_unix_nano() < b.start_time_unix_nano();
}

}  // namespace

TraceCombiner::TraceCombiner(size_t max_bytes)
    : arena_(std::make_unique<google::protobuf::Arena>()),
      result_(google::protobuf::Arena::CreateMessage<tempopb::Trace>(arena_.get())),
      max_bytes_(max_bytes) {}

TraceCombiner::~TraceCombiner() = default;

TraceCombiner::SpanKey TraceCombiner::KeyOf(const Span& span) {
  return {SpanIdValue(span.span_id()), static_cast<int32_t>(span.kind())};
}

Status TraceCombiner::Consume(ByteView trace_bytes) {
  if (too_large_) {
    return Status::Ok();
  }
  auto* part = google::protobuf::Arena::CreateMessage<tempopb::Trace>(arena_.get());
  if (!part->ParseFromArray(trace_bytes.data(), static_cast<int>(trace_bytes.size()))) {
    return Status::DataLoss("stored trace does not parse");
  }
  ++parts_;
  if (parts_ == 1) {
    result_->Swap(part);
    for (const ResourceSpans& rs : result_->resourcespans()) {
      for (const ScopeSpans& ss : rs.scope_spans()) {
        for (const Span& s : ss.spans()) {
          seen_.insert(KeyOf(s));
        }
      }
    }
  } else {
    for (ResourceSpans& rs : *part->mutable_resourcespans()) {
      bool any = false;
      for (ScopeSpans& ss : *rs.mutable_scope_spans()) {
        auto* spans = ss.mutable_spans();
        int keep = 0;
        for (int i = 0; i < spans->size(); ++i) {
          if (seen_.insert(KeyOf(spans->Get(i))).second) {
            if (keep != i) {
              spans->SwapElements(keep, i);
            }
            ++keep;
          }
        }
        spans->DeleteSubrange(keep, spans->size() - keep);
        any = any || keep > 0;
      }
      if (any) {
        auto* scopes = rs.mutable_scope_spans();
        scopes->erase(std::remove_if(scopes->begin(), scopes->end(),
                                     [](const ScopeSpans& ss) { return ss.spans_size() == 0; }),
                      scopes->end());
        result_->mutable_resourcespans()->Add(std::move(rs));
      }
    }
    combined_ = true;
  }
  if (max_bytes_ > 0 && result_->ByteSizeLong() > max_bytes_) {
    too_large_ = true;
  }
  return Status::Ok();
}

tempopb::Trace& TraceCombiner::Result() {
  if (combined_) {
    SortTrace(*result_);
    combined_ = false;
  }
  return *result_;
}

void SortTrace(tempopb::Trace& trace) {
  for (ResourceSpans& rs : *trace.mutable_resourcespans()) {
    for (ScopeSpans& ss : *rs.mutable_scope_spans()) {
      std::stable_sort(ss.mutable_spans()->begin(), ss.mutable_spans()->end(), SpanLess);
    }
    std::stable_sort(rs.mutable_scope_spans()->begin(), rs.mutable_scope_spans()->end(),
                     [](const ScopeSpans& a, const ScopeSpans& b) {
                       return a.spans_size() > 0 && b.spans_size() > 0 &&
                              SpanLess(a.spans(0), b.spans(0));
                     });
  }
  std::stable_sort(trace.mutable_resourcespans()->begin(), trace.mutable_resourcespans()->end(),
                   [](const ResourceSpans& a, const ResourceSpans& b) {
                     return a.scope_spans_size() > 0 && b.scope_spans_size() > 0 &&
                            a.scope_spans(0).spans_size() > 0 &&
                            b.scope_spans(0).spans_size() > 0 &&
                            SpanLess(a.scope_spans(0).spans(0), b.scope_spans(0).spans(0));
                   });
}

void DedupeSharedSpanIds(tempopb::Trace& trace) {
  using Kind = Span::SpanKind;
  absl::flat_hash_map<uint64_t, bool> has_client;  // span ID -> some span with it is a client
  for (const ResourceSpans& rs : trace.resourcespans()) {
    for (const ScopeSpans& ss : rs.scope_spans()) {
      for (const Span& s : ss.spans()) {
        bool& c = has_client[SpanIdValue(s.span_id())];
        c = c || s.kind() == Kind::Span_SpanKind_SPAN_KIND_CLIENT;
      }
    }
  }
  absl::flat_hash_map<uint64_t, uint64_t> renamed;
  uint64_t max_used = 0;
  auto unique_id = [&]() -> uint64_t {
    for (uint64_t id = max_used + 1; id != 0; ++id) {
      if (!has_client.contains(id)) {
        max_used = id;
        return id;
      }
    }
    return 0;
  };
  for (ResourceSpans& rs : *trace.mutable_resourcespans()) {
    for (ScopeSpans& ss : *rs.mutable_scope_spans()) {
      for (Span& s : *ss.mutable_spans()) {
        uint64_t id = SpanIdValue(s.span_id());
        if (s.kind() != Kind::Span_SpanKind_SPAN_KIND_SERVER) {
          continue;
        }
        auto it = has_client.find(id);
        if (it == has_client.end() || !it->second) {
          continue;
        }
        uint64_t fresh = unique_id();
        if (fresh == 0) {
          continue;
        }
        renamed[id] = fresh;
        s.set_parent_span_id(SpanIdBytes(id));
        s.set_span_id(SpanIdBytes(fresh));
      }
    }
  }
  if (renamed.empty()) {
    return;
  }
  for (ResourceSpans& rs : *trace.mutable_resourcespans()) {
    for (ScopeSpans& ss : *rs.mutable_scope_spans()) {
      for (Span& s : *ss.mutable_spans()) {
        if (s.parent_span_id().empty()) {
          continue;
        }
        auto it = renamed.find(SpanIdValue(s.parent_span_id()));
        if (it != renamed.end() && SpanIdValue(s.span_id()) != it->second) {
          s.set_parent_span_id(SpanIdBytes(it->second));
        }
      }
    }
  }
}

}  // namespace vivace::model
