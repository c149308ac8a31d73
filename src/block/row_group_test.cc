#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "block/column_builder.h"
#include "block/decoded_row_group.h"
#include "block/row_group_reader.h"
#include "block/row_group_writer.h"
#include "block/trace_shape.h"
#include "tempopb/tempo.pb.h"

namespace vivace::block {
namespace {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::InstrumentationScope;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::resource::v1::Resource;
using opentelemetry::proto::trace::v1::ResourceSpans;
using opentelemetry::proto::trace::v1::Span;

// Unknown fields of a message (protobuf keeps and re-serializes them after the known ones).
google::protobuf::UnknownFieldSet* Unknown(google::protobuf::Message* m) {
  return m->GetReflection()->MutableUnknownFields(m);
}

// Random traces that exercise every OTLP field and every storage path: promoted and generic
// attributes of every type (with repeated keys, non-canonical KeyValues and odd values),
// resources and scopes shared between traces (deduplicated) or unique, schema URLs, links to
// spans of the same trace, and span fields kept verbatim (unknown fields, odd-length or zero
// IDs). With `canonical`, only what protobuf itself would serialize, so that the rebuilt bytes
// must be identical.
class TraceGen {
 public:
  TraceGen(uint64_t seed, bool canonical) : rng_(seed), canonical_(canonical) {
    for (int i = 0; i < 4; ++i) {
      Resource r;
      Attrs(r.mutable_attributes(), 2 + i);
      auto* kv = r.add_attributes();
      kv->set_key("service.name");
      kv->mutable_value()->set_string_value("svc-" + std::to_string(i));
      r.mutable_attributes()->SwapElements(r.attributes_size() - 1, i % r.attributes_size());
      if (i == 1) {
        r.set_dropped_attributes_count(2);
        auto* e = r.add_entity_refs();
        e->set_type("k8s.pod");
        e->add_id_keys("k8s.pod.uid");
      }
      if (i == 2) {  // service.name twice, and once not a string
        auto* again = r.add_attributes();
        again->set_key("service.name");
        again->mutable_value()->set_string_value("second");
      }
      if (i == 3) {
        r.mutable_attributes(0)->set_key("service.name");
        r.mutable_attributes(0)->mutable_value()->set_int_value(7);
      }
      resources_.push_back(r);
      InstrumentationScope s;
      s.set_name("scope-" + std::to_string(i % 2));
      s.set_version(i == 0 ? "" : "1." + std::to_string(i));
      Attrs(s.mutable_attributes(), i % 2);
      s.set_dropped_attributes_count(static_cast<uint32_t>(i % 3 == 0));
      if (i == 3 && !canonical_) {
        Unknown(&s)->AddVarint(99, 5);
      }
      scopes_.push_back(s);
    }
  }

  uint64_t Next() { return rng_(); }

  std::string Bytes(size_t n) {
    std::string s(n, '\0');
    for (char& c : s) {
      c = static_cast<char>(rng_());
    }
    return s;
  }

  std::string Word() {
    static const char* kWords[] = {"GET",
                                   "/checkout",
                                   "db.query",
                                   "",
                                   "payment",
                                   "ünïcode",
                                   "a somewhat longer value with spaces",
                                   "x"};
    return kWords[rng_() % 8] + (rng_() % 3 == 0 ? std::to_string(rng_() % 1000) : "");
  }

  double Double() {
    switch (rng_() % 6) {
      case 0:
        return static_cast<double>(rng_() % 100000) / 100.0;  // DECIMAL-friendly
      case 1:
        return -0.0;
      case 2:
        return std::numeric_limits<double>::quiet_NaN();
      case 3:
        return std::numeric_limits<double>::infinity();
      case 4:
        return std::bit_cast<double>(rng_() & 0x7fefffffffffffffULL);
      default:
        return static_cast<double>(static_cast<int64_t>(rng_() % 2000) - 1000);
    }
  }

  void Value(AnyValue* v, int depth) {
    switch (rng_() % (depth > 2 ? 5 : 9)) {
      case 0:
        v->set_string_value(Word());
        break;
      case 1:
        v->set_int_value(static_cast<int64_t>(rng_()) >> (rng_() % 64));
        break;
      case 2:
        v->set_double_value(Double());
        break;
      case 3:
        v->set_bool_value(rng_() % 2 == 0);
        break;
      case 4:
        break;  // empty value
      case 5:
        v->set_bytes_value(Bytes(rng_() % 5));
        break;
      case 6:
        for (int i = 0; i < 3; ++i) {
          Value(v->mutable_array_value()->add_values(), depth + 1);
        }
        break;
      case 7: {
        auto* kv = v->mutable_kvlist_value()->add_values();
        kv->set_key(Word());
        Value(kv->mutable_value(), depth + 1);
        break;
      }
      default:
        v->set_string_value("");
    }
  }

  // Keys come from a small pool (so that they repeat and get promoted) or are unique.
  template <typename M>
  void Attrs(M* list, int n) {
    static const char* kKeys[] = {"http.method", "http.status_code", "db.rows", "ratio", "flag",
                                  "peer",        "user.id",          "region"};
    for (int i = 0; i < n; ++i) {
      KeyValue* kv = list->Add();
      const uint64_t pick = rng_() % 10;
      kv->set_key(pick < 8 ? std::string(kKeys[pick]) : Word() + std::to_string(rng_() % 50));
      switch (pick) {
        case 0:
        case 7:
          kv->mutable_value()->set_string_value(pick == 0 ? (rng_() % 2 ? "GET" : "POST")
                                                          : "r-" + std::to_string(rng_() % 9));
          break;
        case 1:
          kv->mutable_value()->set_int_value(rng_() % 4 == 0 ? 500 : 200);
          break;
        case 2:
          kv->mutable_value()->set_int_value(static_cast<int64_t>(rng_() % 100000) - 50);
          break;
        case 3:
          kv->mutable_value()->set_double_value(Double());
          break;
        case 4:
          kv->mutable_value()->set_bool_value(rng_() % 2 == 0);
          break;
        case 6:
          kv->mutable_value()->set_string_value("user-" + std::to_string(rng_()));
          break;
        default:
          if (rng_() % 7 == 0) {
            break;  // no value at all
          }
          Value(kv->mutable_value(), 0);
      }
      if (!canonical_ && rng_() % 40 == 0) {
        Unknown(kv)->AddVarint(7, 1);  // not canonical: stored verbatim
      }
      if (!canonical_ && rng_() % 40 == 0) {
        Unknown(kv->mutable_value())->AddFixed32(9, 3);
      }
    }
  }

  tempopb::Trace Trace(const std::string& trace_id, const std::string& other_trace) {
    tempopb::Trace t;
    const int n_rs = 1 + static_cast<int>(rng_() % 3);
    std::vector<std::string> ids;
    std::vector<Span*> spans;
    for (int r = 0; r < n_rs; ++r) {
      ResourceSpans* rs = t.add_resourcespans();
      const uint64_t res_pick = rng_() % 8;
      if (res_pick < 5) {
        *rs->mutable_resource() = resources_[res_pick % resources_.size()];
      } else if (res_pick < 7) {
        Attrs(rs->mutable_resource()->mutable_attributes(), static_cast<int>(rng_() % 4));
      }  // else: no Resource message at all
      if (rng_() % 3 == 0) {
        rs->set_schema_url("https://opentelemetry.io/schemas/1." + std::to_string(rng_() % 3));
      }
      const int n_ss = 1 + static_cast<int>(rng_() % 2);
      for (int si = 0; si < n_ss; ++si) {
        auto* ss = rs->add_scope_spans();
        const uint64_t scope_pick = rng_() % 6;
        if (scope_pick < 4) {
          *ss->mutable_scope() = scopes_[scope_pick];
        } else if (scope_pick == 4) {
          ss->mutable_scope()->set_name(Word());
        }
        if (rng_() % 4 == 0) {
          ss->set_schema_url("s" + std::to_string(rng_() % 2));
        }
        const int n_spans = 1 + static_cast<int>(rng_() % 6);
        for (int i = 0; i < n_spans; ++i) {
          Span* s = ss->add_spans();
          spans.push_back(s);
          s->set_trace_id(trace_id);
          std::string id = Bytes(8);
          id[0] = 1;  // never all zero
          s->set_span_id(id);
          ids.push_back(id);
          switch (rng_() % 4) {
            case 0:
              break;  // root
            case 1:
              s->set_parent_span_id(Bytes(8));  // parent outside the trace
              break;
            default:
              s->set_parent_span_id(ids[rng_() % ids.size()]);
          }
          if (rng_() % 3 == 0) {
            s->set_trace_state("k=v" + std::to_string(rng_() % 3));
          }
          s->set_flags(static_cast<uint32_t>(rng_() % 3 == 0 ? 0x301 : 0));
          s->set_name(Word());
          s->set_kind(static_cast<Span::SpanKind>(rng_() % 7));  // 6 is not a known kind
          const uint64_t start =
              rng_() % 10 == 0 ? 0 : 1'700'000'000'000'000'000 + rng_() % 1'000'000'000;
          s->set_start_time_unix_nano(start);
          const uint64_t dur = rng_() % 4 == 0 ? rng_() % 1000 : rng_() % 5'000'000'000;
          s->set_end_time_unix_nano(rng_() % 10 == 0 ? start - 5 : start + dur);
          Attrs(s->mutable_attributes(), static_cast<int>(rng_() % 8));
          s->set_dropped_attributes_count(static_cast<uint32_t>(rng_() % 2));
          for (int e = 0, n = static_cast<int>(rng_() % 3); e < n; ++e) {
            auto* ev = s->add_events();
            ev->set_time_unix_nano(start + rng_() % 1000 - 500);
            ev->set_name(Word());
            Attrs(ev->mutable_attributes(), static_cast<int>(rng_() % 3));
            ev->set_dropped_attributes_count(static_cast<uint32_t>(rng_() % 2));
          }
          s->set_dropped_events_count(static_cast<uint32_t>(rng_() % 2));
          s->set_dropped_links_count(static_cast<uint32_t>(rng_() % 2));
          if (rng_() % 3 == 0) {
            s->mutable_status()->set_code(
                static_cast<opentelemetry::proto::trace::v1::Status::StatusCode>(1 + rng_() % 2));
            s->mutable_status()->set_message(rng_() % 2 ? "" : "failed: " + Word());
          }
          if (!canonical_) {
            switch (rng_() % 12) {
              case 0:
                Unknown(s)->AddVarint(77, rng_() % 100);
                break;
              case 1:
                s->set_span_id(std::string(8, '\0'));  // zero ID: kept verbatim
                break;
              case 2:
                s->set_span_id(Bytes(5));  // odd length: kept verbatim
                break;
              case 3:
                s->set_parent_span_id(Bytes(3));
                break;
              case 4:
                s->set_trace_id(other_trace);  // not the trace's ID
                break;
              default:
                break;
            }
          }
        }
      }
    }
    // Links, once every span exists: to spans of this trace, of another trace, or anything.
    for (Span* s : spans) {
      for (int l = 0, n = static_cast<int>(rng_() % 3); l < n; ++l) {
        auto* link = s->add_links();
        switch (rng_() % 4) {
          case 0:
            link->set_trace_id(trace_id);
            link->set_span_id(ids[rng_() % ids.size()]);
            break;
          case 1:
            link->set_trace_id(other_trace);
            link->set_span_id(Bytes(8));
            break;
          case 2:
            if (rng_() % 2 == 0) {
              link->set_trace_id(Bytes(16));
            }
            break;
          default:
            if (!canonical_) {
              link->set_trace_id(Bytes(3));
              link->set_span_id(Bytes(9));
            }
            break;
        }
        link->set_trace_state(rng_() % 2 ? "" : "a=b");
        Attrs(link->mutable_attributes(), static_cast<int>(rng_() % 2));
        link->set_dropped_attributes_count(static_cast<uint32_t>(rng_() % 2));
        link->set_flags(static_cast<uint32_t>(rng_() % 2 ? 0x101 : 0));
        if (!canonical_ && rng_() % 10 == 0) {
          Unknown(link)->AddLengthDelimited(12, "zz");
        }
      }
    }
    return t;
  }

 private:
  std::mt19937_64 rng_;
  bool canonical_;
  std::vector<Resource> resources_;
  std::vector<InstrumentationScope> scopes_;
};

std::string Id(uint64_t i) {
  std::string id(16, '\0');
  for (int b = 0; b < 8; ++b) {
    id[static_cast<size_t>(15 - b)] = static_cast<char>(i >> (8 * b));
  }
  id[0] = '\x5a';
  return id;
}

struct Variant {
  uint32_t page_rows;
  uint32_t min_promote_count;
  Codec codec;
};

// Writes n random traces with `options`, reads every one back and compares.
void RoundTrip(uint64_t seed, int n, bool canonical, RowGroupWriterOptions options) {
  TraceGen gen(seed, canonical);
  RowGroupWriter w(options);
  std::vector<std::string> traces;
  for (int i = 0; i < n; ++i) {
    std::string id = Id(static_cast<uint64_t>(i) * 3 + 1);
    traces.push_back(gen.Trace(id, Id(99)).SerializeAsString());
    ASSERT_TRUE(w.AddTrace(model::TraceId::FromBytes(id), traces.back()).ok());
  }
  RowGroupSummary summary;
  std::string rg = w.Finish(&summary);
  EXPECT_EQ(summary.n_traces, static_cast<uint32_t>(n));
  auto reader = RowGroupReader::Open(rg);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  // Read in a scrambled order: pages are decoded and cached in any order.
  std::vector<int> order(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    order[static_cast<size_t>(i)] = i;
  }
  std::shuffle(order.begin(), order.end(), std::mt19937(static_cast<uint32_t>(seed)));
  for (int i : order) {
    auto ord =
        (*reader)->FindTrace(model::TraceId::FromBytes(Id(static_cast<uint64_t>(i) * 3 + 1)));
    ASSERT_TRUE(ord.ok());
    ASSERT_TRUE(ord->has_value());
    EXPECT_EQ(**ord, static_cast<uint32_t>(i));
    auto bytes = (*reader)->ReadTrace(**ord);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    const std::string& want_bytes = traces[static_cast<size_t>(i)];
    if (canonical) {
      ASSERT_EQ(*bytes, want_bytes) << "seed " << seed << " trace " << i;
      continue;
    }
    tempopb::Trace want;
    tempopb::Trace got;
    ASSERT_TRUE(want.ParseFromString(want_bytes));
    ASSERT_TRUE(got.ParseFromString(*bytes));
    std::string diff;
    google::protobuf::util::DefaultFieldComparator nan_equal;
    nan_equal.set_treat_nan_as_equal(true);  // NaN payloads are kept; protobuf compares != anyway
    google::protobuf::util::MessageDifferencer d;
    d.set_field_comparator(&nan_equal);
    d.ReportDifferencesToString(&diff);
    ASSERT_TRUE(d.Compare(want, got)) << "seed " << seed << " trace " << i << "\n" << diff;
  }
  auto missing = (*reader)->FindTrace(model::TraceId::FromBytes(Id(2)));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_TRUE((*reader)->VerifyAllPages().ok());
}

TEST(RowGroupTest, EveryFieldRoundTripsThroughColumns) {
  const Variant variants[] = {{4096, 32, Codec::kZstd},
                              {3, 2, Codec::kZstd},
                              {7, 1, Codec::kLz4},
                              {64, 1000, Codec::kNone},
                              {1, 3, Codec::kZstd}};
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Variant& v = variants[seed % std::size(variants)];
    RowGroupWriterOptions options;
    options.page_rows = v.page_rows;
    options.min_promote_count = v.min_promote_count;
    options.compression.codec = v.codec;
    SCOPED_TRACE(testing::Message() << "seed " << seed << " page_rows " << v.page_rows);
    RoundTrip(seed, 1 + static_cast<int>(seed * 37 % 120), /*canonical=*/false, options);
  }
}

TEST(RowGroupTest, CanonicalTracesComeBackByteForByte) {
  for (uint64_t seed = 101; seed <= 110; ++seed) {
    RowGroupWriterOptions options;
    options.page_rows = seed % 2 == 0 ? 5 : 4096;
    options.min_promote_count = 2;
    RoundTrip(seed, 60, /*canonical=*/true, options);
  }
}

TEST(RowGroupTest, ManyTracesAcrossManyPages) {
  RowGroupWriterOptions options;
  options.page_rows = 64;
  RoundTrip(7, 1500, /*canonical=*/false, options);
}

TEST(RowGroupTest, PromotedAndGenericColumnsAndStatistics) {
  TraceGen gen(5, true);
  RowGroupWriterOptions options;
  options.min_promote_count = 8;
  RowGroupWriter w(options);
  for (int i = 0; i < 200; ++i) {
    std::string id = Id(static_cast<uint64_t>(i) + 1);
    ASSERT_TRUE(
        w.AddTrace(model::TraceId::FromBytes(id), gen.Trace(id, Id(99)).SerializeAsString()).ok());
  }
  RowGroupSummary summary;
  std::string rg = w.Finish(&summary);
  auto reader = RowGroupReader::Open(rg);
  ASSERT_TRUE(reader.ok());
  const RowGroupHeader& h = (*reader)->header();
  // Pool keys are frequent: promoted, typed as written; unique keys stay generic.
  const ScopeAttrs& span = h.attrs[static_cast<int>(AttrScope::kSpan)];
  auto promoted = [&](std::string_view key, AttrType type) -> const PromotedKey* {
    for (const PromotedKey& p : span.promoted) {
      if (p.key == key && p.type == type) {
        return &p;
      }
    }
    return nullptr;
  };
  const PromotedKey* method = promoted("http.method", AttrType::kString);
  ASSERT_NE(method, nullptr);
  ASSERT_NE(promoted("http.status_code", AttrType::kInt), nullptr);
  ASSERT_NE(promoted("ratio", AttrType::kDouble), nullptr);
  ASSERT_NE(promoted("flag", AttrType::kBool), nullptr);
  EXPECT_EQ((*reader)->ColumnName(method->column), "attr.span.string[http.method]");
  EXPECT_NE((*reader)->chunk(AttrColumn(AttrScope::kSpan, AttrCol::kGenericKey)), nullptr);
  // Dictionary statistics: the header's filter and the exact dictionary lookup.
  EXPECT_TRUE((*reader)->ChunkMayContain(method->column, "GET"));
  EXPECT_FALSE((*reader)->ChunkMayContain(method->column, "DELETE-not-there"));
  auto code = (*reader)->DictionaryCode(method->column, "POST");
  ASSERT_TRUE(code.ok());
  EXPECT_TRUE(code->has_value());
  auto none = (*reader)->DictionaryCode(method->column, "PATCH");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  // Numeric statistics: chunk and page min/max bound the values.
  const ChunkDesc* status = (*reader)->chunk(promoted("http.status_code", AttrType::kInt)->column);
  ASSERT_NE(status, nullptr);
  std::vector<uint64_t> values;
  ASSERT_TRUE((*reader)->ReadU64(status->column, 0, status->n_values, &values).ok());
  EXPECT_EQ(status->min, *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(status->max, *std::max_element(values.begin(), values.end()));
  const ChunkDesc* start = (*reader)->chunk(static_cast<uint16_t>(Col::kTraceStart));
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->min, summary.min_start);
  const ChunkDesc* duration = (*reader)->chunk(static_cast<uint16_t>(Col::kTraceDuration));
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ(duration->min, summary.min_duration);
  EXPECT_EQ(duration->max, summary.max_duration);
  // Shared resources are stored once.
  EXPECT_LT((*reader)->rows(Table::kResource), (*reader)->rows(Table::kResourceSpans));
}

TEST(RowGroupTest, NestedSetFromParents) {
  // root 0 -> 1 -> 2, root 0 -> 3; 4 has an outside parent; 5 points at itself.
  std::vector<uint64_t> parent = {0, 2, 3, 2, 1, 7};
  std::vector<uint32_t> left;
  std::vector<uint32_t> right;
  ComputeNestedSet(parent, &left, &right);
  EXPECT_EQ(left, (std::vector<uint32_t>{1, 2, 3, 6, 9, 11}));
  EXPECT_EQ(right, (std::vector<uint32_t>{8, 5, 4, 7, 10, 12}));
}

TEST(RowGroupTest, MalformedTracesAreRejectedWhole) {
  RowGroupWriter w;
  const std::string bad("\x0a\x05\x12\x03\x12\x09", 6);  // truncated nested message
  EXPECT_EQ(w.AddTrace(model::TraceId::FromBytes(Id(1)), bad).code(), Code::kDataLoss);
  EXPECT_EQ(w.n_traces(), 0u);
  TraceGen gen(3, true);
  ASSERT_TRUE(
      w.AddTrace(model::TraceId::FromBytes(Id(2)), gen.Trace(Id(2), Id(9)).SerializeAsString())
          .ok());
  RowGroupSummary summary;
  auto reader = RowGroupReader::Open(w.Finish(&summary));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->rows(Table::kTrace), 1u);
}

// A reader opened from the header alone fetches chunks as it reads them and gives the same
// answers as one over the whole row group; wrong sizes are corruption, fetch errors pass.
TEST(RowGroupTest, HeaderFirstReaderFetchesChunksOnDemand) {
  for (bool compress_header : {false, true}) {
    TraceGen gen(5, false);
    RowGroupWriterOptions options;
    options.page_rows = 16;
    options.min_promote_count = 4;
    options.compress_header = compress_header;
    RowGroupWriter w(options);
    for (int i = 0; i < 60; ++i) {
      std::string id = Id(static_cast<uint64_t>(i) + 1);
      ASSERT_TRUE(w.AddTrace(model::TraceId::FromBytes(id), gen.Trace(id, Id(99)).SerializeAsString())
                      .ok());
    }
    RowGroupSummary summary;
    const std::string rg = w.Finish(&summary);
    auto whole = RowGroupReader::Open(rg);
    ASSERT_TRUE(whole.ok());
    const size_t hb = (*whole)->header_bytes();
    const ByteView header = ByteView(rg).substr(0, hb);
    int fetches = 0;
    ChunkFetcher fetch = [&](uint64_t offset, uint64_t length) -> Result<std::string> {
      ++fetches;
      EXPECT_LE(offset + length, rg.size() - hb);
      return rg.substr(hb + offset, length);
    };
    auto lazy = RowGroupReader::OpenHeader(header, rg.size(), fetch);
    ASSERT_TRUE(lazy.ok()) << lazy.status().ToString();
    EXPECT_EQ(fetches, 0);
    EXPECT_EQ((*lazy)->header().chunks.size(), (*whole)->header().chunks.size());
    // One column: only its chunk is read.
    std::vector<uint64_t> a;
    std::vector<uint64_t> b;
    const uint16_t dur = static_cast<uint16_t>(Col::kSpanDuration);
    ASSERT_TRUE((*whole)->ReadU64(dur, 0, (*whole)->rows(Table::kSpan), &a).ok());
    ASSERT_TRUE((*lazy)->ReadU64(dur, 0, (*lazy)->rows(Table::kSpan), &b).ok());
    EXPECT_EQ(a, b);
    EXPECT_EQ(fetches, 1);
    EXPECT_EQ((*lazy)->fetched_bytes(), (*lazy)->chunk(dur)->length);
    for (uint32_t t = 0; t < 60; t += 7) {
      auto x = (*whole)->ReadTrace(t);
      auto y = (*lazy)->ReadTrace(t);
      ASSERT_TRUE(x.ok() && y.ok());
      EXPECT_EQ(*x, *y);
    }
    // The rest in one read; earlier chunks (and pages cached from them) stay valid.
    const int before = fetches;
    ASSERT_TRUE((*lazy)->FetchAll().ok());
    EXPECT_EQ(fetches, before + 1);
    ASSERT_TRUE((*lazy)->FetchAll().ok());
    EXPECT_EQ(fetches, before + 1);
    for (uint32_t t = 0; t < 60; ++t) {
      auto x = (*whole)->ReadTrace(t);
      auto y = (*lazy)->ReadTrace(t);
      ASSERT_TRUE(x.ok() && y.ok());
      EXPECT_EQ(*x, *y);
    }
    EXPECT_TRUE((*lazy)->VerifyAllPages().ok());
    EXPECT_EQ(fetches, before + 1);

    // Page indexes parsed lazily (what readers do) equal those parsed at once.
    auto parts = SplitRowGroup(ByteView(rg));
    ASSERT_TRUE(parts.ok());
    auto eager = DecodeRowGroupHeader(ByteView(parts->raw_header), parts->chunks.size());
    auto deferred =
        DecodeRowGroupHeader(ByteView(parts->raw_header), parts->chunks.size(), false);
    ASSERT_TRUE(eager.ok() && deferred.ok());
    ASSERT_EQ(eager->chunks.size(), deferred->chunks.size());
    for (size_t i = 0; i < eager->chunks.size(); ++i) {
      ChunkDesc& d = deferred->chunks[i];
      EXPECT_TRUE(d.pages.empty());
      MaterializePages(ByteView(parts->raw_header), *deferred, &d);
      EXPECT_EQ(d.pages, eager->chunks[i].pages);
      EXPECT_EQ(d.value_starts, eager->chunks[i].value_starts);
      EXPECT_EQ(d.n_values, eager->chunks[i].n_values);
    }

    // Strictness: the header must be exactly the prefix and stored header, and fit.
    EXPECT_EQ(RowGroupReader::OpenHeader(ByteView(rg).substr(0, hb + 1), rg.size(), fetch)
                  .status()
                  .code(),
              Code::kDataLoss);
    EXPECT_EQ(RowGroupReader::OpenHeader(ByteView(rg).substr(0, hb - 1), rg.size(), fetch)
                  .status()
                  .code(),
              Code::kDataLoss);
    EXPECT_EQ(RowGroupReader::OpenHeader(header, rg.size() - 1, fetch).status().code(),
              Code::kDataLoss);
    EXPECT_EQ(RowGroupReader::OpenHeader(header, hb - 1, fetch).status().code(), Code::kDataLoss);
    // A short read is corruption; a failed read is the fetcher's error.
    auto short_read = RowGroupReader::OpenHeader(
        header, rg.size(), [&](uint64_t offset, uint64_t length) -> Result<std::string> {
          return rg.substr(hb + offset, length - 1);
        });
    ASSERT_TRUE(short_read.ok());
    std::vector<uint64_t> c;
    EXPECT_EQ((*short_read)->ReadU64(dur, 0, 1, &c).code(), Code::kDataLoss);
    EXPECT_EQ((*short_read)->FetchAll().code(), Code::kDataLoss);
    auto failing = RowGroupReader::OpenHeader(
        header, rg.size(), [](uint64_t, uint64_t) -> Result<std::string> {
          return Status::Unavailable("backend down");
        });
    ASSERT_TRUE(failing.ok());
    EXPECT_EQ((*failing)->ReadU64(dur, 0, 1, &c).code(), Code::kUnavailable);
    EXPECT_EQ((*failing)->ReadTrace(0).status().code(), Code::kUnavailable);
  }
}

// trace.span_end repeats the three CSR steps: a row group whose copy disagrees (checksums and
// structure intact) fails where both are read: rebuilding the trace, and verification.
TEST(RowGroupTest, TraceSpanEndMustAgreeWithTheStructure) {
  TraceGen gen(11, false);
  RowGroupWriterOptions options;
  options.compression.codec = Codec::kNone;
  RowGroupWriter w(options);
  for (int i = 0; i < 8; ++i) {
    std::string id = Id(static_cast<uint64_t>(i) + 1);
    ASSERT_TRUE(
        w.AddTrace(model::TraceId::FromBytes(id), gen.Trace(id, Id(99)).SerializeAsString()).ok());
  }
  RowGroupSummary summary;
  const std::string rg = w.Finish(&summary);
  auto reader = RowGroupReader::Open(rg);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->VerifyAllPages().ok());
  const uint16_t col = static_cast<uint16_t>(Col::kTraceSpanEnd);
  std::vector<uint64_t> ends;
  ASSERT_TRUE((*reader)->ReadU64(col, 0, 8, &ends).ok());
  ASSERT_EQ(ends.back(), (*reader)->rows(Table::kSpan));
  ASSERT_LT(ends[0], ends[1]);
  // Rewrites the row group with `forged` as trace.span_end, all else unchanged.
  auto forge = [&](const std::vector<uint64_t>& forged) {
    auto parts = SplitRowGroup(ByteView(rg));
    EXPECT_TRUE(parts.ok());
    auto h = DecodeRowGroupHeader(ByteView(parts->raw_header), parts->chunks.size());
    EXPECT_TRUE(h.ok());
    std::string area;
    for (ChunkDesc& c : h->chunks) {
      if (c.column == col) {
        const uint32_t page_rows = c.page_rows;
        c = EncodeU64Chunk(col, forged, DensePages(forged.size(), page_rows),
                           PageCompression{Codec::kNone, 0}, &area);
        c.page_rows = page_rows;
        continue;
      }
      const uint32_t at = static_cast<uint32_t>(area.size());
      area.append(parts->chunks.str().substr(c.offset, c.length));
      c.offset = at;
    }
    return AssembleRowGroup(EncodeRowGroupHeader(*h), area, false);
  };
  std::vector<uint64_t> first = ends;
  first[0] += 1;  // trace 0 claims one span of trace 1
  const std::string bad_first = forge(first);
  auto r1 = RowGroupReader::Open(bad_first);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ((*r1)->ReadTrace(0).status().code(), Code::kDataLoss);
  EXPECT_EQ((*r1)->ReadTrace(1).status().code(), Code::kDataLoss);
  EXPECT_TRUE((*r1)->ReadTrace(2).ok());
  EXPECT_EQ((*r1)->VerifyAllPages().code(), Code::kDataLoss);
  std::vector<uint64_t> last = ends;
  last.back() -= 1;  // the last span belongs to no trace
  auto r2 = RowGroupReader::Open(forge(last));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r2)->ReadTrace(7).status().code(), Code::kDataLoss);
  EXPECT_EQ((*r2)->VerifyAllPages().code(), Code::kDataLoss);
  // The unforged copy reads back.
  auto same = RowGroupReader::Open(forge(ends));
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE((*same)->VerifyAllPages().ok());
}

TEST(RowGroupTest, CorruptionIsDetected) {
  TraceGen gen(99, false);
  RowGroupWriterOptions options;
  options.page_rows = 16;
  options.min_promote_count = 4;
  RowGroupWriter w(options);
  for (int i = 0; i < 50; ++i) {
    std::string id = Id(static_cast<uint64_t>(i) + 1);
    ASSERT_TRUE(
        w.AddTrace(model::TraceId::FromBytes(id), gen.Trace(id, Id(99)).SerializeAsString()).ok());
  }
  RowGroupSummary summary;
  std::string rg = w.Finish(&summary);
  // Flip every byte of the prefix and header, and bytes spread over the chunk area: opening or
  // verifying must fail with DataLoss, and reading traces must fail cleanly or succeed; nothing
  // may crash. Every byte is covered by the header CRC or a page/dictionary CRC.
  auto reader0 = RowGroupReader::Open(rg);
  ASSERT_TRUE(reader0.ok());
  const size_t header_end = (*reader0)->header_bytes();
  std::vector<size_t> positions;
  for (size_t at = 0; at < header_end; ++at) {
    positions.push_back(at);
  }
  const size_t stride = std::max<size_t>(1, (rg.size() - header_end) / 1500);
  for (size_t at = header_end; at < rg.size(); at += stride) {
    positions.push_back(at);
  }
  int detected = 0;
  std::mt19937 rng(7);
  for (size_t at : positions) {
    std::string bad = rg;
    bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    auto reader = RowGroupReader::Open(bad);
    if (!reader.ok()) {
      EXPECT_EQ(reader.status().code(), Code::kDataLoss);
      ++detected;
      continue;
    }
    for (uint32_t t = at % 7; t < 50; t += 17) {
      auto trace = (*reader)->ReadTrace(t);
      if (!trace.ok()) {
        EXPECT_EQ(trace.status().code(), Code::kDataLoss);
      }
    }
    Status s = (*reader)->VerifyAllPages();
    if (!s.ok()) {
      EXPECT_EQ(s.code(), Code::kDataLoss);
      ++detected;
    }
  }
  EXPECT_EQ(detected, static_cast<int>(positions.size()));
}

// Compaction's column copy (CopyTrace) must store exactly what AddTrace stores for the trace
// rebuilt from the same row group: traces spread over several source row groups (interleaved
// IDs, as overlapping blocks are) are merged both ways into writers cut at the same points, and
// the row groups must come out byte for byte the same. The random traces carry events, links,
// external parents, "other" attributes, verbatim extras, shared resources and scopes, and
// promoted and generic attributes of every type.
void CopyMatchesRebuild(uint64_t seed, bool canonical, int n_sources, int n,
                        RowGroupWriterOptions in, RowGroupWriterOptions out) {
  TraceGen gen(seed, canonical);
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<RowGroupWriter>> writers;
  for (int s = 0; s < n_sources; ++s) {
    writers.push_back(std::make_unique<RowGroupWriter>(in));
  }
  std::vector<std::pair<int, uint32_t>> where;  // trace i -> (source, ordinal)
  for (int i = 0; i < n; ++i) {
    std::string id = Id(static_cast<uint64_t>(i) * 3 + 1);
    const int s = static_cast<int>(rng() % static_cast<uint64_t>(n_sources));
    where.emplace_back(s, writers[static_cast<size_t>(s)]->n_traces());
    ASSERT_TRUE(
        writers[static_cast<size_t>(s)]
            ->AddTrace(model::TraceId::FromBytes(id), gen.Trace(id, Id(99)).SerializeAsString())
            .ok());
  }
  std::vector<std::string> bytes(static_cast<size_t>(n_sources));
  std::vector<std::unique_ptr<DecodedRowGroup>> sources(static_cast<size_t>(n_sources));
  for (size_t s = 0; s < bytes.size(); ++s) {
    if (writers[s]->n_traces() == 0) {
      continue;
    }
    RowGroupSummary summary;
    bytes[s] = writers[s]->Finish(&summary);
    auto reader = RowGroupReader::Open(bytes[s]);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto decoded = DecodedRowGroup::Decode(std::move(reader).value());
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    sources[s] = std::move(decoded).value();
  }
  RowGroupWriter via_proto(out);
  RowGroupWriter via_copy(out);
  int cuts = 0;
  auto compare = [&] {
    RowGroupSummary a;
    RowGroupSummary b;
    const std::string want = via_proto.Finish(&a);
    const std::string got = via_copy.Finish(&b);
    EXPECT_EQ(a.n_traces, b.n_traces);
    EXPECT_EQ(a.n_spans, b.n_spans);
    EXPECT_EQ(a.min_start, b.min_start);
    EXPECT_EQ(a.max_end, b.max_end);
    EXPECT_TRUE(a.min_id == b.min_id && a.max_id == b.max_id);
    if (want != got) {
      // Name the first column and the first trace that differ.
      auto rw = RowGroupReader::Open(want);
      auto rg = RowGroupReader::Open(got);
      ASSERT_TRUE(rw.ok() && rg.ok());
      std::string first_column = "none";
      for (const ChunkDesc& c : (*rw)->header().chunks) {
        const ChunkDesc* d = (*rg)->chunk(c.column);
        if (d == nullptr || d->n_values != c.n_values || d->length != c.length
            || ByteView(want).substr((*rw)->header_bytes() + c.offset, c.length)
                   != ByteView(got).substr((*rg)->header_bytes() + d->offset, d->length)) {
          first_column = (*rw)->ColumnName(c.column);
          break;
        }
      }
      for (uint32_t t = 0; t < a.n_traces; ++t) {
        auto x = (*rw)->ReadTrace(t);
        auto y = (*rg)->ReadTrace(t);
        ASSERT_TRUE(x.ok() && y.ok());
        if (*x != *y) {
          size_t at = 0;
          while (at < x->size() && at < y->size() && (*x)[at] == (*y)[at]) {
            ++at;
          }
          const size_t from = at < 40 ? 0 : at - 40;
          FAIL() << "row group " << cuts << " trace " << t << " differs at byte " << at << " of "
                 << x->size() << "/" << y->size() << ":\n"
                 << testing::PrintToString(x->substr(from, 80)) << "\n"
                 << testing::PrintToString(y->substr(from, 80));
        }
      }
      FAIL() << "row group " << cuts << " differs first in column " << first_column;
    }
    ++cuts;
  };
  for (int i = 0; i < n; ++i) {
    const auto [s, ordinal] = where[static_cast<size_t>(i)];
    DecodedRowGroup& src = *sources[static_cast<size_t>(s)];
    auto rebuilt = src.reader().ReadTrace(ordinal);
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
    ASSERT_TRUE(via_proto.AddTrace(src.ids()[ordinal], *rebuilt).ok());
    via_copy.CopyTrace(src, ordinal);
    if (rng() % 37 == 0) {
      compare();
    }
  }
  if (via_proto.n_traces() > 0) {
    compare();
  }
}

TEST(RowGroupTest, CopiedTracesStoreWhatRebuiltTracesStore) {
  const Variant variants[] = {{4096, 32, Codec::kZstd},
                              {3, 2, Codec::kZstd},
                              {7, 1, Codec::kLz4},
                              {64, 1000, Codec::kNone},
                              {1, 3, Codec::kZstd}};
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const Variant& v = variants[seed % std::size(variants)];
    const Variant& w = variants[(seed / 2) % std::size(variants)];
    RowGroupWriterOptions in;
    in.page_rows = v.page_rows;
    in.min_promote_count = v.min_promote_count;
    in.compression.codec = v.codec;
    RowGroupWriterOptions out;
    out.page_rows = w.page_rows;
    out.min_promote_count = w.min_promote_count;
    out.compression.codec = w.codec;
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    CopyMatchesRebuild(seed, /*canonical=*/seed % 3 == 0, 1 + static_cast<int>(seed % 4),
                       40 + static_cast<int>(seed * 29 % 150), in, out);
  }
}

}  // namespace
}  // namespace vivace::block
