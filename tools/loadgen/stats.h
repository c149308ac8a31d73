#pragma once

// What vivace-loadgen measures and how it reports it: counters and a push-latency histogram
// fed by the senders' completion callbacks, a human-readable table (periodic lines and a final
// summary) and one machine-readable line, `RESULT {json}`, for benchmark scripts.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "loadgen/histogram.h"

namespace vivace::loadgen {

// How one request ended.
struct Outcome {
  bool ok = false;
  // For failures: a stable key to count by ("UNAVAILABLE", "HTTP_503", "CURL_COULDNT_CONNECT")
  // and a human-readable message.
  std::string error{};
  std::string message{};
  // Spans the server reported as rejected in an OTLP partial success.
  uint64_t rejected_spans = 0;
  // Bytes on the wire (after compression).
  uint64_t wire_bytes = 0;
};

struct Totals {
  uint64_t requests_ok = 0;
  uint64_t requests_failed = 0;
  uint64_t traces_ok = 0;
  uint64_t spans_ok = 0;
  uint64_t spans_failed = 0;
  uint64_t spans_rejected = 0;
  uint64_t bytes_ok = 0;  // protobuf bytes of acknowledged requests
  uint64_t wire_bytes = 0;
  std::map<std::string, uint64_t> errors;
  Histogram latency;  // nanoseconds, successful and failed requests alike

  uint64_t requests() const { return requests_ok + requests_failed; }

  // this - earlier, for interval reports (the histogram is this run's only).
  Totals Minus(const Totals& earlier) const;
};

// Thread-safe.
class Stats {
 public:
  // Returns true if this is the first failure with this error key (so callers log it once).
  bool Record(const Outcome& outcome, uint32_t traces, uint32_t spans, uint64_t bytes,
              int64_t latency_ns);
  // A copy of the totals so far. With `reset_latency`, the histogram starts afresh afterwards
  // (interval reports) while the final one keeps accumulating in `all_latency_`.
  Totals Snapshot(bool reset_latency = false);
  Totals Final();

 private:
  std::mutex mu_;
  Totals totals_;
  Histogram all_latency_;
};

// Run parameters echoed in the report.
struct RunInfo {
  std::string protocol{};
  std::string target{};
  std::string tenant{};
  bool dry_run = false;
  uint64_t seed = 0;
  uint64_t id_seed = 0;
  int concurrency = 0;
  int traces_per_request = 0;
  int spans_per_trace = 0;
  int depth = 0;
  double rate = 0;  // target spans/s, 0 = unlimited
  uint64_t template_count = 0;
  uint64_t template_bytes = 0;
};

std::string IntervalHeader();
// One line for an interval of `seconds` ending at `elapsed` seconds into the run.
std::string IntervalLine(const Totals& interval, double seconds, double elapsed);
// The final human-readable table. `cpu_seconds` is the loadgen's own user+system CPU.
std::string SummaryTable(const RunInfo& info, const Totals& t, double seconds, double cpu_seconds);
// "RESULT {...}": one line of JSON, keys documented in tools/loadgen/README.md.
std::string ResultLine(const RunInfo& info, const Totals& t, double seconds, double cpu_seconds);

}  // namespace vivace::loadgen
