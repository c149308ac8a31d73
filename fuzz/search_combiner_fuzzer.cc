// Fuzzes what a cached search job replays (frontend-search cache entries are serialized
// SearchResponses, and a cache can hold anything): the bytes are parsed as a SearchResponse and
// its traces merged into combiners (a job-local one with a parent, as cached jobs run, and
// the parent in reverse order). Nothing may crash; the answer holds at most `limit` traces and
// never more than it was given.

#include <cstdlib>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "fuzz/fuzz_target.h"
#include "search/combiner.h"
#include "tempopb/tempo.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Invalid UTF-8 in a string field is a parse failure protobuf also logs: keep it quiet.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  if (size < 1) {
    return 0;
  }
  const uint32_t limit = data[0] % 8;
  const bool most_recent = (data[0] & 0x80) != 0;
  tempopb::SearchResponse r;
  if (!r.ParseFromArray(data + 1, static_cast<int>(size - 1))) {
    return 0;
  }
  const uint32_t held = limit == 0 ? 1 : limit;
  vivace::search::SearchCombiner parent(held, most_recent);
  vivace::search::SearchCombiner child(held, most_recent, &parent);
  for (const tempopb::TraceSearchMetadata& md : r.traces()) {
    child.Add(md);
  }
  for (int i = r.traces_size() - 1; i >= 0; --i) {
    parent.Add(r.traces(i));
  }
  tempopb::SearchResponse out = parent.Final();
  (void)child.Final();
  if (out.traces_size() > r.traces_size() || out.traces_size() > static_cast<int>(held)) {
    std::abort();  // combining never invents traces nor holds more than the limit
  }
  return 0;
}
