#include "frontend/timed_blocks_test_util.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "block/block_writer.h"
#include "tests/support/trace_builder.h"

namespace vivace::frontend {

void WriteTimedBlocks(backend::RawBackend* backend, blocklist::Blocklist* blocklist, int blocks,
                      int traces, uint64_t base_s) {
  uint64_t seed = 1;
  for (int b = 0; b < blocks; ++b) {
    std::vector<std::pair<model::TraceId, std::string>> sorted;
    for (int i = 0; i < traces; ++i, ++seed) {
      auto req = testing::MakeTrace(
          {.seed = seed,
           .spans = 3,
           .service = "block-" + std::to_string(b),
           .start_unix_nano = (base_s + static_cast<uint64_t>(b) * 1000 + i) * 1'000'000'000});
      sorted.emplace_back(model::TraceId::FromBytes(testing::TestTraceId(seed)),
                          req.SerializeAsString());
    }
    std::sort(sorted.begin(), sorted.end());
    block::BlockWriterOptions opts;
    opts.tenant = "t";
    opts.block_id = backend::BlockId::Random();
    opts.estimated_traces = sorted.size();
    opts.row_group_bytes = 8 << 10;
    block::BlockWriter w(backend, opts);
    for (auto& [id, bytes] : sorted) {
      ASSERT_TRUE(w.Add(id, bytes).ok());
    }
    auto meta = w.Finish();
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    blocklist->AddBlock(*meta);
  }
}

}  // namespace vivace::frontend
