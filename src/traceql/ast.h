#pragma once

// The typed TraceQL AST produced by the parser (traceql/parser.h) and consumed by the validator,
// the printer and the engine. It mirrors Tempo's structure closely enough that printing and
// validation give Tempo's texts, but every reference is resolved up front so that a columnar
// engine can push predicates down without strings: attributes carry scope + name + intrinsic
// enums, literals are typed Statics, operators are enums.
//
// Shape of a query:
//   Query = subqueries (a spanset pipeline, plus a metrics first stage for metrics queries)
//         + a math tree over them (a single leaf for everything but metrics math)
//         + hints.
// A search query is one subquery without metrics. Nodes own their children (unique_ptr);
// Clone() makes deep copies. Everything here is a plain value: not thread-safe to mutate,
// safe to read from many threads.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "traceql/enums.h"
#include "traceql/static_value.h"

namespace vivace::traceql {

// A field reference: an attribute (`span.foo`, `.foo`, `parent.resource.x`) or an intrinsic
// (`duration`, `span:id`). For intrinsics `name` holds the canonical print name.
struct Attribute {
  std::string name;
  AttributeScope scope = AttributeScope::kNone;
  bool parent = false;
  Intrinsic intrinsic = Intrinsic::kNone;

  static Attribute Unscoped(std::string name);
  static Attribute Scoped(AttributeScope scope, bool parent, std::string name);
  static Attribute OfIntrinsic(Intrinsic i);

  bool is_intrinsic() const { return intrinsic != Intrinsic::kNone; }

  bool empty() const { return name.empty() && intrinsic == Intrinsic::kNone && !parent; }

  StaticType ImpliedType() const;
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// Expression evaluated per span: inside `{ }`, `by()`, aggregate arguments.
struct FieldExpr {
  enum class Kind : uint8_t { kStatic, kAttribute, kBinary, kUnary };

  Kind kind = Kind::kStatic;
  Op op = Op::kNone;               // kBinary, kUnary (kSub, kNot, kExists, kNotExists)
  Static value;                    // kStatic
  Attribute attribute;             // kAttribute
  std::unique_ptr<FieldExpr> lhs;  // kBinary left operand, kUnary operand
  std::unique_ptr<FieldExpr> rhs;  // kBinary right operand

  static std::unique_ptr<FieldExpr> MakeStatic(Static v);
  static std::unique_ptr<FieldExpr> MakeAttribute(Attribute a);
  // These apply Tempo's parse-time rewrites: trace:id literal normalisation and constant
  // folding (an operation without field references that validates and evaluates is replaced
  // by its value).
  static std::unique_ptr<FieldExpr> MakeBinary(Op op, std::unique_ptr<FieldExpr> lhs,
                                               std::unique_ptr<FieldExpr> rhs);
  static std::unique_ptr<FieldExpr> MakeUnary(Op op, std::unique_ptr<FieldExpr> operand);

  bool ReferencesSpan() const;
  StaticType ImpliedType() const;
  std::unique_ptr<FieldExpr> Clone() const;
  friend bool operator==(const FieldExpr& a, const FieldExpr& b);
};

struct Aggregate {
  AggregateOp op = AggregateOp::kCount;
  std::unique_ptr<FieldExpr> arg;  // null for count()

  StaticType ImpliedType() const;
  Aggregate Clone() const;
  friend bool operator==(const Aggregate& a, const Aggregate& b);
};

struct Pipeline;

// Operand of a scalar filter: an aggregate, a literal, arithmetic over those, or a wrapped
// scalar pipeline `({ ... } | count())`.
struct ScalarExpr {
  enum class Kind : uint8_t { kAggregate, kStatic, kBinary, kPipeline };

  Kind kind = Kind::kStatic;
  Op op = Op::kNone;  // kBinary
  Aggregate aggregate;
  Static value;
  std::unique_ptr<Pipeline> pipeline;  // ends with an aggregate stage
  std::unique_ptr<ScalarExpr> lhs;
  std::unique_ptr<ScalarExpr> rhs;

  StaticType ImpliedType() const;
  std::unique_ptr<ScalarExpr> Clone() const;
  friend bool operator==(const ScalarExpr& a, const ScalarExpr& b);
};

// A spanset-valued expression: a filter `{ ... }`, a spanset operation, or a wrapped pipeline.
struct SpansetExpr {
  enum class Kind : uint8_t { kFilter, kOperation, kPipeline };

  Kind kind = Kind::kFilter;
  Op op = Op::kNone;                  // kOperation: one of the kSpanset* operators
  std::unique_ptr<FieldExpr> filter;  // kFilter (`{}` is the static `true`)
  std::unique_ptr<SpansetExpr> lhs;   // kOperation
  std::unique_ptr<SpansetExpr> rhs;
  std::unique_ptr<Pipeline> pipeline;  // kPipeline

  std::unique_ptr<SpansetExpr> Clone() const;
  friend bool operator==(const SpansetExpr& a, const SpansetExpr& b);
};

// One element of a pipeline.
struct Stage {
  enum class Kind : uint8_t {
    kSpanset,       // filter / spanset operation
    kScalarFilter,  // `count() > 2`
    kGroupBy,       // `by(expr)`
    kCoalesce,      // `coalesce()`
    kSelect,        // `select(a, b)`
    kAggregate,     // last stage of a scalar pipeline: `({...} | count())`
  };

  Kind kind = Kind::kSpanset;
  std::unique_ptr<SpansetExpr> spanset;  // kSpanset
  Op op = Op::kNone;                     // kScalarFilter comparison
  std::unique_ptr<ScalarExpr> lhs;       // kScalarFilter
  std::unique_ptr<ScalarExpr> rhs;
  std::unique_ptr<FieldExpr> group_by;  // kGroupBy
  std::vector<Attribute> select;        // kSelect
  Aggregate aggregate;                  // kAggregate

  Stage Clone() const;
  friend bool operator==(const Stage& a, const Stage& b);
};

struct Pipeline {
  std::vector<Stage> stages;

  Pipeline Clone() const;
  friend bool operator==(const Pipeline& a, const Pipeline& b);
};

// First stage of a metrics query: rate(), count_over_time(), quantile_over_time(f, q...), ...
struct MetricsFirstStage {
  MetricsOp op = MetricsOp::kRate;
  Attribute attr;                 // argument of *_over_time; empty for rate/count
  std::vector<double> quantiles;  // quantile_over_time
  std::vector<Attribute> by;      // by(a, b)
  // compare({filter}, topN, start, end)
  std::unique_ptr<FieldExpr> compare_filter;
  int64_t compare_top_n = 10;
  int64_t compare_start = 0;
  int64_t compare_end = 0;

  MetricsFirstStage Clone() const;
  friend bool operator==(const MetricsFirstStage& a, const MetricsFirstStage& b);
};

// Second-stage operation on series: topk/bottomk, a comparison filter (`> 10`), or scalar math
// with a literal (`* 100`, `100 *`).
struct SecondStage {
  enum class Kind : uint8_t { kTopK, kBottomK, kFilter, kScalarOp };

  Kind kind = Kind::kTopK;
  int64_t limit = 0;            // kTopK, kBottomK
  Op op = Op::kNone;            // kFilter: comparison; kScalarOp: + - * /
  double value = 0;             // kFilter threshold (durations in seconds), kScalarOp operand
  bool scalar_on_left = false;  // kScalarOp: `value op series`

  friend bool operator==(const SecondStage& a, const SecondStage& b);
};

// A sub-query: the spanset pipeline and, for metrics, its first stage. `key` is the printed
// text Tempo uses to route series of math sub-queries (`{ true } | rate()`).
struct SubQuery {
  Pipeline pipeline;
  std::unique_ptr<MetricsFirstStage> metrics;
  std::string key;

  SubQuery Clone() const;
};

// Tree of metrics math over sub-queries; a single leaf for all other queries. Second stages
// apply, in order, to the result of the node.
struct MathExpr {
  Op op = Op::kNone;  // kNone: leaf; else + - * /
  size_t subquery = 0;
  std::unique_ptr<MathExpr> lhs;
  std::unique_ptr<MathExpr> rhs;
  std::vector<SecondStage> stages;

  std::unique_ptr<MathExpr> Clone() const;
  friend bool operator==(const MathExpr& a, const MathExpr& b);
};

struct Hint {
  std::string name;
  Static value;
  friend bool operator==(const Hint&, const Hint&) = default;
};

struct Query {
  std::vector<SubQuery> subqueries;
  MathExpr expr;
  bool has_hints = false;
  std::vector<Hint> hints;  // of the last with(...) clause

  bool is_metrics() const { return !subqueries.empty() && subqueries[0].metrics != nullptr; }

  // The single pipeline of a query without metrics math (nullptr for math expressions).
  const SubQuery* single() const;
  Query Clone() const;
  friend bool operator==(const Query& a, const Query& b);
};

}  // namespace vivace::traceql
