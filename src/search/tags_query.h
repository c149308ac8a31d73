#pragma once

// The legacy `tags` search (`/api/search?tags=k=v ...`) as a TraceQL query, so that one engine
// answers both: every tag must be found in the trace (on any span, each tag on its own), its
// value a case-insensitive substring of the attribute's (span or resource; an integer value
// also matches the integer attribute). Tempo's special tag names map to intrinsics: `name`
// (span name), `status.code` (unset/ok/error), `error=true`, `root.name`, `root.service.name`.

#include <string>
#include <utility>
#include <vector>

namespace vivace::search {

// "{}" for no tags.
std::string TagsToTraceQL(const std::vector<std::pair<std::string, std::string>>& tags);

}  // namespace vivace::search
