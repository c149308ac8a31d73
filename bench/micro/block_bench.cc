// Block format (`vvc1`) hot paths on the loadgen's default mix: writing a block (shred, encode,
// compress, bloom, index; one thread), opening a row group (header), and find-by-ID with the
// trace rebuilt, inside one row group held in memory and through a BlockReader over an
// in-memory backend. Write items are spans and bytes are OTLP request bytes; lookup items are
// traces. Bytes per span against zstd of the OTLP requests: tools/blocksize (vivace-blocksize).

#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "backend/memory_backend.h"
#include "block/block_reader.h"
#include "block/block_writer.h"
#include "block/row_group_reader.h"
#include "block/row_group_writer.h"
#include "loadgen/generator.h"
#include "loadgen/request_template.h"
#include "model/regroup.h"

namespace vivace::block {
namespace {

// Requests as vivace-loadgen sends them (random trace IDs, absolute times), regrouped by trace.
struct Mix {
  std::map<model::TraceId, std::string> traces;
  int64_t spans = 0;
  int64_t otlp_bytes = 0;
};

const Mix& LoadgenMix() {
  static const Mix mix = [] {
    Mix m;
    loadgen::Generator gen({.seed = 1});
    loadgen::IdSource ids(1);
    std::vector<loadgen::TraceKey> keys(20);
    uint64_t seq = 0;
    for (int r = 0; r < 250; ++r) {  // 50k spans
      auto t = loadgen::MakeTemplate(gen.NextRequest(20));
      for (auto& k : keys) {
        k = ids.Key(seq++);
      }
      std::string req(t->size(), '\0');
      t->Instantiate(keys.data(), 1'764'000'000'000'000'000 + static_cast<uint64_t>(r) * 1'000'000,
                     reinterpret_cast<uint8_t*>(req.data()));
      auto scan = model::ScanExportRequest(ByteView(req), {});
      model::RegroupedBatch batch = scan->Regroup();
      for (const model::TraceSlice& s : batch.traces) {
        m.traces[s.id].append(batch.fragment(s).str());
      }
      m.spans += batch.span_count;
      m.otlp_bytes += static_cast<int64_t>(req.size());
    }
    return m;
  }();
  return mix;
}

BlockWriterOptions Options(size_t traces) {
  BlockWriterOptions o;
  o.tenant = "bench";
  o.block_id = backend::BlockId::Random();
  o.estimated_traces = traces;
  return o;
}

void BM_BlockWrite(benchmark::State& state) {
  const Mix& mix = LoadgenMix();
  for (auto _ : state) {
    backend::InMemoryBackend mem;
    BlockWriter w(&mem, Options(mix.traces.size()));
    for (const auto& [id, bytes] : mix.traces) {
      benchmark::DoNotOptimize(w.Add(id, ByteView(bytes)));
    }
    auto meta = w.Finish();
    benchmark::DoNotOptimize(meta);
  }
  state.SetItemsProcessed(state.iterations() * mix.spans);
  state.SetBytesProcessed(state.iterations() * mix.otlp_bytes);
}

BENCHMARK(BM_BlockWrite)->Unit(benchmark::kMillisecond);

// The row-group writer alone (no backend, bloom or index), with each page codec.
void BM_RowGroupWrite(benchmark::State& state) {
  const Mix& mix = LoadgenMix();
  RowGroupWriterOptions o;
  o.compression.codec = static_cast<Codec>(state.range(0));
  for (auto _ : state) {
    RowGroupWriter w(o);
    for (const auto& [id, bytes] : mix.traces) {
      benchmark::DoNotOptimize(w.AddTrace(id, ByteView(bytes)));
    }
    RowGroupSummary summary;
    std::string rg = w.Finish(&summary);
    benchmark::DoNotOptimize(rg.data());
  }
  state.SetItemsProcessed(state.iterations() * mix.spans);
  state.SetBytesProcessed(state.iterations() * mix.otlp_bytes);
}

BENCHMARK(BM_RowGroupWrite)
    ->Arg(static_cast<int>(Codec::kZstd))
    ->Arg(static_cast<int>(Codec::kLz4))
    ->Arg(static_cast<int>(Codec::kNone))
    ->ArgName("codec")
    ->Unit(benchmark::kMillisecond);

// One row group of the default size (8 MiB of traces), in memory, and its trace IDs.
struct RowGroup {
  std::string bytes;
  std::vector<model::TraceId> ids;
};

const RowGroup& DefaultRowGroup() {
  static const RowGroup rg = [] {
    RowGroup out;
    RowGroupWriter w;
    size_t added = 0;
    for (const auto& [id, bytes] : LoadgenMix().traces) {
      if (added >= BlockWriterOptions().row_group_bytes) {
        break;
      }
      (void)w.AddTrace(id, ByteView(bytes));
      added += bytes.size();
      out.ids.push_back(id);
    }
    RowGroupSummary summary;
    out.bytes = w.Finish(&summary);
    return out;
  }();
  return rg;
}

void BM_RowGroupOpen(benchmark::State& state) {
  const RowGroup& rg = DefaultRowGroup();
  for (auto _ : state) {
    auto r = RowGroupReader::Open(ByteView(rg.bytes));
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(rg.bytes.size()));
}

BENCHMARK(BM_RowGroupOpen);

// What a lookup does once the row group is read: open, find the ID, rebuild the trace.
void BM_RowGroupFindAndRebuild(benchmark::State& state) {
  const RowGroup& rg = DefaultRowGroup();
  size_t i = 0;
  for (auto _ : state) {
    auto r = RowGroupReader::Open(ByteView(rg.bytes));
    auto ordinal = (*r)->FindTrace(rg.ids[i++ * 7919 % rg.ids.size()]);
    auto trace = (*r)->ReadTrace(**ordinal);
    benchmark::DoNotOptimize(trace);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RowGroupFindAndRebuild)->Unit(benchmark::kMicrosecond);

// The whole find path over an in-memory backend: bloom, index (cached after the first), one
// range read of the row group, rebuild.
void BM_BlockFindTrace(benchmark::State& state) {
  const Mix& mix = LoadgenMix();
  static backend::InMemoryBackend mem;
  static const backend::BlockMeta meta = [&] {
    BlockWriter w(&mem, Options(mix.traces.size()));
    for (const auto& [id, bytes] : mix.traces) {
      (void)w.Add(id, ByteView(bytes));
    }
    return *w.Finish();
  }();
  std::vector<model::TraceId> ids;
  for (const auto& [id, bytes] : mix.traces) {
    ids.push_back(id);
  }
  BlockReader reader(&mem, meta);
  size_t i = 0;
  for (auto _ : state) {
    auto trace = reader.FindTrace(ids[i++ * 7919 % ids.size()]);
    benchmark::DoNotOptimize(trace);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_BlockFindTrace)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace vivace::block
