#pragma once

// The logfmt decoder for /api/search's legacy `tags` parameter (`k=v k2="v w"`), with the
// syntax of the go-logfmt package Tempo uses: records split by newlines, keys up to a space,
// `=` or quote, bare or double-quoted values (Go escapes), a key without `=` has an empty
// value. Errors name the position within the line as Tempo reports them ("unexpected '=' at pos
// 4").

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vivace::search {

// InvalidArgument on a syntax error. Pairs in input order (duplicates kept).
Result<std::vector<std::pair<std::string, std::string>>> ParseLogfmt(std::string_view in);

}  // namespace vivace::search
