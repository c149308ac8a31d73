// Search and tag queries over recent data through the columnar view (recent_columnar.h)
// against the exact evaluator: on random traces, some in several parts (in one buffer, split
// between live buffers and a complete block, duplicated), random queries give exactly the
// traces, with exactly the metadata, that evaluating every trace gives; still so after the
// traces change (appends, removals, new traces: stale segments), for a snapshot held across
// the changes (copy on write), per shard, with a limit, and while another thread pushes.

#include "search/recent_search.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <gtest/gtest.h>

#include "backend/memory_backend.h"
#include "common/clock.h"
#include "config/config.h"
#include "ingester/cut_traces.h"
#include "ingester/trace_buffer.h"
#include "model/regroup.h"
#include "overrides/overrides.h"
#include "search/recent_columnar.h"
#include "search/scan/scan_test_util.h"
#include "search/tag_collector.h"
#include "search/tag_search.h"
#include "tests/support/trace_builder.h"
#include "traceql/eval/trace_proto.h"
#include "traceql/parser.h"

namespace vivace::search {
namespace {

using ingester::Ingester;
using ingester::OwnedTraceBuffer;

const std::vector<std::string> kConds = {
    "name = \"GET\"",
    "name != \"select\"",
    "name =~ \"GET.*\"",
    "status = error",
    "status != ok",
    "kind = server",
    "duration > 1s",
    "duration < 2ms",
    "span.http.status = 500",
    "span.http.status >= 404",
    "span.tag = \"x\"",
    "span.tag != nil",
    "span.ratio > 0.5",
    "span.flag = true",
    "span.count < 0",
    "span.rare.str = \"x\"",
    "span.nosuch = \"x\"",
    "resource.service.name = \"api\"",
    "resource.service.name != \"db\"",
    "resource.service.name =~ \"ca.*\"",
    "resource.service.name = \"nope\"",
    "resource.env = nil",
    "rootServiceName = \"api\"",
    "trace:duration > 1s",
    ".tag = \"x\"",
    ".service.name = \"db\"",
    "event.ek = \"x\"",
    "event:name = \"exception\"",
    "link.lk = \"z\"",
    "instrumentation:name = \"otel\"",
    "span.arr = \"x\"",
    "span:childCount > 1",
    "!(span.tag = \"x\")",
    "true",
};
const std::vector<std::string> kOps = {"&&", "||", ">", ">>", "<", "~", "!>>", "&>"};

class QueryGen {
 public:
  explicit QueryGen(uint64_t seed) : rng_(seed) {}

  int Int(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }

  const std::string& Pick(const std::vector<std::string>& v) {
    return v[static_cast<size_t>(Int(static_cast<int>(v.size())))];
  }

  std::string Filter() {
    std::string out = "{ " + Pick(kConds);
    for (int n = Int(3); n > 0; --n) {
      out += (Int(2) == 0 ? " && " : " || ") + Pick(kConds);
    }
    return out + " }";
  }

  std::string Query() {
    std::string a = Filter();
    switch (Int(6)) {
      case 0:
        return a + " " + Pick(kOps) + " " + Filter();
      case 1:
        return a + (Int(2) == 0 ? " | count() > 1" : " | avg(duration) > 500ms");
      case 2:
        return a + " | by(resource.service.name) | count() >= 2";
      case 3:
        return Int(2) == 0 ? "{ }" : a + " | select(span.tag, name)";
      default:
        return a;
    }
  }

 private:
  std::mt19937_64 rng_;
};

// The trace with only its spans at even (`odd` false) or odd positions within each scope.
std::string Half(const tempopb::Trace& t, bool odd) {
  tempopb::Trace out = t;
  for (auto& rs : *out.mutable_resourcespans()) {
    for (auto& ss : *rs.mutable_scope_spans()) {
      auto* spans = ss.mutable_spans();
      int keep = 0;
      for (int i = 0; i < spans->size(); ++i) {
        if ((i % 2 == 1) == odd) {
          spans->SwapElements(keep++, i);
        }
      }
      while (spans->size() > keep) {
        spans->RemoveLast();
      }
    }
  }
  return out.SerializeAsString();
}

// Recent data as a tenant's live traces and one complete block hold it.
class Recent {
 public:
  void AddLive(const model::TraceId& id, const std::string& part) {
    live_[id].AppendFragment(ByteView(part));
  }

  void AddCut(const model::TraceId& id, const std::string& part) {
    bool inserted = false;
    block_->traces.FindOrInsert(id, &inserted).AppendFragment(ByteView(part));
  }

  void RemoveLive(const model::TraceId& id) { live_.erase(id); }

  // A new complete block (the old one was flushed).
  void NewBlock() { block_ = std::make_shared<ingester::CutTraces::Block>(); }

  Ingester::RecentData Snapshot(std::shared_ptr<RecentColumnar> columnar) const {
    Ingester::RecentData d;
    for (const auto& entry : live_) {
      d.buffers.emplace_back(entry.first, entry.second.ref());
    }
    block_->traces.ForEach([&d](const model::TraceId& id, const OwnedTraceBuffer& t) {
      d.buffers.emplace_back(id, t.ref());
    });
    d.columnar = std::move(columnar);
    return d;
  }

  std::vector<model::TraceId> ids() const {
    std::set<model::TraceId> ids;
    for (const auto& entry : live_) {
      ids.insert(entry.first);
    }
    block_->traces.ForEach(
        [&ids](const model::TraceId& id, const OwnedTraceBuffer&) { ids.insert(id); });
    return {ids.begin(), ids.end()};
  }

 private:
  std::map<model::TraceId, OwnedTraceBuffer> live_;
  std::shared_ptr<ingester::CutTraces::Block> block_ =
      std::make_shared<ingester::CutTraces::Block>();
};

// Each trace's search metadata, serialized, by trace ID.
using Answer = std::map<std::string, std::string>;

// Deterministic: maps (service stats) in key order.
std::string Serialize(const tempopb::TraceSearchMetadata& md) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    md.SerializeToCodedStream(&coded);
  }
  return out;
}

Answer ToAnswer(const SearchCombiner& c) {
  Answer out;
  tempopb::SearchResponse r = c.Final();
  for (const auto& md : r.traces()) {
    out[md.traceid()] = Serialize(md);
  }
  return out;
}

// Every trace evaluated (no columnar view: the plain exact path).
Answer Reference(const Recent& r, const PreparedSearch& s) {
  SearchCombiner c(0);
  JobMetrics m;
  Status st = SearchInMemory(r.Snapshot(nullptr), s, &c, &m);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return ToAnswer(c);
}

Answer Columnar(const Ingester::RecentData& d, const PreparedSearch& s, uint32_t shards) {
  SearchCombiner c(0);
  for (uint32_t i = 0; i < shards; ++i) {
    JobMetrics m;
    Status st = SearchInMemory(d, s, &c, &m, {i, shards});
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return ToAnswer(c);
}

std::shared_ptr<const PreparedSearch> Prepare(const std::string& q, QueryGen& g) {
  SearchOptions o;
  o.query = q;
  o.limit = 0;
  o.spans_per_spanset = static_cast<uint32_t>(g.Int(4));
  if (g.Int(4) == 0) {
    o.min_duration_ms = 1 + static_cast<uint32_t>(g.Int(1500));
  }
  if (g.Int(4) == 0) {
    o.max_duration_ms = 1 + static_cast<uint32_t>(g.Int(3000));
  }
  auto s = PreparedSearch::Create(o);
  return s.ok() ? *s : nullptr;
}

// The traces of seed `seed`, placed in `r` in the ways recent data holds them.
void Place(Recent& r, uint64_t seed, int n) {
  testing::GenOptions go;
  go.traces = n;
  std::vector<tempopb::Trace> traces = testing::RandomTraces(seed, go);
  for (size_t i = 0; i < traces.size(); ++i) {
    const tempopb::Trace& t = traces[i];
    std::string tid = t.resourcespans(0).scope_spans(0).spans(0).trace_id();
    model::TraceId id = model::TraceId::FromBytes(ByteView(tid));
    std::string whole = t.SerializeAsString();
    switch ((i + seed) % 5) {
      case 0:
        r.AddLive(id, whole);
        break;
      case 1:
        r.AddLive(id, Half(t, false));
        r.AddLive(id, Half(t, true));
        break;
      case 2:
        r.AddLive(id, Half(t, true));
        r.AddCut(id, Half(t, false));
        break;
      case 3:
        r.AddCut(id, whole);
        break;
      default:
        r.AddLive(id, whole);
        r.AddLive(id, Half(t, false));  // duplicates: combined away
        break;
    }
  }
}

std::string Describe(const Answer& a) {
  std::string out;
  for (const auto& entry : a) {
    out += model::TraceId::FromBytes(ByteView(entry.first)).Hex().substr(24) + " ";
  }
  return out;
}

TEST(RecentColumnarTest, SearchEqualsTheExactEvaluatorAsTracesChange) {
  int checked = 0;
  int matched = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    Recent r;
    Place(r, seed, 60 + static_cast<int>(seed % 4) * 30);
    auto columnar = std::make_shared<RecentColumnar>(seed % 2 == 0 ? 1 : 4);
    QueryGen g(seed * 31);
    Ingester::RecentData held;
    for (int round = 0; round < 3; ++round) {
      if (round == 1) {
        held = r.Snapshot(columnar);
        // Changes: more parts for some traces (new spans from another seed's traces), some
        // traces gone, new ones, the complete block flushed and a new one started.
        testing::GenOptions go;
        go.traces = 40;
        std::vector<tempopb::Trace> extra = testing::RandomTraces(seed + 1000, go);
        std::vector<model::TraceId> ids = r.ids();
        for (size_t i = 0; i < ids.size(); i += 3) {
          r.AddLive(ids[i], extra[i % extra.size()].SerializeAsString());
        }
        for (size_t i = 1; i < ids.size(); i += 7) {
          r.RemoveLive(ids[i]);
        }
        Place(r, seed + 500, 30);
      }
      if (round == 2) {
        r.NewBlock();
      }
      Ingester::RecentData now = r.Snapshot(columnar);
      for (int q = 0; q < 30; ++q) {
        std::string query = g.Query();
        auto s = Prepare(query, g);
        if (s == nullptr) {
          continue;
        }
        Answer want = Reference(r, *s);
        Answer got = Columnar(now, *s, 1 + static_cast<uint32_t>(q % 3));
        ASSERT_EQ(Describe(got), Describe(want))
            << "seed " << seed << " round " << round << ": " << query;
        ASSERT_EQ(got, want) << "seed " << seed << " round " << round << ": " << query;
        ++checked;
        matched += want.empty() ? 0 : 1;
      }
      if (round == 1) {
        // The snapshot taken before the changes still reads as it was (copy on write), and the
        // view stays exact for it too.
        auto s = Prepare("{ }", g);
        SearchCombiner plain(0);
        JobMetrics m;
        Ingester::RecentData before = held;
        before.columnar = nullptr;
        ASSERT_TRUE(SearchInMemory(before, *s, &plain, &m).ok());
        EXPECT_EQ(Columnar(held, *s, 2), ToAnswer(plain));
      }
    }
    if (seed % 2 == 0) {
      EXPECT_GT(columnar->bytes(), 0u);  // everything was encoded
    }
  }
  EXPECT_GT(checked, 500);
  EXPECT_GT(matched, 150);
}

TEST(RecentColumnarTest, LimitStopsEarlyWithExactMatches) {
  Recent r;
  Place(r, 7, 400);
  auto columnar = std::make_shared<RecentColumnar>(1);
  QueryGen g(99);
  for (const char* q : {"{ }", "{ status = error }", "{ resource.service.name = \"api\" }"}) {
    auto all = Prepare(q, g);
    SearchOptions o = all->options();
    o.limit = 5;
    auto limited = PreparedSearch::Create(o);
    ASSERT_TRUE(limited.ok());
    SearchCombiner c(5);
    JobMetrics m;
    ASSERT_TRUE(SearchInMemory(r.Snapshot(columnar), **limited, &c, &m).ok());
    Answer got = ToAnswer(c);
    Answer every = Reference(r, *all);
    EXPECT_EQ(got.size(), std::min<size_t>(5, every.size())) << q;
    for (const auto& entry : got) {
      EXPECT_TRUE(every.count(entry.first)) << q;
    }
    if (std::string_view(q) == "{ }") {
      EXPECT_LT(m.inspected_traces, 100u);  // stopped early
    }
  }
}

TEST(RecentColumnarTest, TagsEqualTagsOfEveryTrace) {
  Recent r;
  Place(r, 3, 200);
  auto columnar = std::make_shared<RecentColumnar>(1);
  QueryGen g(5);
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {
      std::vector<model::TraceId> ids = r.ids();
      for (size_t i = 0; i < ids.size(); i += 4) {
        r.RemoveLive(ids[i]);
      }
      Place(r, 11, 50);
    }
    for (const char* filter : {"", "{ resource.service.name = \"api\" }", "{ status = error }"}) {
      std::shared_ptr<const PreparedSearch> f;
      if (*filter != '\0') {
        f = Prepare(filter, g);
      }
      ScopeSet all;
      all.fill(true);
      TagNames want(0);
      TagNames got(0);
      TagQuery q;
      q.filter = f.get();
      q.scopes = all;
      JobMetrics m;
      q.names = &want;
      ASSERT_TRUE(TagsInMemory(r.Snapshot(nullptr), q, &m).ok());
      q.names = &got;
      for (uint32_t i = 0; i < 2; ++i) {
        ASSERT_TRUE(TagsInMemory(r.Snapshot(columnar), q, &m, {i, 2}).ok());
      }
      for (int s = 0; s < kTagScopes; ++s) {
        EXPECT_EQ(got.Sorted(static_cast<TagScope>(s)), want.Sorted(static_cast<TagScope>(s)))
            << filter << " " << TagScopeName(static_cast<TagScope>(s));
      }
      for (const char* attr : {"resource.service.name", "span.http.status", "name", ".tag",
                               "event:name", "span.arr", "rootServiceName"}) {
        auto parsed = traceql::Parse(std::string("{ ") + attr + " = nil }");
        ASSERT_TRUE(parsed.ok()) << attr;
        TagQuery v;
        v.filter = f.get();
        v.values = true;
        v.attribute = parsed->single()->pipeline.stages[0].spanset->filter->lhs->attribute;
        TagValues want_values(0);
        TagValues got_values(0);
        v.out_values = &want_values;
        ASSERT_TRUE(TagsInMemory(r.Snapshot(nullptr), v, &m).ok());
        v.out_values = &got_values;
        ASSERT_TRUE(TagsInMemory(r.Snapshot(columnar), v, &m).ok());
        EXPECT_EQ(got_values.Sorted(), want_values.Sorted()) << filter << " " << attr;
      }
    }
  }
}

// A real ingester: one thread pushes (new traces, more spans for earlier ones) and sweeps
// (traces cut to the head block, head blocks completed), while this thread searches each
// snapshot through the shared view and by evaluating every trace: the same answers.
TEST(RecentColumnarTest, SearchWhilePushingAndCutting) {
  config::Config cfg;
  overrides::Overrides overrides(cfg.overrides);
  FakeClock clock;
  backend::InMemoryBackend backend;
  Ingester::Storage storage;
  storage.backend = &backend;
  cfg.live_store.max_block_bytes = 64 << 10;
  Ingester ing(cfg.live_store, &overrides, &clock, storage);
  auto push = [&](int i) {
    std::string bytes = ::vivace::testing::MakeTrace({.seed = static_cast<uint64_t>(i % 700),
                                                      .spans = 1 + i % 4,
                                                      .service = "svc-" + std::to_string(i % 5)})
                            .SerializeAsString();
    auto scan = model::ScanExportRequest(bytes, {});
    ASSERT_TRUE(scan.ok());
    ing.PushTraces("t", scan->Regroup(), [](Status st) { EXPECT_TRUE(st.ok()) << st.ToString(); });
  };
  push(0);
  ing.EnsureSearchCache("t", [] { return std::make_shared<RecentColumnar>(2); });
  std::atomic<bool> done{false};
  std::thread pusher([&] {
    for (int i = 1; i < 3000; ++i) {
      push(i);
      if (i % 200 == 0) {
        clock.Advance(cfg.live_store.max_trace_idle);
        ing.Sweep(false);
      }
    }
    done = true;
  });
  const char* queries[] = {"{ }", "{ resource.service.name = \"svc-3\" }", "{ status = error }",
                           "{ resource.service.name = \"svc-1\" } >> { status = error }",
                           "{ resource.service.name = \"nope\" }"};
  int rounds = 0;
  bool last = false;
  while (!last) {
    last = done.load();  // one more round once pushing is over
    Ingester::RecentData d = ing.SnapshotRecent("t");
    ASSERT_NE(d.columnar, nullptr);
    Ingester::RecentData plain = d;
    plain.columnar = nullptr;
    for (const char* q : queries) {
      SearchOptions o;
      o.query = q;
      o.limit = 0;
      auto s = PreparedSearch::Create(o);
      ASSERT_TRUE(s.ok());
      SearchCombiner want(0);
      JobMetrics m;
      ASSERT_TRUE(SearchInMemory(plain, **s, &want, &m).ok());
      EXPECT_EQ(Columnar(d, **s, 1 + static_cast<uint32_t>(rounds % 3)), ToAnswer(want)) << q;
    }
    ++rounds;
  }
  pusher.join();
  EXPECT_GT(ing.cut_bytes(), 0);
  EXPECT_GT(rounds, 1);
}

}  // namespace
}  // namespace vivace::search
