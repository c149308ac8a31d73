#include "model/trace_assembler.h"

#include <algorithm>

#include <absl/container/flat_hash_map.h>

#include "common/protowire.h"

namespace vivace::model {

using protowire::Reader;
using protowire::WireType;

namespace {

constexpr int32_t kKindServer = 2;
constexpr int32_t kKindClient = 3;

uint64_t BigEndian(ByteView id) {
  uint64_t v = 0;
  for (size_t i = 0; i < id.size() && i < 8; ++i) {
    v = v << 8 | id[i];
  }
  return v;
}

std::string IdBytes(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return s;
}

Status Corrupt() { return Status::DataLoss("stored trace is not well formed"); }

}  // namespace

Status TraceAssembler::Add(ByteView trace) {
  if (too_large_) {
    return Status::Ok();  // Tempo stops combining once the limit is reached
  }
  bool first = parts_ == 0;
  size_t batches_before = batches_.size();
  Reader r(trace);
  while (r.Next()) {
    if (r.field() == 1) {
      if (r.type() != WireType::kLen) {
        return Corrupt();
      }
      VV_RETURN_IF_ERROR(AddBatch(r.bytes(), first));
    }
  }
  if (!r.ok()) {
    return Corrupt();
  }
  ++parts_;
  combined_ = combined_ || !first;
  for (size_t i = batches_before; i < batches_.size(); ++i) {
    size_ += protowire::LenFieldSize(1, BatchSize(batches_[i]));
  }
  if (max_bytes_ > 0 && size_ > max_bytes_) {
    too_large_ = true;
  }
  return Status::Ok();
}

Status TraceAssembler::AddBatch(ByteView rs, bool first) {
  Batch batch;
  Reader r(rs);
  while (r.Next()) {
    if (r.type() != WireType::kLen) {
      continue;
    }
    if (r.field() == 1) {
      batch.resource = r.bytes();
      batch.present = true;
    } else if (r.field() == 2) {
      VV_RETURN_IF_ERROR(AddScope(r.bytes(), first, &batch));
    }
  }
  if (!r.ok()) {
    return Corrupt();
  }
  if (!batch.scopes.empty()) {
    batches_.push_back(std::move(batch));
  }
  return Status::Ok();
}

Status TraceAssembler::AddScope(ByteView ss, bool first, Batch* batch) {
  Scope scope;
  Reader r(ss);
  while (r.Next()) {
    if (r.type() != WireType::kLen) {
      continue;
    }
    if (r.field() == 1) {
      scope.bytes = r.bytes();
      scope.present = true;
      continue;
    }
    if (r.field() != 2) {
      continue;
    }
    Span span;
    span.bytes = r.bytes();
    Reader f(span.bytes);
    while (f.Next()) {
      switch (f.field()) {
        case 2:
          span.id = BigEndian(f.bytes());
          break;
        case 4:
          span.has_parent = !f.bytes().empty();
          span.parent = BigEndian(f.bytes());
          break;
        case 6:
          span.kind = static_cast<int32_t>(f.varint());
          break;
        case 7:
          span.start = f.varint();
          break;
        default:
          break;
      }
    }
    if (!f.ok()) {
      return Corrupt();
    }
    bool is_new = seen_.insert({span.id, span.kind}).second;
    if (!first && !is_new) {
      ++spans_deduped_;
      continue;  // a later part's copy of a span already taken
    }
    scope.spans.push_back(static_cast<uint32_t>(spans_.size()));
    spans_.push_back(span);
  }
  if (!r.ok()) {
    return Corrupt();
  }
  if (!scope.spans.empty()) {
    batch->scopes.push_back(static_cast<uint32_t>(scopes_.size()));
    scopes_.push_back(std::move(scope));
  }
  return Status::Ok();
}

size_t TraceAssembler::span_count() const { return spans_.size(); }

size_t TraceAssembler::ScopeSize(const Scope& s, const std::vector<Span>& spans) {
  size_t n = s.present ? protowire::LenFieldSize(1, s.bytes.size()) : 0;
  for (uint32_t i : s.spans) {
    n += protowire::LenFieldSize(2, spans[i].bytes.size());
  }
  return n;
}

size_t TraceAssembler::BatchSize(const Batch& b) const {
  size_t n = b.present ? protowire::LenFieldSize(1, b.resource.size()) : 0;
  for (uint32_t s : b.scopes) {
    n += protowire::LenFieldSize(2, ScopeSize(scopes_[s], spans_));
  }
  return n;
}

void TraceAssembler::Finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  if (combined_) {
    auto span_less = [this](uint32_t a, uint32_t b) {
      const Span& x = spans_[a];
      const Span& y = spans_[b];
      if (x.start != y.start) {
        return x.start < y.start;
      }
      return x.id < y.id;  // big-endian value order is byte order
    };
    for (Scope& s : scopes_) {
      std::stable_sort(s.spans.begin(), s.spans.end(), span_less);
    }
    auto scope_less = [&](uint32_t a, uint32_t b) {
      return span_less(scopes_[a].spans[0], scopes_[b].spans[0]);
    };
    for (Batch& b : batches_) {
      std::stable_sort(b.scopes.begin(), b.scopes.end(), scope_less);
    }
    std::stable_sort(batches_.begin(), batches_.end(), [&](const Batch& a, const Batch& b) {
      return scope_less(a.scopes[0], b.scopes[0]);
    });
  }
  if (shared_ == SharedSpanIds::kRewrite) {
    DedupeSharedSpanIds();
  }
}

void TraceAssembler::DedupeSharedSpanIds() {
  absl::flat_hash_map<uint64_t, bool> has_client;  // every span ID -> shared with a client span?
  bool any_server = false;
  for (const Span& s : spans_) {
    bool& c = has_client[s.id];
    c = c || s.kind == kKindClient;
    any_server = any_server || s.kind == kKindServer;
  }
  if (!any_server) {
    return;
  }
  absl::flat_hash_map<uint64_t, uint64_t> renamed;
  uint64_t max_used = 0;
  // Walk in output order so that fresh IDs are assigned as Tempo assigns them.
  std::vector<uint32_t> order;
  for (const Batch& b : batches_) {
    for (uint32_t sc : b.scopes) {
      order.insert(order.end(), scopes_[sc].spans.begin(), scopes_[sc].spans.end());
    }
  }
  std::vector<uint32_t> changed;
  for (uint32_t i : order) {
    Span& s = spans_[i];
    auto it = has_client.find(s.id);
    if (s.kind != kKindServer || it == has_client.end() || !it->second) {
      continue;
    }
    uint64_t fresh = max_used + 1;
    while (fresh != 0 && has_client.contains(fresh)) {
      ++fresh;
    }
    if (fresh == 0) {
      continue;  // 2^64 IDs in use: leave it
    }
    max_used = fresh;
    renamed[s.id] = fresh;
    s.parent = s.id;
    s.has_parent = true;
    s.id = fresh;
    changed.push_back(i);
  }
  if (renamed.empty()) {
    return;
  }
  for (Span& s : spans_) {
    if (!s.has_parent) {
      continue;
    }
    auto it = renamed.find(s.parent);
    if (it != renamed.end() && s.id != it->second) {
      s.parent = it->second;
      changed.push_back(static_cast<uint32_t>(&s - spans_.data()));
    }
  }
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  // Rewrite the span_id (2) and parent_span_id (4) of the changed spans.
  for (uint32_t i : changed) {
    Span& s = spans_[i];
    std::string out;
    Reader r(s.bytes);
    const uint8_t* field_start = s.bytes.data();
    bool wrote_parent = false;
    while (r.Next()) {
      const uint8_t* field_end = r.position();
      if (r.field() == 2 && r.type() == WireType::kLen) {
        protowire::AppendLenField(out, 2, ByteView(IdBytes(s.id)));
      } else if (r.field() == 4 && r.type() == WireType::kLen) {
        protowire::AppendLenField(out, 4, ByteView(IdBytes(s.parent)));
        wrote_parent = true;
      } else {
        out.append(reinterpret_cast<const char*>(field_start),
                   static_cast<size_t>(field_end - field_start));
      }
      field_start = field_end;
    }
    if (!wrote_parent) {
      protowire::AppendLenField(out, 4, ByteView(IdBytes(s.parent)));
    }
    rewritten_.push_back(std::move(out));
    s.bytes = ByteView(rewritten_.back());
  }
}

std::string TraceAssembler::SerializeProto() {
  Finish();
  std::string out;
  out.reserve(size_ + 64);
  for (const Batch& b : batches_) {
    protowire::AppendLenHeader(out, 1, BatchSize(b));
    if (b.present) {
      protowire::AppendLenField(out, 1, b.resource);
    }
    for (uint32_t sc : b.scopes) {
      const Scope& s = scopes_[sc];
      protowire::AppendLenHeader(out, 2, ScopeSize(s, spans_));
      if (s.present) {
        protowire::AppendLenField(out, 1, s.bytes);
      }
      for (uint32_t i : s.spans) {
        protowire::AppendLenField(out, 2, spans_[i].bytes);
      }
    }
  }
  return out;
}

void TraceAssembler::WriteJson(JsonWriter& w, std::string_view root_key, IdEncoding ids) {
  Finish();
  w.Reserve(size_ * 3);  // JSON is typically 2-3x the protobuf size
  w.BeginObject();
  if (!batches_.empty()) {
    w.Key(root_key);
    w.BeginArray();
    for (const Batch& b : batches_) {
      w.BeginObject();
      if (b.present) {
        w.Key("resource");
        WriteWireJson(w, WireMessage::kResource, b.resource, ids);
      }
      w.Key("scopeSpans");
      w.BeginArray();
      for (uint32_t sc : b.scopes) {
        const Scope& s = scopes_[sc];
        w.BeginObject();
        if (s.present) {
          w.Key("scope");
          WriteWireJson(w, WireMessage::kScope, s.bytes, ids);
        }
        w.Key("spans");
        w.BeginArray();
        for (uint32_t i : s.spans) {
          WriteWireJson(w, WireMessage::kSpan, spans_[i].bytes, ids);
        }
        w.EndArray();
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace vivace::model
