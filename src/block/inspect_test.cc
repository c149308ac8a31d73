#include "block/inspect.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "backend/memory_backend.h"
#include "block/block_writer.h"
#include "block/bloom.h"
#include "common/hex.h"
#include "tests/support/trace_builder.h"

namespace vivace::block {
namespace {

using testing::ExportRequest;

// Whether FindTraceRows walks the layout schema.h declares (see WalkTraceRows).
template <typename T>
constexpr bool kLayoutWalked = requires {
  T::kAttrFirst;
};

struct Fixture {
  backend::InMemoryBackend mem;
  backend::BlockMeta meta;
  std::vector<std::pair<model::TraceId, ExportRequest>> traces;  // ascending ID

  std::string Key(std::string_view name) const {
    return ObjectKey(meta.tenant_id, meta.block_id.ToString(), name);
  }
};

// A block of `n` traces (seed i has 1 + i % 5 spans) cut into many small row groups.
void WriteBlock(Fixture* f, int n, size_t row_group_bytes = 8 << 10) {
  for (int i = 1; i <= n; ++i) {
    auto seed = static_cast<uint64_t>(i);
    ExportRequest req = testing::MakeTrace({.seed = seed, .spans = 1 + i % 5});
    if (i == 1) {
      req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(
          "quote\" tab\t é");
    }
    f->traces.emplace_back(model::TraceId::FromBytes(testing::TestTraceId(seed)), std::move(req));
  }
  std::sort(f->traces.begin(), f->traces.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  BlockWriterOptions opts;
  opts.tenant = "t";
  opts.block_id = backend::BlockId::Random();
  opts.estimated_traces = static_cast<uint64_t>(n);
  opts.row_group_bytes = row_group_bytes;
  BlockWriter w(&f->mem, opts);
  for (const auto& [id, req] : f->traces) {
    ASSERT_TRUE(w.Add(id, req.SerializeAsString()).ok());
  }
  auto meta = w.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  f->meta = *meta;
}

void Corrupt(Fixture* f, std::string_view object, size_t offset_from_end) {
  auto bytes = f->mem.Read(f->Key(object));
  ASSERT_TRUE(bytes.ok());
  std::string bad = *bytes;
  bad[bad.size() - 1 - offset_from_end] ^= 0x20;
  ASSERT_TRUE(f->mem.Write(f->Key(object), bad).ok());
}

TEST(InspectTest, NamesTablesKindsAndColumns) {
  EXPECT_EQ(TableLabel(Table::kTrace), "trace");
  EXPECT_EQ(TableLabel(Table::kResourceSpans), "resource_spans");
  std::set<std::string> labels;
  for (int t = 0; t < kTables; ++t) {
    labels.insert(TableLabel(static_cast<Table>(t)));
  }
  EXPECT_EQ(labels.size(), static_cast<size_t>(kTables));  // one name per table
  EXPECT_EQ(KindName(Kind::kFixed16), "fixed16");
  EXPECT_EQ(FindColumn("span.name"), static_cast<uint16_t>(Col::kSpanName));
  EXPECT_EQ(FindColumn("attr.span.generic.int"),
            GenericValueColumn(AttrScope::kSpan, AttrType::kInt));
  EXPECT_FALSE(FindColumn("span.nope").has_value());
  ASSERT_FALSE(SchemaColumns().empty());
  for (uint16_t c : SchemaColumns()) {
    EXPECT_EQ(FindColumn(GetColumnInfo(c)->name), c);
  }
}

TEST(InspectTest, MeasureColumnsAccountsForEveryRowGroupByte) {
  Fixture f;
  WriteBlock(&f, 300);
  BlockReader reader(&f.mem, f.meta);
  size_t calls = 0;
  auto sizes = MeasureColumns(reader, [&](size_t done, size_t total) {
    ++calls;
    EXPECT_EQ(done, calls);
    EXPECT_EQ(total, f.meta.total_records);
  });
  ASSERT_TRUE(sizes.ok()) << sizes.status().ToString();
  ASSERT_GT(f.meta.total_records, 3u);
  EXPECT_EQ(calls, f.meta.total_records);
  ASSERT_EQ(sizes->row_groups.size(), f.meta.total_records);

  auto index = reader.Index();
  ASSERT_TRUE(index.ok());
  uint64_t traces = 0;
  uint64_t rg_bytes = 0;
  uint64_t rg_column_bytes = 0;
  for (size_t i = 0; i < index->size(); ++i) {
    const RowGroupStats& rg = sizes->row_groups[i];
    EXPECT_EQ(rg.index, i);
    EXPECT_EQ(rg.offset, (*index)[i].offset);
    EXPECT_EQ(rg.bytes, (*index)[i].length);
    EXPECT_EQ(rg.spans, (*index)[i].summary.n_spans);
    EXPECT_GT(rg.header_bytes(), 0u);
    traces += rg.traces;
    rg_bytes += rg.bytes;
    rg_column_bytes += rg.column_bytes;
  }
  EXPECT_EQ(traces, 300u);
  EXPECT_EQ(sizes->row_group_bytes, rg_bytes);
  EXPECT_EQ(sizes->column_bytes, rg_column_bytes);
  // Data = header + row groups + footer and trailer.
  EXPECT_EQ(f.meta.size, kDataHeaderSize + rg_bytes + f.meta.footer_size);

  uint64_t column_sum = 0;
  bool saw_span_name = false;
  for (size_t i = 0; i < sizes->columns.size(); ++i) {
    const ColumnStats& c = sizes->columns[i];
    if (i > 0) {
      EXPECT_LE(sizes->columns[i - 1].column, c.column);
    }
    EXPECT_EQ(sizes->column_index.at(c.name), i);
    EXPECT_GE(c.bytes, c.dict_bytes);
    EXPECT_GT(c.pages, 0u);
    column_sum += c.bytes;
    if (c.column == static_cast<uint16_t>(Col::kSpanName)) {
      saw_span_name = true;
      EXPECT_EQ(c.chunks, f.meta.total_records);
    }
  }
  EXPECT_TRUE(saw_span_name);
  EXPECT_EQ(column_sum, sizes->column_bytes);

  uint64_t spans = 0;
  for (const auto& [id, req] : f.traces) {
    spans += static_cast<uint64_t>(req.resource_spans(0).scope_spans(0).spans_size());
  }
  uint64_t table_bytes = 0;
  bool saw_span_table = false;
  for (const TableStats& t : sizes->Tables()) {
    table_bytes += t.bytes;
    if (t.table == Table::kSpan) {
      saw_span_table = true;
      EXPECT_EQ(t.rows, spans);
    }
    if (t.table == Table::kTrace) {
      EXPECT_EQ(t.rows, 300u);
    }
  }
  EXPECT_TRUE(saw_span_table);
  EXPECT_EQ(table_bytes, sizes->column_bytes);
}

TEST(InspectTest, DumpTraceReadsTheTracesRowsOfEveryColumn) {
  Fixture f;
  WriteBlock(&f, 120);
  BlockReader reader(&f.mem, f.meta);
  for (size_t pick : {size_t{0}, f.traces.size() / 2, f.traces.size() - 1}) {
    const auto& [id, req] = f.traces[pick];
    const auto& spans = req.resource_spans(0).scope_spans(0).spans();
    auto dump = DumpTrace(reader, id);
    ASSERT_TRUE(dump.ok()) << dump.status().ToString();
    auto rows = [&](Table t) { return RunLength(dump->rows.tables[static_cast<int>(t)]); };
    EXPECT_EQ(rows(Table::kTrace), 1u);
    EXPECT_EQ(rows(Table::kResourceSpans), 1u);
    EXPECT_EQ(rows(Table::kResource), 1u);
    EXPECT_EQ(rows(Table::kScopeSpans), 1u);
    EXPECT_EQ(rows(Table::kScope), 1u);
    EXPECT_EQ(rows(Table::kSpan), static_cast<uint64_t>(spans.size()));
    EXPECT_EQ(rows(Table::kEvent), static_cast<uint64_t>(spans.size()));  // one per span
    EXPECT_EQ(rows(Table::kLink), spans.size() > 1 ? 1u : 0u);            // on span 1

    auto column = [&](std::string_view name) -> const ColumnDump* {
      for (const ColumnDump& d : dump->columns) {
        if (d.name == name) {
          return &d;
        }
      }
      return nullptr;
    };
    const ColumnDump* trace_id = column("trace.id");
    ASSERT_NE(trace_id, nullptr);
    EXPECT_TRUE(trace_id->stored);
    EXPECT_EQ(trace_id->values, std::vector<std::string>{id.Hex()});
    const ColumnDump* span_ids = column("span.id");
    const ColumnDump* names = column("span.name");
    ASSERT_NE(span_ids, nullptr);
    ASSERT_NE(names, nullptr);
    ASSERT_EQ(span_ids->values.size(), static_cast<size_t>(spans.size()));
    for (int s = 0; s < spans.size(); ++s) {
      EXPECT_EQ(span_ids->values[s], HexEncode(ByteView(spans[s].span_id())));
      if (spans[s].name() == "quote\" tab\t é") {
        EXPECT_EQ(names->values[s], "\"quote\\\" tab\\t é\"");
      } else {
        EXPECT_EQ(names->values[s], "\"" + spans[s].name() + "\"");
      }
    }
    const ColumnDump* service = column("resource.service_name");
    ASSERT_NE(service, nullptr);
    EXPECT_EQ(service->values, std::vector<std::string>{"\"shop-backend\""});
    const ColumnDump* keysets = column("attr.span.keys");
    ASSERT_NE(keysets, nullptr);
    EXPECT_EQ(keysets->values.size(), static_cast<size_t>(spans.size()));
    // Sparse columns: one http.status_code per span, promoted or generic; one link trace ID.
    const ColumnDump* promoted = column("attr.span.int[http.status_code]");
    const ColumnDump* generic_keys = column("attr.span.generic.key");
    size_t status_codes = promoted != nullptr ? promoted->values.size() : 0;
    if (generic_keys != nullptr) {
      EXPECT_TRUE(generic_keys->sparse);
      status_codes += static_cast<size_t>(std::count(
          generic_keys->values.begin(), generic_keys->values.end(), "\"http.status_code\""));
    }
    EXPECT_EQ(status_codes, static_cast<size_t>(spans.size()));
    if (spans.size() > 1) {
      const ColumnDump* link_trace = column("link.trace_id");
      ASSERT_NE(link_trace, nullptr);
      EXPECT_TRUE(link_trace->sparse);
      EXPECT_EQ(link_trace->values,
                std::vector<std::string>{HexEncode(ByteView(spans[1].links(0).trace_id()))});
    }
    EXPECT_EQ(column("span.parent_external"), nullptr);  // every parent is in the trace
  }
  auto absent = DumpTrace(reader, model::TraceId::FromBytes(testing::TestTraceId(99999)));
  EXPECT_EQ(absent.status().code(), Code::kNotFound);
}

TEST(InspectTest, VerifyPassesOnAGoodBlock) {
  Fixture f;
  WriteBlock(&f, 200);
  size_t calls = 0;
  auto report = VerifyBlock(f.mem, f.meta, [&](size_t, size_t) { ++calls; });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->traces, 200u);
  EXPECT_EQ(report->row_groups, f.meta.total_records);
  EXPECT_EQ(calls, f.meta.total_records);
  EXPECT_EQ(report->bloom_shards, f.meta.bloom_shards);
  EXPECT_GT(report->spans, 200u);
  EXPECT_GE(report->bytes_read, f.meta.size);
  EXPECT_TRUE(report->warnings.empty());
}

// Each corruption is reported with the object (and, for data, the row group and column).
TEST(InspectTest, VerifyNamesTheObjectAtFault) {
  struct Case {
    const char* name;
    std::function<void(Fixture*)> damage;
    Code code;
    std::vector<std::string> message_parts;
  };

  std::vector<Case> cases = {
      {"page",
       [](Fixture* f) { Corrupt(f, "data", f->meta.footer_size + 1); },
       Code::kDataLoss,
       {"data: row group ", "column ", "checksum"}},
      {"trailer", [](Fixture* f) { Corrupt(f, "data", 12); }, Code::kDataLoss, {"data: trailer"}},
      {"index",
       [](Fixture* f) { Corrupt(f, "index", 3); },
       Code::kDataLoss,
       {"index: ", "checksum"}},
      {"missing index",
       [](Fixture* f) { ASSERT_TRUE(f->mem.Delete(f->Key("index")).ok()); },
       Code::kNotFound,
       {"index: object is missing"}},
      {"missing bloom",
       [](Fixture* f) { ASSERT_TRUE(f->mem.Delete(f->Key("bloom-0")).ok()); },
       Code::kNotFound,
       {"bloom-0: object is missing"}},
      {"truncated data",
       [](Fixture* f) {
         auto bytes = f->mem.Read(f->Key("data"));
         ASSERT_TRUE(f->mem.Write(f->Key("data"), bytes->substr(0, bytes->size() - 1)).ok());
       },
       Code::kDataLoss,
       {"data: object is ", "meta.json says"}},
      {"empty bloom",
       [](Fixture* f) {
         auto bytes = f->mem.Read(f->Key("bloom-0"));
         auto shard = BloomShard::Parse(ByteView(*bytes));
         BloomShard empty(shard->bit_count(), shard->hash_count());
         ASSERT_TRUE(f->mem.Write(f->Key("bloom-0"), empty.Serialize()).ok());
       },
       Code::kDataLoss,
       {"bloom-0: trace ", "missing"}},
      {"meta trace count",
       [](Fixture* f) { f->meta.total_objects += 1; },
       Code::kDataLoss,
       {"meta.json: totalObjects"}},
      {"other format",
       [](Fixture* f) { f->meta.format = "vParquet4"; },
       Code::kFailedPrecondition,
       {"vParquet4"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    WriteBlock(&f, 60);
    c.damage(&f);
    auto report = VerifyBlock(f.mem, f.meta);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), c.code) << report.status().ToString();
    for (const std::string& part : c.message_parts) {
      EXPECT_NE(report.status().message().find(part), std::string_view::npos)
          << report.status().message() << " lacks " << part;
    }
  }
}

TEST(InspectTest, VerifyWarnsAboutStrayBloomShards) {
  Fixture f;
  WriteBlock(&f, 20);
  auto shard = f.mem.Read(f.Key("bloom-0"));
  ASSERT_TRUE(f.mem.Write(f.Key(BloomName(f.meta.bloom_shards + 4)), *shard).ok());
  auto report = VerifyBlock(f.mem, f.meta);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->warnings.size(), 1u);
  EXPECT_NE(report->warnings[0].find("not used"), std::string::npos);
}

}  // namespace
}  // namespace vivace::block
