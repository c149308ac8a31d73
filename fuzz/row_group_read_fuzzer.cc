// Fuzzes the row-group reader: a whole row group (prefix, header, chunks) is opened with and
// without checksum verification, and everything a reader can ask of it is asked: every trace
// rebuilt (the first 16), found again by its ID, attributes of every scope, the first values of
// every column, the statistics lookups and a full verification. Checksums off is what lets the
// fuzzer reach the header and page structure behind the CRCs; the decoders must stay in bounds
// and within their allocation limits on their own. Invariants: failures are DataLoss (or
// OutOfRange/InvalidArgument for requests past the data), and a rebuilt trace is well-formed
// protobuf. Compaction's side is fuzzed too: the row group is decoded whole (DecodedRowGroup)
// and, when that succeeds, every trace is copied column by column into a new row group, which
// must then open and rebuild cleanly: a corrupt input is refused by Decode, never passed on.
//
// Seeds (corpus/row_group_read) are row groups written with a raw (uncompressed) header and
// uncompressed pages, so that mutations land on the structure itself.

#include <cstdlib>
#include <string>
#include <vector>

#include "block/decoded_row_group.h"
#include "block/row_group_reader.h"
#include "block/row_group_writer.h"
#include "common/protowire.h"
#include "fuzz/fuzz_target.h"

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

void CheckFailure(const Status& s) {
  Check(s.ok() || s.code() == Code::kDataLoss || s.code() == Code::kOutOfRange
        || s.code() == Code::kInvalidArgument);
}

// Whether `bytes` parses as protobuf down to every length-delimited field that is itself a
// message in a tempopb.Trace (resource spans, scope spans, spans): enough to catch a rebuild
// that emits garbage.
bool WellFormed(ByteView bytes, int depth) {
  vivace::protowire::Reader r(bytes);
  while (r.Next()) {
    if (depth < 3 && r.field() <= 2 && r.type() == vivace::protowire::WireType::kLen
        && !WellFormed(r.bytes(), depth + 1)) {
      return false;
    }
  }
  return r.ok();
}

void Exercise(vb::RowGroupReader& r) {
  const uint32_t traces = r.rows(vb::Table::kTrace);
  for (uint32_t t = 0; t < traces && t < 16; ++t) {
    auto trace = r.ReadTrace(t);
    CheckFailure(trace.status());
    if (trace.ok()) {
      Check(WellFormed(ByteView(*trace), 0));
    }
    std::string id;
    Status s = r.ReadFixed(static_cast<uint16_t>(vb::Col::kTraceId), t, 1, &id);
    CheckFailure(s);
    if (s.ok() && id.size() == 16) {
      auto found = r.FindTrace(vivace::model::TraceId::FromBytes(ByteView(id)));
      CheckFailure(found.status());
    }
  }
  std::vector<std::vector<vb::RowGroupReader::Attribute>> attrs;
  for (int s = 0; s < vb::kAttrScopes; ++s) {
    const auto scope = static_cast<vb::AttrScope>(s);
    const uint32_t owners = r.rows(vb::OwnerTable(scope));
    CheckFailure(r.ReadAttributes(scope, 0, owners < 64 ? owners : 64, &attrs));
  }
  std::vector<uint64_t> numbers;
  std::vector<std::string_view> strings;
  std::string fixed;
  for (const vb::ChunkDesc& c : r.header().chunks) {
    const uint32_t n = c.n_values < 64 ? c.n_values : 64;
    switch (c.kind) {
      case vb::Kind::kU64:
      case vb::Kind::kF64:
        CheckFailure(r.ReadU64(c.column, 0, n, &numbers));
        break;
      case vb::Kind::kFixed8:
      case vb::Kind::kFixed16:
        CheckFailure(r.ReadFixed(c.column, 0, n, &fixed));
        break;
      case vb::Kind::kString:
      case vb::Kind::kBytes:
        CheckFailure(r.ReadStringViews(c.column, 0, n, &strings));
        (void)r.ChunkMayContain(c.column, "GET");
        if (c.flags & vb::kChunkDict) {
          CheckFailure(r.DictionaryCode(c.column, "GET").status());
        }
        break;
    }
    (void)r.ColumnName(c.column);
  }
  CheckFailure(r.VerifyAllPages());
}

// Decodes the row group whole and copies every trace into a new one, which must be valid.
void Copy(ByteView rowgroup) {
  auto reader = vb::RowGroupReader::Open(rowgroup, {.verify_checksums = false});
  if (!reader.ok()) {
    return;
  }
  for (int t = 0; t < vb::kTables; ++t) {
    if ((*reader)->rows(static_cast<vb::Table>(t)) > (1u << 16)) {
      return;  // decoding whole allocates per row: keep within the fuzzer's memory
    }
  }
  auto decoded = vb::DecodedRowGroup::Decode(std::move(reader).value());
  if (!decoded.ok()) {
    CheckFailure(decoded.status());  // as the reader's own answers (checksums off)
    return;
  }
  const vb::DecodedRowGroup& src = **decoded;
  vb::RowGroupWriterOptions options;
  options.page_rows = 4;
  options.compress_header = false;
  vb::RowGroupWriter writer(options);
  uint32_t copied = 0;
  const vivace::model::TraceId* last = nullptr;
  for (uint32_t t = 0; t < src.n_traces(); ++t) {
    if (last != nullptr && !(*last < src.ids()[t])) {
      continue;  // the writer requires ascending IDs, as the merge guarantees
    }
    writer.CopyTrace(src, t);
    last = &src.ids()[t];
    ++copied;
  }
  if (copied == 0) {
    return;
  }
  vb::RowGroupSummary summary;
  const std::string out = writer.Finish(&summary);
  auto copy = vb::RowGroupReader::Open(ByteView(out));
  Check(copy.ok());
  for (uint32_t t = 0; t < copied && t < 16; ++t) {
    auto trace = (*copy)->ReadTrace(t);
    Check(trace.ok());
    Check(WellFormed(ByteView(*trace), 0));
  }
  Check((*copy)->VerifyAllPages().ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView rowgroup(data, size);
  for (bool verify : {false, true}) {
    auto reader = vb::RowGroupReader::Open(rowgroup, {.verify_checksums = verify});
    if (!reader.ok()) {
      Check(reader.status().code() == Code::kDataLoss);
      continue;
    }
    Exercise(**reader);
  }
  Copy(rowgroup);
  return 0;
}
