#include "loadgen/generator.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/clock.h"
#include "loadgen/request_template.h"
#include "model/regroup.h"

namespace vivace::loadgen {
namespace {

namespace otlp = opentelemetry::proto::trace::v1;

struct SpanRef {
  const otlp::Span* span;
  std::string service;
};

// Every span of a request, by trace ID.
std::map<std::string, std::vector<SpanRef>> SpansByTrace(const ExportRequest& req) {
  std::map<std::string, std::vector<SpanRef>> out;
  for (const auto& rs : req.resource_spans()) {
    std::string service;
    for (const auto& kv : rs.resource().attributes()) {
      if (kv.key() == "service.name") {
        service = kv.value().string_value();
      }
    }
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        out[span.trace_id()].push_back({&span, service});
      }
    }
  }
  return out;
}

bool HasAttr(const otlp::Span& span, const std::string& key) {
  for (const auto& kv : span.attributes()) {
    if (kv.key() == key) {
      return true;
    }
  }
  return false;
}

// Checks one trace's structure: one root, known parents, nesting depth, nested timestamps,
// events inside their span, same-trace links pointing at real spans.
void CheckTrace(const std::vector<SpanRef>& spans, int want_spans, int want_depth) {
  ASSERT_EQ(static_cast<int>(spans.size()), want_spans);
  std::map<std::string, const otlp::Span*> by_id;
  for (const SpanRef& s : spans) {
    ASSERT_EQ(s.span->span_id().size(), 8u);
    ASSERT_NE(s.span->span_id(), std::string(8, '\0'));
    EXPECT_TRUE(by_id.emplace(s.span->span_id(), s.span).second) << "duplicate span id";
  }
  int roots = 0;
  int max_depth = 0;
  for (const SpanRef& s : spans) {
    const otlp::Span& span = *s.span;
    EXPECT_FALSE(span.name().empty());
    EXPECT_NE(span.kind(), otlp::Span::SPAN_KIND_UNSPECIFIED);
    EXPECT_LE(span.start_time_unix_nano(), span.end_time_unix_nano());
    for (const auto& ev : span.events()) {
      EXPECT_GE(ev.time_unix_nano(), span.start_time_unix_nano());
      EXPECT_LE(ev.time_unix_nano(), span.end_time_unix_nano());
    }
    for (const auto& link : span.links()) {
      if (link.trace_id() == span.trace_id()) {
        EXPECT_TRUE(by_id.count(link.span_id())) << "link to a missing span";
      }
    }
    int depth = 1;
    const otlp::Span* cur = &span;
    while (!cur->parent_span_id().empty()) {
      auto it = by_id.find(cur->parent_span_id());
      ASSERT_NE(it, by_id.end()) << "parent missing";
      const otlp::Span* parent = it->second;
      EXPECT_GE(cur->start_time_unix_nano(), parent->start_time_unix_nano());
      EXPECT_LE(cur->end_time_unix_nano(), parent->end_time_unix_nano());
      cur = parent;
      ++depth;
      ASSERT_LE(depth, want_spans) << "parent cycle";
    }
    roots += span.parent_span_id().empty() ? 1 : 0;
    max_depth = std::max(max_depth, depth);
  }
  EXPECT_EQ(roots, 1);
  int depth = want_spans > 1 ? std::max(want_depth, 2) : 1;
  EXPECT_EQ(max_depth, std::min(depth, want_spans));
}

std::string Instantiate(const RequestTemplate& t, const IdSource& ids, uint64_t first_seq,
                        uint64_t base) {
  std::vector<TraceKey> keys(t.trace_count);
  for (uint32_t i = 0; i < t.trace_count; ++i) {
    keys[i] = ids.Key(first_seq + i);
  }
  std::string out(t.size(), '\0');
  t.Instantiate(keys.data(), base, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

TEST(GeneratorTest, SameSeedSameRequests) {
  GeneratorOptions options{.seed = 42, .spans_per_trace = 12, .depth = 5};
  Generator a(options);
  Generator b(options);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(a.NextRequest(4).SerializeAsString(), b.NextRequest(4).SerializeAsString());
  }
  options.seed = 43;
  Generator c(options);
  EXPECT_NE(
      Generator({.seed = 42, .spans_per_trace = 12, .depth = 5}).NextRequest(4).SerializeAsString(),
      c.NextRequest(4).SerializeAsString());
}

TEST(GeneratorTest, SameSeedSameInstantiatedRequests) {
  GeneratorOptions options{.seed = 9};
  auto p1 = TemplatePool::Build(options, 5, 8, 1 << 20);
  auto p2 = TemplatePool::Build(options, 5, 8, 1 << 20);
  ASSERT_TRUE(p1.ok() && p2.ok());
  ASSERT_EQ(p1->size(), 8u);
  IdSource ids1(77);
  IdSource ids2(77);
  for (uint64_t n = 0; n < 8; ++n) {
    EXPECT_EQ(Instantiate(p1->Get(n), ids1, n * 5, 1'700'000'000'000'000'000),
              Instantiate(p2->Get(n), ids2, n * 5, 1'700'000'000'000'000'000));
  }
  EXPECT_NE(ids1.Key(0).id, IdSource(78).Key(0).id);
}

TEST(GeneratorTest, PlaceholderIdsRoundTrip) {
  for (uint32_t i : {0u, 1u, 255u, 65535u}) {
    EXPECT_EQ(PlaceholderTraceIndex(PlaceholderTraceId(i)), i);
  }
  EXPECT_EQ(PlaceholderTraceIndex(std::string(16, 'x')), -1);
  EXPECT_EQ(PlaceholderTraceIndex(std::string("short")), -1);
}

// Every generated request, after patching, is valid OTLP that the ingest path accepts, with
// the configured shape.
TEST(GeneratorTest, InstantiatedRequestsAreValidOtlpWithTheRequestedShape) {
  struct Case {
    int spans;
    int depth;
    int traces;
  };

  for (Case c : {Case{1, 1, 1}, Case{1, 4, 3}, Case{3, 3, 2}, Case{10, 4, 10}, Case{10, 1, 2},
                 Case{25, 8, 4}, Case{60, 20, 2}, Case{5, 50, 3}}) {
    SCOPED_TRACE(::testing::Message()
                 << "spans=" << c.spans << " depth=" << c.depth << " traces=" << c.traces);
    GeneratorOptions options{.seed = 3, .spans_per_trace = c.spans, .depth = c.depth};
    auto pool = TemplatePool::Build(options, c.traces, 6, 16 << 20);
    ASSERT_TRUE(pool.ok()) << pool.status().ToString();
    IdSource ids(5);
    for (uint64_t n = 0; n < pool->size(); ++n) {
      const RequestTemplate& t = pool->Get(n);
      EXPECT_EQ(t.trace_count, static_cast<uint32_t>(c.traces));
      EXPECT_EQ(t.span_count, static_cast<uint32_t>(c.traces * c.spans));
      uint64_t first_seq = n * static_cast<uint64_t>(c.traces);
      std::string bytes = Instantiate(t, ids, first_seq, 1'700'000'000'000'000'000);

      auto scan = model::ScanExportRequest(bytes, {});
      ASSERT_TRUE(scan.ok()) << scan.status().ToString();
      EXPECT_TRUE(scan->id_error().ok()) << scan->id_error().ToString();
      EXPECT_EQ(scan->span_count(), t.span_count);
      EXPECT_FALSE(scan->findings().needs_rewrite());
      model::RegroupedBatch batch = scan->Regroup();
      ASSERT_EQ(batch.traces.size(), static_cast<size_t>(c.traces));
      for (const model::TraceSlice& slice : batch.traces) {
        EXPECT_EQ(slice.span_count, static_cast<uint32_t>(c.spans));
      }

      ExportRequest req;
      ASSERT_TRUE(req.ParseFromString(bytes));
      auto traces = SpansByTrace(req);
      ASSERT_EQ(traces.size(), static_cast<size_t>(c.traces));
      std::set<std::string> want_ids;
      for (int i = 0; i < c.traces; ++i) {
        TraceKey k = ids.Key(first_seq + static_cast<uint64_t>(i));
        want_ids.insert(std::string(k.id.begin(), k.id.end()));
      }
      for (const auto& [id, spans] : traces) {
        EXPECT_TRUE(want_ids.count(id)) << "unexpected trace id";
        CheckTrace(spans, c.spans, c.depth);
      }
    }
  }
}

TEST(GeneratorTest, PatchedIdsAreUniqueAcrossRequests) {
  GeneratorOptions options{.seed = 11, .spans_per_trace = 8, .depth = 3};
  auto pool = TemplatePool::Build(options, 7, 4, 1 << 20);
  ASSERT_TRUE(pool.ok());
  IdSource ids(123);
  std::set<std::string> trace_ids;
  std::set<std::string> span_ids;
  uint64_t seq = 0;
  size_t spans = 0;
  for (uint64_t n = 0; n < 300; ++n) {  // each template reused 75 times
    const RequestTemplate& t = pool->Get(n);
    ExportRequest req;
    ASSERT_TRUE(req.ParseFromString(Instantiate(t, ids, seq, 1'000'000'000)));
    seq += t.trace_count;
    for (const auto& [id, list] : SpansByTrace(req)) {
      EXPECT_TRUE(trace_ids.insert(id).second) << "trace id repeated";
      for (const SpanRef& s : list) {
        span_ids.insert(s.span->span_id());
        ++spans;
      }
    }
  }
  EXPECT_EQ(trace_ids.size(), 300u * 7);
  EXPECT_EQ(span_ids.size(), spans);
  EXPECT_EQ(spans, 300u * 7 * 8);
}

TEST(GeneratorTest, TimestampsEndAtTheBaseTimePlusMaxTime) {
  auto pool = TemplatePool::Build({.seed = 2}, 10, 3, 1 << 20);
  ASSERT_TRUE(pool.ok());
  const RequestTemplate& t = pool->Get(0);
  auto now = static_cast<uint64_t>(SystemClock::Get().NowNanos());
  ExportRequest req;
  ASSERT_TRUE(req.ParseFromString(Instantiate(t, IdSource(1), 0, now - t.max_time)));
  uint64_t latest = 0;
  for (const auto& [id, spans] : SpansByTrace(req)) {
    for (const SpanRef& s : spans) {
      EXPECT_LE(s.span->end_time_unix_nano(), now);
      EXPECT_GE(s.span->start_time_unix_nano(), now - 10'000'000'000ULL);
      latest = std::max<uint64_t>(latest, s.span->end_time_unix_nano());
    }
  }
  EXPECT_EQ(latest, now);
}

TEST(GeneratorTest, PatchesAreSortedAndInBounds) {
  auto pool = TemplatePool::Build({.seed = 4, .spans_per_trace = 30, .depth = 6}, 3, 2, 1 << 20);
  ASSERT_TRUE(pool.ok());
  const RequestTemplate& t = pool->Get(1);
  ASSERT_FALSE(t.patches.empty());
  for (size_t i = 0; i < t.patches.size(); ++i) {
    const Patch& p = t.patches[i];
    size_t width = p.kind == PatchKind::kTraceId ? 16 : 8;
    EXPECT_LE(p.offset + width, t.size());
    if (i > 0) {
      EXPECT_GE(p.offset,
                t.patches[i - 1].offset + (t.patches[i - 1].kind == PatchKind::kTraceId ? 16 : 8));
    }
  }
}

// The content looks like a real system: several services and every span kind, semantic
// convention attributes, errors with messages and exception events, links.
TEST(GeneratorTest, ContentIsRealistic) {
  Generator gen({.seed = 1, .spans_per_trace = 20, .depth = 5, .error_ratio = 0.05});
  ExportRequest req = gen.NextRequest(60);
  std::set<std::string> services;
  std::set<int> kinds;
  std::set<std::string> attrs;
  int errors_with_message = 0;
  int exception_events = 0;
  int links = 0;
  for (const auto& rs : req.resource_spans()) {
    std::set<std::string> rattrs;
    for (const auto& kv : rs.resource().attributes()) {
      rattrs.insert(kv.key());
      if (kv.key() == "service.name") {
        services.insert(kv.value().string_value());
      }
    }
    for (const char* key : {"service.name", "service.version", "host.name", "k8s.pod.name",
                            "k8s.namespace.name", "telemetry.sdk.language"}) {
      EXPECT_TRUE(rattrs.count(key)) << key;
    }
    for (const auto& ss : rs.scope_spans()) {
      EXPECT_FALSE(ss.scope().name().empty());
      for (const auto& span : ss.spans()) {
        kinds.insert(span.kind());
        for (const auto& kv : span.attributes()) {
          attrs.insert(kv.key());
        }
        if (span.status().code() == otlp::Status::STATUS_CODE_ERROR
            && !span.status().message().empty()) {
          ++errors_with_message;
        }
        for (const auto& ev : span.events()) {
          if (ev.name() == "exception") {
            ++exception_events;
          }
        }
        links += span.links_size();
        if (span.kind() == otlp::Span::SPAN_KIND_SERVER) {
          EXPECT_TRUE(HasAttr(span, "http.response.status_code"));
        }
      }
    }
  }
  EXPECT_GE(services.size(), 6u);
  for (int k = 1; k <= 5; ++k) {
    EXPECT_TRUE(kinds.count(k)) << "span kind " << k;
  }
  for (const char* key : {"http.request.method", "url.path", "http.route",
                          "http.response.status_code", "server.address", "url.full", "db.system",
                          "db.statement", "messaging.system", "messaging.destination.name"}) {
    EXPECT_TRUE(attrs.count(key)) << key;
  }
  EXPECT_GT(errors_with_message, 0);
  EXPECT_GT(exception_events, 0);
  EXPECT_GT(links, 0);
}

}  // namespace
}  // namespace vivace::loadgen
