// Fuzzes the XML reader the object-store backends parse S3 and Azure answers with, and the
// error-body scan that turns any store answer into a Status. Accepted documents must respect
// the depth limit and have named elements.

#include <cstdlib>

#include "backend/remote/errors.h"
#include "backend/remote/xml.h"
#include "fuzz/fuzz_target.h"

namespace {

void Check(const vivace::backend::remote::XmlElement& el, int depth, int max_depth) {
  if (el.name.empty() || depth > max_depth) {
    std::abort();
  }
  for (const auto& c : el.children) {
    Check(c, depth + 1, max_depth);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view doc(reinterpret_cast<const char*>(data), size);
  vivace::backend::remote::XmlLimits limits{.max_depth = 16, .max_elements = 10000};
  auto parsed = vivace::backend::remote::ParseXml(doc, limits);
  if (parsed.ok()) {
    Check(*parsed, 1, limits.max_depth);
  }
  vivace::backend::remote::HttpResponse r;
  r.status = 403;
  r.body = std::string(doc);
  vivace::Status s = vivace::backend::remote::HttpError("s3", "GET", "t/k", r);
  if (s.ok()) {
    std::abort();
  }
  return 0;
}
