// Field-level parsing: expressions inside `{ }`, `by()` and aggregates, literals, attribute
// references and hints. See internal/parser_impl.h for the overall approach.

#include <fmt/format.h>

#include "traceql/internal/parser_impl.h"

namespace vivace::traceql::internal {
namespace {

// Binding strength of binary operators inside field expressions (expr.y's %left/%right order).
constexpr int kPrecOr = 2;
constexpr int kPrecCompare = 3;
constexpr int kPrecAdd = 4;
constexpr int kPrecNot = 5;
constexpr int kPrecMul = 6;
constexpr int kPrecPow = 7;

int FieldPrec(Tok t) {
  switch (t) {
    case Tok::kOr:
    case Tok::kAnd:
      return kPrecOr;
    case Tok::kEq:
    case Tok::kNeq:
    case Tok::kLt:
    case Tok::kLte:
    case Tok::kGt:
    case Tok::kGte:
    case Tok::kRe:
    case Tok::kNre:
      return kPrecCompare;
    case Tok::kAdd:
    case Tok::kSub:
      return kPrecAdd;
    case Tok::kMul:
    case Tok::kDiv:
    case Tok::kMod:
      return kPrecMul;
    case Tok::kPow:
      return kPrecPow;
    default:
      return -1;
  }
}

Op FieldOp(Tok t) {
  switch (t) {
    case Tok::kOr:
      return Op::kOr;
    case Tok::kAnd:
      return Op::kAnd;
    case Tok::kEq:
      return Op::kEqual;
    case Tok::kNeq:
      return Op::kNotEqual;
    case Tok::kLt:
      return Op::kLess;
    case Tok::kLte:
      return Op::kLessEqual;
    case Tok::kGt:
      return Op::kGreater;
    case Tok::kGte:
      return Op::kGreaterEqual;
    case Tok::kRe:
      return Op::kRegex;
    case Tok::kNre:
      return Op::kNotRegex;
    case Tok::kAdd:
      return Op::kAdd;
    case Tok::kSub:
      return Op::kSub;
    case Tok::kMul:
      return Op::kMult;
    case Tok::kDiv:
      return Op::kDiv;
    case Tok::kMod:
      return Op::kMod;
    case Tok::kPow:
      return Op::kPower;
    default:
      return Op::kNone;
  }
}

Intrinsic UnscopedIntrinsic(Tok t) {
  switch (t) {
    case Tok::kIDuration:
      return Intrinsic::kDuration;
    case Tok::kName:
      return Intrinsic::kName;
    case Tok::kStatus:
      return Intrinsic::kStatus;
    case Tok::kStatusMessage:
      return Intrinsic::kStatusMessage;
    case Tok::kKind:
      return Intrinsic::kKind;
    case Tok::kParent:
      return Intrinsic::kParent;
    case Tok::kRootName:
      return Intrinsic::kTraceRootSpan;
    case Tok::kRootServiceName:
      return Intrinsic::kTraceRootService;
    case Tok::kTraceDuration:
      return Intrinsic::kTraceDuration;
    case Tok::kNestedSetLeft:
      return Intrinsic::kNestedSetLeft;
    case Tok::kNestedSetRight:
      return Intrinsic::kNestedSetRight;
    case Tok::kNestedSetParent:
      return Intrinsic::kNestedSetParent;
    default:
      return Intrinsic::kNone;
  }
}

// The `scope:name` pairs of expr.y's scopedIntrinsicField.
Intrinsic ScopedIntrinsic(Tok scope, Tok name) {
  switch (scope) {
    case Tok::kTraceColon:
      switch (name) {
        case Tok::kIDuration:
          return Intrinsic::kTraceDuration;
        case Tok::kRootName:
          return Intrinsic::kTraceRootSpan;
        case Tok::kRootService:
          return Intrinsic::kTraceRootService;
        case Tok::kId:
          return Intrinsic::kTraceId;
        default:
          return Intrinsic::kNone;
      }
    case Tok::kSpanColon:
      switch (name) {
        case Tok::kIDuration:
          return Intrinsic::kDuration;
        case Tok::kName:
          return Intrinsic::kName;
        case Tok::kKind:
          return Intrinsic::kKind;
        case Tok::kStatus:
          return Intrinsic::kStatus;
        case Tok::kStatusMessage:
          return Intrinsic::kStatusMessage;
        case Tok::kId:
          return Intrinsic::kSpanId;
        case Tok::kParentId:
          return Intrinsic::kParentId;
        case Tok::kChildCount:
          return Intrinsic::kChildCount;
        default:
          return Intrinsic::kNone;
      }
    case Tok::kEventColon:
      switch (name) {
        case Tok::kName:
          return Intrinsic::kEventName;
        case Tok::kTimeSinceStart:
          return Intrinsic::kEventTimeSinceStart;
        default:
          return Intrinsic::kNone;
      }
    case Tok::kLinkColon:
      switch (name) {
        case Tok::kTraceId:
          return Intrinsic::kLinkTraceId;
        case Tok::kSpanId:
          return Intrinsic::kLinkSpanId;
        default:
          return Intrinsic::kNone;
      }
    case Tok::kInstrumentationColon:
      switch (name) {
        case Tok::kName:
          return Intrinsic::kInstrumentationName;
        case Tok::kVersion:
          return Intrinsic::kInstrumentationVersion;
        default:
          return Intrinsic::kNone;
      }
    default:
      return Intrinsic::kNone;
  }
}

bool IsScopeColon(Tok t) {
  return t == Tok::kTraceColon || t == Tok::kSpanColon || t == Tok::kEventColon
         || t == Tok::kLinkColon || t == Tok::kInstrumentationColon;
}

}  // namespace

std::unique_ptr<FieldExpr> Parser::ParseFieldExpr(int min_prec) {
  if (!EnterNested()) {
    LeaveNested();
    return nullptr;
  }
  std::unique_ptr<FieldExpr> lhs = ParseFieldPrimary();
  size_t chain = 0;
  while (lhs != nullptr) {
    const Token& t = Peek();
    int prec = FieldPrec(t.kind);
    if (prec < 0 || prec < min_prec) {
      break;
    }
    if ((t.kind == Tok::kEq || t.kind == Tok::kNeq) && PeekAt(1).kind == Tok::kNil) {
      // `x = nil` / `x != nil`: nil binds tighter than anything (%nonassoc NIL).
      Op op = t.kind == Tok::kEq ? Op::kNotExists : Op::kExists;
      Take();
      Take();
      lhs = FieldExpr::MakeUnary(op, std::move(lhs));
    } else {
      Tok k = Take().kind;
      std::unique_ptr<FieldExpr> rhs = ParseFieldExpr(k == Tok::kPow ? prec : prec + 1);
      if (rhs == nullptr) {
        lhs = nullptr;
        break;
      }
      lhs = FieldExpr::MakeBinary(FieldOp(k), std::move(lhs), std::move(rhs));
    }
    // A long chain of operators makes a deep tree too.
    if (++chain + depth_ > options_.max_depth) {
      DepthError();
      lhs = nullptr;
    }
  }
  LeaveNested();
  return failed() ? nullptr : std::move(lhs);
}

std::unique_ptr<FieldExpr> Parser::ParseFieldPrimary() {
  const Token& t = Peek();
  switch (t.kind) {
    case Tok::kOpenParen: {
      Take();
      std::unique_ptr<FieldExpr> e = ParseFieldExpr(0);
      if (e == nullptr || !Expect(Tok::kCloseParen)) {
        return nullptr;
      }
      return e;
    }
    case Tok::kSub: {
      // Unary minus has the precedence of binary minus: `-.a * 2` is `-(.a * 2)`.
      Take();
      std::unique_ptr<FieldExpr> e = ParseFieldExpr(kPrecAdd + 1);
      return e == nullptr ? nullptr : FieldExpr::MakeUnary(Op::kSub, std::move(e));
    }
    case Tok::kNot: {
      Take();
      std::unique_ptr<FieldExpr> e = ParseFieldExpr(kPrecNot + 1);
      return e == nullptr ? nullptr : FieldExpr::MakeUnary(Op::kNot, std::move(e));
    }
    case Tok::kNil: {
      // `nil = x`, `nil != x` (x binds like the right side of a comparison); `nil = nil` is
      // the constant false.
      Take();
      const Token& cmp = Peek();
      if (cmp.kind != Tok::kEq && cmp.kind != Tok::kNeq) {
        SyntaxError(cmp, "= or !=");
        return nullptr;
      }
      Op op = Take().kind == Tok::kEq ? Op::kNotExists : Op::kExists;
      if (Accept(Tok::kNil)) {
        return FieldExpr::MakeStatic(Static::Bool(false));
      }
      std::unique_ptr<FieldExpr> e = ParseFieldExpr(kPrecCompare + 1);
      return e == nullptr ? nullptr : FieldExpr::MakeUnary(op, std::move(e));
    }
    default:
      break;
  }
  if (t.kind == Tok::kAttribute || UnscopedIntrinsic(t.kind) != Intrinsic::kNone
      || IsScopeColon(t.kind)) {
    Attribute a;
    if (!ParseAttribute(&a)) {
      return nullptr;
    }
    return FieldExpr::MakeAttribute(std::move(a));
  }
  Static v;
  if (!ParseStatic(&v)) {
    return nullptr;
  }
  return FieldExpr::MakeStatic(std::move(v));
}

std::unique_ptr<FieldExpr> Parser::ParseFilterBody() {
  if (Accept(Tok::kCloseBrace)) {
    return FieldExpr::MakeStatic(Static::Bool(true));
  }
  std::unique_ptr<FieldExpr> e = ParseFieldExpr(0);
  if (e == nullptr || !Expect(Tok::kCloseBrace)) {
    return nullptr;
  }
  return e;
}

bool Parser::ParseAttribute(Attribute* out) {
  const Token& t = Peek();
  if (t.kind == Tok::kAttribute) {
    if (t.bad_inner_scope) {
      RecordError(
          fmt::format("syntax error: unexpected {}, expecting IDENTIFIER", t.inner_scope_text), 0,
          t.col);
      return false;
    }
    if (t.empty_name) {
      RecordError("syntax error: unexpected END_ATTRIBUTE, expecting IDENTIFIER",
                  t.name_line_zero ? 0 : t.line, t.col);
      return false;
    }
    if (t.parent) {
      *out = Attribute::Scoped(t.scope, true, t.text);
    } else if (t.scope == AttributeScope::kNone) {
      *out = Attribute::Unscoped(t.text);
    } else {
      *out = Attribute::Scoped(t.scope, false, t.text);
    }
    Take();
    return true;
  }
  Intrinsic i = UnscopedIntrinsic(t.kind);
  if (i != Intrinsic::kNone) {
    Take();
    *out = Attribute::OfIntrinsic(i);
    return true;
  }
  if (IsScopeColon(t.kind)) {
    return ParseScopedIntrinsic(out);
  }
  SyntaxError(t);
  return false;
}

bool Parser::ParseScopedIntrinsic(Attribute* out) {
  Tok scope = Take().kind;
  const Token& name = Peek();
  Intrinsic i = ScopedIntrinsic(scope, name.kind);
  if (i == Intrinsic::kNone) {
    // yacc lists the choices when there are at most four.
    std::string_view expecting;
    switch (scope) {
      case Tok::kTraceColon:
        expecting = "duration or rootName or rootService or id";
        break;
      case Tok::kEventColon:
        expecting = "name or timeSinceStart";
        break;
      case Tok::kLinkColon:
        expecting = "traceID or spanID";
        break;
      case Tok::kInstrumentationColon:
        expecting = "name or version";
        break;
      default:
        break;
    }
    SyntaxError(name, expecting);
    return false;
  }
  Take();
  *out = Attribute::OfIntrinsic(i);
  return true;
}

bool Parser::ParseStatic(Static* out) {
  const Token& t = Peek();
  switch (t.kind) {
    case Tok::kString:
      *out = Static::String(t.text);
      break;
    case Tok::kInteger:
      *out = Static::Int(t.int_value);
      break;
    case Tok::kFloat:
      *out = Static::Float(t.float_value);
      break;
    case Tok::kDuration:
      *out = Static::Duration(t.int_value);
      break;
    case Tok::kTrue:
      *out = Static::Bool(true);
      break;
    case Tok::kFalse:
      *out = Static::Bool(false);
      break;
    case Tok::kStatusOk:
      *out = Static::Status(SpanStatus::kOk);
      break;
    case Tok::kStatusError:
      *out = Static::Status(SpanStatus::kError);
      break;
    case Tok::kStatusUnset:
      *out = Static::Status(SpanStatus::kUnset);
      break;
    case Tok::kKindUnspecified:
      *out = Static::Kind(SpanKind::kUnspecified);
      break;
    case Tok::kKindInternal:
      *out = Static::Kind(SpanKind::kInternal);
      break;
    case Tok::kKindServer:
      *out = Static::Kind(SpanKind::kServer);
      break;
    case Tok::kKindClient:
      *out = Static::Kind(SpanKind::kClient);
      break;
    case Tok::kKindProducer:
      *out = Static::Kind(SpanKind::kProducer);
      break;
    case Tok::kKindConsumer:
      *out = Static::Kind(SpanKind::kConsumer);
      break;
    case Tok::kIdentifier:
      if (t.text == "minInt") {
        *out = Static::Int(INT64_MIN);
      } else if (t.text == "maxInt") {
        *out = Static::Int(INT64_MAX);
      } else {
        RecordError("unknown identifier: " + t.text, t.line, t.col);
        return false;
      }
      break;
    default:
      SyntaxError(t);
      return false;
  }
  Take();
  return true;
}

bool Parser::ParseAttributeList(std::vector<Attribute>* out) {
  do {
    Attribute a;
    if (!ParseAttribute(&a)) {
      return false;
    }
    out->push_back(std::move(a));
  } while (Accept(Tok::kComma));
  return true;
}

bool Parser::ParseHints(std::vector<Hint>* out) {
  Take();  // with
  if (!Expect(Tok::kOpenParen, "(")) {
    return false;
  }
  out->clear();
  do {
    const Token& name = Peek();
    if (name.kind != Tok::kIdentifier) {
      SyntaxError(name, "IDENTIFIER");
      return false;
    }
    Hint h;
    h.name = Take().text;
    if (!Expect(Tok::kEq, "=") || !ParseStatic(&h.value)) {
      return false;
    }
    out->push_back(std::move(h));
  } while (Accept(Tok::kComma));
  return Expect(Tok::kCloseParen, ") or ,");
}

}  // namespace vivace::traceql::internal
