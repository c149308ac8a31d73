#include "traceql/parser.h"

#include <map>

#include <fmt/format.h>

#include "traceql/internal/parser_impl.h"
#include "traceql/printer.h"
#include "traceql/rewrite.h"
#include "traceql/static_ops.h"
#include "traceql/validate.h"

namespace vivace::traceql {
namespace internal {
namespace {

// Query-level binding strengths (expr.y: PIPE < AND OR < comparisons and spanset relations <
// ADD SUB < MUL DIV MOD < POW).
constexpr int kPrecPipe = 1;
constexpr int kPrecLogic = 2;
constexpr int kPrecRelation = 3;
constexpr int kPrecAdd = 4;
constexpr int kPrecMul = 6;
constexpr int kPrecPow = 7;

int QueryPrec(Tok t) {
  switch (t) {
    case Tok::kPipe:
      return kPrecPipe;
    case Tok::kAnd:
    case Tok::kOr:
      return kPrecLogic;
    case Tok::kEq:
    case Tok::kNeq:
    case Tok::kLt:
    case Tok::kLte:
    case Tok::kGt:
    case Tok::kGte:
    case Tok::kRe:
    case Tok::kNre:
    case Tok::kDesc:
    case Tok::kAnce:
    case Tok::kSibl:
    case Tok::kNotChild:
    case Tok::kNotParent:
    case Tok::kNotDesc:
    case Tok::kNotAnce:
    case Tok::kUnionChild:
    case Tok::kUnionParent:
    case Tok::kUnionDesc:
    case Tok::kUnionAnce:
    case Tok::kUnionSibl:
      return kPrecRelation;
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

// Spanset operators (between spanset expressions or between wrapped pipelines).
Op SpansetOpOf(Tok t) {
  switch (t) {
    case Tok::kAnd:
      return Op::kSpansetAnd;
    case Tok::kOr:
      return Op::kSpansetUnion;
    case Tok::kGt:
      return Op::kSpansetChild;
    case Tok::kLt:
      return Op::kSpansetParent;
    case Tok::kDesc:
      return Op::kSpansetDescendant;
    case Tok::kAnce:
      return Op::kSpansetAncestor;
    case Tok::kSibl:
      return Op::kSpansetSibling;
    case Tok::kNotChild:
      return Op::kSpansetNotChild;
    case Tok::kNotParent:
      return Op::kSpansetNotParent;
    case Tok::kNotDesc:
      return Op::kSpansetNotDescendant;
    case Tok::kNotAnce:
      return Op::kSpansetNotAncestor;
    case Tok::kNre:
      return Op::kSpansetNotSibling;
    case Tok::kUnionChild:
      return Op::kSpansetUnionChild;
    case Tok::kUnionParent:
      return Op::kSpansetUnionParent;
    case Tok::kUnionDesc:
      return Op::kSpansetUnionDescendant;
    case Tok::kUnionAnce:
      return Op::kSpansetUnionAncestor;
    case Tok::kUnionSibl:
      return Op::kSpansetUnionSibling;
    default:
      return Op::kNone;
  }
}

Op CompareOpOf(Tok t) {
  switch (t) {
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
    default:
      return Op::kNone;
  }
}

Op ArithOpOf(Tok t) {
  switch (t) {
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

bool IsScalarish(Cat c) { return c == Cat::kAgg || c == Cat::kSX || c == Cat::kSC; }

bool HasAggregate(Cat c) { return c == Cat::kAgg || c == Cat::kSX; }

std::unique_ptr<ScalarExpr> ToScalar(QNode&& n) {
  auto e = std::make_unique<ScalarExpr>();
  switch (n.cat) {
    case Cat::kAgg:
      e->kind = ScalarExpr::Kind::kAggregate;
      e->aggregate = std::move(n.agg);
      return e;
    case Cat::kSC:
      e->kind = ScalarExpr::Kind::kStatic;
      e->value = std::move(n.value);
      return e;
    default:
      return std::move(n.scalar);
  }
}

// A node that is a valid pipeline stage, as a Stage.
Stage ToStage(QNode&& n) {
  if (n.cat == Cat::kSE) {
    Stage s;
    s.kind = Stage::Kind::kSpanset;
    s.spanset = std::move(n.spanset);
    return s;
  }
  return std::move(n.stage);
}

std::unique_ptr<SpansetExpr> WrapPipeline(Pipeline p) {
  auto e = std::make_unique<SpansetExpr>();
  e->kind = SpansetExpr::Kind::kPipeline;
  e->pipeline = std::make_unique<Pipeline>(std::move(p));
  return e;
}

void ShiftLeaves(MathExpr* m, size_t offset) {
  if (m->op == Op::kNone) {
    m->subquery += offset;
    return;
  }
  ShiftLeaves(m->lhs.get(), offset);
  ShiftLeaves(m->rhs.get(), offset);
}

void RemapLeaves(MathExpr* m, const std::vector<size_t>& map) {
  if (m->op == Op::kNone) {
    m->subquery = map[m->subquery];
    return;
  }
  RemapLeaves(m->lhs.get(), map);
  RemapLeaves(m->rhs.get(), map);
}

// Tempo's metrics filter threshold: durations compare in seconds.
double FilterValue(const Static& v) {
  double d = v.AsFloat();
  if (v.type() == StaticType::kDuration) {
    d /= 1e9;
  }
  return d;
}

}  // namespace

Parser::Parser(std::string_view query, const ParseOptions& options)
    : query_(query), options_(options), tokens_(Tokenize(query)) {
  // A fatal lexer error ends the input there, as Tempo's lexer returns end-of-input.
  for (Token& t : tokens_) {
    if (t.fatal) {
      t.kind = Tok::kEof;
    }
  }
}

const Token& Parser::Peek() { return PeekAt(0); }

const Token& Parser::PeekAt(size_t ahead) {
  size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
  // Lexer errors surface when the parser first reaches the token, as in Tempo's lexer.
  while (seen_ <= i) {
    const Token& t = tokens_[seen_];
    if (!t.error.empty()) {
      RecordError(t.error, t.error_line, t.error_col);
    }
    ++seen_;
  }
  return tokens_[i];
}

const Token& Parser::Take() {
  const Token& t = Peek();
  if (pos_ + 1 < tokens_.size()) {
    ++pos_;
  }
  return t;
}

bool Parser::Accept(Tok t) {
  if (Peek().kind == t && !failed_) {
    Take();
    return true;
  }
  return false;
}

bool Parser::Expect(Tok t, std::string_view expecting) {
  if (failed_) {
    return false;
  }
  if (Peek().kind == t) {
    Take();
    return true;
  }
  SyntaxError(Peek(), expecting);
  return false;
}

void Parser::SyntaxError(const Token& at) { SyntaxError(at, ""); }

void Parser::SyntaxError(const Token& at, std::string_view expecting) {
  std::string name(at.kind == Tok::kAttribute ? at.scope_text : TokName(at.kind));
  std::string msg = "syntax error: unexpected " + name;
  if (!expecting.empty()) {
    msg += ", expecting " + std::string(expecting);
  }
  RecordError(std::move(msg), at.line, at.col);
}

void Parser::RecordError(std::string msg, uint32_t line, uint32_t col) {
  if (!reporting_) {
    return;
  }
  if (!failed_) {
    failed_ = true;
    if (line == 0 && col == 0) {
      error_ = "parse error : " + msg;
    } else {
      error_ = fmt::format("parse error at line {}, col {}: {}", line, col, msg);
    }
  }
}

bool Parser::EnterNested() {
  ++depth_;
  if (failed_) {
    return false;
  }
  if (depth_ > options_.max_depth) {
    DepthError();
    return false;
  }
  return true;
}

void Parser::DepthError() {
  const Token& t = Peek();
  RecordError(fmt::format("query is nested too deeply (limit {})", options_.max_depth), t.line,
              t.col);
}

// ---------------------------------------------------------------------------------------
// Query-level expressions.

bool Parser::ParseQueryExpr(int min_prec, bool allow_se, QNode* out) {
  if (!EnterNested()) {
    LeaveNested();
    return false;
  }
  bool ok = true;
  if (min_prec <= kPrecPipe) {
    // A pipe chain: stages are parsed above the pipe's precedence and collected in order.
    QNode first;
    ok = ParseQueryExpr(kPrecPipe + 1, allow_se, &first);
    if (ok && Peek().kind == Tok::kPipe) {
      out->cat = Cat::kPipe;
      out->start = first.start;
      out->pipe.push_back(std::move(first));
      while (ok && Accept(Tok::kPipe)) {
        QNode stage;
        coalesce_next_ = true;  // coalesce() may be any stage but the first
        ok = ParseQueryExpr(kPrecPipe + 1, true, &stage);
        out->pipe.push_back(std::move(stage));
      }
    } else if (ok) {
      *out = std::move(first);
    }
    LeaveNested();
    return ok && !failed_;
  }

  QNode lhs;
  ok = ParseQueryPrimary(allow_se, &lhs);
  size_t chain = 0;
  while (ok) {
    const Token& t = Peek();
    int prec = QueryPrec(t.kind);
    if (prec < 0 || prec < min_prec || t.kind == Tok::kPipe) {
      break;
    }
    // An operator that cannot follow here is left to the enclosing construct, as yacc reduces
    // what it has; the enclosing `)`, stage or end of query reports it.
    if (!OperatorCanFollow(lhs.cat, t.kind)
        || (scalars_ == Scalars::kLiteralsOnly && (t.kind == Tok::kMod || t.kind == Tok::kPow))) {
      break;
    }
    Tok op = t.kind;
    Token op_token = Take();
    // `( spansetExpression )` right of a spanset operator whose left side is a wrapped
    // pipeline can only be a wrapped pipeline (yacc has no spanset-expression item there).
    bool rhs_allow_se = !(lhs.cat == Cat::kSPE && SpansetOpOf(op) != Op::kNone);
    QNode rhs;
    ok = ParseOperand(op, lhs.cat, rhs_allow_se, &rhs);
    if (!ok) {
      break;
    }
    QNode combined;
    ok = Combine(op, op_token, std::move(lhs), std::move(rhs), &combined);
    lhs = std::move(combined);
    if (ok && ++chain + depth_ > options_.max_depth) {
      DepthError();
      ok = false;
    }
  }
  if (ok) {
    *out = std::move(lhs);
  }
  LeaveNested();
  return ok && !failed_;
}

bool Parser::ParseOperand(Tok op, Cat left, bool allow_se, QNode* out) {
  int prec = QueryPrec(op);
  // What literals on the right may grow into: a comparison after a metrics function takes a
  // literal only (expr.y's metricsFilter); metrics math takes metrics or literals.
  Scalars saved = scalars_;
  if (CompareOpOf(op) != Op::kNone
      && (left == Cat::kM1 || left == Cat::kTopK || left == Cat::kME || left == Cat::kMEF)) {
    scalars_ = Scalars::kLiteralsOnly;
  } else if (left == Cat::kME && ArithOpOf(op) != Op::kNone) {
    scalars_ = Scalars::kNoAggregates;
  } else if (left != Cat::kSC) {
    scalars_ = Scalars::kAny;
  }
  bool parsed = ParseQueryExpr(op == Tok::kPow ? prec : prec + 1, allow_se, out);
  scalars_ = saved;
  if (!parsed) {
    return false;
  }
  // `literal % x` and `literal ^ x` exist only with an aggregate on the right. While the right
  // side is still a literal, yacc cannot reduce and keeps shifting arithmetic of any
  // precedence into it: `2 % 3 + count()` is `2 % (3 + count())`.
  if (left == Cat::kSC && (op == Tok::kMod || op == Tok::kPow)) {
    while (out->cat == Cat::kSC && ArithOpOf(Peek().kind) != Op::kNone) {
      Tok op2 = Peek().kind;
      Token op2_token = Take();
      QNode rhs;
      if (!ParseOperand(op2, Cat::kSC, allow_se, &rhs)) {
        return false;
      }
      QNode combined;
      if (!Combine(op2, op2_token, std::move(*out), std::move(rhs), &combined)) {
        return false;
      }
      *out = std::move(combined);
    }
  }
  return true;
}

bool Parser::OperatorCanFollow(Cat left, Tok op) const {
  if (op == Tok::kRe) {
    return false;
  }
  bool spanset = left == Cat::kSE || left == Cat::kSPE;
  if (SpansetOpOf(op) != Op::kNone && spanset) {
    return true;
  }
  if (CompareOpOf(op) != Op::kNone) {
    switch (left) {
      case Cat::kAgg:
      case Cat::kSX:
      case Cat::kSC:
      case Cat::kSPX:
      case Cat::kM1:
      case Cat::kTopK:
      case Cat::kME:
      case Cat::kMEF:
        return true;
      default:
        return false;
    }
  }
  Op arith = ArithOpOf(op);
  if (arith != Op::kNone) {
    switch (left) {
      case Cat::kAgg:
      case Cat::kSX:
      case Cat::kSC:
      case Cat::kSPX:
        return true;
      case Cat::kME:
        return IsArithmeticOp(arith);
      default:
        return false;
    }
  }
  return false;
}

bool Parser::Combine(Tok op, const Token& op_token, QNode lhs, QNode rhs, QNode* out) {
  (void)op_token;
  const Token& rhs_start = tokens_[std::min(rhs.start, tokens_.size() - 1)];
  out->start = lhs.start;
  Op set_op = SpansetOpOf(op);
  if (set_op != Op::kNone && lhs.cat == rhs.cat && (lhs.cat == Cat::kSE || lhs.cat == Cat::kSPE)) {
    auto e = std::make_unique<SpansetExpr>();
    e->kind = SpansetExpr::Kind::kOperation;
    e->op = set_op;
    e->lhs = std::move(lhs.spanset);
    e->rhs = std::move(rhs.spanset);
    out->cat = lhs.cat;
    out->spanset = std::move(e);
    return true;
  }
  if (set_op != Op::kNone && (lhs.cat == Cat::kSE || lhs.cat == Cat::kSPE)) {
    // yacc wanted a spanset expression (or a wrapped pipeline) here.
    bool starts_ok = rhs_start.kind == Tok::kOpenParen
                     || (lhs.cat == Cat::kSE && rhs_start.kind == Tok::kOpenBrace);
    SyntaxError(rhs_start, starts_ok ? "" : (lhs.cat == Cat::kSE ? "{ or (" : "("));
    return false;
  }
  Op cmp = CompareOpOf(op);
  if (cmp != Op::kNone) {
    if (IsScalarish(lhs.cat) && IsScalarish(rhs.cat)
        && (HasAggregate(lhs.cat) || HasAggregate(rhs.cat))) {
      out->cat = Cat::kSF;
      out->stage.kind = Stage::Kind::kScalarFilter;
      out->stage.op = cmp;
      out->stage.lhs = ToScalar(std::move(lhs));
      out->stage.rhs = ToScalar(std::move(rhs));
      return true;
    }
    if (lhs.cat == Cat::kSPX && (rhs.cat == Cat::kSPX || rhs.cat == Cat::kSC)) {
      out->cat = Cat::kSPF;
      out->stage.kind = Stage::Kind::kScalarFilter;
      out->stage.op = cmp;
      out->stage.lhs = ToScalar(std::move(lhs));
      out->stage.rhs = ToScalar(std::move(rhs));
      return true;
    }
    if (rhs.cat == Cat::kSC) {
      SecondStage filter;
      filter.kind = SecondStage::Kind::kFilter;
      filter.op = cmp;
      filter.value = FilterValue(rhs.value);
      if (lhs.cat == Cat::kM1 || lhs.cat == Cat::kTopK) {
        *out = std::move(lhs);
        out->stages.push_back(filter);
        return true;
      }
      if (lhs.cat == Cat::kME || lhs.cat == Cat::kMEF) {
        *out = std::move(lhs);
        out->cat = Cat::kMEF;
        out->me.expr->stages.push_back(filter);
        return true;
      }
    }
    SyntaxError(rhs_start);
    return false;
  }
  Op arith = ArithOpOf(op);
  if (arith == Op::kNone) {
    SyntaxError(rhs_start);
    return false;
  }
  if (lhs.cat == Cat::kSC && rhs.cat == Cat::kSC) {
    if (!IsArithmeticOp(arith)) {
      // `literal % literal` has no rule: yacc fails at the token after it.
      SyntaxError(Peek());
      return false;
    }
    // Literal arithmetic is folded now; durations are refused (expr.y's foldConstArith).
    out->cat = Cat::kSC;
    // Tempo reports these where its parser reduced: at the next token when it had to look
    // ahead (something could still have been shifted), else at the last literal.
    bool lookahead = arith == Op::kAdd || arith == Op::kSub || scalars_ == Scalars::kAny;
    const Token& at = lookahead ? Peek() : tokens_[pos_ - 1];
    if (lhs.value.type() == StaticType::kDuration || rhs.value.type() == StaticType::kDuration) {
      RecordError("duration cannot be used in scalar arithmetic", at.line, at.col);
      return false;
    }
    Result<Static> v = EvalBinary(arith, lhs.value, rhs.value);
    if (!v.ok()) {
      RecordError(std::string(v.status().message()), at.line, at.col);
      return false;
    }
    out->value = std::move(v).value();
    return true;
  }
  if ((HasAggregate(lhs.cat) && IsScalarish(rhs.cat))
      || (lhs.cat == Cat::kSC && HasAggregate(rhs.cat))
      || (lhs.cat == Cat::kSPX && rhs.cat == Cat::kSPX)) {
    out->cat = lhs.cat == Cat::kSPX ? Cat::kSPX : Cat::kSX;
    out->scalar = std::make_unique<ScalarExpr>();
    out->scalar->kind = ScalarExpr::Kind::kBinary;
    out->scalar->op = arith;
    out->scalar->lhs = ToScalar(std::move(lhs));
    out->scalar->rhs = ToScalar(std::move(rhs));
    return true;
  }
  if (IsArithmeticOp(arith)) {
    if (lhs.cat == Cat::kME && rhs.cat == Cat::kME) {
      out->cat = Cat::kME;
      auto node = std::make_unique<MathExpr>();
      node->op = arith;
      ShiftLeaves(rhs.me.expr.get(), lhs.me.subs.size());
      node->lhs = std::move(lhs.me.expr);
      node->rhs = std::move(rhs.me.expr);
      out->me.subs = std::move(lhs.me.subs);
      for (SubQuery& s : rhs.me.subs) {
        out->me.subs.push_back(std::move(s));
      }
      out->me.expr = std::move(node);
      return true;
    }
    bool scalar_left = lhs.cat == Cat::kSC && rhs.cat == Cat::kME;
    if ((lhs.cat == Cat::kME && rhs.cat == Cat::kSC) || scalar_left) {
      const Static& v = scalar_left ? lhs.value : rhs.value;
      if (v.type() == StaticType::kDuration) {
        const Token& at = arith == Op::kAdd || arith == Op::kSub ? Peek() : tokens_[pos_ - 1];
        RecordError("duration cannot be used as a scalar operand in metric arithmetic", at.line,
                    at.col);
        return false;
      }
      SecondStage s;
      s.kind = SecondStage::Kind::kScalarOp;
      s.op = arith;
      s.value = v.AsFloat();
      s.scalar_on_left = scalar_left;
      *out = std::move(scalar_left ? rhs : lhs);
      out->start = scalar_left ? lhs.start : out->start;
      out->me.expr->stages.push_back(s);
      return true;
    }
  }
  SyntaxError(rhs_start);
  return false;
}

bool Parser::ParseQueryPrimary(bool allow_se, QNode* out) {
  bool coalesce_ok = coalesce_next_;
  coalesce_next_ = false;
  if (failed_) {
    return false;
  }
  out->start = pos_;
  const Token& t = Peek();
  switch (t.kind) {
    case Tok::kOpenBrace: {
      Take();
      std::unique_ptr<FieldExpr> body = ParseFilterBody();
      if (body == nullptr) {
        return false;
      }
      out->cat = Cat::kSE;
      out->spanset = std::make_unique<SpansetExpr>();
      out->spanset->kind = SpansetExpr::Kind::kFilter;
      out->spanset->filter = std::move(body);
      return true;
    }
    case Tok::kOpenParen:
      return ParseParen(allow_se, out);
    case Tok::kCount:
    case Tok::kAvg:
    case Tok::kMax:
    case Tok::kMin:
    case Tok::kSum:
      return ParseAggregateCall(out);
    case Tok::kBy: {
      Take();
      if (!Expect(Tok::kOpenParen, "(")) {
        return false;
      }
      std::unique_ptr<FieldExpr> e = ParseFieldExpr(0);
      if (e == nullptr || !Expect(Tok::kCloseParen)) {
        return false;
      }
      out->cat = Cat::kBy;
      out->stage.kind = Stage::Kind::kGroupBy;
      out->stage.group_by = std::move(e);
      return true;
    }
    case Tok::kCoalesce:
      if (!coalesce_ok) {
        SyntaxError(t);
        return false;
      }
      Take();
      if (!Expect(Tok::kOpenParen, "(") || !Expect(Tok::kCloseParen, ")")) {
        return false;
      }
      out->cat = Cat::kCoalesce;
      out->stage.kind = Stage::Kind::kCoalesce;
      return true;
    case Tok::kSelect:
      Take();
      if (!Expect(Tok::kOpenParen, "(") || !ParseAttributeList(&out->stage.select)
          || !Expect(Tok::kCloseParen, ") or ,")) {
        return false;
      }
      out->cat = Cat::kSelect;
      out->stage.kind = Stage::Kind::kSelect;
      return true;
    case Tok::kRate:
    case Tok::kCountOverTime:
    case Tok::kMinOverTime:
    case Tok::kMaxOverTime:
    case Tok::kAvgOverTime:
    case Tok::kSumOverTime:
    case Tok::kQuantileOverTime:
    case Tok::kHistogramOverTime:
    case Tok::kCompare:
      return ParseMetricsCall(out);
    case Tok::kTopK:
    case Tok::kBottomK: {
      SecondStage s;
      s.kind = Take().kind == Tok::kTopK ? SecondStage::Kind::kTopK : SecondStage::Kind::kBottomK;
      if (!Expect(Tok::kOpenParen, "(")) {
        return false;
      }
      if (Peek().kind != Tok::kInteger) {
        SyntaxError(Peek(), "INTEGER");
        return false;
      }
      s.limit = Take().int_value;
      if (!Expect(Tok::kCloseParen, ")")) {
        return false;
      }
      out->cat = Cat::kTopK;
      out->stages.push_back(s);
      return true;
    }
    case Tok::kInteger:
      out->cat = Cat::kSC;
      out->value = Static::Int(Take().int_value);
      return true;
    case Tok::kFloat:
      out->cat = Cat::kSC;
      out->value = Static::Float(Take().float_value);
      return true;
    case Tok::kDuration:
      out->cat = Cat::kSC;
      out->value = Static::Duration(Take().int_value);
      return true;
    case Tok::kSub: {
      // Unary minus exists only on literals here and binds tightest (expr.y's UMINUS).
      Take();
      if (!EnterNested()) {
        LeaveNested();
        return false;
      }
      QNode operand;
      bool ok = ParseQueryPrimary(allow_se, &operand);
      LeaveNested();
      if (!ok) {
        return false;
      }
      if (operand.cat != Cat::kSC) {
        SyntaxError(tokens_[operand.start]);
        return false;
      }
      Result<Static> v = EvalUnary(Op::kSub, operand.value);
      if (!v.ok()) {
        const Token& at = tokens_[pos_ - 1];
        RecordError(std::string(v.status().message()), at.line, at.col);
        return false;
      }
      out->cat = Cat::kSC;
      out->value = std::move(v).value();
      return true;
    }
    default:
      SyntaxError(t);
      return false;
  }
}

bool Parser::ParseParen(bool allow_se, QNode* out) {
  size_t start = pos_;
  Take();  // (
  QNode content;
  if (!ParseQueryExpr(0, true, &content)) {
    return false;
  }
  if (Peek().kind != Tok::kCloseParen) {
    // A pipeline so far can only be closed or continued (yacc's state `( pipeline .`).
    bool pipeline =
        content.cat == Cat::kSE || content.cat == Cat::kSF || content.cat == Cat::kBy
        || content.cat == Cat::kSelect
        || (content.cat == Cat::kPipe
            && (content.pipe.back().cat == Cat::kSE || content.pipe.back().cat == Cat::kSF
                || content.pipe.back().cat == Cat::kBy || content.pipe.back().cat == Cat::kSelect
                || content.pipe.back().cat == Cat::kCoalesce));
    SyntaxError(Peek(), pipeline ? ") or |" : "");
    return false;
  }
  Take();
  if (!ClassifyParen(allow_se, std::move(content), out)) {
    return false;
  }
  out->start = start;
  return true;
}

bool Parser::ParseAggregateCall(QNode* out) {
  Tok k = Take().kind;
  AggregateOp op = AggregateOp::kCount;
  switch (k) {
    case Tok::kAvg:
      op = AggregateOp::kAvg;
      break;
    case Tok::kMax:
      op = AggregateOp::kMax;
      break;
    case Tok::kMin:
      op = AggregateOp::kMin;
      break;
    case Tok::kSum:
      op = AggregateOp::kSum;
      break;
    default:
      break;
  }
  if (!Expect(Tok::kOpenParen, "(")) {
    return false;
  }
  out->cat = Cat::kAgg;
  out->agg.op = op;
  if (op != AggregateOp::kCount) {
    out->agg.arg = ParseFieldExpr(0);
    if (out->agg.arg == nullptr) {
      return false;
    }
  }
  return Expect(Tok::kCloseParen, op == AggregateOp::kCount ? ")" : "");
}

bool Parser::ParseMetricsCall(QNode* out) {
  auto m = std::make_unique<MetricsFirstStage>();
  Tok k = Take().kind;
  switch (k) {
    case Tok::kRate:
      m->op = MetricsOp::kRate;
      break;
    case Tok::kCountOverTime:
      m->op = MetricsOp::kCountOverTime;
      break;
    case Tok::kMinOverTime:
      m->op = MetricsOp::kMinOverTime;
      break;
    case Tok::kMaxOverTime:
      m->op = MetricsOp::kMaxOverTime;
      break;
    case Tok::kAvgOverTime:
      m->op = MetricsOp::kAvgOverTime;
      break;
    case Tok::kSumOverTime:
      m->op = MetricsOp::kSumOverTime;
      break;
    case Tok::kQuantileOverTime:
      m->op = MetricsOp::kQuantileOverTime;
      break;
    case Tok::kHistogramOverTime:
      m->op = MetricsOp::kHistogramOverTime;
      break;
    default:
      m->op = MetricsOp::kCompare;
      break;
  }
  if (!Expect(Tok::kOpenParen, "(")) {
    return false;
  }
  if (m->op == MetricsOp::kCompare) {
    if (!Expect(Tok::kOpenBrace, "{")) {
      return false;
    }
    m->compare_filter = ParseFilterBody();
    if (m->compare_filter == nullptr) {
      return false;
    }
    bool four = false;
    if (Accept(Tok::kComma)) {
      if (Peek().kind != Tok::kInteger) {
        SyntaxError(Peek(), "INTEGER");
        return false;
      }
      m->compare_top_n = Take().int_value;
      if (Accept(Tok::kComma)) {
        four = true;
        for (int64_t* v : {&m->compare_start, &m->compare_end}) {
          if (v == &m->compare_end && !Expect(Tok::kComma, ",")) {
            return false;
          }
          if (Peek().kind != Tok::kInteger) {
            SyntaxError(Peek(), "INTEGER");
            return false;
          }
          *v = Take().int_value;
        }
      }
    }
    if (!Expect(Tok::kCloseParen, four ? ")" : ") or ,")) {
      return false;
    }
  } else {
    if (m->op != MetricsOp::kRate && m->op != MetricsOp::kCountOverTime
        && !ParseAttribute(&m->attr)) {
      return false;
    }
    if (m->op == MetricsOp::kQuantileOverTime) {
      if (!Expect(Tok::kComma, ",")) {
        return false;
      }
      do {
        const Token& q = Peek();
        if (q.kind == Tok::kInteger) {
          m->quantiles.push_back(static_cast<double>(q.int_value));
        } else if (q.kind == Tok::kFloat) {
          m->quantiles.push_back(q.float_value);
        } else {
          SyntaxError(q, "INTEGER or FLOAT");
          return false;
        }
        Take();
      } while (Accept(Tok::kComma));
    }
    bool quantiles = m->op == MetricsOp::kQuantileOverTime;
    bool no_arg = m->op == MetricsOp::kRate || m->op == MetricsOp::kCountOverTime;
    if (!Expect(Tok::kCloseParen, quantiles ? ") or ," : (no_arg ? ")" : ")"))) {
      return false;
    }
    if (Accept(Tok::kBy)) {
      if (!Expect(Tok::kOpenParen, "(") || !ParseAttributeList(&m->by)
          || !Expect(Tok::kCloseParen, ") or ,")) {
        return false;
      }
    }
  }
  out->cat = Cat::kM1;
  out->m1 = std::move(m);
  return !failed_;
}

// ---------------------------------------------------------------------------------------
// Classification of parenthesised content and of the whole query.

bool Parser::StagesToPipeline(std::vector<QNode>& nodes, size_t from, size_t to, Pipeline* out) {
  for (size_t i = from; i < to; ++i) {
    QNode& n = nodes[i];
    bool ok = n.cat == Cat::kSE || n.cat == Cat::kSF || n.cat == Cat::kBy || n.cat == Cat::kSelect
              || (n.cat == Cat::kCoalesce && i > from);
    if (!ok) {
      // Scalars are a valid prefix of a scalar filter: Tempo notices at the next token.
      bool prefix_ok = IsScalarish(n.cat);
      size_t at = prefix_ok ? (i + 1 < nodes.size() ? nodes[i + 1].start - 1 : pos_) : n.start;
      SyntaxError(tokens_[std::min(at, tokens_.size() - 1)]);
      return false;
    }
    out->stages.push_back(ToStage(std::move(n)));
  }
  return true;
}

bool Parser::BuildMetricsLeaf(std::vector<QNode>& nodes, size_t m1_index, MetricsPart* out) {
  if (m1_index == 0) {
    SyntaxError(tokens_[nodes[0].start]);
    return false;
  }
  SubQuery sq;
  if (!StagesToPipeline(nodes, 0, m1_index, &sq.pipeline)) {
    return false;
  }
  auto leaf = std::make_unique<MathExpr>();
  leaf->stages = std::move(nodes[m1_index].stages);
  for (size_t i = m1_index + 1; i < nodes.size(); ++i) {
    if (nodes[i].cat != Cat::kTopK) {
      SyntaxError(tokens_[nodes[i].start], "topk or bottomk");
      return false;
    }
    for (const SecondStage& s : nodes[i].stages) {
      leaf->stages.push_back(s);
    }
  }
  sq.metrics = std::move(nodes[m1_index].m1);
  out->subs.push_back(std::move(sq));
  out->expr = std::move(leaf);
  return true;
}

bool Parser::ClassifyParen(bool allow_se, QNode content, QNode* out) {
  const Token& close = tokens_[pos_ - 1];
  switch (content.cat) {
    case Cat::kSE:
      if (allow_se) {
        *out = std::move(content);
        return true;
      }
      [[fallthrough]];
    case Cat::kSF:
    case Cat::kBy:
    case Cat::kSelect: {
      Pipeline p;
      p.stages.push_back(ToStage(std::move(content)));
      out->cat = Cat::kSPE;
      out->spanset = WrapPipeline(std::move(p));
      return true;
    }
    case Cat::kAgg:
      out->cat = Cat::kSX;
      out->scalar = ToScalar(std::move(content));
      return true;
    case Cat::kSPE:
    case Cat::kSX:
    case Cat::kSC:
    case Cat::kSPX:
    case Cat::kME:
      *out = std::move(content);
      return true;
    case Cat::kPipe: {
      std::vector<QNode>& nodes = content.pipe;
      size_t m1 = nodes.size();
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].cat == Cat::kM1) {
          m1 = i;
          break;
        }
      }
      if (m1 < nodes.size()) {
        out->cat = Cat::kME;
        return BuildMetricsLeaf(nodes, m1, &out->me);
      }
      if (nodes.back().cat == Cat::kAgg) {
        // `( pipeline | aggregate )`: a scalar pipeline.
        auto p = std::make_unique<Pipeline>();
        if (!StagesToPipeline(nodes, 0, nodes.size() - 1, p.get())) {
          return false;
        }
        Stage agg;
        agg.kind = Stage::Kind::kAggregate;
        agg.aggregate = std::move(nodes.back().agg);
        p->stages.push_back(std::move(agg));
        out->cat = Cat::kSPX;
        out->scalar = std::make_unique<ScalarExpr>();
        out->scalar->kind = ScalarExpr::Kind::kPipeline;
        out->scalar->pipeline = std::move(p);
        return true;
      }
      Pipeline p;
      if (!StagesToPipeline(nodes, 0, nodes.size(), &p)) {
        return false;
      }
      out->cat = Cat::kSPE;
      out->spanset = WrapPipeline(std::move(p));
      return true;
    }
    case Cat::kMEF:
    case Cat::kSPF:
      SyntaxError(close);
      return false;
    default:
      SyntaxError(tokens_[content.start]);
      return false;
  }
}

bool Parser::BuildQuery(QNode root, Query* out) {
  SubQuery sq;
  switch (root.cat) {
    case Cat::kSE:
    case Cat::kSF:
    case Cat::kBy:
    case Cat::kSelect:
    case Cat::kSPF:
      sq.pipeline.stages.push_back(ToStage(std::move(root)));
      break;
    case Cat::kSPE:
      if (root.spanset->kind == SpansetExpr::Kind::kPipeline) {
        sq.pipeline = std::move(*root.spanset->pipeline);
      } else {
        Stage s;
        s.kind = Stage::Kind::kSpanset;
        s.spanset = std::move(root.spanset);
        sq.pipeline.stages.push_back(std::move(s));
      }
      break;
    case Cat::kME:
    case Cat::kMEF:
      out->subqueries = std::move(root.me.subs);
      out->expr = std::move(*root.me.expr);
      return true;
    case Cat::kPipe: {
      std::vector<QNode>& nodes = root.pipe;
      if (nodes[0].cat == Cat::kME || nodes[0].cat == Cat::kMEF) {
        MetricsPart me = std::move(nodes[0].me);
        for (size_t i = 1; i < nodes.size(); ++i) {
          if (nodes[i].cat != Cat::kTopK) {
            SyntaxError(tokens_[nodes[i].start], "topk or bottomk");
            return false;
          }
          for (const SecondStage& s : nodes[i].stages) {
            me.expr->stages.push_back(s);
          }
        }
        out->subqueries = std::move(me.subs);
        out->expr = std::move(*me.expr);
        return true;
      }
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].cat == Cat::kM1) {
          MetricsPart me;
          if (!BuildMetricsLeaf(nodes, i, &me)) {
            return false;
          }
          out->subqueries = std::move(me.subs);
          out->expr = std::move(*me.expr);
          return true;
        }
      }
      if (!StagesToPipeline(nodes, 0, nodes.size(), &sq.pipeline)) {
        return false;
      }
      break;
    }
    default:
      SyntaxError(Peek());
      return false;
  }
  out->subqueries.push_back(std::move(sq));
  out->expr = MathExpr();
  return true;
}

void Parser::ApplyRewritesAndKeys(Query* q) {
  bool rewrite = options_.apply_rewrites;
  if (rewrite && options_.allow_unsafe_hints && q->has_hints) {
    for (const Hint& h : q->hints) {
      if (h.name == "skip_ast_transformations" && h.value.type() == StaticType::kString) {
        std::string_view list = h.value.string_value();
        while (!list.empty()) {
          size_t comma = list.find(',');
          std::string_view item = list.substr(0, comma);
          while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
          }
          while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
          }
          if (item == "all" || item == kTransformationOrToIn) {
            rewrite = false;
          }
          list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        }
      }
    }
  }
  if (rewrite) {
    for (SubQuery& s : q->subqueries) {
      RewriteOrToIn(&s.pipeline);
    }
  }
  // Identical sub-queries of metrics math share one evaluation (keyed by printed text).
  std::map<std::string, size_t> by_key;
  std::vector<SubQuery> unique;
  std::vector<size_t> remap(q->subqueries.size());
  for (size_t i = 0; i < q->subqueries.size(); ++i) {
    SubQuery& s = q->subqueries[i];
    s.key = SubQueryKey(s.pipeline, s.metrics.get());
    auto [it, inserted] = by_key.emplace(s.key, unique.size());
    if (inserted) {
      unique.push_back(std::move(s));
    }
    remap[i] = it->second;
  }
  q->subqueries = std::move(unique);
  RemapLeaves(&q->expr, remap);
}

Result<Query> Parser::Run() {
  QNode root;
  bool ok = ParseQueryExpr(0, true, &root);
  Query q;
  while (ok && Peek().kind == Tok::kWith) {
    q.has_hints = true;
    ok = ParseHints(&q.hints);
  }
  if (ok && Peek().kind != Tok::kEof) {
    // yacc reports "expecting with" when what came before is a complete query.
    const Token& extra = Peek();
    Query trial;
    reporting_ = false;
    bool complete = BuildQuery(std::move(root), &trial);
    reporting_ = true;
    SyntaxError(extra, complete ? "with" : "");
    ok = false;
  }
  if (ok && !failed_) {
    ok = BuildQuery(std::move(root), &q);
  }
  if (!ok || failed_) {
    if (error_.empty()) {
      error_ = "parse error : unknown parse error";
    }
    return Status::InvalidArgument(error_);
  }
  ApplyRewritesAndKeys(&q);
  return q;
}

}  // namespace internal

Result<Query> Parse(std::string_view query, const ParseOptions& options) {
  return internal::Parser(query, options).Run();
}

Result<Query> ParseAndValidate(std::string_view query, const ParseOptions& options) {
  VV_ASSIGN_OR_RETURN(Query q, Parse(query, options));
  VV_RETURN_IF_ERROR(Validate(q));
  return q;
}

}  // namespace vivace::traceql
