#pragma once

// The parser's internals, shared by parser.cc (query level: pipelines, spanset and scalar
// operators, metrics) and parser_fields.cc (field expressions, literals, attributes, hints).
//
// How the grammar is matched: query-level text is parsed by precedence climbing into nodes
// that each carry the grammar category (nonterminal of Tempo's expr.y) they reduce to; each
// operator combines categories by the grammar's rules and anything else is a syntax error.
// Precedence climbing gives the same trees as yacc's precedence declarations. The one place
// where yacc's shift preference is visible is `( spansetExpression )`: it stays a spanset
// expression where one may appear, and only becomes a wrapped pipeline where it cannot (the
// right operand of a spanset operator whose left operand is a wrapped pipeline); `allow_se`
// carries that context.

#include <memory>
#include <string>
#include <vector>

#include "traceql/ast.h"
#include "traceql/lexer.h"
#include "traceql/parser.h"

namespace vivace::traceql::internal {

// Grammar category of a query-level node.
enum class Cat : uint8_t {
  kSE,        // spansetExpression: filters and spanset operators between them
  kSPE,       // spansetPipelineExpression: wrapped pipelines and operators between them
  kSF,        // scalarFilter: `count() > 2`
  kBy,        // groupOperation
  kSelect,    // selectOperation
  kCoalesce,  // coalesceOperation
  kAgg,       // aggregate: `count()`, `avg(duration)`
  kSX,        // scalarExpression: arithmetic containing an aggregate
  kSC,        // scalar: literal arithmetic, folded
  kSPX,       // scalarPipelineExpression: `({ } | count())` and arithmetic between those
  kSPF,       // scalarPipelineExpressionFilter (root only)
  kM1,        // metrics first stage, with any comparison filters that follow it
  kTopK,      // topk/bottomk, with any comparison filters that follow it
  kME,        // metricsExpression
  kMEF,       // metricsExpression with comparison filters (root only)
  kPipe,      // `a | b | c` before classification
};

// Sub-queries and math tree of a metrics expression.
struct MetricsPart {
  std::vector<SubQuery> subs;
  std::unique_ptr<MathExpr> expr;
};

struct QNode {
  Cat cat = Cat::kSE;
  size_t start = 0;                       // index of the first token
  std::unique_ptr<SpansetExpr> spanset;   // kSE, kSPE
  Stage stage;                            // kSF, kBy, kSelect, kCoalesce, kSPF
  Aggregate agg;                          // kAgg
  std::unique_ptr<ScalarExpr> scalar;     // kSX, kSPX
  Static value;                           // kSC
  std::unique_ptr<MetricsFirstStage> m1;  // kM1
  std::vector<SecondStage> stages;        // kM1, kTopK, kMEF
  MetricsPart me;                         // kME, kMEF
  std::vector<QNode> pipe;                // kPipe
};

// What a literal operand may be part of where it appears (decides error positions and which
// operators may extend it).
enum class Scalars : uint8_t {
  kAny,           // scalar filters: literals may combine with aggregates
  kNoAggregates,  // metrics math: literals or metrics expressions
  kLiteralsOnly,  // comparison after a metrics function: a literal expression
};

class Parser {
 public:
  Parser(std::string_view query, const ParseOptions& options);

  Result<Query> Run();

 private:
  // Tokens and errors.
  const Token& Peek();
  const Token& PeekAt(size_t ahead);
  const Token& Take();
  bool Accept(Tok t);
  bool Expect(Tok t, std::string_view expecting = "");
  void SyntaxError(const Token& at);
  void SyntaxError(const Token& at, std::string_view expecting);
  void RecordError(std::string msg, uint32_t line, uint32_t col);

  bool failed() const { return failed_; }

  // Every EnterNested() is paired with LeaveNested(), even when it fails.
  bool EnterNested();
  void DepthError();

  void LeaveNested() { --depth_; }

  // Field level (parser_fields.cc).
  std::unique_ptr<FieldExpr> ParseFieldExpr(int min_prec);
  std::unique_ptr<FieldExpr> ParseFieldPrimary();
  std::unique_ptr<FieldExpr> ParseFilterBody();  // after `{`, through `}`
  bool ParseAttribute(Attribute* out);           // intrinsic, attribute or scoped intrinsic
  bool ParseScopedIntrinsic(Attribute* out);
  bool ParseStatic(Static* out);  // hint values and field literals
  bool ParseAttributeList(std::vector<Attribute>* out);
  bool ParseHints(std::vector<Hint>* out);

  // Query level (parser.cc).
  bool ParseQueryExpr(int min_prec, bool allow_se, QNode* out);
  bool ParseQueryPrimary(bool allow_se, QNode* out);
  bool ParseOperand(Tok op, Cat left, bool allow_se, QNode* out);
  bool ParseParen(bool allow_se, QNode* out);
  bool ParseAggregateCall(QNode* out);
  bool ParseMetricsCall(QNode* out);
  bool Combine(Tok op_tok, const Token& op, QNode lhs, QNode rhs, QNode* out);
  bool OperatorCanFollow(Cat left, Tok op) const;
  bool ClassifyParen(bool allow_se, QNode content, QNode* out);
  bool BuildQuery(QNode root, Query* out);
  bool StagesToPipeline(std::vector<QNode>& nodes, size_t from, size_t to, Pipeline* out);
  bool BuildMetricsLeaf(std::vector<QNode>& nodes, size_t m1_index, MetricsPart* out);
  void ApplyRewritesAndKeys(Query* q);

  std::string_view query_;
  ParseOptions options_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  size_t seen_ = 0;  // tokens whose lexer errors have been recorded
  size_t depth_ = 0;
  bool failed_ = false;
  bool reporting_ = true;       // false while trying a classification without reporting
  bool coalesce_next_ = false;  // the next primary starts a pipeline stage after the first
  Scalars scalars_ = Scalars::kAny;
  std::string error_;  // the first error, formatted
};

}  // namespace vivace::traceql::internal
