#pragma once

// Command-line flags of vivace-loadgen. Flags are `--name=value` or `--name value` (a single
// leading dash works too, as with Go tools); `--help` prints Usage().

#include <cstdint>
#include <string>

#include "common/duration.h"
#include "common/status.h"

namespace vivace::loadgen {

enum class Protocol { kGrpc, kHttp };
enum class Compression { kNone, kGzip };

struct Options {
  Protocol protocol = Protocol::kGrpc;
  // gRPC: host:port. HTTP: the full URL of the traces endpoint.
  std::string target;
  std::string tenant;  // X-Scope-OrgID; empty = not sent
  int concurrency = 4;
  int connections = 1;  // gRPC channels (TCP connections) the requests are spread over
  int traces_per_request = 10;
  int spans_per_trace = 10;
  int depth = 4;
  double error_ratio = 0.05;
  Duration duration{0};       // 0 = until total_traces
  uint64_t total_traces = 0;  // 0 = until duration
  double rate = 0;            // spans/s; 0 = as fast as possible
  uint64_t seed = 1;          // trace content
  uint64_t id_seed = 0;       // trace and span IDs
  bool id_seed_set = false;   // otherwise id_seed is random per run
  int pool = 64;              // templates to generate
  Duration timeout{std::chrono::seconds(10)};
  Duration report_interval{0};  // 0 = only the final report
  std::string trace_ids_file;
  Compression compression = Compression::kNone;
  bool dry_run = false;
  bool help = false;
};

// Parses argv[1..argc). Returns InvalidArgument naming the bad flag and value.
Result<Options> ParseOptions(int argc, const char* const* argv);

std::string Usage();

}  // namespace vivace::loadgen
