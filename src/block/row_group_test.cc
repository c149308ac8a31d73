#include <algorithm>
#include <random>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "block/row_group_reader.h"
#include "block/row_group_writer.h"
#include "tempopb/tempo.pb.h"

namespace vivace::block {
namespace {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::trace::v1::ResourceSpans;
using opentelemetry::proto::trace::v1::Span;

// Random traces with every OTLP field populated in some span.
class TraceGen {
 public:
  explicit TraceGen(uint64_t seed) : rng_(seed) {}

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

  void Value(AnyValue* v, int depth) {
    switch (rng_() % (depth > 2 ? 5 : 9)) {
      case 0:
        v->set_string_value(Word());
        break;
      case 1:
        v->set_int_value(static_cast<int64_t>(rng_()) >> (rng_() % 60));
        break;
      case 2:
        v->set_double_value(static_cast<double>(rng_() % 100000) / 7.0 - 5000);
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

  template <typename M>
  void Attrs(M* list, int n) {
    for (int i = 0; i < n; ++i) {
      KeyValue* kv = list->Add();
      kv->set_key(Word() + std::to_string(i));
      Value(kv->mutable_value(), 0);
    }
  }

  tempopb::Trace Trace(const std::string& trace_id) {
    tempopb::Trace t;
    int resources = 1 + static_cast<int>(rng_() % 3);
    std::vector<std::string> ids;
    for (int r = 0; r < resources; ++r) {
      ResourceSpans* rs = t.add_resourcespans();
      auto* res = rs->mutable_resource();
      Attrs(res->mutable_attributes(), static_cast<int>(rng_() % 4));
      if (rng_() % 4 != 0) {
        // service.name at a random position among the attributes.
        auto* kv = res->add_attributes();
        kv->set_key("service.name");
        kv->mutable_value()->set_string_value("svc-" + std::to_string(rng_() % 3));
        int n = res->attributes_size();
        res->mutable_attributes()->SwapElements(n - 1, static_cast<int>(rng_() % n));
      }
      if (rng_() % 5 == 0) {
        res->set_dropped_attributes_count(3);
      }
      if (rng_() % 7 == 0) {
        auto* e = res->add_entity_refs();
        e->set_type("k8s.pod");
        e->add_id_keys("k8s.pod.uid");
      }
      auto* ss = rs->add_scope_spans();
      if (rng_() % 4 != 0) {
        ss->mutable_scope()->set_name(Word());
        ss->mutable_scope()->set_version("1." + std::to_string(rng_() % 3));
        Attrs(ss->mutable_scope()->mutable_attributes(), static_cast<int>(rng_() % 2));
        ss->mutable_scope()->set_dropped_attributes_count(static_cast<uint32_t>(rng_() % 2));
      }
      int spans = 1 + static_cast<int>(rng_() % 6);
      for (int i = 0; i < spans; ++i) {
        Span* s = ss->add_spans();
        s->set_trace_id(trace_id);
        std::string id = Bytes(8);
        id[0] = 1;  // never all zero
        s->set_span_id(id);
        switch (rng_() % 4) {
          case 0:
            break;  // root
          case 1:
            s->set_parent_span_id(Bytes(8));  // parent outside the trace
            break;
          default:
            if (!ids.empty()) {
              s->set_parent_span_id(ids[rng_() % ids.size()]);
            }
        }
        ids.push_back(id);
        if (rng_() % 3 == 0) {
          s->set_trace_state("k=v" + std::to_string(rng_() % 3));
        }
        s->set_flags(static_cast<uint32_t>(rng_() % 3 == 0 ? 0x301 : 0));
        s->set_name(Word());
        s->set_kind(static_cast<Span::SpanKind>(rng_() % 7));  // 6 is not a known kind
        uint64_t start = rng_() % 10 == 0 ? 0 : 1'700'000'000'000'000'000 + rng_() % 1'000'000'000;
        s->set_start_time_unix_nano(start);
        s->set_end_time_unix_nano(rng_() % 10 == 0 ? start - 5 : start + rng_() % 5'000'000);
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
        for (int l = 0, n = static_cast<int>(rng_() % 3); l < n; ++l) {
          auto* link = s->add_links();
          if (rng_() % 3 != 0) {
            link->set_trace_id(Bytes(16));
          }
          if (rng_() % 3 != 0) {
            link->set_span_id(Bytes(8));
          }
          link->set_trace_state(rng_() % 2 ? "" : "a=b");
          Attrs(link->mutable_attributes(), static_cast<int>(rng_() % 2));
          link->set_dropped_attributes_count(static_cast<uint32_t>(rng_() % 2));
          link->set_flags(static_cast<uint32_t>(rng_() % 2 ? 0x101 : 0));
        }
        s->set_dropped_links_count(static_cast<uint32_t>(rng_() % 2));
        if (rng_() % 3 == 0) {
          s->mutable_status()->set_code(
              static_cast<opentelemetry::proto::trace::v1::Status::StatusCode>(rng_() % 3));
          s->mutable_status()->set_message(rng_() % 2 ? "" : "failed: " + Word());
        }
      }
    }
    return t;
  }

 private:
  std::mt19937_64 rng_;
};

std::string Id(uint64_t i) {
  std::string id(16, '\0');
  for (int b = 0; b < 8; ++b) {
    id[static_cast<size_t>(15 - b)] = static_cast<char>(i >> (8 * b));
  }
  id[0] = '\x5a';
  return id;
}

TEST(RowGroupTest, EveryFieldRoundTripsThroughColumns) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    TraceGen gen(seed);
    RowGroupWriter w;
    std::vector<tempopb::Trace> traces;
    int n = 1 + static_cast<int>(seed * 37 % 120);
    for (int i = 0; i < n; ++i) {
      std::string id = Id(static_cast<uint64_t>(i) * 3 + 1);
      traces.push_back(gen.Trace(id));
      ASSERT_TRUE(
          w.AddTrace(model::TraceId::FromBytes(id), traces.back().SerializeAsString()).ok());
    }
    RowGroupSummary summary;
    std::string rg = w.Finish(&summary);
    EXPECT_EQ(summary.n_traces, static_cast<uint32_t>(n));
    auto reader = RowGroupReader::Open(rg);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    for (int i = 0; i < n; ++i) {
      auto ord =
          (*reader)->FindTrace(model::TraceId::FromBytes(Id(static_cast<uint64_t>(i) * 3 + 1)));
      ASSERT_TRUE(ord.ok());
      ASSERT_TRUE(ord->has_value());
      EXPECT_EQ(**ord, static_cast<uint32_t>(i));
      auto bytes = (*reader)->ReadTrace(**ord);
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      tempopb::Trace got;
      ASSERT_TRUE(got.ParseFromString(*bytes));
      const tempopb::Trace& want = traces[static_cast<size_t>(i)];
      std::string diff;
      google::protobuf::util::MessageDifferencer d;
      d.set_message_field_comparison(google::protobuf::util::MessageDifferencer::EQUIVALENT);
      d.ReportDifferencesToString(&diff);
      ASSERT_TRUE(d.Compare(want, got)) << "seed " << seed << " trace " << i << "\n" << diff;
    }
    // Absent IDs between and around the stored ones.
    auto missing = (*reader)->FindTrace(model::TraceId::FromBytes(Id(2)));
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
    EXPECT_TRUE((*reader)->VerifyAllPages().ok());
  }
}

TEST(RowGroupTest, CorruptionIsDetected) {
  TraceGen gen(99);
  RowGroupWriter w;
  for (int i = 0; i < 50; ++i) {
    std::string id = Id(static_cast<uint64_t>(i) + 1);
    ASSERT_TRUE(w.AddTrace(model::TraceId::FromBytes(id), gen.Trace(id).SerializeAsString()).ok());
  }
  RowGroupSummary summary;
  std::string rg = w.Finish(&summary);
  // Flip bytes anywhere: every read either fails cleanly or (if it hit nothing read) succeeds.
  std::mt19937 rng(7);
  int detected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bad = rg;
    size_t at = rng() % bad.size();
    bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    auto reader = RowGroupReader::Open(bad);
    if (!reader.ok()) {
      ++detected;
      continue;
    }
    Status s = (*reader)->VerifyAllPages();
    if (!s.ok()) {
      EXPECT_EQ(s.code(), Code::kDataLoss);
      ++detected;
    }
  }
  EXPECT_EQ(detected, 300);  // every byte is covered by the header CRC or a page CRC
}

}  // namespace
}  // namespace vivace::block
