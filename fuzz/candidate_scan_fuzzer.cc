// Fuzzes the columnar candidate scan (src/search/scan): a row group (checksums off, so that
// mutations reach the header, key sets, dictionaries, CSR end columns and attribute columns) is
// scanned with fixed queries over every intrinsic the scan decides and with queries on the
// attribute keys its header names (promoted keys of every scope), in both the all-conditions
// and any-condition modes. Invariants: the scan stays in bounds, fails only with DataLoss (or
// OutOfRange/InvalidArgument for columns shorter than their table), and returns ascending,
// distinct trace ordinals below the row group's trace count.
//
// Seeds (corpus/candidate_scan) are the row_group_read seeds: row groups with raw headers and
// uncompressed pages.

#include <cstdlib>
#include <string>
#include <vector>

#include "block/row_group_reader.h"
#include "fuzz/fuzz_target.h"
#include "search/scan/candidates.h"
#include "traceql/plan.h"

namespace vb = vivace::block;
using vivace::ByteView;
using vivace::Code;
using vivace::Status;

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

const std::vector<vivace::traceql::FetchRequest>& FixedRequests() {
  static const auto* requests = [] {
    auto* out = new std::vector<vivace::traceql::FetchRequest>();
    for (const char* q : {
             "{ name = \"GET\" }",
             "{ name =~ \"G.*\" && status = error }",
             "{ kind = server || duration > 1ms }",
             "{ statusMessage != \"\" && duration <= 10s }",
             "{ rootServiceName = \"api\" && rootName =~ \".*\" && trace:duration > 1s }",
             "{ resource.service.name = \"api\" }",
             "{ resource.service.name != nil } >> { status = ok }",
             "{ .service.name = \"db\" || .env = nil }",
             "{ event:name = \"exception\" && event.k = nil }",
             "{ link.k != nil && instrumentation:name = \"otel\" }",
             "{ instrumentation:version = \"\" } | count() > 1",
         }) {
      auto c = vivace::traceql::Compile(q);
      if (c.ok()) {
        out->push_back(c->requests[0]);
      }
    }
    return out;
  }();
  return *requests;
}

void Scan(vb::RowGroupReader& r, const vivace::traceql::FetchRequest& request) {
  auto got = vivace::search::CandidateTraces(r, request, nullptr);
  if (!got.ok()) {
    const Code c = got.status().code();
    Check(c == Code::kDataLoss || c == Code::kOutOfRange || c == Code::kInvalidArgument);
    return;
  }
  const uint32_t traces = r.rows(vb::Table::kTrace);
  for (size_t i = 0; i < got->size(); ++i) {
    Check((*got)[i] < traces);
    Check(i == 0 || (*got)[i - 1] < (*got)[i]);
  }
}

// Queries on the attribute keys the header promotes, one scope at a time.
void ScanPromotedKeys(vb::RowGroupReader& r) {
  static const char* kScopes[] = {"resource", "instrumentation", "span", "event", "link"};
  int n = 0;
  for (int s = 0; s < vb::kAttrScopes && n < 12; ++s) {
    for (const vb::PromotedKey& p : r.header().attrs[s].promoted) {
      if (n++ >= 12) {
        break;
      }
      const std::string attr = std::string(kScopes[s]) + ".\"" + p.key + "\"";
      for (const std::string& cond :
           {attr + " = \"x\"", attr + " > 3", attr + " != nil && " + attr + " =~ \"a.*\"",
            attr + " = true || " + attr + " <= 2.5"}) {
        auto c = vivace::traceql::Compile("{ " + cond + " }");
        if (c.ok()) {
          Scan(r, c->requests[0]);
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader = vb::RowGroupReader::Open(ByteView(data, size), {.verify_checksums = false});
  if (!reader.ok()) {
    return 0;
  }
  for (const auto& request : FixedRequests()) {
    Scan(**reader, request);
  }
  ScanPromotedKeys(**reader);
  return 0;
}
