#include "loadgen/options.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <span>
#include <string_view>

#include <fmt/format.h>

namespace vivace::loadgen {
namespace {

constexpr std::string_view kGrpcDefaultTarget = "127.0.0.1:4317";
constexpr std::string_view kHttpDefaultTarget = "http://127.0.0.1:4318/v1/traces";
constexpr uint64_t kMaxSpansPerRequest = 2'000'000;

Status Bad(std::string_view flag, std::string_view value, std::string_view want) {
  return Status::InvalidArgument(
      fmt::format("invalid value \"{}\" for --{}: want {}", value, flag, want));
}

Status ParseUint(std::string_view flag, std::string_view v, uint64_t lo, uint64_t hi,
                 uint64_t* out) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi) {
    return Bad(flag, v, fmt::format("an integer in [{}, {}]", lo, hi));
  }
  *out = n;
  return Status::Ok();
}

Status ParseInt(std::string_view flag, std::string_view v, int lo, int hi, int* out) {
  uint64_t n = 0;
  VV_RETURN_IF_ERROR(ParseUint(flag, v, static_cast<uint64_t>(lo), static_cast<uint64_t>(hi), &n));
  *out = static_cast<int>(n);
  return Status::Ok();
}

Status ParseDouble(std::string_view flag, std::string_view v, double lo, double hi, double* out) {
  // std::from_chars for double is in libstdc++ 11+.
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d) || d < lo
      || d > hi) {
    return Bad(flag, v, fmt::format("a number in [{}, {}]", lo, hi));
  }
  *out = d;
  return Status::Ok();
}

Status ParseDur(std::string_view flag, std::string_view v, bool allow_zero, Duration* out) {
  Result<Duration> d = ParseDuration(v);
  if (!d.ok() || d->count() < 0 || (!allow_zero && d->count() == 0)) {
    return Bad(flag, v,
               allow_zero ? "a duration such as 30s or 2m (0 = off)"
                          : "a positive duration such as 30s or 2m");
  }
  *out = *d;
  return Status::Ok();
}

struct Flag {
  std::string_view name;
  bool takes_value;
  std::function<Status(std::string_view name, std::string_view value, Options& o)> set;
};

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags = {
      {"help", false,
       [](auto, auto, Options& o) {
         o.help = true;
         return Status::Ok();
       }},
      {"dry-run", false,
       [](auto, auto, Options& o) {
         o.dry_run = true;
         return Status::Ok();
       }},
      {"protocol", true,
       [](auto f, auto v, Options& o) {
         if (v == "grpc") {
           o.protocol = Protocol::kGrpc;
         } else if (v == "http") {
           o.protocol = Protocol::kHttp;
         } else {
           return Bad(f, v, "grpc or http");
         }
         return Status::Ok();
       }},
      {"target", true,
       [](auto f, auto v, Options& o) {
         if (v.empty()) {
           return Bad(f, v, "host:port or a URL");
         }
         o.target = std::string(v);
         return Status::Ok();
       }},
      {"tenant", true,
       [](auto, auto v, Options& o) {
         o.tenant = std::string(v);
         return Status::Ok();
       }},
      {"concurrency", true,
       [](auto f, auto v, Options& o) { return ParseInt(f, v, 1, 4096, &o.concurrency); }},
      {"connections", true,
       [](auto f, auto v, Options& o) { return ParseInt(f, v, 1, 256, &o.connections); }},
      {"traces-per-request", true,
       [](auto f, auto v, Options& o) { return ParseInt(f, v, 1, 65536, &o.traces_per_request); }},
      {"spans-per-trace", true,
       [](auto f, auto v, Options& o) { return ParseInt(f, v, 1, 100000, &o.spans_per_trace); }},
      {"depth", true, [](auto f, auto v, Options& o) { return ParseInt(f, v, 1, 1000, &o.depth); }},
      {"error-ratio", true,
       [](auto f, auto v, Options& o) { return ParseDouble(f, v, 0, 1, &o.error_ratio); }},
      {"duration", true,
       [](auto f, auto v, Options& o) { return ParseDur(f, v, false, &o.duration); }},
      {"total-traces", true,
       [](auto f, auto v, Options& o) {
         return ParseUint(f, v, 1, uint64_t{1} << 48, &o.total_traces);
       }},
      {"rate", true, [](auto f, auto v, Options& o) { return ParseDouble(f, v, 0, 1e9, &o.rate); }},
      {"seed", true,
       [](auto f, auto v, Options& o) { return ParseUint(f, v, 0, UINT64_MAX, &o.seed); }},
      {"id-seed", true,
       [](auto f, auto v, Options& o) {
         o.id_seed_set = true;
         return ParseUint(f, v, 0, UINT64_MAX, &o.id_seed);
       }},
      {"pool", true, [](auto f, auto v, Options& o) { return ParseInt(f, v, 1, 100000, &o.pool); }},
      {"timeout", true,
       [](auto f, auto v, Options& o) { return ParseDur(f, v, false, &o.timeout); }},
      {"report-interval", true,
       [](auto f, auto v, Options& o) { return ParseDur(f, v, true, &o.report_interval); }},
      {"print-trace-ids", true,
       [](auto f, auto v, Options& o) {
         if (v.empty()) {
           return Bad(f, v, "a file name");
         }
         o.trace_ids_file = std::string(v);
         return Status::Ok();
       }},
      {"compression", true,
       [](auto f, auto v, Options& o) {
         if (v == "none") {
           o.compression = Compression::kNone;
         } else if (v == "gzip") {
           o.compression = Compression::kGzip;
         } else {
           return Bad(f, v, "none or gzip");
         }
         return Status::Ok();
       }},
  };
  return flags;
}

// A bare host:port becomes http://host:port/v1/traces; a URL without a path gets /v1/traces.
std::string HttpUrl(std::string_view target) {
  std::string url(target);
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    url = "http://" + url;
    scheme = 4;
  }
  if (url.find('/', scheme + 3) == std::string::npos) {
    url += "/v1/traces";
  }
  return url;
}

Status Finish(Options& o) {
  if (o.target.empty()) {
    o.target = std::string(o.protocol == Protocol::kGrpc ? kGrpcDefaultTarget : kHttpDefaultTarget);
  } else if (o.protocol == Protocol::kHttp) {
    o.target = HttpUrl(o.target);
  } else if (o.target.starts_with("http://")) {
    o.target = o.target.substr(7);  // gRPC targets have no scheme; accept one anyway
  }
  if (o.duration.count() == 0 && o.total_traces == 0) {
    o.duration = std::chrono::seconds(10);
  }
  if (o.connections > o.concurrency) {
    return Status::InvalidArgument(
        fmt::format("--connections={} exceeds --concurrency={}", o.connections, o.concurrency));
  }
  if (o.depth == 1 && o.spans_per_trace > 1) {
    return Status::InvalidArgument("--depth=1 allows only --spans-per-trace=1");
  }
  uint64_t spans =
      static_cast<uint64_t>(o.traces_per_request) * static_cast<uint64_t>(o.spans_per_trace);
  if (spans > kMaxSpansPerRequest) {
    return Status::InvalidArgument(
        fmt::format("--traces-per-request * --spans-per-trace = {} spans per request, more than {}",
                    spans, kMaxSpansPerRequest));
  }
  return Status::Ok();
}

}  // namespace

Result<Options> ParseOptions(int argc, const char* const* argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h") {
      arg = "--help";
    }
    if (!arg.starts_with("-") || arg == "-" || arg == "--") {
      return Status::InvalidArgument(fmt::format("unexpected argument \"{}\" (see --help)", arg));
    }
    arg.remove_prefix(arg.starts_with("--") ? 2 : 1);
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : Flags()) {
      if (f.name == name) {
        flag = &f;
      }
    }
    if (flag == nullptr) {
      return Status::InvalidArgument(fmt::format("unknown flag --{} (see --help)", name));
    }
    if (!flag->takes_value && has_value) {
      return Status::InvalidArgument(fmt::format("flag --{} takes no value", name));
    }
    if (flag->takes_value && !has_value) {
      if (i + 1 >= argc) {
        return Status::InvalidArgument(fmt::format("flag --{} needs a value", name));
      }
      value = argv[++i];
    }
    VV_RETURN_IF_ERROR(flag->set(name, value, o));
  }
  if (o.help) {
    return o;
  }
  VV_RETURN_IF_ERROR(Finish(o));
  return o;
}

std::string Usage() {
  return R"(Usage: vivace-loadgen [flags]

Sends synthetic OTLP traces to a Tempo-compatible server and reports throughput and latency.
Traces come from a seeded model of a small web shop (8 services, HTTP, database and messaging
spans, errors, events, links); a pool of serialized requests is generated once and only IDs
and timestamps are stamped into each copy, so sending costs little CPU.

Target:
  --protocol=grpc|http       OTLP/gRPC or OTLP/HTTP protobuf (default grpc)
  --target=ADDR              grpc: host:port (default 127.0.0.1:4317)
                             http: URL or host:port (default http://127.0.0.1:4318/v1/traces)
  --tenant=ID                send X-Scope-OrgID (gRPC metadata x-scope-orgid)
  --compression=none|gzip    request compression (default none)
  --timeout=DUR              per-request deadline (default 10s)

Load:
  --concurrency=N            requests in flight (default 4)
  --connections=N            gRPC channels to spread them over (default 1)
  --traces-per-request=N     traces in each export request (default 10)
  --duration=DUR             run time, e.g. 30s, 5m (default 10s unless --total-traces)
  --total-traces=N           stop after sending N traces
  --rate=SPANS_PER_S         fixed rate in spans/s (default 0: as fast as possible)

Traces:
  --spans-per-trace=N        spans in every trace (default 10)
  --depth=N                  nesting depth of every trace, root = 1 (default 4)
  --error-ratio=F            share of spans failing on their own (default 0.05)
  --seed=N                   seed of the trace content (default 1)
  --id-seed=N                seed of trace/span IDs (default: random per run, so reruns
                             never resend the same trace IDs)
  --pool=N                   pre-generated requests to cycle through (default 64, capped at
                             64 MiB of requests)

Output:
  --report-interval=DUR      print a line of stats every DUR (default 0: final report only)
  --print-trace-ids=FILE     write the hex ID of every acknowledged trace to FILE
  --dry-run                  generate and stamp requests without sending: measures the
                             loadgen's own cost
  --help                     this text

At the end a table goes to stdout, followed by one line "RESULT {json}" for scripts.
Exit status: 0 when every request succeeded, 1 when some failed, 2 on bad flags.
)";
}

}  // namespace vivace::loadgen
