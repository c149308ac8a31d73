#include "traceql/enums.h"

namespace vivace::traceql {

bool IsNumeric(StaticType t) {
  return t == StaticType::kInt || t == StaticType::kFloat || t == StaticType::kDuration;
}

bool IsArray(StaticType t) {
  return t == StaticType::kIntArray || t == StaticType::kFloatArray || t == StaticType::kStringArray
         || t == StaticType::kBoolArray;
}

namespace {

// The element type of an array type, kNil for scalars.
StaticType ElementType(StaticType t) {
  switch (t) {
    case StaticType::kIntArray:
      return StaticType::kInt;
    case StaticType::kFloatArray:
      return StaticType::kFloat;
    case StaticType::kStringArray:
      return StaticType::kString;
    case StaticType::kBoolArray:
      return StaticType::kBool;
    default:
      return StaticType::kNil;
  }
}

}  // namespace

bool IsMatchingOperand(StaticType a, StaticType b) {
  if (a == StaticType::kAttribute || b == StaticType::kAttribute || a == b) {
    return true;
  }
  if (IsNumeric(a) && IsNumeric(b)) {
    return true;
  }
  if (a == StaticType::kNil || b == StaticType::kNil) {
    return true;
  }
  return IsMatchingArrayElement(a, b);
}

bool IsMatchingArrayElement(StaticType a, StaticType b) {
  if (IsArray(a)) {
    return IsMatchingOperand(ElementType(a), b);
  }
  if (IsArray(b)) {
    return IsMatchingOperand(ElementType(b), a);
  }
  return false;
}

std::string_view StaticTypeName(StaticType t) {
  switch (t) {
    case StaticType::kNil:
      return "TypeNil";
    case StaticType::kSpanset:
      return "TypeSpanset";
    case StaticType::kAttribute:
      return "TypeAttribute";
    case StaticType::kInt:
      return "TypeInt";
    case StaticType::kFloat:
      return "TypeFloat";
    case StaticType::kString:
      return "TypeString";
    case StaticType::kBool:
      return "TypeBoolean";
    case StaticType::kIntArray:
      return "TypeIntArray";
    case StaticType::kFloatArray:
      return "TypeFloatArray";
    case StaticType::kStringArray:
      return "TypeStringArray";
    case StaticType::kBoolArray:
      return "TypeBooleanArray";
    case StaticType::kDuration:
      return "TypeDuration";
    case StaticType::kStatus:
      return "TypeStatus";
    case StaticType::kKind:
      return "TypeKind";
  }
  return "TypeUnknown";
}

std::string_view SpanStatusName(SpanStatus s) {
  switch (s) {
    case SpanStatus::kError:
      return "error";
    case SpanStatus::kOk:
      return "ok";
    case SpanStatus::kUnset:
      return "unset";
  }
  return "status(?)";
}

std::string_view SpanKindName(SpanKind k) {
  switch (k) {
    case SpanKind::kUnspecified:
      return "unspecified";
    case SpanKind::kInternal:
      return "internal";
    case SpanKind::kClient:
      return "client";
    case SpanKind::kServer:
      return "server";
    case SpanKind::kProducer:
      return "producer";
    case SpanKind::kConsumer:
      return "consumer";
  }
  return "kind(?)";
}

std::string_view OpText(Op op) {
  switch (op) {
    case Op::kNone:
      return "";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kMult:
      return "*";
    case Op::kPower:
      return "^";
    case Op::kEqual:
      return "=";
    case Op::kNotEqual:
      return "!=";
    case Op::kRegex:
      return "=~";
    case Op::kNotRegex:
      return "!~";
    case Op::kGreater:
      return ">";
    case Op::kGreaterEqual:
      return ">=";
    case Op::kLess:
      return "<";
    case Op::kLessEqual:
      return "<=";
    case Op::kAnd:
    case Op::kSpansetAnd:
      return "&&";
    case Op::kOr:
    case Op::kSpansetUnion:
      return "||";
    case Op::kNot:
      return "!";
    case Op::kSpansetChild:
      return ">";
    case Op::kSpansetParent:
      return "<";
    case Op::kSpansetDescendant:
      return ">>";
    case Op::kSpansetAncestor:
      return "<<";
    case Op::kSpansetSibling:
      return "~";
    case Op::kSpansetNotChild:
      return "!>";
    case Op::kSpansetNotParent:
      return "!<";
    case Op::kSpansetNotDescendant:
      return "!>>";
    case Op::kSpansetNotAncestor:
      return "!<<";
    case Op::kSpansetNotSibling:
      return "!~";
    case Op::kSpansetUnionChild:
      return "&>";
    case Op::kSpansetUnionParent:
      return "&<";
    case Op::kSpansetUnionDescendant:
      return "&>>";
    case Op::kSpansetUnionAncestor:
      return "&<<";
    case Op::kSpansetUnionSibling:
      return "&~";
    case Op::kExists:
      return "!= nil";
    case Op::kNotExists:
      return "= nil";
    case Op::kIn:
      return "IN";
    case Op::kNotIn:
      return "NOT IN";
    case Op::kRegexMatchAny:
      return "MATCH ANY";
    case Op::kRegexMatchNone:
      return "MATCH NONE";
  }
  return "operator(?)";
}

bool IsBooleanOp(Op op) {
  switch (op) {
    case Op::kOr:
    case Op::kAnd:
    case Op::kEqual:
    case Op::kNotEqual:
    case Op::kRegex:
    case Op::kNotRegex:
    case Op::kGreater:
    case Op::kGreaterEqual:
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kNot:
    case Op::kExists:
    case Op::kNotExists:
    case Op::kIn:
    case Op::kNotIn:
    case Op::kRegexMatchAny:
    case Op::kRegexMatchNone:
      return true;
    default:
      return false;
  }
}

bool IsArithmeticOp(Op op) {
  return op == Op::kAdd || op == Op::kSub || op == Op::kMult || op == Op::kDiv;
}

bool IsSpansetOp(Op op) { return op >= Op::kSpansetAnd && op <= Op::kSpansetUnionSibling; }

bool IsArrayOp(Op op) {
  return op == Op::kIn || op == Op::kNotIn || op == Op::kRegexMatchAny || op == Op::kRegexMatchNone;
}

bool BinaryTypeValid(Op op, StaticType t) {
  switch (t) {
    case StaticType::kAttribute:
      return true;
    case StaticType::kBool:
    case StaticType::kBoolArray:
      return op == Op::kAnd || op == Op::kOr || op == Op::kEqual || op == Op::kNotEqual
             || op == Op::kIn || op == Op::kNotIn;
    case StaticType::kFloat:
    case StaticType::kFloatArray:
    case StaticType::kInt:
    case StaticType::kIntArray:
    case StaticType::kDuration:
      return op == Op::kAdd || op == Op::kSub || op == Op::kMult || op == Op::kDiv || op == Op::kMod
             || op == Op::kPower || op == Op::kEqual || op == Op::kNotEqual || op == Op::kGreater
             || op == Op::kGreaterEqual || op == Op::kLess || op == Op::kLessEqual || op == Op::kIn
             || op == Op::kNotIn;
    case StaticType::kString:
    case StaticType::kStringArray:
      return op == Op::kEqual || op == Op::kNotEqual || op == Op::kRegex || op == Op::kNotRegex
             || op == Op::kGreater || op == Op::kGreaterEqual || op == Op::kLess
             || op == Op::kLessEqual || op == Op::kIn || op == Op::kNotIn
             || op == Op::kRegexMatchAny || op == Op::kRegexMatchNone;
    case StaticType::kNil:
    case StaticType::kStatus:
    case StaticType::kKind:
      return op == Op::kEqual || op == Op::kNotEqual;
    case StaticType::kSpanset:
      return false;
  }
  return false;
}

bool UnaryTypeValid(Op op, StaticType t) {
  if (t == StaticType::kAttribute) {
    return true;
  }
  switch (op) {
    case Op::kSub:
      return IsNumeric(t);
    case Op::kNot:
      return t == StaticType::kBool;
    case Op::kExists:
    case Op::kNotExists:
      return true;
    default:
      return false;
  }
}

std::string_view AttributeScopeName(AttributeScope s) {
  switch (s) {
    case AttributeScope::kNone:
      return "none";
    case AttributeScope::kTrace:
      return "trace";
    case AttributeScope::kResource:
      return "resource";
    case AttributeScope::kSpan:
      return "span";
    case AttributeScope::kEvent:
      return "event";
    case AttributeScope::kLink:
      return "link";
    case AttributeScope::kInstrumentation:
      return "instrumentation";
  }
  return "scope(?)";
}

std::string_view IntrinsicName(Intrinsic i) {
  switch (i) {
    case Intrinsic::kNone:
      return "none";
    case Intrinsic::kDuration:
      return "duration";
    case Intrinsic::kName:
      return "name";
    case Intrinsic::kStatus:
      return "status";
    case Intrinsic::kStatusMessage:
      return "statusMessage";
    case Intrinsic::kKind:
      return "kind";
    case Intrinsic::kChildCount:
      return "span:childCount";
    case Intrinsic::kTraceRootService:
      return "rootServiceName";
    case Intrinsic::kTraceRootSpan:
      return "rootName";
    case Intrinsic::kTraceDuration:
      return "traceDuration";
    case Intrinsic::kNestedSetLeft:
      return "nestedSetLeft";
    case Intrinsic::kNestedSetRight:
      return "nestedSetRight";
    case Intrinsic::kNestedSetParent:
      return "nestedSetParent";
    case Intrinsic::kEventName:
      return "event:name";
    case Intrinsic::kEventTimeSinceStart:
      return "event:timeSinceStart";
    case Intrinsic::kLinkSpanId:
      return "link:spanID";
    case Intrinsic::kLinkTraceId:
      return "link:traceID";
    case Intrinsic::kInstrumentationName:
      return "instrumentation:name";
    case Intrinsic::kInstrumentationVersion:
      return "instrumentation:version";
    case Intrinsic::kParent:
      return "parent";
    case Intrinsic::kTraceId:
      return "trace:id";
    case Intrinsic::kSpanId:
      return "span:id";
    case Intrinsic::kParentId:
      return "span:parentID";
    case Intrinsic::kSpanStartTime:
      return "spanStartTime";
    case Intrinsic::kTraceStartTime:
      return "traceStartTime";
    case Intrinsic::kStructuralDescendant:
      return "structuralDescendant";
    case Intrinsic::kStructuralChild:
      return "structuralChild";
    case Intrinsic::kStructuralSibling:
      return "structuralSibling";
  }
  return "intrinsic(?)";
}

StaticType IntrinsicType(Intrinsic i) {
  switch (i) {
    case Intrinsic::kDuration:
    case Intrinsic::kEventTimeSinceStart:
    case Intrinsic::kTraceDuration:
      return StaticType::kDuration;
    case Intrinsic::kChildCount:
    case Intrinsic::kNestedSetLeft:
    case Intrinsic::kNestedSetRight:
    case Intrinsic::kNestedSetParent:
      return StaticType::kInt;
    case Intrinsic::kName:
    case Intrinsic::kStatusMessage:
    case Intrinsic::kEventName:
    case Intrinsic::kLinkTraceId:
    case Intrinsic::kLinkSpanId:
    case Intrinsic::kTraceRootService:
    case Intrinsic::kTraceRootSpan:
    case Intrinsic::kTraceId:
    case Intrinsic::kSpanId:
    case Intrinsic::kParentId:
      return StaticType::kString;
    case Intrinsic::kStatus:
      return StaticType::kStatus;
    case Intrinsic::kKind:
      return StaticType::kKind;
    case Intrinsic::kParent:
      return StaticType::kNil;
    default:
      // instrumentation:name/version are untyped in Tempo (quirk 9, replicated).
      return StaticType::kAttribute;
  }
}

std::string_view AggregateOpName(AggregateOp op) {
  switch (op) {
    case AggregateOp::kCount:
      return "count";
    case AggregateOp::kMax:
      return "max";
    case AggregateOp::kMin:
      return "min";
    case AggregateOp::kSum:
      return "sum";
    case AggregateOp::kAvg:
      return "avg";
  }
  return "aggregate(?)";
}

std::string_view MetricsOpName(MetricsOp op) {
  switch (op) {
    case MetricsOp::kRate:
      return "rate";
    case MetricsOp::kCountOverTime:
      return "count_over_time";
    case MetricsOp::kMinOverTime:
      return "min_over_time";
    case MetricsOp::kMaxOverTime:
      return "max_over_time";
    case MetricsOp::kAvgOverTime:
      return "avg_over_time";
    case MetricsOp::kSumOverTime:
      return "sum_over_time";
    case MetricsOp::kQuantileOverTime:
      return "quantile_over_time";
    case MetricsOp::kHistogramOverTime:
      return "histogram_over_time";
    case MetricsOp::kCompare:
      return "compare";
  }
  return "metrics(?)";
}

}  // namespace vivace::traceql
