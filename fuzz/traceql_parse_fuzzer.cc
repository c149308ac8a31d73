// Fuzzes the TraceQL lexer, parser, validator, printer and (for valid queries) the exact
// evaluator on a small fixed trace. Invariants: nothing crashes or
// recurses without bound (the parser's depth limit is in force), and every query that parses
// prints to text that parses back to an equal AST, except where Tempo's canonical text itself
// cannot express the value (a backtick or carriage return inside a string, a NaN or infinite
// folded float, the most negative int or duration).

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "traceql/eval/evaluator.h"
#include "traceql/parser.h"
#include "traceql/plan.h"
#include "traceql/printer.h"
#include "traceql/validate.h"

namespace {

using vivace::traceql::FieldExpr;
using vivace::traceql::Query;

bool Unprintable(const vivace::traceql::Static& v) {
  using vivace::traceql::StaticType;
  switch (v.type()) {
    case StaticType::kString:
      // Printed as a raw string: a backtick cannot be inside one, and Go's scanner drops
      // carriage returns from raw strings (so does ours), as Tempo's printer has it.
      return v.string_value().find_first_of("`\r") != std::string::npos;
    case StaticType::kStringArray:
      return true;  // only made by rewrites, which the round trip skips
    case StaticType::kFloat:
      return std::isnan(v.float_value()) || std::isinf(v.float_value());
    case StaticType::kInt:
    case StaticType::kDuration:
      return v.int_value() == INT64_MIN;
    default:
      return false;
  }
}

bool Unprintable(const FieldExpr* e) {
  if (e == nullptr) {
    return false;
  }
  return (e->kind == FieldExpr::Kind::kStatic && Unprintable(e->value)) || Unprintable(e->lhs.get())
         || Unprintable(e->rhs.get());
}

bool Unprintable(const vivace::traceql::Pipeline& p);

bool Unprintable(const vivace::traceql::ScalarExpr* e) {
  if (e == nullptr) {
    return false;
  }
  return Unprintable(e->value) || Unprintable(e->aggregate.arg.get())
         || (e->pipeline && Unprintable(*e->pipeline)) || Unprintable(e->lhs.get())
         || Unprintable(e->rhs.get());
}

bool Unprintable(const vivace::traceql::SpansetExpr* e) {
  if (e == nullptr) {
    return false;
  }
  return Unprintable(e->filter.get()) || Unprintable(e->lhs.get()) || Unprintable(e->rhs.get())
         || (e->pipeline && Unprintable(*e->pipeline));
}

bool Unprintable(const vivace::traceql::Pipeline& p) {
  for (const auto& s : p.stages) {
    if (Unprintable(s.spanset.get()) || Unprintable(s.lhs.get()) || Unprintable(s.rhs.get())
        || Unprintable(s.group_by.get()) || Unprintable(s.aggregate.arg.get())) {
      return true;
    }
  }
  return false;
}

// Second-stage values print as integers when integral; beyond int64 that does not parse back.
bool Unprintable(const vivace::traceql::MathExpr* m) {
  if (m == nullptr) {
    return false;
  }
  for (const auto& s : m->stages) {
    if (std::isnan(s.value) || std::isinf(s.value) || std::fabs(s.value) >= 9.2e18) {
      return true;
    }
  }
  return Unprintable(m->lhs.get()) || Unprintable(m->rhs.get());
}

// Whether the canonical text cannot express a value of `q` (see the file comment).
bool Unprintable(const Query& q) {
  if (Unprintable(&q.expr)) {
    return true;
  }
  for (const auto& sq : q.subqueries) {
    if (sq.metrics) {
      // Quantiles print with five decimals, as Tempo does.
      for (double v : sq.metrics->quantiles) {
        char buf[512];
        std::snprintf(buf, sizeof(buf), "%.5f", v);
        if (std::strtod(buf, nullptr) != v) {
          return true;
        }
      }
    }
    if (Unprintable(sq.pipeline) || (sq.metrics && Unprintable(sq.metrics->compare_filter.get()))) {
      return true;
    }
  }
  for (const auto& h : q.hints) {
    if (Unprintable(h.value)) {
      return true;
    }
  }
  return false;
}

void CheckRoundTrip(const Query& q, const vivace::traceql::ParseOptions& options) {
  if (Unprintable(q)) {
    return;
  }
  std::string printed = vivace::traceql::ToString(q);
  auto again = vivace::traceql::Parse(printed, options);
  if (!again.ok() || !(*again == q)) {
    std::abort();
  }
}

// A small trace with a tree, an orphan, events, links and attributes of every type.
const vivace::traceql::eval::Trace& FuzzTrace() {
  using vivace::traceql::Static;
  static const vivace::traceql::eval::Trace trace = [] {
    vivace::traceql::eval::Trace t;
    t.trace_id = std::string(16, '\x01');
    auto& res = t.resources.emplace_back();
    res.attrs.push_back({"service.name", Static::String("svc")});
    auto& scope = t.scopes.emplace_back();
    scope.name = "lib";
    for (int i = 1; i <= 6; ++i) {
      auto& s = t.spans.emplace_back();
      s.span_id = std::string(7, '\0') + static_cast<char>(i);
      s.parent_id = i == 1 ? "" : std::string(7, '\0') + static_cast<char>(i == 6 ? 9 : i / 2);
      s.name = "n" + std::to_string(i % 3);
      s.status = static_cast<vivace::traceql::SpanStatus>(i % 3);
      s.resource = &res;
      s.scope = &scope;
      s.start_unix_nano = 10 * static_cast<uint64_t>(i);
      s.end_unix_nano = 25 * static_cast<uint64_t>(i);
      s.attrs.push_back({"a", Static::Int(i - 3)});
      s.attrs.push_back({"b", Static::String(i % 2 != 0 ? "x" : "y")});
      s.attrs.push_back({"f", Static::Float(0.5 * i)});
      s.attrs.push_back({"t", Static::StringArray({"p", "q"})});
      if (i % 2 == 0) {
        s.events.push_back({"e", 5, {{"a", Static::Int(i)}}});
        s.links.push_back({std::string(16, '\x02'), std::string(8, '\x03'), {}});
      }
    }
    t.BuildTree();
    return t;
  }();
  return trace;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) {
    return 0;
  }
  std::string_view text(reinterpret_cast<const char*>(data), size);
  vivace::traceql::ParseOptions raw;
  raw.apply_rewrites = false;
  auto q = vivace::traceql::Parse(text, raw);
  if (q.ok()) {
    vivace::traceql::Validate(*q).IgnoreError();
    CheckRoundTrip(*q, raw);
    Query copy = q->Clone();
    if (!(copy == *q)) {
      std::abort();
    }
  }
  auto rewritten = vivace::traceql::Parse(text);
  if (rewritten.ok() != q.ok()) {
    std::abort();  // rewrites never change whether a query parses
  }
  if (rewritten.ok()) {
    if (vivace::traceql::Validate(*rewritten).ok()) {
      auto ev = vivace::traceql::eval::Evaluator::Create(*rewritten);
      if (ev.ok()) {
        for (size_t i = 0; i < rewritten->subqueries.size(); ++i) {
          (*ev)->Evaluate(FuzzTrace(), i).status().IgnoreError();
        }
      }
    }
    (void)vivace::traceql::ToString(*rewritten);
    if (vivace::traceql::ExtractConditions(*rewritten).size() != rewritten->subqueries.size()) {
      std::abort();
    }
  }
  return 0;
}
