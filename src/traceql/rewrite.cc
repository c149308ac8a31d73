#include "traceql/rewrite.h"

#include <optional>

namespace vivace::traceql {
namespace {

struct Operands {
  Attribute attr;
  Static value;
};

// `attr op literal` or `literal op attr` with op in {scalar_op, array_op}.
std::optional<Operands> AttributeAndLiteral(const FieldExpr& e, Op scalar_op, Op array_op) {
  if (e.kind != FieldExpr::Kind::kBinary || (e.op != scalar_op && e.op != array_op)) {
    return std::nullopt;
  }
  const FieldExpr* attr = e.lhs.get();
  const FieldExpr* lit = e.rhs.get();
  if (attr->kind != FieldExpr::Kind::kAttribute) {
    std::swap(attr, lit);
    if (attr->kind != FieldExpr::Kind::kAttribute) {
      return std::nullopt;
    }
  }
  if (lit->kind != FieldExpr::Kind::kStatic) {
    return std::nullopt;
  }
  return Operands{attr->attribute, lit->value};
}

std::unique_ptr<FieldExpr> ToArrayOp(std::unique_ptr<FieldExpr> e, Op outer, Op scalar_op,
                                     Op array_op, bool strings_only, int* count) {
  if (e->kind != FieldExpr::Kind::kBinary || e->op != outer
      || e->lhs->kind != FieldExpr::Kind::kBinary || e->rhs->kind != FieldExpr::Kind::kBinary) {
    return e;
  }
  std::optional<Operands> l = AttributeAndLiteral(*e->lhs, scalar_op, array_op);
  if (!l) {
    return e;
  }
  std::optional<Operands> r = AttributeAndLiteral(*e->rhs, scalar_op, array_op);
  if (!r || !(l->attr == r->attr)) {
    return e;
  }
  auto is_string = [](const Static& v) {
    return v.type() == StaticType::kString || v.type() == StaticType::kStringArray;
  };
  if (strings_only && (!is_string(l->value) || !is_string(r->value))) {
    return e;
  }
  std::optional<Static> array = l->value.Append(r->value);
  if (!array) {
    return e;
  }
  ++*count;
  return FieldExpr::MakeBinary(array_op, FieldExpr::MakeAttribute(l->attr),
                               FieldExpr::MakeStatic(std::move(*array)));
}

void RewriteScalar(ScalarExpr* e, int* count);

void RewriteSpanset(SpansetExpr* e, int* count) {
  switch (e->kind) {
    case SpansetExpr::Kind::kFilter:
      e->filter = RewriteOrToIn(std::move(e->filter), count);
      break;
    case SpansetExpr::Kind::kOperation:
      RewriteSpanset(e->lhs.get(), count);
      RewriteSpanset(e->rhs.get(), count);
      break;
    case SpansetExpr::Kind::kPipeline:
      *count += RewriteOrToIn(e->pipeline.get());
      break;
  }
}

void RewriteScalar(ScalarExpr* e, int* count) {
  switch (e->kind) {
    case ScalarExpr::Kind::kAggregate:
      if (e->aggregate.arg) {
        e->aggregate.arg = RewriteOrToIn(std::move(e->aggregate.arg), count);
      }
      break;
    case ScalarExpr::Kind::kBinary:
      RewriteScalar(e->lhs.get(), count);
      RewriteScalar(e->rhs.get(), count);
      break;
    case ScalarExpr::Kind::kPipeline:
      *count += RewriteOrToIn(e->pipeline.get());
      break;
    case ScalarExpr::Kind::kStatic:
      break;
  }
}

}  // namespace

std::unique_ptr<FieldExpr> RewriteOrToIn(std::unique_ptr<FieldExpr> e, int* count) {
  if (e->kind == FieldExpr::Kind::kBinary) {
    // Post-order, rebuilding the node so that constant folding applies again.
    auto lhs = RewriteOrToIn(std::move(e->lhs), count);
    auto rhs = RewriteOrToIn(std::move(e->rhs), count);
    e = FieldExpr::MakeBinary(e->op, std::move(lhs), std::move(rhs));
  }
  e = ToArrayOp(std::move(e), Op::kOr, Op::kEqual, Op::kIn, false, count);
  e = ToArrayOp(std::move(e), Op::kAnd, Op::kNotEqual, Op::kNotIn, false, count);
  e = ToArrayOp(std::move(e), Op::kOr, Op::kRegex, Op::kRegexMatchAny, true, count);
  e = ToArrayOp(std::move(e), Op::kAnd, Op::kNotRegex, Op::kRegexMatchNone, true, count);
  return e;
}

int RewriteOrToIn(Pipeline* p) {
  int count = 0;
  for (Stage& s : p->stages) {
    switch (s.kind) {
      case Stage::Kind::kSpanset:
        RewriteSpanset(s.spanset.get(), &count);
        break;
      case Stage::Kind::kScalarFilter:
        RewriteScalar(s.lhs.get(), &count);
        RewriteScalar(s.rhs.get(), &count);
        break;
      case Stage::Kind::kGroupBy:
        s.group_by = RewriteOrToIn(std::move(s.group_by), &count);
        break;
      default:
        break;
    }
  }
  return count;
}

}  // namespace vivace::traceql
