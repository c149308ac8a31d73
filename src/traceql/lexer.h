#pragma once

// TraceQL lexer. Tempo tokenises with Go's text/scanner plus its own rules (maximal munch of
// operators, scope prefixes, attribute-name mode, duration look-ahead); this lexer reproduces
// that behaviour, including the error texts and the positions Tempo reports (1-based line and
// column in characters; Tempo reports line 0 after tokens it extended character by character,
// which we copy so messages match). See spec/traceql.md section 2.
//
// Tokenize() produces the whole token list up front; the lexer needs no feedback from the
// parser. A lexer error is attached to the token where Tempo would report it; `fatal` marks
// errors after which Tempo's lexer stops (the token then acts as the end of input).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "traceql/enums.h"

namespace vivace::traceql {

enum class Tok : uint8_t {
  kEof,
  kIdentifier,
  kString,
  kInteger,
  kFloat,
  kDuration,
  kAttribute,  // a scope token plus the attribute name (`.a`, `span."b c"`, `parent.span.x`)
  // Punctuation and operators.
  kComma,
  kOpenBrace,
  kCloseBrace,
  kOpenParen,
  kCloseParen,
  kEq,
  kNeq,
  kRe,
  kNre,
  kGt,
  kGte,
  kLt,
  kLte,
  kAdd,
  kSub,
  kDiv,
  kMod,
  kMul,
  kPow,
  kAnd,
  kOr,
  kNot,
  kPipe,
  kDesc,
  kAnce,
  kSibl,
  kNotChild,
  kNotParent,
  kNotDesc,
  kNotAnce,
  kUnionSibl,
  kUnionChild,
  kUnionParent,
  kUnionDesc,
  kUnionAnce,
  // Literal keywords.
  kTrue,
  kFalse,
  kNil,
  kStatusOk,
  kStatusError,
  kStatusUnset,
  kKindUnspecified,
  kKindInternal,
  kKindServer,
  kKindClient,
  kKindProducer,
  kKindConsumer,
  // Intrinsic keywords.
  kIDuration,
  kChildCount,
  kName,
  kStatus,
  kStatusMessage,
  kKind,
  kRootName,
  kRootServiceName,
  kRootService,
  kTraceDuration,
  kNestedSetLeft,
  kNestedSetRight,
  kNestedSetParent,
  kId,
  kTraceId,
  kSpanId,
  kParentId,
  kTimeSinceStart,
  kVersion,
  kParent,
  // Scoped intrinsic prefixes.
  kTraceColon,
  kSpanColon,
  kEventColon,
  kLinkColon,
  kInstrumentationColon,
  // Functions and clauses.
  kCount,
  kAvg,
  kMax,
  kMin,
  kSum,
  kBy,
  kCoalesce,
  kSelect,
  kRate,
  kCountOverTime,
  kMinOverTime,
  kMaxOverTime,
  kAvgOverTime,
  kSumOverTime,
  kQuantileOverTime,
  kHistogramOverTime,
  kCompare,
  kTopK,
  kBottomK,
  kWith,
};

struct Token {
  Tok kind = Tok::kEof;
  // Where Tempo reports an error whose lookahead is this token.
  uint32_t line = 0;
  uint32_t col = 0;
  uint32_t offset = 0;  // byte offset of the token start
  // kIdentifier: its text; kString: the decoded value; kAttribute: the name; kInteger, kFloat,
  // kDuration: the source text. Empty for operators and keywords.
  std::string text;
  int64_t int_value = 0;  // kInteger; kDuration in nanoseconds
  double float_value = 0;
  // kAttribute.
  AttributeScope scope = AttributeScope::kNone;
  bool parent = false;
  std::string scope_text;   // the scope token as written: ".", "span.", "parent."
  bool empty_name = false;  // the scope token is followed by no name (Tempo's END_ATTRIBUTE)
  // Tempo read past the scope token character by character: errors after it say line 0.
  bool name_line_zero = false;
  // A `.x` attribute after a `parent.` attribute whose name starts with span. or resource.:
  // Tempo's lexer splits off that scope, a syntax error (see lexer.cc).
  bool bad_inner_scope = false;
  std::string_view inner_scope_text;
  // A lexer error reported when the parser reaches this token.
  std::string error;
  uint32_t error_line = 0;
  uint32_t error_col = 0;
  bool fatal = false;
};

// Name of a token kind in syntax errors, as Tempo prints it (`{`, `count`, IDENTIFIER, $end).
std::string_view TokName(Tok t);

// The tokens of `query`, ending with kEof (or a fatal error). Tokens may point into `query`,
// which must outlive them.
std::vector<Token> Tokenize(std::string_view query);

}  // namespace vivace::traceql
