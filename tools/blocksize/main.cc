// vivace-blocksize: how big and how fast the `vvc1` block format is on the loadgen mix.
//
// Generates OTLP export requests exactly as vivace-loadgen sends them (fresh generator content
// for every request, random trace IDs, absolute timestamps advancing 1 ms per request), regroups
// them by trace as the distributor does, writes one block into an in-memory backend with
// block::BlockWriter and reports:
//   - stored bytes per span (every object of the block: data, index, bloom shards, meta.json)
//     against zstd levels 1 and 3 of the same OTLP requests (one stream, and per request);
//   - writer throughput on one thread (median of --rounds runs): spans/s and MB/s of OTLP input;
//   - find-by-ID latency through block::BlockReader (bloom, index, one range read, rebuild);
//   - the largest columns, and with --codecs the stored size of every column's pages under each
//     page codec (none, lz4, zstd -1/1/3) with the time to decode them.
// Prints `RESULT {json}` as its last line for bench/run-bench. Usage: see --help.

#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "backend/memory_backend.h"
#include "block/block_reader.h"
#include "block/block_writer.h"
#include "block/row_group_reader.h"
#include "block/schema.h"
#include "loadgen/generator.h"
#include "loadgen/request_template.h"
#include "model/regroup.h"

namespace vivace::tools {
namespace {

struct Options {
  int requests = 1000;
  int traces_per_request = 20;
  int spans_per_trace = 10;
  uint64_t seed = 1;
  int rounds = 5;
  int columns = 25;
  int lookups = 2000;
  bool codecs = false;
  // Block writer settings (defaults: BlockWriterOptions / RowGroupWriterOptions).
  int page_rows = 0;
  int page_kb = 0;
  int row_group_mb = 0;
  std::string codec;  // "zstd", "lz4" or "none"
  int level = 0;
};

bool ParseFlag(std::string_view arg, std::string_view name, std::string_view* value) {
  if (arg.substr(0, name.size()) != name || arg.size() <= name.size() || arg[name.size()] != '=') {
    return false;
  }
  *value = arg.substr(name.size() + 1);
  return true;
}

constexpr char kUsage[] =
    "usage: vivace-blocksize [--requests=N] [--traces-per-request=N] [--spans-per-trace=N]\n"
    "                        [--seed=N] [--rounds=N] [--columns=N] [--lookups=N] [--codecs]\n"
    "                        [--page-rows=N] [--page-kb=N] [--row-group-mb=N]\n"
    "                        [--codec=zstd|lz4|none]\n"
    "                        [--level=N]\n";

bool ParseOptions(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    std::string_view v;
    auto num = [&](int* out) {
      *out = std::atoi(std::string(v).c_str());
      return *out > 0;
    };
    if (a == "--codecs") {
      o->codecs = true;
    } else if (ParseFlag(a, "--requests", &v)) {
      if (!num(&o->requests)) {
        return false;
      }
    } else if (ParseFlag(a, "--traces-per-request", &v)) {
      if (!num(&o->traces_per_request)) {
        return false;
      }
    } else if (ParseFlag(a, "--spans-per-trace", &v)) {
      if (!num(&o->spans_per_trace)) {
        return false;
      }
    } else if (ParseFlag(a, "--rounds", &v)) {
      if (!num(&o->rounds)) {
        return false;
      }
    } else if (ParseFlag(a, "--columns", &v)) {
      if (!num(&o->columns)) {
        return false;
      }
    } else if (ParseFlag(a, "--lookups", &v)) {
      if (!num(&o->lookups)) {
        return false;
      }
    } else if (ParseFlag(a, "--page-rows", &v)) {
      if (!num(&o->page_rows)) {
        return false;
      }
    } else if (ParseFlag(a, "--page-kb", &v)) {
      if (!num(&o->page_kb)) {
        return false;
      }
    } else if (ParseFlag(a, "--row-group-mb", &v)) {
      if (!num(&o->row_group_mb)) {
        return false;
      }
    } else if (ParseFlag(a, "--codec", &v)) {
      o->codec = std::string(v);
      if (o->codec != "zstd" && o->codec != "lz4" && o->codec != "none") {
        return false;
      }
    } else if (ParseFlag(a, "--level", &v)) {
      o->level = std::atoi(std::string(v).c_str());
    } else if (ParseFlag(a, "--seed", &v)) {
      o->seed = std::strtoull(std::string(v).c_str(), nullptr, 10);
    } else {
      return false;
    }
  }
  return true;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

size_t ZstdSize(std::string_view in, int level) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
  return ZSTD_isError(n) ? 0 : n;
}

// The workload: the requests as sent and the traces as the block writer receives them.
struct Workload {
  std::vector<std::string> requests;
  std::map<model::TraceId, std::string> traces;  // combined tempopb.Trace bytes, by ID
  uint64_t spans = 0;
  uint64_t otlp_bytes = 0;
};

Result<Workload> Generate(const Options& o) {
  Workload w;
  loadgen::Generator gen({.seed = o.seed, .spans_per_trace = o.spans_per_trace});
  loadgen::IdSource ids(o.seed);
  constexpr uint64_t kBase = 1'764'000'000'000'000'000;  // late 2025, in ns
  std::vector<loadgen::TraceKey> keys(static_cast<size_t>(o.traces_per_request));
  uint64_t seq = 0;
  for (int r = 0; r < o.requests; ++r) {
    VV_ASSIGN_OR_RETURN(loadgen::RequestTemplate t,
                        loadgen::MakeTemplate(gen.NextRequest(o.traces_per_request)));
    for (auto& k : keys) {
      k = ids.Key(seq++);
    }
    std::string req(t.size(), '\0');
    t.Instantiate(keys.data(), kBase + static_cast<uint64_t>(r) * 1'000'000,
                  reinterpret_cast<uint8_t*>(req.data()));
    VV_ASSIGN_OR_RETURN(model::ScannedRequest scan, model::ScanExportRequest(ByteView(req), {}));
    model::RegroupedBatch batch = scan.Regroup();
    for (const model::TraceSlice& s : batch.traces) {
      w.traces[s.id].append(batch.fragment(s).str());
    }
    w.spans += batch.span_count;
    w.otlp_bytes += req.size();
    w.requests.push_back(std::move(req));
  }
  return w;
}

struct BlockResult {
  backend::BlockMeta meta;
  uint64_t stored_bytes = 0;
  std::map<std::string, uint64_t> object_bytes;  // data, index, bloom, meta.json
  double seconds = 0;
};

block::BlockWriterOptions WriterOptions(const Options& o) {
  block::BlockWriterOptions opts;
  if (o.page_rows > 0) {
    opts.row_group.page_rows = static_cast<uint32_t>(o.page_rows);
  }
  if (o.page_kb > 0) {
    opts.row_group.target_page_bytes = static_cast<size_t>(o.page_kb) << 10;
  }
  if (o.row_group_mb > 0) {
    opts.row_group_bytes = static_cast<size_t>(o.row_group_mb) << 20;
  }
  if (o.codec == "lz4") {
    opts.row_group.compression.codec = block::Codec::kLz4;
  } else if (o.codec == "none") {
    opts.row_group.compression.codec = block::Codec::kNone;
  }
  if (o.level != 0) {
    opts.row_group.compression.level = o.level;
  }
  return opts;
}

Result<BlockResult> WriteBlock(const Workload& w, block::BlockWriterOptions opts,
                               backend::InMemoryBackend* mem) {
  opts.tenant = "bench";
  opts.block_id = backend::BlockId::Random();
  opts.estimated_traces = w.traces.size();
  BlockResult r;
  auto t0 = std::chrono::steady_clock::now();
  block::BlockWriter writer(mem, opts);
  for (const auto& [id, bytes] : w.traces) {
    VV_RETURN_IF_ERROR(writer.Add(id, ByteView(bytes)));
  }
  VV_ASSIGN_OR_RETURN(r.meta, writer.Finish());
  r.seconds = Seconds(std::chrono::steady_clock::now() - t0);
  std::string prefix = fmt::format("bench/{}", opts.block_id.ToString());
  VV_ASSIGN_OR_RETURN(std::vector<std::string> names, mem->List(prefix));
  for (const std::string& name : names) {
    VV_ASSIGN_OR_RETURN(uint64_t size, mem->Size(prefix + "/" + name));
    std::string kind = name.rfind("bloom-", 0) == 0 ? "bloom" : name;
    r.object_bytes[kind] += size;
    r.stored_bytes += size;
  }
  return r;
}

// Stored bytes per column name over every row group of the block.
Result<std::map<std::string, uint64_t>> ColumnBytes(block::BlockReader& reader) {
  std::map<std::string, uint64_t> out;
  VV_ASSIGN_OR_RETURN(std::vector<block::RowGroupEntry> index, reader.Index());
  for (const block::RowGroupEntry& e : index) {
    VV_ASSIGN_OR_RETURN(std::string rg, reader.ReadRowGroup(e));
    VV_ASSIGN_OR_RETURN(auto rgr, block::RowGroupReader::Open(ByteView(rg)));
    for (const block::ChunkDesc& c : rgr->header().chunks) {
      out[rgr->ColumnName(c.column)] += c.length;
    }
    out["(row group headers)"] += rgr->header_bytes();
  }
  return out;
}

// Per column: stored bytes and the time to decode all of its values (pages opened, checked,
// decompressed and decoded through RowGroupReader, as a full scan would).
struct ColumnCost {
  uint64_t bytes = 0;
  double decode_s = 0;
  uint64_t values = 0;
};

Result<std::map<std::string, ColumnCost>> MeasureColumns(block::BlockReader& reader) {
  std::map<std::string, ColumnCost> out;
  VV_ASSIGN_OR_RETURN(std::vector<block::RowGroupEntry> index, reader.Index());
  std::vector<uint64_t> numbers;
  std::vector<std::string_view> strings;
  std::string fixed;
  for (const block::RowGroupEntry& e : index) {
    VV_ASSIGN_OR_RETURN(std::string rg, reader.ReadRowGroup(e));
    VV_ASSIGN_OR_RETURN(auto r, block::RowGroupReader::Open(ByteView(rg)));
    for (const block::ChunkDesc& c : r->header().chunks) {
      numbers.clear();
      strings.clear();
      fixed.clear();
      auto t0 = std::chrono::steady_clock::now();
      switch (c.kind) {
        case block::Kind::kU64:
        case block::Kind::kF64:
          VV_RETURN_IF_ERROR(r->ReadU64(c.column, 0, c.n_values, &numbers));
          break;
        case block::Kind::kFixed8:
        case block::Kind::kFixed16:
          VV_RETURN_IF_ERROR(r->ReadFixed(c.column, 0, c.n_values, &fixed));
          break;
        case block::Kind::kString:
        case block::Kind::kBytes:
          VV_RETURN_IF_ERROR(r->ReadStringViews(c.column, 0, c.n_values, &strings));
          break;
      }
      ColumnCost& cost = out[r->ColumnName(c.column)];
      cost.decode_s += Seconds(std::chrono::steady_clock::now() - t0);
      cost.bytes += c.length;
      cost.values += c.n_values;
    }
  }
  return out;
}

// Writes the block once per page codec and compares, for the largest columns, the stored
// bytes per span and the full-decode speed (the "lz4 for hot columns" question).
int StudyCodecs(const Options& o, const Workload& w) {
  struct Variant {
    const char* name;
    block::Codec codec;
    int level;
  };

  const Variant variants[] = {{"none", block::Codec::kNone, 0},
                              {"lz4", block::Codec::kLz4, 0},
                              {"zstd-1", block::Codec::kZstd, 1},
                              {"zstd-3", block::Codec::kZstd, 3},
                              {"zstd-7", block::Codec::kZstd, 7}};
  const double spans = static_cast<double>(w.spans);
  std::vector<std::map<std::string, ColumnCost>> costs;
  std::printf("\npage codec study (%d rounds each; decode = every value of the column):\n",
              o.rounds);
  std::printf("  %-8s %10s %12s %14s %12s\n", "codec", "B/span", "write k/s", "decode MB/s*",
              "find p50 us");
  for (const Variant& v : variants) {
    block::BlockWriterOptions opts = WriterOptions(o);
    opts.row_group.compression.codec = v.codec;
    opts.row_group.compression.level = v.level == 0 ? opts.row_group.compression.level : v.level;
    std::vector<double> secs;
    backend::InMemoryBackend mem;
    BlockResult block;
    for (int i = 0; i < o.rounds; ++i) {
      backend::InMemoryBackend scratch;
      auto r = WriteBlock(w, opts, i + 1 == o.rounds ? &mem : &scratch);
      if (!r.ok()) {
        std::fprintf(stderr, "write: %s\n", r.status().ToString().c_str());
        return 1;
      }
      secs.push_back(r->seconds);
      block = *r;
    }
    block::BlockReader reader(&mem, block.meta);
    auto measured = MeasureColumns(reader);
    if (!measured.ok()) {
      std::fprintf(stderr, "measure: %s\n", measured.status().ToString().c_str());
      return 1;
    }
    double decode_s = 0;
    for (const auto& [name, cost] : *measured) {
      decode_s += cost.decode_s;
    }
    std::vector<double> lat;
    size_t k = 0;
    for (const auto& [id, bytes] : w.traces) {
      if (k++ % 40 != 0) {
        continue;
      }
      auto t0 = std::chrono::steady_clock::now();
      auto found = reader.FindTrace(id);
      lat.push_back(Seconds(std::chrono::steady_clock::now() - t0) * 1e6);
    }
    std::printf("  %-8s %10.2f %12.0f %14.0f %12.0f\n", v.name,
                static_cast<double>(block.stored_bytes) / spans, spans / Median(secs) / 1e3,
                static_cast<double>(w.otlp_bytes) / decode_s / 1e6, Median(lat));
    costs.push_back(std::move(measured).value());
  }
  std::printf("  (* decode MB/s: MB of OTLP input per second of decoding every column)\n");
  // Largest columns under zstd-3: bytes/span and decode ns/value per codec.
  std::vector<std::pair<uint64_t, std::string>> order;
  for (const auto& [name, cost] : costs[3]) {
    order.emplace_back(cost.bytes, name);
  }
  std::sort(order.rbegin(), order.rend());
  std::printf("\n  %-44s", "column: B/span | decode ns/value");
  for (const Variant& v : variants) {
    std::printf(" %15s", v.name);
  }
  std::printf("\n");
  for (size_t i = 0; i < order.size() && i < static_cast<size_t>(o.columns); ++i) {
    std::printf("  %-44s", order[i].second.c_str());
    for (const auto& c : costs) {
      auto it = c.find(order[i].second);
      if (it == c.end()) {
        std::printf(" %15s", "-");
        continue;
      }
      std::printf("  %6.3f | %5.1f", static_cast<double>(it->second.bytes) / spans,
                  it->second.decode_s * 1e9
                      / static_cast<double>(std::max<uint64_t>(1, it->second.values)));
    }
    std::printf("\n");
  }
  return 0;
}

int Run(const Options& o) {
  auto gen_start = std::chrono::steady_clock::now();
  auto workload = Generate(o);
  if (!workload.ok()) {
    std::fprintf(stderr, "generate: %s\n", workload.status().ToString().c_str());
    return 1;
  }
  const Workload& w = *workload;
  if (o.codecs) {
    return StudyCodecs(o, w);
  }
  std::printf(
      "workload: %d requests x %d traces x %d spans = %llu spans, %zu traces, "
      "%.1f MB OTLP (%.1f B/span), generated in %.1f s\n",
      o.requests, o.traces_per_request, o.spans_per_trace, static_cast<unsigned long long>(w.spans),
      w.traces.size(), w.otlp_bytes / 1e6,
      static_cast<double>(w.otlp_bytes) / static_cast<double>(w.spans),
      Seconds(std::chrono::steady_clock::now() - gen_start));

  // Baselines: zstd of the OTLP requests as one stream and one frame per request.
  std::string stream;
  stream.reserve(w.otlp_bytes);
  for (const std::string& r : w.requests) {
    stream += r;
  }
  double spans = static_cast<double>(w.spans);
  double z1 = static_cast<double>(ZstdSize(stream, 1)) / spans;
  double z3 = static_cast<double>(ZstdSize(stream, 3)) / spans;
  double z1r = 0;
  double z3r = 0;
  for (const std::string& r : w.requests) {
    z1r += static_cast<double>(ZstdSize(r, 1));
    z3r += static_cast<double>(ZstdSize(r, 3));
  }
  z1r /= spans;
  z3r /= spans;

  // Writer throughput: median of rounds, each into a fresh backend.
  std::vector<double> secs;
  backend::InMemoryBackend mem;
  BlockResult block;
  for (int i = 0; i < o.rounds; ++i) {
    backend::InMemoryBackend scratch;
    auto r = WriteBlock(w, WriterOptions(o), i + 1 == o.rounds ? &mem : &scratch);
    if (!r.ok()) {
      std::fprintf(stderr, "write: %s\n", r.status().ToString().c_str());
      return 1;
    }
    secs.push_back(r->seconds);
    block = *r;
  }
  double write_s = Median(secs);
  double per_span = static_cast<double>(block.stored_bytes) / spans;
  std::printf("\nblock: %u row groups, %llu bytes stored = %.2f B/span (", block.meta.total_records,
              static_cast<unsigned long long>(block.stored_bytes), per_span);
  for (const auto& [name, bytes] : block.object_bytes) {
    std::printf(" %s %.2f", name.c_str(), static_cast<double>(bytes) / spans);
  }
  std::printf(" )\n");
  std::printf(
      "zstd of the OTLP requests, one stream: level 1 %.2f B/span (ratio %.3f), level 3 "
      "%.2f B/span (ratio %.3f)\n",
      z1, per_span / z1, z3, per_span / z3);
  std::printf(
      "zstd of the OTLP requests, per request: level 1 %.2f B/span (ratio %.3f), level 3 "
      "%.2f B/span (ratio %.3f)\n",
      z1r, per_span / z1r, z3r, per_span / z3r);
  std::printf("writer (1 thread, median of %d): %.3f s = %.0f k spans/s, %.1f MB/s of OTLP\n",
              o.rounds, write_s, spans / write_s / 1e3,
              static_cast<double>(w.otlp_bytes) / write_s / 1e6);

  // Find by ID through the block reader.
  block::BlockReader reader(&mem, block.meta);
  std::vector<model::TraceId> all;
  all.reserve(w.traces.size());
  for (const auto& [id, bytes] : w.traces) {
    all.push_back(id);
  }
  std::vector<double> lat;
  uint64_t bytes_read = 0;
  size_t step = std::max<size_t>(1, all.size() / static_cast<size_t>(o.lookups));
  for (size_t i = 0; i < all.size(); i += step) {
    block::FindStats stats;
    auto t0 = std::chrono::steady_clock::now();
    auto found = reader.FindTrace(all[i], &stats);
    lat.push_back(Seconds(std::chrono::steady_clock::now() - t0) * 1e6);
    if (!found.ok() || !found->has_value()) {
      std::fprintf(stderr, "find %s failed\n", all[i].Hex().c_str());
      return 1;
    }
    bytes_read += stats.bytes_read;
  }
  std::printf(
      "find-by-ID + rebuild (%zu lookups, %d-span traces): p50 %.0f us, p99 %.0f us, "
      "%.0f KB read per lookup\n",
      lat.size(), o.spans_per_trace, Median(lat), Percentile(lat, 0.99),
      static_cast<double>(bytes_read) / static_cast<double>(lat.size()) / 1e3);

  // The same inside one row group held in memory: open (header) and find + rebuild.
  {
    auto index = reader.Index();
    auto rg = reader.ReadRowGroup((*index)[index->size() / 2]);
    std::vector<double> open_us;
    std::vector<double> read_us;
    size_t k = 0;
    for (size_t i = 0; i < all.size() && k < 2000; i += step) {
      if (all[i] < (*index)[index->size() / 2].summary.min_id
          || (*index)[index->size() / 2].summary.max_id < all[i]) {
        continue;
      }
      ++k;
      auto t0 = std::chrono::steady_clock::now();
      auto rgr = block::RowGroupReader::Open(ByteView(*rg));
      auto t1 = std::chrono::steady_clock::now();
      auto ord = (*rgr)->FindTrace(all[i]);
      auto trace = (*rgr)->ReadTrace(**ord);
      auto t2 = std::chrono::steady_clock::now();
      open_us.push_back(Seconds(t1 - t0) * 1e6);
      read_us.push_back(Seconds(t2 - t1) * 1e6);
    }
    for (size_t i = 0; i < all.size() && k < 4000; i += 1) {
      if (all[i] < (*index)[index->size() / 2].summary.min_id
          || (*index)[index->size() / 2].summary.max_id < all[i]) {
        continue;
      }
      ++k;
      auto t0 = std::chrono::steady_clock::now();
      auto rgr = block::RowGroupReader::Open(ByteView(*rg));
      auto t1 = std::chrono::steady_clock::now();
      auto ord = (*rgr)->FindTrace(all[i]);
      auto trace = (*rgr)->ReadTrace(**ord);
      auto t2 = std::chrono::steady_clock::now();
      open_us.push_back(Seconds(t1 - t0) * 1e6);
      read_us.push_back(Seconds(t2 - t1) * 1e6);
    }
    std::printf(
        "in one row group (%zu bytes, %zu lookups): open p50 %.0f us, find + rebuild "
        "p50 %.0f us\n",
        rg->size(), open_us.size(), Median(open_us), Median(read_us));
  }

  auto cols = ColumnBytes(reader);
  if (!cols.ok()) {
    std::fprintf(stderr, "columns: %s\n", cols.status().ToString().c_str());
    return 1;
  }
  std::vector<std::pair<uint64_t, std::string>> sorted;
  for (const auto& [name, bytes] : *cols) {
    sorted.emplace_back(bytes, name);
  }
  std::sort(sorted.rbegin(), sorted.rend());
  std::printf("\nlargest columns (B/span):\n");
  for (size_t i = 0; i < sorted.size() && i < static_cast<size_t>(o.columns); ++i) {
    std::printf("  %-48s %6.3f\n", sorted[i].second.c_str(),
                static_cast<double>(sorted[i].first) / spans);
  }
  std::printf("  (%zu columns in all)\n", sorted.size());

  std::printf(
      "RESULT {\"spans\":%llu,\"bytes_per_span\":%.3f,\"zstd1_stream_bytes_per_span\":%.3f,"
      "\"zstd3_stream_bytes_per_span\":%.3f,\"ratio_zstd1\":%.4f,\"ratio_zstd3\":%.4f,"
      "\"write_spans_per_s\":%.0f,\"write_otlp_mb_per_s\":%.2f,\"find_p50_us\":%.1f,"
      "\"find_p99_us\":%.1f,\"row_groups\":%u}\n",
      static_cast<unsigned long long>(w.spans), per_span, z1, z3, per_span / z1, per_span / z3,
      spans / write_s, static_cast<double>(w.otlp_bytes) / write_s / 1e6, Median(lat),
      Percentile(lat, 0.99), block.meta.total_records);
  return 0;
}

}  // namespace
}  // namespace vivace::tools

int main(int argc, char** argv) {
  vivace::tools::Options options;
  if (!vivace::tools::ParseOptions(argc, argv, &options)) {
    std::fputs(vivace::tools::kUsage, stderr);
    return 2;
  }
  return vivace::tools::Run(options);
}
