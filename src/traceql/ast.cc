#include "traceql/ast.h"

#include <cmath>

#include "traceql/static_ops.h"
#include "traceql/validate.h"

namespace vivace::traceql {
namespace {

template <typename T>
std::unique_ptr<T> CloneOrNull(const std::unique_ptr<T>& p) {
  return p ? p->Clone() : nullptr;
}

template <typename T>
bool PtrEqual(const std::unique_ptr<T>& a, const std::unique_ptr<T>& b) {
  if (a == nullptr || b == nullptr) {
    return a == nullptr && b == nullptr;
  }
  return *a == *b;
}

// Before comparing with trace:id, Tempo strips leading zeros from a string literal.
void NormalizeTraceIdOperand(FieldExpr& maybe_static) {
  if (maybe_static.kind != FieldExpr::Kind::kStatic
      || maybe_static.value.type() != StaticType::kString) {
    return;
  }
  const std::string& s = maybe_static.value.string_value();
  size_t i = s.find_first_not_of('0');
  maybe_static.value = Static::String(i == std::string::npos ? std::string() : s.substr(i));
}

// Evaluates an expression without field references as Tempo's execute(nil) does, including
// the short-circuit of `false && x` / `true || x` (so the right side may even fail).
Result<Static> EvaluateConstant(const FieldExpr& e) {
  switch (e.kind) {
    case FieldExpr::Kind::kStatic:
      return e.value;
    case FieldExpr::Kind::kAttribute:
      return Status::InvalidArgument("not a constant");
    case FieldExpr::Kind::kUnary: {
      VV_ASSIGN_OR_RETURN(Static v, EvaluateConstant(*e.lhs));
      return EvalUnary(e.op, v);
    }
    case FieldExpr::Kind::kBinary: {
      VV_ASSIGN_OR_RETURN(Static l, EvaluateConstant(*e.lhs));
      if (l.type() == StaticType::kBool) {
        if (e.op == Op::kAnd && !l.bool_value()) {
          return Static::Bool(false);
        }
        if (e.op == Op::kOr && l.bool_value()) {
          return Static::Bool(true);
        }
      }
      VV_ASSIGN_OR_RETURN(Static r, EvaluateConstant(*e.rhs));
      return EvalBinary(e.op, l, r);
    }
  }
  return Status::InvalidArgument("not a constant");
}

bool IsTraceId(const FieldExpr& e) {
  return e.kind == FieldExpr::Kind::kAttribute && e.attribute.intrinsic == Intrinsic::kTraceId;
}

}  // namespace

Attribute Attribute::Unscoped(std::string name) {
  Attribute a;
  a.name = std::move(name);
  return a;
}

Attribute Attribute::Scoped(AttributeScope scope, bool parent, std::string name) {
  Attribute a;
  a.name = std::move(name);
  a.scope = scope;
  a.parent = parent;
  return a;
}

Attribute Attribute::OfIntrinsic(Intrinsic i) {
  Attribute a;
  a.name = std::string(IntrinsicName(i));
  a.intrinsic = i;
  return a;
}

StaticType Attribute::ImpliedType() const {
  return is_intrinsic() ? IntrinsicType(intrinsic) : StaticType::kAttribute;
}

std::unique_ptr<FieldExpr> FieldExpr::MakeStatic(Static v) {
  auto e = std::make_unique<FieldExpr>();
  e->kind = Kind::kStatic;
  e->value = std::move(v);
  return e;
}

std::unique_ptr<FieldExpr> FieldExpr::MakeAttribute(Attribute a) {
  auto e = std::make_unique<FieldExpr>();
  e->kind = Kind::kAttribute;
  e->attribute = std::move(a);
  return e;
}

std::unique_ptr<FieldExpr> FieldExpr::MakeBinary(Op op, std::unique_ptr<FieldExpr> lhs,
                                                 std::unique_ptr<FieldExpr> rhs) {
  if (IsTraceId(*lhs)) {
    NormalizeTraceIdOperand(*rhs);
  }
  if (IsTraceId(*rhs)) {
    NormalizeTraceIdOperand(*lhs);
  }
  auto e = std::make_unique<FieldExpr>();
  e->kind = Kind::kBinary;
  e->op = op;
  e->lhs = std::move(lhs);
  e->rhs = std::move(rhs);
  if (!e->ReferencesSpan() && ValidateFieldExpr(*e).ok()) {
    Result<Static> folded = EvaluateConstant(*e);
    if (folded.ok()) {
      return MakeStatic(std::move(folded).value());
    }
  }
  return e;
}

std::unique_ptr<FieldExpr> FieldExpr::MakeUnary(Op op, std::unique_ptr<FieldExpr> operand) {
  auto e = std::make_unique<FieldExpr>();
  e->kind = Kind::kUnary;
  e->op = op;
  e->lhs = std::move(operand);
  if (!e->ReferencesSpan() && ValidateFieldExpr(*e).ok()) {
    Result<Static> folded = EvaluateConstant(*e);
    if (folded.ok()) {
      return MakeStatic(std::move(folded).value());
    }
  }
  return e;
}

bool FieldExpr::ReferencesSpan() const {
  switch (kind) {
    case Kind::kStatic:
      return false;
    case Kind::kAttribute:
      return true;
    case Kind::kBinary:
      return lhs->ReferencesSpan() || rhs->ReferencesSpan();
    case Kind::kUnary:
      return lhs->ReferencesSpan();
  }
  return false;
}

StaticType FieldExpr::ImpliedType() const {
  switch (kind) {
    case Kind::kStatic:
      return value.type();
    case Kind::kAttribute:
      return attribute.ImpliedType();
    case Kind::kBinary: {
      if (IsBooleanOp(op)) {
        return StaticType::kBool;
      }
      StaticType t = lhs->ImpliedType();
      return t != StaticType::kAttribute ? t : rhs->ImpliedType();
    }
    case Kind::kUnary:
      if (op == Op::kExists || op == Op::kNotExists) {
        return StaticType::kBool;
      }
      return lhs->ImpliedType();
  }
  return StaticType::kNil;
}

std::unique_ptr<FieldExpr> FieldExpr::Clone() const {
  auto e = std::make_unique<FieldExpr>();
  e->kind = kind;
  e->op = op;
  e->value = value;
  e->attribute = attribute;
  e->lhs = CloneOrNull(lhs);
  e->rhs = CloneOrNull(rhs);
  return e;
}

bool operator==(const FieldExpr& a, const FieldExpr& b) {
  if (a.kind != b.kind || a.op != b.op) {
    return false;
  }
  switch (a.kind) {
    case FieldExpr::Kind::kStatic:
      return a.value == b.value;
    case FieldExpr::Kind::kAttribute:
      return a.attribute == b.attribute;
    default:
      return PtrEqual(a.lhs, b.lhs) && PtrEqual(a.rhs, b.rhs);
  }
}

StaticType Aggregate::ImpliedType() const {
  if (op == AggregateOp::kCount || arg == nullptr) {
    return StaticType::kInt;
  }
  return arg->ImpliedType();
}

Aggregate Aggregate::Clone() const {
  Aggregate a;
  a.op = op;
  a.arg = CloneOrNull(arg);
  return a;
}

bool operator==(const Aggregate& a, const Aggregate& b) {
  return a.op == b.op && PtrEqual(a.arg, b.arg);
}

StaticType ScalarExpr::ImpliedType() const {
  switch (kind) {
    case Kind::kAggregate:
      return aggregate.ImpliedType();
    case Kind::kStatic:
      return value.type();
    case Kind::kBinary: {
      if (IsBooleanOp(op)) {
        return StaticType::kBool;
      }
      StaticType t = lhs->ImpliedType();
      return t != StaticType::kAttribute ? t : rhs->ImpliedType();
    }
    case Kind::kPipeline: {
      // The type of the final aggregate.
      if (!pipeline->stages.empty() && pipeline->stages.back().kind == Stage::Kind::kAggregate) {
        return pipeline->stages.back().aggregate.ImpliedType();
      }
      return StaticType::kSpanset;
    }
  }
  return StaticType::kNil;
}

std::unique_ptr<ScalarExpr> ScalarExpr::Clone() const {
  auto e = std::make_unique<ScalarExpr>();
  e->kind = kind;
  e->op = op;
  e->aggregate = aggregate.Clone();
  e->value = value;
  if (pipeline) {
    e->pipeline = std::make_unique<Pipeline>(pipeline->Clone());
  }
  e->lhs = CloneOrNull(lhs);
  e->rhs = CloneOrNull(rhs);
  return e;
}

bool operator==(const ScalarExpr& a, const ScalarExpr& b) {
  if (a.kind != b.kind || a.op != b.op) {
    return false;
  }
  switch (a.kind) {
    case ScalarExpr::Kind::kAggregate:
      return a.aggregate == b.aggregate;
    case ScalarExpr::Kind::kStatic:
      return a.value == b.value;
    case ScalarExpr::Kind::kBinary:
      return PtrEqual(a.lhs, b.lhs) && PtrEqual(a.rhs, b.rhs);
    case ScalarExpr::Kind::kPipeline:
      return PtrEqual(a.pipeline, b.pipeline);
  }
  return false;
}

std::unique_ptr<SpansetExpr> SpansetExpr::Clone() const {
  auto e = std::make_unique<SpansetExpr>();
  e->kind = kind;
  e->op = op;
  e->filter = CloneOrNull(filter);
  e->lhs = CloneOrNull(lhs);
  e->rhs = CloneOrNull(rhs);
  if (pipeline) {
    e->pipeline = std::make_unique<Pipeline>(pipeline->Clone());
  }
  return e;
}

bool operator==(const SpansetExpr& a, const SpansetExpr& b) {
  if (a.kind != b.kind || a.op != b.op) {
    return false;
  }
  return PtrEqual(a.filter, b.filter) && PtrEqual(a.lhs, b.lhs) && PtrEqual(a.rhs, b.rhs)
         && PtrEqual(a.pipeline, b.pipeline);
}

Stage Stage::Clone() const {
  Stage s;
  s.kind = kind;
  s.spanset = CloneOrNull(spanset);
  s.op = op;
  s.lhs = CloneOrNull(lhs);
  s.rhs = CloneOrNull(rhs);
  s.group_by = CloneOrNull(group_by);
  s.select = select;
  s.aggregate = aggregate.Clone();
  return s;
}

bool operator==(const Stage& a, const Stage& b) {
  return a.kind == b.kind && a.op == b.op && PtrEqual(a.spanset, b.spanset)
         && PtrEqual(a.lhs, b.lhs) && PtrEqual(a.rhs, b.rhs) && PtrEqual(a.group_by, b.group_by)
         && a.select == b.select && a.aggregate == b.aggregate;
}

Pipeline Pipeline::Clone() const {
  Pipeline p;
  p.stages.reserve(stages.size());
  for (const Stage& s : stages) {
    p.stages.push_back(s.Clone());
  }
  return p;
}

bool operator==(const Pipeline& a, const Pipeline& b) { return a.stages == b.stages; }

MetricsFirstStage MetricsFirstStage::Clone() const {
  MetricsFirstStage m;
  m.op = op;
  m.attr = attr;
  m.quantiles = quantiles;
  m.by = by;
  m.compare_filter = CloneOrNull(compare_filter);
  m.compare_top_n = compare_top_n;
  m.compare_start = compare_start;
  m.compare_end = compare_end;
  return m;
}

bool operator==(const MetricsFirstStage& a, const MetricsFirstStage& b) {
  if (a.quantiles.size() != b.quantiles.size()) {
    return false;
  }
  for (size_t i = 0; i < a.quantiles.size(); ++i) {
    if (!(Static::Float(a.quantiles[i]) == Static::Float(b.quantiles[i]))) {
      return false;
    }
  }
  return a.op == b.op && a.attr == b.attr && a.by == b.by
         && PtrEqual(a.compare_filter, b.compare_filter) && a.compare_top_n == b.compare_top_n
         && a.compare_start == b.compare_start && a.compare_end == b.compare_end;
}

bool operator==(const SecondStage& a, const SecondStage& b) {
  // Values compare numerically (-0 prints as 0); NaN equals NaN.
  bool same_value = a.value == b.value || (std::isnan(a.value) && std::isnan(b.value));
  return a.kind == b.kind && a.limit == b.limit && a.op == b.op && same_value
         && a.scalar_on_left == b.scalar_on_left;
}

SubQuery SubQuery::Clone() const {
  SubQuery s;
  s.pipeline = pipeline.Clone();
  if (metrics) {
    s.metrics = std::make_unique<MetricsFirstStage>(metrics->Clone());
  }
  s.key = key;
  return s;
}

std::unique_ptr<MathExpr> MathExpr::Clone() const {
  auto m = std::make_unique<MathExpr>();
  m->op = op;
  m->subquery = subquery;
  m->lhs = CloneOrNull(lhs);
  m->rhs = CloneOrNull(rhs);
  m->stages = stages;
  return m;
}

bool operator==(const MathExpr& a, const MathExpr& b) {
  return a.op == b.op && (a.op != Op::kNone || a.subquery == b.subquery) && PtrEqual(a.lhs, b.lhs)
         && PtrEqual(a.rhs, b.rhs) && a.stages == b.stages;
}

const SubQuery* Query::single() const {
  if (subqueries.size() != 1 || expr.op != Op::kNone) {
    return nullptr;
  }
  return &subqueries[0];
}

Query Query::Clone() const {
  Query q;
  for (const SubQuery& s : subqueries) {
    q.subqueries.push_back(s.Clone());
  }
  q.expr = std::move(*expr.Clone());
  q.has_hints = has_hints;
  q.hints = hints;
  return q;
}

bool operator==(const Query& a, const Query& b) {
  if (a.subqueries.size() != b.subqueries.size()) {
    return false;
  }
  for (size_t i = 0; i < a.subqueries.size(); ++i) {
    const SubQuery& x = a.subqueries[i];
    const SubQuery& y = b.subqueries[i];
    if (!(x.pipeline == y.pipeline) || x.key != y.key || !PtrEqual(x.metrics, y.metrics)) {
      return false;
    }
  }
  return a.expr == b.expr && a.has_hints == b.has_hints && a.hints == b.hints;
}

}  // namespace vivace::traceql
