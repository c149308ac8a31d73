#include "search/scan/scan_test_util.h"

#include "model/trace_id.h"
#include "traceql/eval/evaluator.h"
#include "traceql/eval/trace_proto.h"
#include "traceql/plan.h"

namespace vivace::search::testing {
namespace {

namespace otlp_common = opentelemetry::proto::common::v1;
namespace otlp_trace = opentelemetry::proto::trace::v1;

class Gen {
 public:
  Gen(uint64_t seed, const GenOptions& o) : rng_(seed), o_(o) {}

  int Int(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }

  bool Chance(int percent) { return Int(100) < percent; }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Int(static_cast<int>(v.size())))];
  }

  void Str(otlp_common::KeyValue* kv, const std::string& k, const std::string& v) {
    kv->set_key(k);
    kv->mutable_value()->set_string_value(v);
  }

  // A value for key `key` of attribute family `family`: mostly one type per key, sometimes
  // another (type mismatches are part of what the scan must get right).
  void Value(otlp_common::KeyValue* kv, const std::string& key) {
    kv->set_key(key);
    auto* v = kv->mutable_value();
    if (key == "arr" && o_.arrays) {
      auto* a = v->mutable_array_value();
      int n = Int(3);
      for (int i = 0; i < n; ++i) {
        a->add_values()->set_string_value(Pick(words_));
      }
      return;
    }
    int mix = Int(10);
    if (key == "http.status" || key == "count" || key == "rare.int") {
      if (mix == 0) {
        v->set_string_value(std::to_string(Pick(codes_)));
      } else if (mix == 1) {
        v->set_double_value(Pick(codes_));
      } else {
        v->set_int_value(key == "count" ? Int(7) - 3 : Pick(codes_));
      }
    } else if (key == "ratio") {
      v->set_double_value(mix == 0 ? 1.0 : Int(5) * 0.5 - 0.5);
    } else if (key == "flag") {
      if (mix == 0) {
        v->set_string_value("true");
      } else {
        v->set_bool_value(Chance(50));
      }
    } else {
      v->set_string_value(Pick(words_));
    }
  }

  void Attrs(google::protobuf::RepeatedPtrField<otlp_common::KeyValue>* out,
             const std::vector<std::string>& keys, int percent) {
    for (const std::string& k : keys) {
      if (Chance(percent)) {
        Value(out->Add(), k);
      }
    }
  }

  tempopb::Trace Trace(const std::string& trace_id) {
    tempopb::Trace t;
    int n_rs = 1 + Int(3);
    int span_index = 0;
    std::vector<std::string> ids;
    int n_spans = 1 + Int(o_.max_spans);
    for (int r = 0; r < n_rs && span_index < n_spans; ++r) {
      auto* rs = t.add_resourcespans();
      if (!Chance(10)) {
        auto* res = rs->mutable_resource();
        int svc = Int(10);
        if (svc < 8) {
          Str(res->add_attributes(), "service.name", Pick(services_));
        } else if (svc == 8) {
          auto* kv = res->add_attributes();
          kv->set_key("service.name");
          kv->mutable_value()->set_int_value(7);
        }
        Attrs(res->mutable_attributes(), {"env", "tag", "http.status", "region"}, 40);
      }
      int n_ss = 1 + Int(2);
      for (int s = 0; s < n_ss && span_index < n_spans; ++s) {
        auto* ss = rs->add_scope_spans();
        if (!Chance(20)) {
          ss->mutable_scope()->set_name(Pick(scopes_));
          if (Chance(50)) {
            ss->mutable_scope()->set_version(Chance(50) ? "1.0" : "2.0");
          }
          Attrs(ss->mutable_scope()->mutable_attributes(), {"lib", "tag"}, 40);
        }
        int here = 1 + Int(4);
        for (int k = 0; k < here && span_index < n_spans; ++k, ++span_index) {
          auto* sp = ss->add_spans();
          sp->set_trace_id(trace_id);
          std::string id(8, '\0');
          id[0] = static_cast<char>(1 + span_index);
          id[7] = static_cast<char>(rng_());
          sp->set_span_id(id);
          if (!ids.empty() && !Chance(10)) {
            sp->set_parent_span_id(Pick(ids));
          }
          ids.push_back(id);
          sp->set_name(Pick(names_));
          sp->set_kind(static_cast<otlp_trace::Span::SpanKind>(Int(6)));
          uint64_t start = 1700000000000000000ULL + static_cast<uint64_t>(Int(1000)) * 1000000;
          sp->set_start_time_unix_nano(start);
          uint64_t dur = Pick(durations_);
          sp->set_end_time_unix_nano(start + dur);
          int st = Int(4);
          if (st > 0) {
            sp->mutable_status()->set_code(static_cast<otlp_trace::Status::StatusCode>(st - 1));
            if (Chance(30)) {
              sp->mutable_status()->set_message(Pick(words_));
            }
          }
          Attrs(sp->mutable_attributes(),
                {"http.status", "tag", "ratio", "flag", "count", "arr", "env"}, 50);
          if (Chance(5)) {
            Value(sp->add_attributes(), Chance(50) ? "rare.int" : "rare.str");
          }
          int n_ev = Int(3);
          for (int e = 0; e < n_ev; ++e) {
            auto* ev = sp->add_events();
            ev->set_name(Chance(50) ? "exception" : "log");
            ev->set_time_unix_nano(start + 10);
            Attrs(ev->mutable_attributes(), {"ek", "tag"}, 50);
          }
          int n_ln = Int(2);
          for (int l = 0; l < n_ln; ++l) {
            auto* ln = sp->add_links();
            ln->set_trace_id(trace_id);
            ln->set_span_id(id);
            Attrs(ln->mutable_attributes(), {"lk"}, 60);
          }
        }
      }
    }
    return t;
  }

 private:
  std::mt19937_64 rng_;
  GenOptions o_;
  std::vector<std::string> services_{"api", "db", "cache", "web"};
  std::vector<std::string> names_{"GET", "POST", "select", "insert", "GET /users"};
  std::vector<std::string> words_{"x", "y", "z", "", "xy", "Zed"};
  std::vector<std::string> scopes_{"otel", "grpc", "http"};
  std::vector<int> codes_{200, 404, 500, 503};
  std::vector<uint64_t> durations_{0,          1000,       2000000,       999999999,
                                   1000000000, 1500000000, 30000000000ULL};
};

std::string TraceIdBytes(uint64_t i) {
  std::string id(16, '\0');
  id[0] = '\x11';
  for (int b = 0; b < 8; ++b) {
    id[static_cast<size_t>(15 - b)] = static_cast<char>(i >> (8 * b));
  }
  return id;
}

}  // namespace

std::vector<tempopb::Trace> RandomTraces(uint64_t seed, const GenOptions& options) {
  Gen g(seed, options);
  std::vector<tempopb::Trace> out;
  for (int i = 0; i < options.traces; ++i) {
    out.push_back(g.Trace(TraceIdBytes(static_cast<uint64_t>(i) * 7 + 3)));
  }
  return out;
}

Result<WrittenRowGroup> WriteRowGroup(const std::vector<tempopb::Trace>& traces,
                                      block::RowGroupWriterOptions options) {
  block::RowGroupWriter w(options);
  for (size_t i = 0; i < traces.size(); ++i) {
    std::string bytes = traces[i].SerializeAsString();
    VV_RETURN_IF_ERROR(
        w.AddTrace(model::TraceId::FromBytes(TraceIdBytes(static_cast<uint64_t>(i) * 7 + 3)),
                   ByteView(bytes)));
  }
  block::RowGroupSummary summary;
  WrittenRowGroup out;
  out.bytes = w.Finish(&summary);
  VV_ASSIGN_OR_RETURN(out.reader, block::RowGroupReader::Open(ByteView(out.bytes)));
  return out;
}

Result<std::vector<traceql::eval::Trace>> RebuildAll(block::RowGroupReader& rg) {
  std::vector<traceql::eval::Trace> out;
  // Reserved: a Trace is copied, not moved, on reallocation (deque's move may throw), and its
  // spans point into its own resources and scopes.
  out.reserve(rg.rows(block::Table::kTrace));
  for (uint32_t t = 0; t < rg.rows(block::Table::kTrace); ++t) {
    VV_ASSIGN_OR_RETURN(std::string bytes, rg.ReadTrace(t));
    VV_ASSIGN_OR_RETURN(traceql::eval::Trace trace, traceql::eval::TraceFromProto(ByteView(bytes)));
    out.push_back(std::move(trace));
  }
  return out;
}

Result<std::set<uint32_t>> ExactMatches(const std::vector<traceql::eval::Trace>& traces,
                                        const std::string& query) {
  VV_ASSIGN_OR_RETURN(traceql::CompiledQuery q, traceql::Compile(query));
  VV_ASSIGN_OR_RETURN(std::unique_ptr<traceql::eval::Evaluator> ev,
                      traceql::eval::Evaluator::Create(q.query));
  std::set<uint32_t> out;
  for (uint32_t t = 0; t < traces.size(); ++t) {
    VV_ASSIGN_OR_RETURN(std::vector<traceql::eval::Spanset> sets, ev->Evaluate(traces[t], 0));
    if (!sets.empty()) {
      out.insert(t);
    }
  }
  return out;
}

}  // namespace vivace::search::testing
