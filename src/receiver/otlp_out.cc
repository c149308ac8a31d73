#include "receiver/otlp_out.h"

#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

namespace vivace::receiver {
namespace {

using protowire::WireOut;

// Field numbers (opentelemetry/proto/trace/v1/trace.proto, common/v1/common.proto).
constexpr uint32_t kRequestResourceSpans = 1;
constexpr uint32_t kResourceSpansResource = 1;
constexpr uint32_t kResourceSpansScopeSpans = 2;
constexpr uint32_t kResourceAttributes = 1;
constexpr uint32_t kScopeSpansScope = 1;
constexpr uint32_t kScopeSpansSpans = 2;
constexpr uint32_t kScopeName = 1;
constexpr uint32_t kScopeVersion = 2;
constexpr uint32_t kSpanTraceId = 1;
constexpr uint32_t kSpanSpanId = 2;
constexpr uint32_t kSpanTraceState = 3;
constexpr uint32_t kSpanParentSpanId = 4;
constexpr uint32_t kSpanName = 5;
constexpr uint32_t kSpanKind = 6;
constexpr uint32_t kSpanStart = 7;
constexpr uint32_t kSpanEnd = 8;
constexpr uint32_t kSpanAttributes = 9;
constexpr uint32_t kSpanEvents = 11;
constexpr uint32_t kSpanLinks = 13;
constexpr uint32_t kSpanStatus = 15;
constexpr uint32_t kEventTime = 1;
constexpr uint32_t kEventName = 2;
constexpr uint32_t kEventAttributes = 3;
constexpr uint32_t kEventDropped = 4;
constexpr uint32_t kLinkTraceId = 1;
constexpr uint32_t kLinkSpanId = 2;
constexpr uint32_t kLinkTraceState = 3;
constexpr uint32_t kLinkAttributes = 4;
constexpr uint32_t kLinkDropped = 5;
constexpr uint32_t kStatusMessage = 2;
constexpr uint32_t kStatusCode = 3;
constexpr uint32_t kKeyValueKey = 1;
constexpr uint32_t kKeyValueValue = 2;
constexpr uint32_t kAnyString = 1;
constexpr uint32_t kAnyBool = 2;
constexpr uint32_t kAnyInt = 3;
constexpr uint32_t kAnyDouble = 4;
constexpr uint32_t kAnyBytes = 7;

template <size_t N>
bool AllZero(const uint8_t (&id)[N]) {
  for (uint8_t b : id) {
    if (b != 0) {
      return false;
    }
  }
  return true;
}

template <size_t N>
void IdField(WireOut& out, uint32_t field, const uint8_t (&id)[N]) {
  if (!AllZero(id)) {
    out.BytesField(field, std::string_view(reinterpret_cast<const char*>(id), N));
  }
}

void StringField(WireOut& out, uint32_t field, std::string_view s) {
  if (!s.empty()) {
    out.BytesField(field, s);
  }
}

}  // namespace

void AttrMap::Clear() {
  entries_.clear();
  index_.Reset();
  indexed_ = false;
  live_ = 0;
}

int AttrMap::Find(std::string_view key) const {
  if (indexed_) {
    return index_.Find(key, [&](uint32_t i) { return entries_[i].live && entries_[i].key == key; });
  }
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].live && entries_[i].key == key) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void AttrMap::Put(std::string_view key, const Value& v) {
  int at = Find(key);
  if (at >= 0) {
    entries_[static_cast<size_t>(at)].value = v;
    return;
  }
  entries_.push_back({key, v, true});
  ++live_;
  if (indexed_) {
    index_.Insert(key, static_cast<uint32_t>(entries_.size() - 1));
  } else if (entries_.size() > kIndexThreshold) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].live) {
        index_.Insert(entries_[i].key, static_cast<uint32_t>(i));
      }
    }
    indexed_ = true;
  }
}

void AttrMap::Append(std::string_view key, const Value& v) {
  entries_.push_back({key, v, true});
  ++live_;
  if (indexed_) {
    index_.Insert(key, static_cast<uint32_t>(entries_.size() - 1));
  }
  // Otherwise the next Put() builds the index if the map has grown past the threshold.
}

const Value* AttrMap::Get(std::string_view key) const {
  int at = Find(key);
  return at < 0 ? nullptr : &entries_[static_cast<size_t>(at)].value;
}

bool AttrMap::Remove(std::string_view key) {
  int at = Find(key);
  if (at < 0) {
    return false;
  }
  entries_[static_cast<size_t>(at)].live = false;  // the index skips dead entries
  --live_;
  return true;
}

void OtlpOut::Attributes(uint32_t field, const AttrMap& attrs) {
  attrs.ForEach([&](std::string_view key, const Value& v) {
    WireOut::Mark kv = out_.Open(field, 1);
    StringField(out_, kKeyValueKey, key);
    WireOut::Mark any = out_.Open(kKeyValueValue, 1);
    // A set oneof member is always written, even when it holds the default value.
    switch (v.type) {
      case ValueType::kString:
        out_.BytesField(kAnyString, v.s);
        break;
      case ValueType::kBool:
        out_.VarintField(kAnyBool, v.b ? 1 : 0);
        break;
      case ValueType::kInt:
        out_.VarintField(kAnyInt, static_cast<uint64_t>(v.i));
        break;
      case ValueType::kDouble: {
        uint64_t bits = 0;
        std::memcpy(&bits, &v.d, 8);
        out_.Fixed64Field(kAnyDouble, bits);
        break;
      }
      case ValueType::kBytes:
        out_.BytesField(kAnyBytes, v.s);
        break;
    }
    out_.Close(any);
    out_.Close(kv);
  });
}

void OtlpOut::BeginResourceSpans(const AttrMap& resource) {
  rs_ = out_.Open(kRequestResourceSpans, 3);
  WireOut::Mark r = out_.Open(kResourceSpansResource, 2);
  Attributes(kResourceAttributes, resource);
  out_.Close(r);
}

void OtlpOut::EndResourceSpans() { out_.Close(rs_); }

void OtlpOut::BeginScopeSpans(std::string_view name, std::string_view version) {
  ss_ = out_.Open(kResourceSpansScopeSpans, 3);
  WireOut::Mark s = out_.Open(kScopeSpansScope, 1);
  StringField(out_, kScopeName, name);
  StringField(out_, kScopeVersion, version);
  out_.Close(s);
}

void OtlpOut::EndScopeSpans() { out_.Close(ss_); }

void OtlpOut::BeginSpan(const SpanFields& span, const AttrMap& attributes) {
  span_ = out_.Open(kScopeSpansSpans, 2);
  IdField(out_, kSpanTraceId, span.trace_id);
  IdField(out_, kSpanSpanId, span.span_id);
  StringField(out_, kSpanTraceState, span.trace_state);
  IdField(out_, kSpanParentSpanId, span.parent_span_id);
  StringField(out_, kSpanName, span.name);
  if (span.kind != 0) {
    out_.VarintField(kSpanKind, static_cast<uint64_t>(span.kind));
  }
  if (span.start_unix_nano != 0) {
    out_.Fixed64Field(kSpanStart, span.start_unix_nano);
  }
  if (span.end_unix_nano != 0) {
    out_.Fixed64Field(kSpanEnd, span.end_unix_nano);
  }
  Attributes(kSpanAttributes, attributes);
}

void OtlpOut::Event(uint64_t time_unix_nano, std::string_view name, const AttrMap& attributes,
                    uint32_t dropped_attributes) {
  WireOut::Mark e = out_.Open(kSpanEvents, 1);
  if (time_unix_nano != 0) {
    out_.Fixed64Field(kEventTime, time_unix_nano);
  }
  StringField(out_, kEventName, name);
  Attributes(kEventAttributes, attributes);
  if (dropped_attributes != 0) {
    out_.VarintField(kEventDropped, dropped_attributes);
  }
  out_.Close(e);
}

void OtlpOut::Link(const uint8_t (&trace_id)[16], const uint8_t (&span_id)[8],
                   std::string_view trace_state, const AttrMap& attributes,
                   uint32_t dropped_attributes) {
  WireOut::Mark l = out_.Open(kSpanLinks, 1);
  IdField(out_, kLinkTraceId, trace_id);
  IdField(out_, kLinkSpanId, span_id);
  StringField(out_, kLinkTraceState, trace_state);
  Attributes(kLinkAttributes, attributes);
  if (dropped_attributes != 0) {
    out_.VarintField(kLinkDropped, dropped_attributes);
  }
  out_.Close(l);
}

void OtlpOut::EndSpan(const SpanFields& span) {
  if (span.has_status && (span.status_code != 0 || !span.status_message.empty())) {
    WireOut::Mark st = out_.Open(kSpanStatus, 1);
    StringField(out_, kStatusMessage, span.status_message);
    if (span.status_code != 0) {
      out_.VarintField(kStatusCode, static_cast<uint64_t>(static_cast<int64_t>(span.status_code)));
    }
    out_.Close(st);
  }
  out_.Close(span_);
  ++spans_;
}

void PutBigEndian64(uint64_t v, uint8_t* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

std::string FormatIp(std::string_view raw) {
  const auto* p = reinterpret_cast<const uint8_t*>(raw.data());
  if (raw.empty()) {
    return "<nil>";
  }
  if (raw.size() == 4) {
    return fmt::format("{}.{}.{}.{}", p[0], p[1], p[2], p[3]);
  }
  if (raw.size() != 16) {
    std::string out = "?";
    for (size_t i = 0; i < raw.size(); ++i) {
      fmt::format_to(std::back_inserter(out), "{:02x}", p[i]);
    }
    return out;
  }
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(p, kMapped, 12) == 0) {
    return fmt::format("{}.{}.{}.{}", p[12], p[13], p[14], p[15]);
  }
  // The longest run of two or more zero groups becomes "::" (the first one on a tie).
  int best_start = -1;
  int best_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && p[2 * j] == 0 && p[2 * j + 1] == 0) {
      ++j;
    }
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  if (best_len < 2) {
    best_start = -1;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') {
      out += ':';
    }
    fmt::format_to(std::back_inserter(out), "{:x}", (p[2 * i] << 8) | p[2 * i + 1]);
  }
  return out;
}

bool ParseIp(std::string_view text, uint8_t (&out)[16]) {
  if (text.empty() || text.size() > 64) {
    return false;
  }
  char buf[65];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (text.find(':') == std::string_view::npos) {
    uint8_t v4[4];
    if (inet_pton(AF_INET, buf, v4) != 1) {
      return false;
    }
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    std::memcpy(out, kMapped, 12);
    std::memcpy(out + 12, v4, 4);
    return true;
  }
  return inet_pton(AF_INET6, buf, out) == 1;
}

}  // namespace vivace::receiver
