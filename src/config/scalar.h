#pragma once

// Conversions between config text (YAML scalars, flag values) and field values, following
// Go's yaml.v2 rules that Tempo's config relies on: YAML 1.1 booleans, integers with
// underscores / 0x / 0o prefixes or in float notation when integral (30e6), durations in Go
// syntax (bare integers are nanoseconds), Prometheus d/w/y units where a row allows them.

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "config/schema.h"

namespace vivace::config {

// A parsed value of one leaf row, stored into its field later (deferred 2.x rows).
using LeafValue =
    std::variant<std::string, int64_t, bool, double, Duration, std::vector<std::string>,
                 std::vector<double>, std::map<std::string, std::string>>;

// Parses one scalar's text for a leaf kind (list kinds accept a comma-separated string).
// Errors name the expected type, not the key; callers add the key and line.
Result<LeafValue> ParseScalarText(Kind kind, uint32_t flags, std::string_view text);

// Stores a parsed value into the field of `kind` at `dst`.
void StoreLeaf(Kind kind, const LeafValue& value, void* dst);

// Parsers shared with the flag parser.
Result<int64_t> ParseInt(std::string_view text);
Result<bool> ParseYamlBool(std::string_view text);
// Go's strconv.ParseBool (flags): 1 t T TRUE true True 0 f F FALSE false False.
Result<bool> ParseGoBool(std::string_view text);

// The field rendered as a YAML value (scalars quoted as needed, lists and maps as trees);
// secrets masked when `mask` is set.
RenderNode RenderLeaf(Kind kind, uint32_t flags, const void* field, bool mask);

// A human name of what a kind expects, for error messages ("an integer", "a duration").
std::string_view KindName(Kind kind);

}  // namespace vivace::config
