#pragma once

// The small closed vocabularies of TraceQL: value types, operators, attribute scopes, intrinsics
// and aggregate names. They are plain enums so that the engine can switch on them and push
// predicates down to block columns without looking at strings (docs/traceql.md).

#include <cstdint>
#include <string_view>

namespace vivace::traceql {

// Static (implied or run-time) type of a value. kAttribute means "known only at run time"
// (every attribute reference); kSpanset is the type of a spanset pipeline.
enum class StaticType : uint8_t {
  kNil,
  kSpanset,
  kAttribute,
  kInt,
  kFloat,
  kString,
  kBool,
  kIntArray,
  kFloatArray,
  kStringArray,
  kBoolArray,
  kDuration,
  kStatus,
  kKind,
};

bool IsNumeric(StaticType t);
bool IsArray(StaticType t);
// Whether two types may be combined by a binary operator (Tempo's isMatchingOperand).
bool IsMatchingOperand(StaticType a, StaticType b);
// Whether `a` is an array whose element matches `b`, or the other way round.
bool IsMatchingArrayElement(StaticType a, StaticType b);
std::string_view StaticTypeName(StaticType t);

// Span status values in Tempo's numbering (not OTLP's): error=0, ok=1, unset=2.
enum class SpanStatus : uint8_t { kError = 0, kOk = 1, kUnset = 2 };
// Span kinds in Tempo's numbering (client=2, server=3: not OTLP's).
enum class SpanKind : uint8_t {
  kUnspecified = 0,
  kInternal = 1,
  kClient = 2,
  kServer = 3,
  kProducer = 4,
  kConsumer = 5,
};
std::string_view SpanStatusName(SpanStatus s);
std::string_view SpanKindName(SpanKind k);

enum class Op : uint8_t {
  kNone,
  // Arithmetic.
  kAdd,
  kSub,
  kDiv,
  kMod,
  kMult,
  kPower,
  // Comparison and regex.
  kEqual,
  kNotEqual,
  kRegex,
  kNotRegex,
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  // Logic.
  kAnd,
  kOr,
  kNot,
  // Spanset operators (query level).
  kSpansetAnd,
  kSpansetUnion,
  kSpansetChild,
  kSpansetParent,
  kSpansetDescendant,
  kSpansetAncestor,
  kSpansetSibling,
  kSpansetNotChild,
  kSpansetNotParent,
  kSpansetNotDescendant,
  kSpansetNotAncestor,
  kSpansetNotSibling,
  kSpansetUnionChild,
  kSpansetUnionParent,
  kSpansetUnionDescendant,
  kSpansetUnionAncestor,
  kSpansetUnionSibling,
  // Internal only (not parseable): `x != nil`, `x = nil` and the array forms made by the
  // or_to_in rewrite.
  kExists,
  kNotExists,
  kIn,
  kNotIn,
  kRegexMatchAny,
  kRegexMatchNone,
};

// Source text of an operator (`>=`, `&&`, `!>>`, `IN` ...), as Tempo prints it.
std::string_view OpText(Op op);
bool IsBooleanOp(Op op);
bool IsArithmeticOp(Op op);  // + - * / (metrics math)
bool IsSpansetOp(Op op);
bool IsArrayOp(Op op);
// Whether a value of type `t` may be an operand of binary `op` (Tempo's binaryTypeValid).
bool BinaryTypeValid(Op op, StaticType t);
bool UnaryTypeValid(Op op, StaticType t);

enum class AttributeScope : uint8_t {
  kNone,  // `.x`: span attribute, else resource attribute
  kTrace,
  kResource,
  kSpan,
  kEvent,
  kLink,
  kInstrumentation,
};
std::string_view AttributeScopeName(AttributeScope s);

// Intrinsic fields. Every accepted spelling maps to one value (`span:duration` and `duration`
// are both kDuration). The last group is never parsed; the engine uses it to ask storage for
// columns.
enum class Intrinsic : uint8_t {
  kNone,
  kDuration,
  kName,
  kStatus,
  kStatusMessage,
  kKind,
  kChildCount,
  kTraceRootService,
  kTraceRootSpan,
  kTraceDuration,
  kNestedSetLeft,
  kNestedSetRight,
  kNestedSetParent,
  kEventName,
  kEventTimeSinceStart,
  kLinkSpanId,
  kLinkTraceId,
  kInstrumentationName,
  kInstrumentationVersion,
  kParent,
  kTraceId,
  kSpanId,
  kParentId,
  // Engine-only.
  kSpanStartTime,
  kTraceStartTime,
  kStructuralDescendant,
  kStructuralChild,
  kStructuralSibling,
};
// Canonical print name (`duration`, `rootServiceName`, `span:childCount`, `trace:id`).
std::string_view IntrinsicName(Intrinsic i);
// Static type of an intrinsic (kAttribute when unknown, as for instrumentation:name).
StaticType IntrinsicType(Intrinsic i);

enum class AggregateOp : uint8_t { kCount, kMax, kMin, kSum, kAvg };
std::string_view AggregateOpName(AggregateOp op);

enum class MetricsOp : uint8_t {
  kRate,
  kCountOverTime,
  kMinOverTime,
  kMaxOverTime,
  kAvgOverTime,
  kSumOverTime,
  kQuantileOverTime,
  kHistogramOverTime,
  kCompare,
};
std::string_view MetricsOpName(MetricsOp op);

}  // namespace vivace::traceql
