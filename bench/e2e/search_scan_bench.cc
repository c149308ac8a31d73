// The search benchmark of issue 5 (item 6): the columnar candidate scan (src/search/scan) over
// a store of >= 50M spans of the loadgen's default mix in `vvc1` blocks on a LocalBackend.
//
// The store is written once through the ingester's real flush path (as block_store_bench does)
// into --dir and reused by later runs. For each query, one thread reads every row group of
// every block (one range read each), opens it and runs CandidateScanner::Scan; reported per
// query (median of --rounds runs):
//  - spans/s per core: spans of the store / thread CPU seconds of open + scan (the file reads,
//    from the page cache, are timed separately as "read"); "scan only" leaves out opening the
//    row groups (prefix CRC, header decompression and parsing), which every reader pays;
//  - bytes read: stored bytes of the column chunks the scan decoded, vs the store's row groups;
//  - latency: wall time of the whole pass (read + open + scan), one core;
//  - candidates: traces the scan passes on to the exact evaluator, and row groups skipped.
// With --confirm, each query also rebuilds and evaluates its first 20 candidates with the
// exact evaluator (time to the first limit=20 results over the store, one core).
// Ends with a `RESULT {...}` line for scripts.
//
//   search_scan_bench [--spans=50000000] [--blocks=50] [--dir=/var/tmp/vivace-search-bench]
//                     [--rounds=3] [--query=<one TraceQL query instead of the set>] [--confirm]
//                     [--verify (also runs the exact evaluator on every trace and checks that
//                      each match was a candidate; slow, for small stores)]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backend/block_store.h"
#include "backend/local_backend.h"
#include "block/block_reader.h"
#include "block/row_group_reader.h"
#include "ingester/block_flush.h"
#include "ingester/fragments.h"
#include "loadgen/request_template.h"
#include "model/regroup.h"
#include "search/scan/candidates.h"
#include "traceql/eval/evaluator.h"
#include "traceql/eval/trace_proto.h"
#include "traceql/plan.h"

namespace vivace {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  uint64_t spans = 50'000'000;
  int blocks = 50;
  int rounds = 3;
  std::string dir = "/var/tmp/vivace-search-bench";
  std::string query;
  bool confirm = false;
  bool verify = false;
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
    } else if (const char* v3 = val("--dir=")) {
      a->dir = v3;
    } else if (const char* v4 = val("--rounds=")) {
      a->rounds = std::stoi(v4);
    } else if (const char* v5 = val("--query=")) {
      a->query = v5;
    } else if (s == "--confirm") {
      a->confirm = true;
    } else if (s == "--verify") {
      a->verify = true;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", s.c_str());
      return false;
    }
  }
  return a->spans > 0 && a->blocks > 0 && a->rounds > 0;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Writes the store (loadgen default mix, through the ingester's flush path) unless --dir
// already holds one.
Status EnsureStore(const Args& args, backend::LocalBackend* backend) {
  backend::BlockStore store(*backend);
  auto existing = store.ListBlocks("bench");
  if (existing.ok() && !existing->live.empty()) {
    return Status::Ok();
  }
  constexpr int kTracesPerRequest = 20;
  VV_ASSIGN_OR_RETURN(auto pool, loadgen::TemplatePool::Build({}, kTracesPerRequest, 64, 64 << 20));
  loadgen::IdSource ids(20261125);
  const uint64_t spans_per_block = args.spans / static_cast<uint64_t>(args.blocks);
  const uint64_t base_time = 1'764'000'000ULL * 1'000'000'000ULL;
  uint64_t seq = 0;
  uint64_t request_n = 0;
  std::string buf;
  std::vector<loadgen::TraceKey> keys;
  for (int b = 0; b < args.blocks; ++b) {
    model::TraceMap<std::string> traces(spans_per_block / 10 + 16);
    uint64_t block_spans = 0;
    while (block_spans < spans_per_block) {
      const loadgen::RequestTemplate& t = pool.Get(request_n++);
      keys.resize(t.trace_count);
      for (uint32_t i = 0; i < t.trace_count; ++i) {
        keys[i] = ids.Key(seq++);
      }
      buf.resize(t.size());
      uint64_t at = base_time + static_cast<uint64_t>(b) * 30'000'000'000ULL
                    + (block_spans * 30'000'000'000ULL) / spans_per_block;
      t.Instantiate(keys.data(), at, reinterpret_cast<uint8_t*>(buf.data()));
      VV_ASSIGN_OR_RETURN(auto scan, model::ScanExportRequest(ByteView(buf), {}));
      model::RegroupedBatch batch = scan.Regroup();
      for (const model::TraceSlice& slice : batch.traces) {
        bool inserted = false;
        std::string& framed = traces.FindOrInsert(slice.id, &inserted);
        ingester::AppendFramed(framed, batch.fragment(slice));
      }
      block_spans += t.span_count;
    }
    block::BlockWriterOptions options;
    options.tenant = "bench";
    options.block_id = backend::BlockId::Random();
    VV_ASSIGN_OR_RETURN(auto meta, ingester::WriteCompleteBlock(backend, options, traces, ""));
    (void)meta;
    std::fprintf(stderr, "\rblock %d/%d written", b + 1, args.blocks);
  }
  std::fprintf(stderr, "\n");
  return Status::Ok();
}

struct Block {
  std::unique_ptr<block::BlockReader> reader;
  std::vector<block::RowGroupEntry> row_groups;
};

struct Pass {
  double cpu_s = 0;   // open + scan
  double open_s = 0;  // of which opening row groups (header, page index)
  double read_s = 0;  // range reads of the row groups
  double wall_s = 0;
  double confirm_s = 0;  // first 20 candidates rebuilt and evaluated (--confirm)
  uint64_t spans = 0;
  uint64_t rg_bytes = 0;
  uint64_t candidates = 0;
  uint64_t confirmed = 0;
  uint64_t matches = 0;  // --verify: traces the exact evaluator matches
  search::ScanStats stats;
};

// Every trace the exact evaluator matches must be a candidate.
Status Verify(block::RowGroupReader& rg, const std::vector<uint32_t>& candidates,
              const traceql::eval::Evaluator& evaluator, uint64_t* matches) {
  for (uint32_t t = 0; t < rg.rows(block::Table::kTrace); ++t) {
    VV_ASSIGN_OR_RETURN(std::string trace, rg.ReadTrace(t));
    VV_ASSIGN_OR_RETURN(auto parsed, traceql::eval::TraceFromProto(ByteView(trace)));
    VV_ASSIGN_OR_RETURN(auto sets, evaluator.Evaluate(parsed, 0));
    if (sets.empty()) {
      continue;
    }
    ++*matches;
    if (!std::binary_search(candidates.begin(), candidates.end(), t)) {
      return Status::Internal("the scan dropped matching trace " + std::to_string(t));
    }
  }
  return Status::Ok();
}

Result<Pass> RunPass(std::vector<Block>& blocks, const traceql::CompiledQuery& q,
                     const traceql::eval::Evaluator* evaluator, bool verify) {
  Pass p;
  search::CandidateScanner scanner(q.requests[0]);
  const auto start = Clock::now();
  bool first_results = evaluator == nullptr;
  for (Block& b : blocks) {
    for (const block::RowGroupEntry& e : b.row_groups) {
      const auto w0 = Clock::now();
      VV_ASSIGN_OR_RETURN(std::string bytes, b.reader->ReadRowGroup(e));
      p.read_s += Seconds(w0, Clock::now());
      const double c0 = ThreadCpuSeconds();
      VV_ASSIGN_OR_RETURN(auto rg, block::RowGroupReader::Open(ByteView(bytes)));
      p.open_s += ThreadCpuSeconds() - c0;
      VV_ASSIGN_OR_RETURN(std::vector<uint32_t> candidates, scanner.Scan(*rg, &p.stats));
      p.cpu_s += ThreadCpuSeconds() - c0;
      p.spans += e.summary.n_spans;
      p.rg_bytes += e.length;
      p.candidates += candidates.size();
      if (verify) {
        VV_RETURN_IF_ERROR(Verify(*rg, candidates, *evaluator, &p.matches));
        continue;
      }
      if (!first_results) {
        for (uint32_t t : candidates) {
          VV_ASSIGN_OR_RETURN(std::string trace, rg->ReadTrace(t));
          VV_ASSIGN_OR_RETURN(auto parsed, traceql::eval::TraceFromProto(ByteView(trace)));
          VV_ASSIGN_OR_RETURN(auto sets, evaluator->Evaluate(parsed, 0));
          p.confirmed += sets.empty() ? 0 : 1;
          if (p.confirmed >= 20) {
            break;
          }
        }
        if (p.confirmed >= 20) {
          p.confirm_s = Seconds(start, Clock::now());
          first_results = true;
        }
      }
    }
  }
  p.wall_s = Seconds(start, Clock::now());
  if (!first_results) {
    p.confirm_s = p.wall_s;
  }
  return p;
}

const std::vector<std::pair<std::string, std::string>> kQueries = {
    {"service equality (dictionary)", "{ resource.service.name = \"checkout\" }"},
    {"span name equality (dictionary)", "{ name = \"GET /api/products\" }"},
    {"int attribute (promoted)", "{ span.http.response.status_code = 500 }"},
    {"duration range", "{ duration > 1s }"},
    {"regex on a string attribute", "{ span.http.route =~ \"/api/.*\" }"},
    {"rare int attribute", "{ span.http.request.resend_count > 1 }"},
    // Below the promotion threshold in most row groups: the generic key/value columns.
    {"generic attribute (not promoted)",
     "{ span.messaging.rabbitmq.destination.routing_key = \"notifications\" }"},
    {"conjunction", "{ resource.service.name = \"checkout\" && status = error }"},
    {"structural", "{ resource.service.name = \"frontend\" } >> { status = error }"},
    {"aggregate", "{ span.db.system = \"postgresql\" } | count() > 3"},
    {"no match (row groups skipped)", "{ resource.service.name = \"nope\" }"},
};

int Run(const Args& args) {
  fs::create_directories(args.dir);
  backend::LocalBackend backend(args.dir);
  if (Status s = EnsureStore(args, &backend); !s.ok()) {
    std::fprintf(stderr, "store: %s\n", s.ToString().c_str());
    return 1;
  }
  backend::BlockStore store(backend);
  auto listing = store.ListBlocks("bench");
  if (!listing.ok()) {
    std::fprintf(stderr, "list: %s\n", listing.status().ToString().c_str());
    return 1;
  }
  std::vector<Block> blocks;
  uint64_t total_spans = 0;
  uint64_t total_rgs = 0;
  for (const backend::BlockId& id : listing->live) {
    auto meta = store.ReadBlockMeta("bench", id);
    if (!meta.ok()) {
      std::fprintf(stderr, "meta: %s\n", meta.status().ToString().c_str());
      return 1;
    }
    Block b;
    b.reader = std::make_unique<block::BlockReader>(&backend, *meta);
    auto index = b.reader->Index();
    if (!index.ok()) {
      std::fprintf(stderr, "index: %s\n", index.status().ToString().c_str());
      return 1;
    }
    b.row_groups = std::move(*index);
    for (const auto& e : b.row_groups) {
      total_spans += e.summary.n_spans;
    }
    total_rgs += b.row_groups.size();
    blocks.push_back(std::move(b));
  }
  std::printf("store: %zu blocks, %llu row groups, %.1fM spans (%s)\n", blocks.size(),
              static_cast<unsigned long long>(total_rgs), static_cast<double>(total_spans) / 1e6,
              args.dir.c_str());
  std::vector<std::pair<std::string, std::string>> queries = kQueries;
  if (!args.query.empty()) {
    queries = {{"query", args.query}};
  }
  std::printf("%-34s %12s %10s %10s %8s %9s %9s %12s %8s %8s%s\n", "query", "Mspans/s/core",
              "scan only", "cpu s", "open s", "read s", "wall s", "MB decoded", "cand.", "rg skip",
              args.confirm ? "  first20 s" : "");
  std::string json = "{";
  for (const auto& [label, text] : queries) {
    auto q = traceql::Compile(text);
    if (!q.ok()) {
      std::fprintf(stderr, "%s: %s\n", text.c_str(), q.status().ToString().c_str());
      return 1;
    }
    std::unique_ptr<traceql::eval::Evaluator> ev;
    if (args.confirm || args.verify) {
      auto e = traceql::eval::Evaluator::Create(q->query);
      if (!e.ok()) {
        std::fprintf(stderr, "%s: %s\n", text.c_str(), e.status().ToString().c_str());
        return 1;
      }
      ev = std::move(*e);
    }
    std::vector<Pass> passes;
    for (int r = 0; r < args.rounds; ++r) {
      auto p = RunPass(blocks, *q, ev.get(), args.verify);
      if (!p.ok()) {
        std::fprintf(stderr, "%s: %s\n", text.c_str(), p.status().ToString().c_str());
        return 1;
      }
      passes.push_back(*p);
    }
    std::sort(passes.begin(), passes.end(),
              [](const Pass& a, const Pass& b) { return a.cpu_s < b.cpu_s; });
    const Pass& m = passes[passes.size() / 2];
    const double rate = static_cast<double>(m.spans) / m.cpu_s / 1e6;
    const double scan_rate = static_cast<double>(m.spans) / (m.cpu_s - m.open_s) / 1e6;
    std::printf("%-34s %12.1f %10.1f %10.3f %8.3f %9.3f %9.3f %6.0f/%-5.0f %8llu %8llu",
                label.c_str(), rate, scan_rate, m.cpu_s, m.open_s, m.read_s, m.wall_s,
                static_cast<double>(m.stats.bytes_read) / 1e6,
                static_cast<double>(m.rg_bytes) / 1e6,
                static_cast<unsigned long long>(m.candidates),
                static_cast<unsigned long long>(m.stats.row_groups_skipped));
    if (args.confirm) {
      std::printf("  %9.3f", m.confirm_s);
    }
    if (args.verify) {
      std::printf("  verified: %llu matches, all candidates",
                  static_cast<unsigned long long>(m.matches));
    }
    std::printf("   %s\n", text.c_str());
    if (json.size() > 1) {
      json += ",";
    }
    json += "\"" + label + "\":{\"mspans_per_s_core\":" + std::to_string(rate)
            + ",\"scan_only_mspans_per_s_core\":" + std::to_string(scan_rate) + ",\"cpu_s\":"
            + std::to_string(m.cpu_s) + ",\"open_s\":" + std::to_string(m.open_s) + ",\"wall_s\":"
            + std::to_string(m.wall_s) + ",\"bytes_decoded\":" + std::to_string(m.stats.bytes_read)
            + ",\"candidates\":" + std::to_string(m.candidates) + "}";
  }
  json += "}";
  std::printf("RESULT %s\n", json.c_str());
  return 0;
}

}  // namespace
}  // namespace vivace

int main(int argc, char** argv) {
  vivace::Args args;
  if (!vivace::ParseArgs(argc, argv, &args)) {
    return 2;
  }
  return vivace::Run(args);
}
