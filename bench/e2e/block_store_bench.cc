// The storage benchmark of issue 3: builds a store of backend blocks from the loadgen's default
// mix through the ingester's real flush path (WriteCompleteBlock: combine parts, shred, encode,
// compress, bloom, index, meta.json) on a LocalBackend, then looks traces up by ID through the
// querier (bloom -> index -> one range read per block holding the trace).
//
// Reports block write throughput (spans/s, MB/s of OTLP input, single thread), stored bytes per
// span (every object of every block) against zstd-1 of the same OTLP protobuf requests (each
// block's requests compressed as one stream),
// and trace-by-ID latency p50/p99:
//  - warm: block readers cached (index and bloom shards in memory), files in the page cache;
//  - cold data: block readers cached (index and bloom shards in memory, as in a running
//    querier), the block files evicted from the page cache (posix_fadvise DONTNEED) before every
//    lookup, so each lookup reads the trace's row group from disk;
//  - cold start: a fresh querier (no cached readers) and the files evicted before every lookup,
//    so each lookup also reads every block's bloom shard and the index from disk (bound by the
//    disk's bandwidth: 20 shards of 100 KiB, Tempo's default shard size).
// Ends with a `RESULT {...}` line for scripts.
//
// With --compact, then compacts the store until nothing is left to compact and reports the
// compaction's throughput (block bytes and spans of input per CPU-second), search latency
// through the in-process frontend (limit=20, median of 5 after a warm-up) before and after
// compacting, and warm trace-by-ID
// latency after it.
//
//   block_store_bench [--spans=10000000] [--blocks=20] [--queries=5000] [--cold-queries=200]
//                     [--compact]
//                     [--dir=/tmp/x (kept; a store already there is reused: lookups only)]

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "backend/block_store.h"
#include "backend/local_backend.h"
#include "blocklist/blocklist.h"
#include "compactor/compactor.h"
#include "config/config.h"
#include "frontend/search_sharder.h"
#include "ingester/block_flush.h"
#include "ingester/fragments.h"
#include "loadgen/request_template.h"
#include "model/regroup.h"
#include "overrides/overrides.h"
#include "querier/querier.h"

namespace vivace {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  uint64_t spans = 10'000'000;
  int blocks = 20;
  int queries = 5000;
  int cold_queries = 200;
  bool compact = false;
  std::string dir;
};

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto val = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      return s.compare(0, n, name) == 0 ? s.c_str() + n : nullptr;
    };
    if (const char* v = val("--spans=")) {
      a->spans = std::stoull(v);
    } else if (const char* v2 = val("--blocks=")) {
      a->blocks = std::stoi(v2);
    } else if (const char* v3 = val("--queries=")) {
      a->queries = std::stoi(v3);
    } else if (const char* v4 = val("--cold-queries=")) {
      a->cold_queries = std::stoi(v4);
    } else if (s == "--compact") {
      a->compact = true;
    } else if (const char* v5 = val("--dir=")) {
      a->dir = v5;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", s.c_str());
      return false;
    }
  }
  return a->spans > 0 && a->blocks > 0;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      n += e.file_size();
    }
  }
  return n;
}

void EvictPageCache(const std::string& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) {
      continue;
    }
    int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fdatasync(fd);
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      ::close(fd);
    }
  }
}

int Run(const Args& args) {
  std::string dir = args.dir;
  bool keep = !dir.empty();
  if (dir.empty()) {
    char tmpl[] = "/tmp/vivace-blockbench-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  constexpr int kTracesPerRequest = 20;
  auto pool = loadgen::TemplatePool::Build({}, kTracesPerRequest, 64, 64 << 20);
  if (!pool.ok()) {
    std::fprintf(stderr, "templates: %s\n", pool.status().ToString().c_str());
    return 1;
  }
  loadgen::IdSource ids(20261124);
  backend::LocalBackend backend(dir);
  blocklist::Blocklist blocks;
  uint64_t spans_per_block = args.spans / static_cast<uint64_t>(args.blocks);
  uint64_t base_time = 1'764'000'000ULL * 1'000'000'000ULL;  // late 2025

  uint64_t seq = 0;
  uint64_t request_n = 0;
  uint64_t total_spans = 0;
  uint64_t otlp_bytes = 0;
  size_t zstd_bytes = 0;
  double write_s = 0;
  std::vector<model::TraceId> sample;  // every 101st trace: the lookup targets
  std::string buf;
  std::vector<loadgen::TraceKey> keys;
  ZSTD_CCtx* zctx = ZSTD_createCCtx();
  std::string zbuf;
  backend::BlockStore store(backend);
  auto existing = store.ListBlocks("bench");
  bool reuse = existing.ok() && !existing->live.empty();
  if (reuse) {
    // Lookups only: the same seeded IDs, the metas from the store.
    for (const backend::BlockId& id : existing->live) {
      auto meta = store.ReadBlockMeta("bench", id);
      if (!meta.ok()) {
        std::fprintf(stderr, "meta: %s\n", meta.status().ToString().c_str());
        return 1;
      }
      blocks.AddBlock(*meta);
      total_spans += static_cast<uint64_t>(meta->total_objects) * 10;
    }
    for (uint64_t k = 101; k < total_spans / 10; k += 101) {
      sample.push_back(model::TraceId::FromBytes(ByteView(ids.Key(k - 1).id.data(), 16)));
    }
    write_s = 1;
    otlp_bytes = 0;
    zstd_bytes = 1;
  }
  for (int b = 0; b < args.blocks && !reuse; ++b) {
    model::TraceMap<std::string> traces(spans_per_block / 10 + 16);
    uint64_t block_spans = 0;
    std::string block_otlp;  // the block's requests, compressed as one stream for comparison
    while (block_spans < spans_per_block) {
      const loadgen::RequestTemplate& t = pool->Get(request_n++);
      keys.resize(t.trace_count);
      for (uint32_t i = 0; i < t.trace_count; ++i) {
        keys[i] = ids.Key(seq++);
      }
      buf.resize(t.size());
      // Each block covers its own 30 s of time, as blocks cut by max_block_duration do.
      uint64_t at = base_time + static_cast<uint64_t>(b) * 30'000'000'000ULL
                    + (block_spans * 30'000'000'000ULL) / spans_per_block;
      t.Instantiate(keys.data(), at, reinterpret_cast<uint8_t*>(buf.data()));
      otlp_bytes += buf.size();
      block_otlp += buf;
      auto scan = model::ScanExportRequest(ByteView(buf), {});
      if (!scan.ok()) {
        std::fprintf(stderr, "scan: %s\n", scan.status().ToString().c_str());
        return 1;
      }
      model::RegroupedBatch batch = scan->Regroup();
      for (const model::TraceSlice& slice : batch.traces) {
        bool inserted = false;
        std::string& framed = traces.FindOrInsert(slice.id, &inserted);
        ingester::AppendFramed(framed, batch.fragment(slice));
        if (inserted && (seq % 101) == 0) {
          sample.push_back(slice.id);
        }
      }
      block_spans += t.span_count;
    }
    total_spans += block_spans;
    zbuf.resize(ZSTD_compressBound(block_otlp.size()));
    zstd_bytes +=
        ZSTD_compressCCtx(zctx, zbuf.data(), zbuf.size(), block_otlp.data(), block_otlp.size(), 1);
    block_otlp = std::string();
    block::BlockWriterOptions options;
    options.tenant = "bench";
    options.block_id = backend::BlockId::Random();
    auto start = Clock::now();
    auto meta = ingester::WriteCompleteBlock(&backend, options, traces, "");
    write_s += Seconds(start, Clock::now());
    if (!meta.ok()) {
      std::fprintf(stderr, "write: %s\n", meta.status().ToString().c_str());
      return 1;
    }
    blocks.AddBlock(*meta);
    std::fprintf(stderr, "\rblock %d/%d written", b + 1, args.blocks);
  }
  ZSTD_freeCCtx(zctx);
  std::fprintf(stderr, "\n");
  uint64_t stored = DirBytes(dir);

  config::Config cfg;
  overrides::Overrides ov(cfg.overrides);
  std::mt19937_64 rng(7);
  auto lookup = [&](querier::Querier& q, const model::TraceId& id) {
    querier::TraceByIdRequest req;
    req.tenants = {"bench"};
    req.id = id;
    req.mode = querier::QueryMode::kBlocks;
    auto start = Clock::now();
    auto r = q.FindTraceById(req);
    double ms = Seconds(start, Clock::now()) * 1e3;
    if (!r.ok() || !r->found) {
      std::fprintf(stderr, "lookup failed: %s\n",
                   r.ok() ? "not found" : r.status().ToString().c_str());
      std::exit(1);
    }
    return ms;
  };

  // Cold start: fresh readers, files out of the page cache.
  std::vector<double> cold;
  for (int i = 0; i < args.cold_queries; ++i) {
    EvictPageCache(dir);
    querier::Querier q(nullptr, &ov, &blocks, &backend, cfg.querier.max_concurrent_queries);
    cold.push_back(lookup(q, sample[rng() % sample.size()]));
  }
  // Warm: one querier; every block's index and bloom shards loaded by a first pass.
  querier::Querier q(nullptr, &ov, &blocks, &backend, cfg.querier.max_concurrent_queries);
  for (const auto& id : sample) {
    lookup(q, id);
  }
  // Cold data: the same querier, files out of the page cache.
  std::vector<double> cold_data;
  for (int i = 0; i < args.cold_queries; ++i) {
    EvictPageCache(dir);
    cold_data.push_back(lookup(q, sample[rng() % sample.size()]));
  }
  std::vector<double> warm;
  for (int i = 0; i < args.queries; ++i) {
    warm.push_back(lookup(q, sample[rng() % sample.size()]));
  }

  double bps = static_cast<double>(stored) / static_cast<double>(total_spans);
  double zps = static_cast<double>(zstd_bytes) / static_cast<double>(total_spans);
  std::printf("%-46s %llu in %d blocks\n", "spans stored",
              static_cast<unsigned long long>(total_spans), args.blocks);
  if (reuse) {
    std::printf("%-46s %.1f B/span (store reused: write and zstd not measured)\n", "stored bytes",
                bps);
  } else {
    std::printf("%-46s %.0f spans/s, %.1f MB/s of OTLP\n", "block write (1 thread, incl. combine)",
                static_cast<double>(total_spans) / write_s,
                static_cast<double>(otlp_bytes) / write_s / 1e6);
    std::printf("%-46s %.1f B/span (zstd-1 OTLP %.1f B/span, ratio %.2f)\n", "stored bytes", bps,
                zps, bps / zps);
  }
  std::printf("%-46s p50 %.3f ms  p99 %.3f ms  (%zu lookups)\n", "trace by ID, warm",
              Percentile(warm, 0.5), Percentile(warm, 0.99), warm.size());
  std::printf("%-46s p50 %.3f ms  p99 %.3f ms  (%zu lookups)\n", "trace by ID, cold data",
              Percentile(cold_data, 0.5), Percentile(cold_data, 0.99), cold_data.size());
  std::printf("%-46s p50 %.3f ms  p99 %.3f ms  (%zu lookups)\n", "trace by ID, cold start",
              Percentile(cold, 0.5), Percentile(cold, 0.99), cold.size());
  std::printf(
      "RESULT {\"spans\":%llu,\"blocks\":%d,\"write_spans_per_s\":%.0f,\"write_mb_per_s\":%.1f,"
      "\"bytes_per_span\":%.2f,\"zstd1_otlp_bytes_per_span\":%.2f,\"warm_p50_ms\":%.3f,"
      "\"warm_p99_ms\":%.3f,\"cold_data_p50_ms\":%.3f,\"cold_data_p99_ms\":%.3f,"
      "\"cold_p50_ms\":%.3f,\"cold_p99_ms\":%.3f}\n",
      static_cast<unsigned long long>(total_spans), args.blocks,
      static_cast<double>(total_spans) / write_s, static_cast<double>(otlp_bytes) / write_s / 1e6,
      bps, zps, Percentile(warm, 0.5), Percentile(warm, 0.99), Percentile(cold_data, 0.5),
      Percentile(cold_data, 0.99), Percentile(cold, 0.5), Percentile(cold, 0.99));
  // Search through the frontend's jobs over every block of the store (limit 20); per query the
  // median wall time of 5 runs after a warm-up, and the bytes the last run inspected.
  const std::vector<std::pair<std::string, std::string>> search_queries = {
      {"service", "{ resource.service.name = \"checkout\" }"},
      {"status=error", "{ status = error }"},
      {"int attribute", "{ span.http.response.status_code = 500 }"},
      {"structural", "{ resource.service.name = \"frontend\" } >> { status = error }"},
      {"no match", "{ resource.service.name = \"nope\" }"},
  };

  struct SearchFigure {
    double median_ms = 0;
    uint64_t inspected_bytes = 0;
  };

  auto search_latency = [&](querier::Querier& querier) {
    std::vector<SearchFigure> out;
    int64_t lo = INT64_MAX;
    int64_t hi = 0;
    for (const auto& m : blocks.Blocks("bench")->metas) {
      lo = std::min(lo, m.start_time);
      hi = std::max(hi, m.end_time);
    }
    frontend::SearchSharder sharder(
        &querier, {.query_backend_after_s = 0, .concurrency = cfg.querier.max_concurrent_queries});
    for (const auto& [name, text] : search_queries) {
      auto prepared = search::PreparedSearch::Create({.query = text,
                                                      .limit = 20,
                                                      .start_unix_s = static_cast<uint32_t>(lo),
                                                      .end_unix_s = static_cast<uint32_t>(hi + 1)});
      if (!prepared.ok()) {
        std::fprintf(stderr, "%s: %s\n", text.c_str(), prepared.status().ToString().c_str());
        std::exit(1);
      }
      std::vector<double> ms;
      SearchFigure f;
      for (int r = 0; r <= 5; ++r) {
        auto t0 = Clock::now();
        auto resp = sharder.Search({"bench"}, *prepared, hi + 10);
        if (!resp.ok()) {
          std::fprintf(stderr, "%s: %s\n", text.c_str(), resp.status().ToString().c_str());
          std::exit(1);
        }
        if (r > 0) {
          ms.push_back(Seconds(t0, Clock::now()) * 1e3);
        }
        f.inspected_bytes = resp->metrics().inspectedbytes();
      }
      f.median_ms = Percentile(ms, 0.5);
      out.push_back(f);
    }
    return out;
  };
  if (args.compact) {
    const std::vector<SearchFigure> search_before = search_latency(q);
    // Compact until the selector finds nothing left, as the compactor does over its cycles.
    compactor::CompactorOptions co;
    co.block_retention = std::chrono::hours(24 * 365 * 100);  // the store's times are in 2025
    compactor::Compactor c(&store, &blocks, &ov, co);
    compactor::CycleStats total;
    int cycles = 0;
    auto cpu_seconds = [] {
      rusage u{};
      getrusage(RUSAGE_SELF, &u);
      return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
             + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    size_t before = blocks.Blocks("bench")->metas.size();
    const double cpu0 = cpu_seconds();
    auto start = Clock::now();
    for (;; ++cycles) {
      compactor::CycleStats st;
      Status s = c.RunCycle(&st);
      if (!s.ok()) {
        std::fprintf(stderr, "compaction: %s\n", s.ToString().c_str());
        return 1;
      }
      if (st.jobs == 0) {
        break;
      }
      total.jobs += st.jobs;
      total.bytes_read += st.bytes_read;
      total.bytes_written += st.bytes_written;
      total.spans_read += st.spans_read;
      total.otlp_bytes += st.otlp_bytes;
    }
    const double wall = Seconds(start, Clock::now());
    const double cpu = cpu_seconds() - cpu0;
    auto after_blocks = blocks.Blocks("bench");
    uint32_t max_level = 0;
    for (const auto& m : after_blocks->metas) {
      max_level = std::max(max_level, m.compaction_level);
    }
    std::vector<double> after;
    for (const auto& id : sample) {
      lookup(q, id);  // warm the new blocks' readers
    }
    for (int i = 0; i < args.queries; ++i) {
      after.push_back(lookup(q, sample[rng() % sample.size()]));
    }
    std::printf("%-46s %zu -> %zu blocks (max level %u), %d jobs in %d cycles\n", "compaction",
                before, after_blocks->metas.size(), max_level, total.jobs, cycles);
    std::printf(
        "%-46s %.1f MB/s of block input per core (%.1f MB/s wall), %.0f spans/s per core, "
        "%.1f MB/s of traces rebuilt per core\n",
        "compaction throughput", static_cast<double>(total.bytes_read) / cpu / 1e6,
        static_cast<double>(total.bytes_read) / wall / 1e6,
        static_cast<double>(total.spans_read) / cpu,
        static_cast<double>(total.otlp_bytes) / cpu / 1e6);
    std::printf("%-46s p50 %.3f ms  p99 %.3f ms  (%zu lookups)\n", "trace by ID, warm, compacted",
                Percentile(after, 0.5), Percentile(after, 0.99), after.size());
    const std::vector<SearchFigure> search_after = search_latency(q);
    for (size_t i = 0; i < search_queries.size(); ++i) {
      std::printf("%-46s %8.1f ms -> %8.1f ms  (%.1f -> %.1f MB inspected)\n",
                  ("search " + search_queries[i].first + ", before -> after").c_str(),
                  search_before[i].median_ms, search_after[i].median_ms,
                  static_cast<double>(search_before[i].inspected_bytes) / 1e6,
                  static_cast<double>(search_after[i].inspected_bytes) / 1e6);
    }
    std::printf(
        "RESULT_COMPACTION {\"blocks_before\":%zu,\"blocks_after\":%zu,\"jobs\":%d,"
        "\"input_mb_per_core_s\":%.2f,\"spans_per_core_s\":%.0f,\"cpu_s\":%.2f,"
        "\"warm_p50_ms_before\":%.3f,\"warm_p50_ms_after\":%.3f}\n",
        before, after_blocks->metas.size(), total.jobs,
        static_cast<double>(total.bytes_read) / cpu / 1e6,
        static_cast<double>(total.spans_read) / cpu, cpu, Percentile(warm, 0.5),
        Percentile(after, 0.5));
  }
  if (!keep) {
    fs::remove_all(dir);
  }
  return 0;
}

}  // namespace
}  // namespace vivace

int main(int argc, char** argv) {
  vivace::Args args;
  if (!vivace::ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: block_store_bench [--spans=N] [--blocks=N] [--queries=N] "
                 "[--cold-queries=N] [--compact] [--dir=PATH]\n");
    return 2;
  }
  return vivace::Run(args);
}
