#include "traceql/validate.h"

#include <fmt/format.h>

#include "traceql/go_compat.h"
#include "traceql/printer.h"
#include "traceql/static_ops.h"

namespace vivace::traceql {
namespace {

constexpr size_t kMaxGroupBys = 5;
constexpr int64_t kMaxCompareTopN = 1000;

Status Invalid(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

Status Unsupported(std::string_view feature) {
  return Status::Unimplemented(fmt::format("{} not yet supported", feature));
}

Status ValidateAttribute(const Attribute& a) {
  if (a.parent) {
    return Unsupported("parent");
  }
  if (a.intrinsic == Intrinsic::kParent) {
    return Unsupported(fmt::format("intrinsic ({})", IntrinsicName(a.intrinsic)));
  }
  return Status::Ok();
}

Status ValidateBinary(const FieldExpr& e) {
  VV_RETURN_IF_ERROR(ValidateFieldExpr(*e.lhs));
  VV_RETURN_IF_ERROR(ValidateFieldExpr(*e.rhs));
  StaticType lt = e.lhs->ImpliedType();
  StaticType rt = e.rhs->ImpliedType();
  if (!IsMatchingOperand(lt, rt)) {
    return Invalid("binary operations must operate on the same type: " + ToString(e));
  }
  if (!BinaryTypeValid(e.op, lt) || !BinaryTypeValid(e.op, rt)) {
    return Invalid("illegal operation for the given types: " + ToString(e));
  }
  if (e.op == Op::kRegex || e.op == Op::kNotRegex) {
    if (e.rhs->kind != FieldExpr::Kind::kStatic) {
      return Invalid(fmt::format("invalid type for =~ or !~: {}", ToString(*e.rhs)));
    }
    const Static& v = e.rhs->value;
    if (rt == StaticType::kString) {
      if (!RegexCompiles(v.string_value())) {
        return Invalid("invalid regex: " + ToString(*e.rhs));
      }
    } else if (rt == StaticType::kStringArray) {
      for (const std::string& s : v.string_array()) {
        if (!RegexCompiles(s)) {
          return Invalid("invalid regex: " + ToString(*e.rhs));
        }
      }
    } else {
      return Invalid(fmt::format("invalid type for =~ or !~: {}", ToString(*e.rhs)));
    }
  }
  return Status::Ok();
}

Status ValidateUnary(const FieldExpr& e) {
  VV_RETURN_IF_ERROR(ValidateFieldExpr(*e.lhs));
  if (e.op == Op::kNotExists && e.lhs->kind == FieldExpr::Kind::kAttribute) {
    const Attribute& a = e.lhs->attribute;
    if (a.is_intrinsic()) {
      return Invalid(ToString(a) + "=nil is not valid because intrinsics cannot be nil");
    }
    if (a == Attribute::Scoped(AttributeScope::kResource, false, "service.name")) {
      return Invalid(ToString(a) + "=nil is not valid because resource.service.name cannot be nil");
    }
  }
  StaticType t = e.lhs->ImpliedType();
  if (t == StaticType::kAttribute) {
    return Status::Ok();
  }
  if (!UnaryTypeValid(e.op, t)) {
    return Invalid("illegal operation for the given type: " + ToString(e));
  }
  return Status::Ok();
}

Status ValidateAggregate(const Aggregate& a) {
  if (a.arg == nullptr) {
    return Status::Ok();
  }
  VV_RETURN_IF_ERROR(ValidateFieldExpr(*a.arg));
  StaticType t = a.arg->ImpliedType();
  if (t != StaticType::kAttribute && !IsNumeric(t)) {
    return Invalid("aggregate field expressions must resolve to a number type: " + ToString(a));
  }
  if (!a.arg->ReferencesSpan()) {
    return Invalid("aggregate field expressions must reference the span: " + ToString(a));
  }
  return Status::Ok();
}

Status ValidatePipeline(const Pipeline& p);

Status ValidateScalar(const ScalarExpr& e) {
  switch (e.kind) {
    case ScalarExpr::Kind::kAggregate:
      return ValidateAggregate(e.aggregate);
    case ScalarExpr::Kind::kStatic:
      return Status::Ok();
    case ScalarExpr::Kind::kPipeline:
      return ValidatePipeline(*e.pipeline);
    case ScalarExpr::Kind::kBinary: {
      VV_RETURN_IF_ERROR(ValidateScalar(*e.lhs));
      VV_RETURN_IF_ERROR(ValidateScalar(*e.rhs));
      StaticType lt = e.lhs->ImpliedType();
      StaticType rt = e.rhs->ImpliedType();
      if (!IsMatchingOperand(lt, rt)) {
        return Invalid("binary operations must operate on the same type: " + ToString(e));
      }
      if (!BinaryTypeValid(e.op, lt) || !BinaryTypeValid(e.op, rt)) {
        return Invalid("illegal operation for the given types: " + ToString(e));
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status ValidateSpanset(const SpansetExpr& e) {
  switch (e.kind) {
    case SpansetExpr::Kind::kFilter: {
      VV_RETURN_IF_ERROR(ValidateFieldExpr(*e.filter));
      StaticType t = e.filter->ImpliedType();
      if (t != StaticType::kAttribute && t != StaticType::kBool) {
        return Invalid("span filter field expressions must resolve to a boolean: " + ToString(e));
      }
      return Status::Ok();
    }
    case SpansetExpr::Kind::kOperation:
      VV_RETURN_IF_ERROR(ValidateSpanset(*e.lhs));
      return ValidateSpanset(*e.rhs);
    case SpansetExpr::Kind::kPipeline:
      return ValidatePipeline(*e.pipeline);
  }
  return Status::Ok();
}

Status ValidateStage(const Stage& s) {
  switch (s.kind) {
    case Stage::Kind::kSpanset:
      return ValidateSpanset(*s.spanset);
    case Stage::Kind::kScalarFilter: {
      VV_RETURN_IF_ERROR(ValidateScalar(*s.lhs));
      VV_RETURN_IF_ERROR(ValidateScalar(*s.rhs));
      StaticType lt = s.lhs->ImpliedType();
      StaticType rt = s.rhs->ImpliedType();
      if (!IsMatchingOperand(lt, rt)) {
        return Invalid("binary operations must operate on the same type: " + ToString(s));
      }
      if (!BinaryTypeValid(s.op, lt) || !BinaryTypeValid(s.op, rt)) {
        return Invalid("illegal operation for the given types: " + ToString(s));
      }
      // Tempo's message keeps the unformatted "%v".
      if (s.lhs->kind != ScalarExpr::Kind::kAggregate) {
        return Unsupported("scalar filter lhs of type (%v)");
      }
      if (s.rhs->kind != ScalarExpr::Kind::kStatic) {
        return Unsupported("scalar filter rhs of type (%v)");
      }
      return Status::Ok();
    }
    case Stage::Kind::kGroupBy:
      if (!s.group_by->ReferencesSpan()) {
        return Invalid("grouping field expressions must reference the span: " + ToString(s));
      }
      return ValidateFieldExpr(*s.group_by);
    case Stage::Kind::kCoalesce:
      return Status::Ok();
    case Stage::Kind::kSelect:
      for (const Attribute& a : s.select) {
        VV_RETURN_IF_ERROR(ValidateAttribute(a));
      }
      return Status::Ok();
    case Stage::Kind::kAggregate:
      return ValidateAggregate(s.aggregate);
  }
  return Status::Ok();
}

Status ValidatePipeline(const Pipeline& p) {
  for (const Stage& s : p.stages) {
    VV_RETURN_IF_ERROR(ValidateStage(s));
  }
  return Status::Ok();
}

Status ValidateFirstStage(const MetricsFirstStage& m) {
  switch (m.op) {
    case MetricsOp::kCompare: {
      SpansetExpr filter;
      filter.kind = SpansetExpr::Kind::kFilter;
      filter.filter = m.compare_filter->Clone();
      VV_RETURN_IF_ERROR(ValidateSpanset(filter));
      if (m.compare_top_n <= 0 || m.compare_top_n > kMaxCompareTopN) {
        return Invalid(fmt::format(
            "compare() top number of values must be an integer between 1 and {}", kMaxCompareTopN));
      }
      if (m.compare_start == 0 && m.compare_end == 0) {
        return Status::Ok();
      }
      if (m.compare_start <= 0 || m.compare_end <= 0) {
        return Invalid("compare() timestamps must be positive integer unix nanoseconds");
      }
      if (m.compare_end <= m.compare_start) {
        return Invalid("compare() end timestamp must be greater than start timestamp");
      }
      return Status::Ok();
    }
    case MetricsOp::kAvgOverTime:
    case MetricsOp::kHistogramOverTime:
    case MetricsOp::kQuantileOverTime:
      // One group-by slot is reserved (for the average's count or the bucket label).
      if (m.by.size() >= kMaxGroupBys) {
        return Unsupported(fmt::format("metrics group by {} values", m.by.size()));
      }
      for (double q : m.quantiles) {
        if (q < 0 || q > 1) {
          return Invalid("quantile must be between 0 and 1: " + FormatGoFloat(q));
        }
      }
      break;
    default:
      break;
  }
  if (m.by.size() > kMaxGroupBys) {
    return Unsupported(fmt::format("metrics group by {} values", m.by.size()));
  }
  return Status::Ok();
}

Status ValidateMath(const MathExpr& m) {
  if (m.op != Op::kNone) {
    if (!IsArithmeticOp(m.op)) {
      return Invalid(fmt::format("unsupported math operation between queries: {}", OpText(m.op)));
    }
    VV_RETURN_IF_ERROR(ValidateMath(*m.lhs));
    VV_RETURN_IF_ERROR(ValidateMath(*m.rhs));
  }
  for (const SecondStage& s : m.stages) {
    if ((s.kind == SecondStage::Kind::kTopK || s.kind == SecondStage::Kind::kBottomK)
        && s.limit <= 0) {
      return Invalid("limit must be greater than 0");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateFieldExpr(const FieldExpr& e) {
  switch (e.kind) {
    case FieldExpr::Kind::kStatic:
      return Status::Ok();
    case FieldExpr::Kind::kAttribute:
      return ValidateAttribute(e.attribute);
    case FieldExpr::Kind::kBinary:
      return ValidateBinary(e);
    case FieldExpr::Kind::kUnary:
      return ValidateUnary(e);
  }
  return Status::Ok();
}

Status Validate(const Query& q) {
  for (const SubQuery& sq : q.subqueries) {
    VV_RETURN_IF_ERROR(ValidatePipeline(sq.pipeline));
  }
  bool has_compare = false;
  for (const SubQuery& sq : q.subqueries) {
    if (sq.metrics) {
      VV_RETURN_IF_ERROR(ValidateFirstStage(*sq.metrics));
      has_compare = has_compare || sq.metrics->op == MetricsOp::kCompare;
    }
  }
  VV_RETURN_IF_ERROR(ValidateMath(q.expr));
  if (has_compare && (!q.expr.stages.empty() || q.expr.op != Op::kNone)) {
    return Invalid("`compare()` cannot be used with second stage functions");
  }
  return Status::Ok();
}

}  // namespace vivace::traceql
