// Fuzzes the tag endpoints' lenient `q` (search/tag_conditions.h): the repair of incomplete
// matchers, the condition extraction and OR expansion, the tag-values plan. Invariants: nothing
// crashes; a query that yields condition groups yields a filter that compiles (the conditions
// print and parse back), and the expansion never exceeds its limit.

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "search/tag_conditions.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) {
    return 0;  // the endpoints refuse long queries (max_query_expression_size_bytes)
  }
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)vivace::search::ReplaceIncompleteMatchers(in);
  auto groups = vivace::search::ExtractTagConditions(in, 16);
  if (!groups.ok()) {
    return 0;
  }
  if (groups->size() > 16) {
    std::fprintf(stderr, "%zu groups over the limit\n", groups->size());
    std::abort();
  }
  // Strings holding a backtick do not print back (quirk 10, replicated): then no filter.
  const bool backtick = in.find('`') != std::string_view::npos;
  if (!groups->empty() && !backtick && vivace::search::FilterOfGroups(*groups) == nullptr) {
    std::fprintf(stderr, "conditions of %.*s do not compile\n", static_cast<int>(size), in.data());
    std::abort();
  }
  (void)vivace::search::PlanTagValues(*groups, vivace::traceql::Attribute::Unscoped("a"), 16);
  return 0;
}
