#include "generator/span_multiplier.h"

#include <cmath>

namespace vivace::generator {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

double RatioFrom(const std::vector<Attribute>& attrs, std::string_view key) {
  for (const Attribute& a : attrs) {
    if (a.key == key) {
      AnyValue v = ParseAnyValue(a.value);
      double d = v.type == AnyValue::Type::kDouble ? v.double_value : 0;
      if (d > 0) {
        return 1.0 / d;
      }
    }
  }
  return 0;
}

}  // namespace

double MultiplierFromTraceState(std::string_view trace_state) {
  // tracestate: comma-separated vendor entries; OpenTelemetry's is `ot=<k>:<v>;<k>:<v>`.
  while (!trace_state.empty()) {
    size_t comma = trace_state.find(',');
    std::string_view entry = Trim(trace_state.substr(0, comma));
    trace_state = comma == std::string_view::npos ? "" : trace_state.substr(comma + 1);
    if (entry.substr(0, 3) != "ot=") {
      continue;
    }
    std::string_view ot = entry.substr(3);
    while (!ot.empty()) {
      size_t semi = ot.find(';');
      std::string_view kv = ot.substr(0, semi);
      ot = semi == std::string_view::npos ? "" : ot.substr(semi + 1);
      if (kv.substr(0, 3) != "th:") {
        continue;
      }
      std::string_view th = kv.substr(3);
      if (th.empty() || th.size() > 14) {
        return 0;
      }
      uint64_t t = 0;
      for (size_t i = 0; i < 14; ++i) {
        int d = i < th.size() ? HexDigit(th[i]) : 0;
        if (d < 0) {
          return 0;
        }
        t = t << 4 | static_cast<uint64_t>(d);
      }
      constexpr double kMax = 72057594037927936.0;  // 2^56
      return kMax / (kMax - static_cast<double>(t));
    }
  }
  return 0;
}

double SpanMultiplier(std::string_view ratio_key, bool use_trace_state,
                      const ResourceView& resource, const SpanView& span) {
  if (use_trace_state) {
    double m = MultiplierFromTraceState(span.trace_state);
    if (m > 0) {
      return m;
    }
  }
  if (!ratio_key.empty()) {
    double m = RatioFrom(span.attributes(), ratio_key);
    if (m > 0) {
      return m;
    }
    m = RatioFrom(resource.attributes, ratio_key);
    if (m > 0) {
      return m;
    }
  }
  return 1.0;
}

}  // namespace vivace::generator
