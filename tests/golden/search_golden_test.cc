// Golden tests of search: every query of search/queries.traceql runs over a fixed generated
// dataset (deterministic: its own PRNG walk, no library distributions), through both engines
// paths (a `vvc1` block in row-group jobs, and the in-memory recent-data path), and the
// results must equal search/results.golden. VV_UPDATE_GOLDEN=1 rewrites the golden file;
// review its diff like code.

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "backend/memory_backend.h"
#include "block/block_reader.h"
#include "block/block_writer.h"
#include "common/hex.h"
#include "ingester/fragments.h"
#include "search/block_search.h"
#include "search/combiner.h"
#include "search/recent_search.h"
#include "tempopb/tempo.pb.h"

namespace vivace::search {
namespace {

namespace otlp = opentelemetry::proto::trace::v1;

constexpr uint64_t kBase = 1'700'000'000'000'000'000;

// A fixed dataset: 120 traces of 1-8 spans over five services, with HTTP and DB attributes,
// errors, kinds, events and nesting of varied depth.
class Dataset {
 public:
  Dataset() : rng_(20261125) {}

  std::vector<std::pair<model::TraceId, std::string>> Traces() {
    std::vector<std::pair<model::TraceId, std::string>> out;
    for (int t = 0; t < 120; ++t) {
      tempopb::Trace trace;
      std::string id(16, '\0');
      for (char& c : id) {
        c = static_cast<char>(Next(256));
      }
      id[0] = static_cast<char>(t % 3 == 0 ? 0 : id[0]);  // some IDs with leading zeros
      int spans = 1 + static_cast<int>(Next(8));
      uint64_t start = kBase + static_cast<uint64_t>(t) * 1'000'000'000 + Next(1000);
      std::vector<std::string> span_ids;
      for (int s = 0; s < spans; ++s) {
        const char* services[] = {"frontend", "cart", "checkout", "payments", "db"};
        std::string service = services[s == 0 ? Next(2) : Next(5)];
        auto* rs = trace.add_resourcespans();
        auto* attr = rs->mutable_resource()->add_attributes();
        attr->set_key("service.name");
        attr->mutable_value()->set_string_value(service);
        auto* env = rs->mutable_resource()->add_attributes();
        env->set_key("deployment.environment");
        env->mutable_value()->set_string_value(Next(4) == 0 ? "staging" : "prod");
        auto* ss = rs->add_scope_spans();
        ss->mutable_scope()->set_name("golden");
        otlp::Span* span = ss->add_spans();
        span->set_trace_id(id);
        std::string sid(8, '\0');
        for (char& c : sid) {
          c = static_cast<char>(Next(256));
        }
        sid[7] = static_cast<char>(s + 1);
        span->set_span_id(sid);
        if (s > 0) {
          span->set_parent_span_id(span_ids[Next(static_cast<uint64_t>(s))]);
        }
        span_ids.push_back(sid);
        const char* names[] = {"GET /cart", "POST /checkout", "charge", "SELECT", "render"};
        span->set_name(s == 0 ? "GET /" : names[Next(5)]);
        span->set_kind(static_cast<otlp::Span::SpanKind>(1 + Next(5)));
        uint64_t offset = Next(50) * 1'000'000;
        uint64_t duration = (1 + Next(2000)) * 1'000'000;
        span->set_start_time_unix_nano(start + offset);
        span->set_end_time_unix_nano(start + offset + duration);
        auto* code = span->add_attributes();
        code->set_key("http.status_code");
        const int codes[] = {200, 200, 200, 404, 500};
        code->mutable_value()->set_int_value(codes[Next(5)]);
        if (Next(3) == 0) {
          auto* db = span->add_attributes();
          db->set_key("db.system");
          db->mutable_value()->set_string_value(Next(2) ? "postgresql" : "redis");
        }
        if (Next(4) == 0) {
          auto* ratio = span->add_attributes();
          ratio->set_key("sample.ratio");
          ratio->mutable_value()->set_double_value(static_cast<double>(Next(100)) / 8);
        }
        if (Next(6) == 0) {
          span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
          span->mutable_status()->set_message("failed");
        } else if (Next(3) == 0) {
          span->mutable_status()->set_code(otlp::Status::STATUS_CODE_OK);
        }
        if (Next(5) == 0) {
          auto* ev = span->add_events();
          ev->set_name(Next(2) ? "exception" : "retry");
          ev->set_time_unix_nano(start + offset + 1000);
        }
      }
      out.emplace_back(model::TraceId::FromBytes(ByteView(id)), trace.SerializeAsString());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  uint64_t Next(uint64_t n) { return rng_() % n; }

  std::mt19937_64 rng_;
};

std::string Render(const tempopb::SearchResponse& r) {
  std::vector<const tempopb::TraceSearchMetadata*> traces;
  for (const auto& t : r.traces()) {
    traces.push_back(&t);
  }
  std::sort(traces.begin(), traces.end(),
            [](const auto* a, const auto* b) { return a->traceid() < b->traceid(); });
  std::ostringstream out;
  for (const auto* t : traces) {
    out << t->traceid() << " " << t->rootservicename() << " " << t->durationms() << "ms";
    for (const auto& ss : t->spansets()) {
      // Spans by their index in the trace (the last byte of a generated span ID), then the
      // number of fields each lists, then the spanset's own attributes.
      out << " [" << ss.matched() << ":";
      for (const auto& s : ss.spans()) {
        out << " " << s.spanid().substr(14) << "/" << s.attributes_size();
      }
      for (const auto& kv : ss.attributes()) {
        out << " " << kv.key() << "=" << kv.value().ShortDebugString();
      }
      out << "]";
    }
    out << "\n";
  }
  return out.str();
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string GoldenDir() {
  const char* src = std::getenv("VV_SOURCE_DIR");
  return std::string(src != nullptr ? src : ".") + "/tests/golden/search";
}

TEST(SearchGoldenTest, QueriesOverTheFixedDataset) {
  auto traces = Dataset().Traces();
  backend::InMemoryBackend mem;
  block::BlockWriterOptions opts;
  opts.tenant = "golden";
  opts.block_id = backend::BlockId::Random();
  opts.estimated_traces = traces.size();
  opts.row_group_bytes = 32 << 10;
  block::BlockWriter w(&mem, opts);
  ingester::Ingester::RecentData recent;
  for (auto& [id, bytes] : traces) {
    ASSERT_TRUE(w.Add(id, bytes).ok());
    ingester::OwnedTraceBuffer buf;
    buf.AppendFragment(ByteView(bytes));
    recent.buffers.emplace_back(id, buf.ref());
  }
  auto meta = w.Finish();
  ASSERT_TRUE(meta.ok());
  block::BlockReader reader(&mem, *meta);
  auto index = reader.Index();
  ASSERT_TRUE(index.ok());

  auto columnar = std::make_shared<RecentColumnar>(1);
  std::istringstream queries(ReadFile(GoldenDir() + "/queries.traceql"));
  std::string golden;
  std::string line;
  int count = 0;
  while (std::getline(queries, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    ++count;
    auto s = PreparedSearch::Create({.query = line, .limit = 0, .spans_per_spanset = 3});
    ASSERT_TRUE(s.ok()) << line << ": " << s.status().ToString();
    SearchCombiner from_block(0);
    for (size_t first = 0; first < index->size(); first += 3) {  // jobs of three row groups
      JobMetrics m;
      ASSERT_TRUE(SearchRowGroups(reader, *index, first, 3, **s, &from_block, &m).ok()) << line;
    }
    SearchCombiner from_memory(0);
    JobMetrics m;
    ASSERT_TRUE(SearchInMemory(recent, **s, &from_memory, &m).ok()) << line;
    // Recent data through its columnar view (everything encoded, in two jobs).
    ingester::Ingester::RecentData viewed = recent;
    viewed.columnar = columnar;
    SearchCombiner from_view(0);
    for (uint32_t i = 0; i < 2; ++i) {
      JobMetrics vm;
      ASSERT_TRUE(SearchInMemory(viewed, **s, &from_view, &vm, {i, 2}).ok()) << line;
    }
    std::string block_text = Render(from_block.Final());
    EXPECT_EQ(block_text, Render(from_memory.Final())) << line;
    EXPECT_EQ(block_text, Render(from_view.Final())) << line;
    golden += "== " + line + "\n" + block_text;
  }
  EXPECT_GE(count, 20);
  const std::string path = GoldenDir() + "/results.golden";
  if (std::getenv("VV_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << golden;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::string want = ReadFile(path);
  ASSERT_FALSE(want.empty()) << path << " is missing: run with VV_UPDATE_GOLDEN=1";
  EXPECT_TRUE(want == golden) << "results differ from " << path
                              << "; run with VV_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace
}  // namespace vivace::search
