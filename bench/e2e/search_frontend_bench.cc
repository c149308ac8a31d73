// End-to-end search latency through the in-process query frontend (frontend/search_sharder:
// row-group jobs on the worker pool, the columnar scan, the exact evaluator, the combiner
// stopping at the limit) over the >= 50M-span store search_scan_bench writes (run it first:
// `search_scan_bench --dir=<dir>` creates the store). The blocks are served as backend blocks
// through a Querier over a LocalBackend, as /api/search with start/end serves them.
//
// For each query: the median (of --rounds, after one warm-up that loads the block indexes)
// wall time to the answer of a limit=--limit search over the whole store, the traces found, and
// the jobs run of those planned. --concurrency is querier.max_concurrent_queries (jobs at
// once, the calling thread included). Ends with a `RESULT {...}` line for scripts.
//
//   search_frontend_bench [--dir=/var/tmp/vivace-search-bench] [--limit=20] [--rounds=5]
//                         [--concurrency=2] [--target-bytes=104857600] [--query=<TraceQL>]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "backend/block_store.h"
#include "backend/local_backend.h"
#include "blocklist/blocklist.h"
#include "frontend/search_sharder.h"
#include "querier/querier.h"

namespace vivace {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string dir = "/var/tmp/vivace-search-bench";
  uint32_t limit = 20;
  int rounds = 5;
  int concurrency = 2;
  int64_t target_bytes = 104'857'600;
  std::string query;
};

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto val = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      return s.compare(0, n, name) == 0 ? s.c_str() + n : nullptr;
    };
    if (const char* v = val("--dir=")) {
      a->dir = v;
    } else if (const char* v2 = val("--limit=")) {
      a->limit = static_cast<uint32_t>(std::stoul(v2));
    } else if (const char* v3 = val("--rounds=")) {
      a->rounds = std::max(1, std::stoi(v3));
    } else if (const char* v4 = val("--concurrency=")) {
      a->concurrency = std::max(1, std::stoi(v4));
    } else if (const char* v5 = val("--target-bytes=")) {
      a->target_bytes = std::stoll(v5);
    } else if (const char* v6 = val("--query=")) {
      a->query = v6;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", s.c_str());
      return false;
    }
  }
  return true;
}

const std::vector<std::pair<std::string, std::string>> kQueries = {
    {"service equality", "{ resource.service.name = \"checkout\" }"},
    {"span name equality", "{ name = \"GET /api/products\" }"},
    {"int attribute", "{ span.http.response.status_code = 500 }"},
    {"duration range", "{ duration > 1s }"},
    {"regex", "{ span.http.route =~ \"/api/.*\" }"},
    {"generic attribute",
     "{ span.messaging.rabbitmq.destination.routing_key = \"notifications\" }"},
    {"conjunction", "{ resource.service.name = \"checkout\" && status = error }"},
    {"structural", "{ resource.service.name = \"frontend\" } >> { status = error }"},
    {"aggregate", "{ span.db.system = \"postgresql\" } | count() > 3"},
    {"no match", "{ resource.service.name = \"nope\" }"},
};

int Run(const Args& args) {
  backend::LocalBackend backend(args.dir);
  backend::BlockStore store(backend);
  auto listing = store.ListBlocks("bench");
  if (!listing.ok() || listing->live.empty()) {
    std::fprintf(stderr, "no store under %s: run search_scan_bench --dir=%s first\n",
                 args.dir.c_str(), args.dir.c_str());
    return 1;
  }
  blocklist::Blocklist blocklist;
  int64_t min_start = INT64_MAX;
  int64_t max_end = 0;
  uint64_t bytes = 0;
  for (const backend::BlockId& id : listing->live) {
    auto meta = store.ReadBlockMeta("bench", id);
    if (!meta.ok()) {
      std::fprintf(stderr, "meta: %s\n", meta.status().ToString().c_str());
      return 1;
    }
    min_start = std::min(min_start, meta->start_time);
    max_end = std::max(max_end, meta->end_time);
    bytes += meta->size;
    blocklist.AddBlock(*meta);
  }
  querier::Querier querier(nullptr, nullptr, &blocklist, &backend, 1);
  frontend::SearchSharder sharder(
      &querier, {.target_bytes_per_job = args.target_bytes,
                 .query_backend_after_s = 0,
                 .concurrency = args.concurrency});
  std::printf("store: %zu blocks, %.1f GB (%s); limit=%u, concurrency=%d, target_bytes=%lld\n",
              listing->live.size(), static_cast<double>(bytes) / 1e9, args.dir.c_str(),
              args.limit, args.concurrency, static_cast<long long>(args.target_bytes));
  std::vector<std::pair<std::string, std::string>> queries = kQueries;
  if (!args.query.empty()) {
    queries = {{"query", args.query}};
  }
  std::printf("%-20s %10s %8s %14s %12s\n", "query", "median ms", "traces", "jobs run/total",
              "MB inspected");
  std::string json = "{";
  for (const auto& [name, text] : queries) {
    auto prepared = search::PreparedSearch::Create(
        {.query = text,
         .limit = args.limit,
         .start_unix_s = static_cast<uint32_t>(min_start),
         .end_unix_s = static_cast<uint32_t>(max_end + 1)});
    if (!prepared.ok()) {
      std::fprintf(stderr, "%s: %s\n", text.c_str(), prepared.status().ToString().c_str());
      return 1;
    }
    std::vector<double> ms;
    tempopb::SearchResponse last;
    for (int r = 0; r <= args.rounds; ++r) {  // round 0 warms the block indexes
      auto t0 = Clock::now();
      auto resp = sharder.Search({"bench"}, *prepared, max_end + 10);
      double elapsed =
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (!resp.ok()) {
        std::fprintf(stderr, "%s: %s\n", text.c_str(), resp.status().ToString().c_str());
        return 1;
      }
      if (r > 0) {
        ms.push_back(elapsed);
      }
      last = std::move(resp).value();
    }
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2];
    std::printf("%-20s %10.1f %8d %7u/%-6u %12.1f\n", name.c_str(), median, last.traces_size(),
                last.metrics().completedjobs(), last.metrics().totaljobs(),
                static_cast<double>(last.metrics().inspectedbytes()) / 1e6);
    std::fflush(stdout);
    json += (json.size() > 1 ? "," : "") + std::string("\"") + name + "\":" +
            std::to_string(median);
  }
  std::printf("RESULT %s}\n", json.c_str());
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
