#include <random>

#include <gtest/gtest.h>

#include "backend/block_store.h"
#include "backend/memory_backend.h"
#include "block/block_reader.h"
#include "block/block_writer.h"
#include "tempopb/tempo.pb.h"
#include "tests/support/trace_builder.h"

namespace vivace::block {
namespace {

std::vector<std::pair<model::TraceId, std::string>> SortedTraces(int n) {
  std::vector<std::pair<model::TraceId, std::string>> out;
  for (int i = 1; i <= n; ++i) {
    auto req = testing::MakeTrace({.seed = static_cast<uint64_t>(i), .spans = 1 + i % 7});
    out.emplace_back(model::TraceId::FromBytes(testing::TestTraceId(static_cast<uint64_t>(i))),
                     req.SerializeAsString());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(BlockTest, WriteThenFindEveryTrace) {
  backend::InMemoryBackend mem;
  auto traces = SortedTraces(500);
  BlockWriterOptions opts;
  opts.tenant = "t";
  opts.block_id = backend::BlockId::Random();
  opts.estimated_traces = traces.size();
  opts.row_group_bytes = 16 << 10;  // many row groups
  BlockWriter w(&mem, opts);
  for (auto& [id, bytes] : traces) {
    ASSERT_TRUE(w.Add(id, bytes).ok());
  }
  auto meta = w.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->format, "vvc1");
  EXPECT_EQ(meta->total_objects, 500);
  EXPECT_GT(meta->total_records, 5u);
  EXPECT_EQ(meta->replication_factor, 1u);

  // meta.json is what makes the block visible.
  backend::BlockStore store(mem);
  auto listing = store.ListBlocks("t");
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->live.size(), 1u);
  auto read_meta = store.ReadBlockMeta("t", opts.block_id);
  ASSERT_TRUE(read_meta.ok());

  BlockReader reader(&mem, *read_meta);
  for (auto& [id, bytes] : traces) {
    auto found = reader.FindTrace(id);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_TRUE(found->has_value());
    tempopb::Trace want;
    tempopb::Trace got;
    ASSERT_TRUE(want.ParseFromString(bytes));
    ASSERT_TRUE(got.ParseFromString(**found));
    ASSERT_EQ(got.resourcespans(0).scope_spans(0).spans_size(),
              want.resourcespans(0).scope_spans(0).spans_size());
    EXPECT_EQ(got.resourcespans(0).scope_spans(0).spans(0).span_id(),
              want.resourcespans(0).scope_spans(0).spans(0).span_id());
  }
  FindStats stats;
  auto absent = reader.FindTrace(model::TraceId::FromBytes(testing::TestTraceId(100000)), &stats);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  size_t progress_calls = 0;
  EXPECT_TRUE(reader.Verify([&](size_t, size_t) { ++progress_calls; }).ok());
  EXPECT_EQ(progress_calls, meta->total_records);
}

TEST(BlockTest, CorruptDataIsReportedNotServed) {
  backend::InMemoryBackend mem;
  auto traces = SortedTraces(50);
  BlockWriterOptions opts;
  opts.tenant = "t";
  opts.block_id = backend::BlockId::Random();
  BlockWriter w(&mem, opts);
  for (auto& [id, bytes] : traces) {
    ASSERT_TRUE(w.Add(id, bytes).ok());
  }
  auto meta = w.Finish();
  ASSERT_TRUE(meta.ok());
  std::string key = ObjectKey("t", opts.block_id.ToString(), "data");
  auto data = mem.Read(key);
  ASSERT_TRUE(data.ok());
  std::string bad = *data;
  bad[bad.size() / 2] ^= 0x5a;
  ASSERT_TRUE(mem.Write(key, bad).ok());
  BlockReader reader(&mem, *meta);
  EXPECT_EQ(reader.Verify().code(), Code::kDataLoss);
  int errors = 0;
  for (auto& [id, bytes] : traces) {
    auto found = reader.FindTrace(id);
    if (!found.ok()) {
      EXPECT_EQ(found.status().code(), Code::kDataLoss);
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(BlockTest, AbandonedBlockHasNoMeta) {
  backend::InMemoryBackend mem;
  BlockWriterOptions opts;
  opts.tenant = "t";
  opts.block_id = backend::BlockId::Random();
  {
    BlockWriter w(&mem, opts);
    auto traces = SortedTraces(3);
    ASSERT_TRUE(w.Add(traces[0].first, traces[0].second).ok());
    // Destroyed without Finish (a crash mid-write).
  }
  backend::BlockStore store(mem);
  auto listing = store.ListBlocks("t");
  ASSERT_TRUE(listing.ok());
  EXPECT_TRUE(listing->live.empty());
}

}  // namespace
}  // namespace vivace::block

namespace vivace::block {
namespace {

// Traces of more than 32 spans index their span IDs in a hash map; a link to a span of another
// trace must stay a link by ID (it once became span index 2^32 - 1 and the trace unreadable).
TEST(BlockTest, LargeTracesWithLinksToOtherTracesRoundTrip) {
  backend::InMemoryBackend backend;
  BlockWriterOptions options;
  options.tenant = "t";
  options.block_id = backend::BlockId::Random();
  BlockWriter w(&backend, options);
  std::vector<std::pair<model::TraceId, std::string>> traces;
  for (int spans : {32, 33, 100, 500}) {
    auto seed = static_cast<uint64_t>(spans);
    traces.emplace_back(model::TraceId::FromBytes(testing::TestTraceId(seed)),
                        testing::MakeTrace({.seed = seed, .spans = spans}).SerializeAsString());
  }
  std::sort(traces.begin(), traces.end());
  for (const auto& [id, bytes] : traces) {
    ASSERT_TRUE(w.Add(id, ByteView(bytes)).ok());
  }
  auto meta = w.Finish();
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  BlockReader r(&backend, *meta);
  for (const auto& [id, bytes] : traces) {
    auto found = r.FindTrace(id);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_TRUE(found->has_value());
    tempopb::Trace want;
    tempopb::Trace got;
    ASSERT_TRUE(want.ParseFromString(bytes));
    ASSERT_TRUE(got.ParseFromString(**found));
    EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  }
}

}  // namespace
}  // namespace vivace::block
