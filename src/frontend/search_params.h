#pragma once

// The parameters of GET /api/search (q, tags, minDuration, maxDuration, limit, spss, start,
// end, since) checked as Tempo's query frontend checks them, with its error texts: every
// failure is InvalidArgument (answered 400 with the message).

#include <cstdint>

#include "config/config.h"
#include "net/http.h"
#include "search/prepared_search.h"

namespace vivace::frontend {

// `now_unix_s` resolves `since`. The legacy `tags` are turned into TraceQL
// (search/tags_query.h).
Result<search::SearchOptions> ParseSearchParams(const net::HttpRequest& request,
                                                const config::SearchFrontendConfig& config,
                                                int64_t max_query_bytes, int64_t now_unix_s);

// A time parameter of the search and tag endpoints: unix seconds, nanoseconds (more than 10
// digits), fractional seconds or RFC 3339, re-emitted as whole seconds as Tempo's frontend
// does.
// `name` is used in the error ("invalid start: ...").
Result<uint32_t> ParseUnixSeconds(std::string_view name, std::string_view value);

}  // namespace vivace::frontend
