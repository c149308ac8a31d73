#include "loadgen/stats.h"

#include <cmath>

#include <fmt/format.h>

#include "common/json_writer.h"

namespace vivace::loadgen {
namespace {

double PerSecond(uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
}

double Millis(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }

// Three decimals are plenty and keep the JSON short.
double Round3(double v) { return std::round(v * 1000) / 1000; }

std::string ErrorList(const std::map<std::string, uint64_t>& errors) {
  std::string out;
  for (const auto& [key, count] : errors) {
    if (count == 0) {
      continue;
    }
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", key, count);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

Totals Totals::Minus(const Totals& earlier) const {
  Totals d;
  d.requests_ok = requests_ok - earlier.requests_ok;
  d.requests_failed = requests_failed - earlier.requests_failed;
  d.traces_ok = traces_ok - earlier.traces_ok;
  d.spans_ok = spans_ok - earlier.spans_ok;
  d.spans_failed = spans_failed - earlier.spans_failed;
  d.spans_rejected = spans_rejected - earlier.spans_rejected;
  d.bytes_ok = bytes_ok - earlier.bytes_ok;
  d.wire_bytes = wire_bytes - earlier.wire_bytes;
  for (const auto& [key, count] : errors) {
    auto it = earlier.errors.find(key);
    d.errors[key] = count - (it == earlier.errors.end() ? 0 : it->second);
  }
  d.latency = latency;
  return d;
}

bool Stats::Record(const Outcome& outcome, uint32_t traces, uint32_t spans, uint64_t bytes,
                   int64_t latency_ns) {
  uint64_t latency = latency_ns > 0 ? static_cast<uint64_t>(latency_ns) : 0;
  std::lock_guard<std::mutex> lock(mu_);
  totals_.latency.Record(latency);
  all_latency_.Record(latency);
  totals_.wire_bytes += outcome.wire_bytes;
  if (outcome.ok) {
    ++totals_.requests_ok;
    totals_.traces_ok += traces;
    totals_.spans_ok += spans;
    totals_.bytes_ok += bytes;
    totals_.spans_rejected += outcome.rejected_spans;
    return false;
  }
  ++totals_.requests_failed;
  totals_.spans_failed += spans;
  return totals_.errors[outcome.error]++ == 0;
}

Totals Stats::Snapshot(bool reset_latency) {
  std::lock_guard<std::mutex> lock(mu_);
  Totals copy = totals_;
  if (reset_latency) {
    totals_.latency.Clear();
  }
  return copy;
}

Totals Stats::Final() {
  std::lock_guard<std::mutex> lock(mu_);
  Totals copy = totals_;
  copy.latency = all_latency_;
  return copy;
}

std::string IntervalHeader() {
  return fmt::format("{:>8} {:>10} {:>8} {:>12} {:>10} {:>9} {:>9} {:>9} {:>9}\n", "elapsed",
                     "requests", "errors", "spans", "spans/s", "MB/s", "p50 ms", "p99 ms",
                     "p999 ms");
}

std::string IntervalLine(const Totals& t, double seconds, double elapsed) {
  return fmt::format(
      "{:>7.1f}s {:>10} {:>8} {:>12} {:>10.0f} {:>9.2f} {:>9.3f} {:>9.3f} {:>9.3f}\n", elapsed,
      t.requests(), t.requests_failed, t.spans_ok, PerSecond(t.spans_ok, seconds),
      PerSecond(t.bytes_ok, seconds) / 1e6, Millis(t.latency.Quantile(0.5)),
      Millis(t.latency.Quantile(0.99)), Millis(t.latency.Quantile(0.999)));
}

std::string SummaryTable(const RunInfo& info, const Totals& t, double seconds, double cpu_seconds) {
  std::string out;
  auto row = [&out](std::string_view name, const std::string& value) {
    out += fmt::format("  {:<18} {}\n", name, value);
  };
  out += info.dry_run ? "== vivace-loadgen summary (dry run: generated, not sent) ==\n"
                      : "== vivace-loadgen summary ==\n";
  row("target", info.dry_run ? "-" : fmt::format("{} {}", info.protocol, info.target));
  row("shape",
      fmt::format("{} traces/request, {} spans/trace, depth {}, concurrency {}",
                  info.traces_per_request, info.spans_per_trace, info.depth, info.concurrency));
  row("rate limit", info.rate > 0 ? fmt::format("{:.0f} spans/s", info.rate) : "none");
  row("duration", fmt::format("{:.2f} s", seconds));
  row("requests", fmt::format("{} ok, {} failed ({:.1f}/s)", t.requests_ok, t.requests_failed,
                              PerSecond(t.requests(), seconds)));
  row("traces", fmt::format("{} ok ({:.0f}/s)", t.traces_ok, PerSecond(t.traces_ok, seconds)));
  row("spans", fmt::format("{} ok ({:.0f}/s), {} in failed requests, {} rejected", t.spans_ok,
                           PerSecond(t.spans_ok, seconds), t.spans_failed, t.spans_rejected));
  row("bytes", fmt::format("{} ok ({:.2f} MB/s), {} on the wire", t.bytes_ok,
                           PerSecond(t.bytes_ok, seconds) / 1e6, t.wire_bytes));
  row("latency ms", fmt::format("p50 {:.3f}  p90 {:.3f}  p99 {:.3f}  p999 {:.3f}  max {:.3f}",
                                Millis(t.latency.Quantile(0.5)), Millis(t.latency.Quantile(0.9)),
                                Millis(t.latency.Quantile(0.99)), Millis(t.latency.Quantile(0.999)),
                                Millis(t.latency.max())));
  row("errors", ErrorList(t.errors));
  uint64_t spans = t.spans_ok + t.spans_failed;
  row("loadgen cpu", fmt::format("{:.2f} s ({:.3f} cpu-s per million spans)", cpu_seconds,
                                 spans > 0 ? cpu_seconds * 1e6 / static_cast<double>(spans) : 0));
  return out;
}

std::string ResultLine(const RunInfo& info, const Totals& t, double seconds, double cpu_seconds) {
  std::string json;
  JsonWriter w(&json);
  w.BeginObject();
  w.Key("protocol");
  w.String(info.dry_run ? "none" : info.protocol);
  w.Key("target");
  w.String(info.dry_run ? "" : info.target);
  w.Key("tenant");
  w.String(info.tenant);
  w.Key("dry_run");
  w.Bool(info.dry_run);
  w.Key("seed");
  w.Uint(info.seed);
  w.Key("id_seed");
  w.Uint(info.id_seed);
  w.Key("concurrency");
  w.Int(info.concurrency);
  w.Key("traces_per_request");
  w.Int(info.traces_per_request);
  w.Key("spans_per_trace");
  w.Int(info.spans_per_trace);
  w.Key("depth");
  w.Int(info.depth);
  w.Key("rate_limit_spans_per_s");
  w.Double(info.rate);
  w.Key("templates");
  w.Uint(info.template_count);
  w.Key("template_bytes");
  w.Uint(info.template_bytes);
  w.Key("duration_s");
  w.Double(Round3(seconds));
  w.Key("requests");
  w.Uint(t.requests());
  w.Key("requests_ok");
  w.Uint(t.requests_ok);
  w.Key("requests_failed");
  w.Uint(t.requests_failed);
  w.Key("traces_ok");
  w.Uint(t.traces_ok);
  w.Key("spans_ok");
  w.Uint(t.spans_ok);
  w.Key("spans_failed");
  w.Uint(t.spans_failed);
  w.Key("spans_rejected");
  w.Uint(t.spans_rejected);
  w.Key("bytes_ok");
  w.Uint(t.bytes_ok);
  w.Key("wire_bytes");
  w.Uint(t.wire_bytes);
  w.Key("requests_per_s");
  w.Double(Round3(PerSecond(t.requests(), seconds)));
  w.Key("traces_per_s");
  w.Double(Round3(PerSecond(t.traces_ok, seconds)));
  w.Key("spans_per_s");
  w.Double(Round3(PerSecond(t.spans_ok, seconds)));
  w.Key("offered_spans_per_s");
  w.Double(Round3(PerSecond(t.spans_ok + t.spans_failed, seconds)));
  w.Key("bytes_per_s");
  w.Double(Round3(PerSecond(t.bytes_ok, seconds)));
  w.Key("latency_ms");
  w.BeginObject();
  w.Key("p50");
  w.Double(Round3(Millis(t.latency.Quantile(0.5))));
  w.Key("p90");
  w.Double(Round3(Millis(t.latency.Quantile(0.9))));
  w.Key("p99");
  w.Double(Round3(Millis(t.latency.Quantile(0.99))));
  w.Key("p999");
  w.Double(Round3(Millis(t.latency.Quantile(0.999))));
  w.Key("max");
  w.Double(Round3(Millis(t.latency.max())));
  w.Key("mean");
  w.Double(Round3(t.latency.mean() / 1e6));
  w.EndObject();
  w.Key("errors");
  w.BeginObject();
  for (const auto& [key, count] : t.errors) {
    w.Key(key);
    w.Uint(count);
  }
  w.EndObject();
  w.Key("cpu_s");
  w.Double(Round3(cpu_seconds));
  uint64_t spans = t.spans_ok + t.spans_failed;
  w.Key("cpu_s_per_million_spans");
  w.Double(Round3(spans > 0 ? cpu_seconds * 1e6 / static_cast<double>(spans) : 0));
  w.EndObject();
  return "RESULT " + json;
}

}  // namespace vivace::loadgen
