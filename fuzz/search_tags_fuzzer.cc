// Fuzzes /api/search's legacy `tags` parameter: the logfmt decoder and the translation of its
// pairs into TraceQL. Invariants: nothing crashes; for printable-ASCII input every decoded set
// of tags becomes a query that compiles (keys and values are quoted correctly).

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "search/logfmt.h"
#include "search/tags_query.h"
#include "traceql/plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto pairs = vivace::search::ParseLogfmt(in);
  if (!pairs.ok()) {
    return 0;
  }
  bool printable = true;
  for (char c : in) {
    printable = printable && ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t');
  }
  std::string q = vivace::search::TagsToTraceQL(*pairs);
  auto compiled = vivace::traceql::Compile(q);
  if (printable && !compiled.ok()) {
    std::fprintf(stderr, "tags %.*s gave a bad query %s: %s\n", static_cast<int>(size), in.data(),
                 q.c_str(), compiled.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
