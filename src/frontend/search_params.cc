#include "frontend/search_params.h"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "backend/rfc3339.h"
#include "common/duration.h"
#include "common/strconv.h"
#include "search/logfmt.h"
#include "search/tags_query.h"
#include "traceql/go_compat.h"

namespace vivace::frontend {
namespace {

// A parameter that is present and not empty (Tempo's extractQueryParam).
std::optional<std::string_view> Param(const net::HttpRequest& r, std::string_view name) {
  auto v = r.Query(name);
  if (!v || v->empty()) {
    return std::nullopt;
  }
  return v;
}

Result<uint32_t> ParseGoDurationMs(std::string_view name, std::string_view value) {
  auto ns = traceql::GoParseDuration(value);
  if (!ns) {
    return Status::InvalidArgument(
        fmt::format("invalid {}: time: invalid duration \"{}\"", name, value));
  }
  int64_t ms = *ns / 1'000'000;
  return static_cast<uint32_t>(ms);  // Go's uint32(dur.Milliseconds()) wraps the same way
}

}  // namespace

Result<uint32_t> ParseUnixSeconds(std::string_view name, std::string_view value) {
  auto fail = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("invalid {}: strconv.ParseInt: parsing \"{}\": {}", name, value, why));
  };
  if (value.find('T') != std::string_view::npos) {  // RFC 3339, as Tempo's frontend accepts
    auto t = backend::ParseRfc3339(value);
    if (!t.ok()) {
      return fail("invalid syntax");
    }
    if (t->seconds < 0 || t->seconds > INT32_MAX) {
      return fail("value out of range");
    }
    return static_cast<uint32_t>(t->seconds);
  }
  size_t dot = value.find('.');
  std::string_view whole = value.substr(0, dot);
  auto v = ParseInt64(whole);
  if (!v.ok()) {
    return fail(v.status().message().find("range") != std::string_view::npos ? "value out of range"
                                                                             : "invalid syntax");
  }
  if (dot != std::string_view::npos) {
    std::string_view frac = value.substr(dot + 1);
    if (frac.empty() || frac.find_first_not_of("0123456789") != std::string_view::npos) {
      return fail("invalid syntax");
    }
  }
  int64_t seconds = *v;
  if (whole.size() > 10 && dot == std::string_view::npos) {
    seconds /= 1'000'000'000;  // nanoseconds
  }
  if (seconds < 0 || seconds > INT32_MAX) {
    return fail("value out of range");
  }
  return static_cast<uint32_t>(seconds);
}

Result<search::SearchOptions> ParseSearchParams(const net::HttpRequest& request,
                                                const config::SearchFrontendConfig& config,
                                                int64_t max_query_bytes, int64_t now_unix_s) {
  search::SearchOptions out;
  out.limit = config.default_result_limit;
  out.spans_per_spanset = config.default_spans_per_span_set;
  if (auto s = Param(request, "start")) {
    VV_ASSIGN_OR_RETURN(out.start_unix_s, ParseUnixSeconds("start", *s));
  }
  if (auto e = Param(request, "end")) {
    VV_ASSIGN_OR_RETURN(out.end_unix_s, ParseUnixSeconds("end", *e));
  }
  if (auto since = Param(request, "since"); since && out.start_unix_s == 0 && out.end_unix_s == 0) {
    auto d = ParseDuration(*since, /*allow_days=*/true);
    if (!d.ok()) {
      return Status::InvalidArgument(fmt::format("invalid since: {}", d.status().message()));
    }
    out.end_unix_s = static_cast<uint32_t>(now_unix_s);
    out.start_unix_s = static_cast<uint32_t>(std::max<int64_t>(
        0, now_unix_s - std::chrono::duration_cast<std::chrono::seconds>(*d).count()));
  }
  if ((out.start_unix_s == 0) != (out.end_unix_s == 0)) {
    return Status::InvalidArgument(
        "error parsing date range: only one of start and end provided: must provide both or "
        "neither");
  }
  auto q = Param(request, "q");
  auto tags = Param(request, "tags");
  if (q && tags) {
    return Status::InvalidArgument("invalid request: can't specify tags and q in the same query");
  }
  if (q) {
    if (max_query_bytes > 0 && static_cast<int64_t>(q->size()) > max_query_bytes) {
      return Status::InvalidArgument(fmt::format(
          "TraceQL expression exceeds the configured maximum size of {} bytes, query size was {} "
          "bytes",
          max_query_bytes, q->size()));
    }
    out.query = std::string(*q);
  } else if (tags) {
    auto pairs = search::ParseLogfmt(*tags);
    if (!pairs.ok()) {
      return Status::InvalidArgument(fmt::format("invalid tags: {}", pairs.status().message()));
    }
    std::set<std::string> seen;
    for (const auto& kv : *pairs) {
      if (!seen.insert(kv.first).second) {
        return Status::InvalidArgument(
            fmt::format("invalid tags: tag {} has been set twice", kv.first));
      }
    }
    out.query = search::TagsToTraceQL(*pairs);
  }
  if (auto s = Param(request, "minDuration")) {
    VV_ASSIGN_OR_RETURN(out.min_duration_ms, ParseGoDurationMs("minDuration", *s));
  }
  if (auto s = Param(request, "maxDuration")) {
    VV_ASSIGN_OR_RETURN(out.max_duration_ms, ParseGoDurationMs("maxDuration", *s));
    if (out.min_duration_ms != 0 && out.min_duration_ms > out.max_duration_ms) {
      return Status::InvalidArgument("invalid maxDuration: must be greater than minDuration");
    }
  }
  if (auto s = Param(request, "limit")) {
    auto v = traceql::GoAtoi(*s);
    if (!v.ok()) {
      return Status::InvalidArgument(fmt::format("invalid limit: {}", v.status().message()));
    }
    if (*v <= 0) {
      return Status::InvalidArgument("invalid limit: must be a positive number");
    }
    if (config.max_result_limit != 0 && *v > int64_t{config.max_result_limit}) {
      return Status::InvalidArgument(
          fmt::format("limit {} exceeds max limit {}", *v, config.max_result_limit));
    }
    out.limit = static_cast<uint32_t>(*v);
  }
  if (auto s = Param(request, "spss")) {
    auto v = traceql::GoAtoi(*s);
    if (!v.ok()) {
      return Status::InvalidArgument(fmt::format("invalid spss: {}", v.status().message()));
    }
    if (*v < 0) {
      return Status::InvalidArgument("invalid spss: must be a non-negative number");
    }
    if (*v > int64_t{config.max_spans_per_span_set} && config.max_spans_per_span_set != 0) {
      return Status::InvalidArgument(fmt::format("spans per span set exceeds {}. received {}",
                                                 config.max_spans_per_span_set, *v));
    }
    if (*v > 0) {
      out.spans_per_spanset = static_cast<uint32_t>(*v);
    }
  }
  if (out.start_unix_s != 0 || out.end_unix_s != 0) {
    if (out.end_unix_s <= out.start_unix_s) {
      return Status::InvalidArgument(
          fmt::format("http parameter start must be before end. received start={} end={}",
                      out.start_unix_s, out.end_unix_s));
    }
    int64_t max_s = std::chrono::duration_cast<std::chrono::seconds>(config.max_duration).count();
    if (max_s > 0 && int64_t{out.end_unix_s} - int64_t{out.start_unix_s} > max_s) {
      return Status::InvalidArgument(
          fmt::format("range specified by start and end exceeds {}. received start={} end={}",
                      FormatDuration(config.max_duration), out.start_unix_s, out.end_unix_s));
    }
  }
  return out;
}

}  // namespace vivace::frontend
