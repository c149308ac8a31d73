#include "traceql/lexer.h"

#include <optional>
#include <unordered_map>

#include "traceql/go_compat.h"
#include "traceql/unicode.h"

namespace vivace::traceql {
namespace {

constexpr uint32_t kEofRune = 0xFFFFFFFF;

// Scope tokens that switch the lexer to attribute-name mode. They exist only inside the lexer:
// the parser sees one kAttribute token per attribute.
enum class ScopeTok : uint8_t { kNone, kDot, kParent, kResource, kSpan, kEvent, kLink, kInstr };

struct Entry {
  std::string_view text;
  Tok tok;
  ScopeTok scope;
};

// Tempo's tokenMap.
constexpr Entry kTokens[] = {
    {",", Tok::kComma, ScopeTok::kNone},
    {".", Tok::kEof, ScopeTok::kDot},
    {"{", Tok::kOpenBrace, ScopeTok::kNone},
    {"}", Tok::kCloseBrace, ScopeTok::kNone},
    {"(", Tok::kOpenParen, ScopeTok::kNone},
    {")", Tok::kCloseParen, ScopeTok::kNone},
    {"=", Tok::kEq, ScopeTok::kNone},
    {"!=", Tok::kNeq, ScopeTok::kNone},
    {"=~", Tok::kRe, ScopeTok::kNone},
    {"!~", Tok::kNre, ScopeTok::kNone},
    {">", Tok::kGt, ScopeTok::kNone},
    {">=", Tok::kGte, ScopeTok::kNone},
    {"<", Tok::kLt, ScopeTok::kNone},
    {"<=", Tok::kLte, ScopeTok::kNone},
    {"+", Tok::kAdd, ScopeTok::kNone},
    {"-", Tok::kSub, ScopeTok::kNone},
    {"/", Tok::kDiv, ScopeTok::kNone},
    {"%", Tok::kMod, ScopeTok::kNone},
    {"*", Tok::kMul, ScopeTok::kNone},
    {"^", Tok::kPow, ScopeTok::kNone},
    {"true", Tok::kTrue, ScopeTok::kNone},
    {"false", Tok::kFalse, ScopeTok::kNone},
    {"nil", Tok::kNil, ScopeTok::kNone},
    {"ok", Tok::kStatusOk, ScopeTok::kNone},
    {"error", Tok::kStatusError, ScopeTok::kNone},
    {"unset", Tok::kStatusUnset, ScopeTok::kNone},
    {"unspecified", Tok::kKindUnspecified, ScopeTok::kNone},
    {"internal", Tok::kKindInternal, ScopeTok::kNone},
    {"server", Tok::kKindServer, ScopeTok::kNone},
    {"client", Tok::kKindClient, ScopeTok::kNone},
    {"producer", Tok::kKindProducer, ScopeTok::kNone},
    {"consumer", Tok::kKindConsumer, ScopeTok::kNone},
    {"&&", Tok::kAnd, ScopeTok::kNone},
    {"||", Tok::kOr, ScopeTok::kNone},
    {"!", Tok::kNot, ScopeTok::kNone},
    {"|", Tok::kPipe, ScopeTok::kNone},
    {">>", Tok::kDesc, ScopeTok::kNone},
    {"<<", Tok::kAnce, ScopeTok::kNone},
    {"~", Tok::kSibl, ScopeTok::kNone},
    {"!>", Tok::kNotChild, ScopeTok::kNone},
    {"!<", Tok::kNotParent, ScopeTok::kNone},
    {"!>>", Tok::kNotDesc, ScopeTok::kNone},
    {"!<<", Tok::kNotAnce, ScopeTok::kNone},
    {"&~", Tok::kUnionSibl, ScopeTok::kNone},
    {"&>", Tok::kUnionChild, ScopeTok::kNone},
    {"&<", Tok::kUnionParent, ScopeTok::kNone},
    {"&>>", Tok::kUnionDesc, ScopeTok::kNone},
    {"&<<", Tok::kUnionAnce, ScopeTok::kNone},
    {"duration", Tok::kIDuration, ScopeTok::kNone},
    {"childCount", Tok::kChildCount, ScopeTok::kNone},
    {"name", Tok::kName, ScopeTok::kNone},
    {"status", Tok::kStatus, ScopeTok::kNone},
    {"statusMessage", Tok::kStatusMessage, ScopeTok::kNone},
    {"kind", Tok::kKind, ScopeTok::kNone},
    {"rootName", Tok::kRootName, ScopeTok::kNone},
    {"rootServiceName", Tok::kRootServiceName, ScopeTok::kNone},
    {"rootService", Tok::kRootService, ScopeTok::kNone},
    {"traceDuration", Tok::kTraceDuration, ScopeTok::kNone},
    {"nestedSetLeft", Tok::kNestedSetLeft, ScopeTok::kNone},
    {"nestedSetRight", Tok::kNestedSetRight, ScopeTok::kNone},
    {"nestedSetParent", Tok::kNestedSetParent, ScopeTok::kNone},
    {"id", Tok::kId, ScopeTok::kNone},
    {"traceID", Tok::kTraceId, ScopeTok::kNone},
    {"spanID", Tok::kSpanId, ScopeTok::kNone},
    {"parentID", Tok::kParentId, ScopeTok::kNone},
    {"timeSinceStart", Tok::kTimeSinceStart, ScopeTok::kNone},
    {"version", Tok::kVersion, ScopeTok::kNone},
    {"parent", Tok::kParent, ScopeTok::kNone},
    {"parent.", Tok::kEof, ScopeTok::kParent},
    {"resource.", Tok::kEof, ScopeTok::kResource},
    {"span.", Tok::kEof, ScopeTok::kSpan},
    {"trace:", Tok::kTraceColon, ScopeTok::kNone},
    {"span:", Tok::kSpanColon, ScopeTok::kNone},
    {"event:", Tok::kEventColon, ScopeTok::kNone},
    {"link:", Tok::kLinkColon, ScopeTok::kNone},
    {"instrumentation:", Tok::kInstrumentationColon, ScopeTok::kNone},
    {"event.", Tok::kEof, ScopeTok::kEvent},
    {"link.", Tok::kEof, ScopeTok::kLink},
    {"instrumentation.", Tok::kEof, ScopeTok::kInstr},
    {"count", Tok::kCount, ScopeTok::kNone},
    {"avg", Tok::kAvg, ScopeTok::kNone},
    {"max", Tok::kMax, ScopeTok::kNone},
    {"min", Tok::kMin, ScopeTok::kNone},
    {"sum", Tok::kSum, ScopeTok::kNone},
    {"by", Tok::kBy, ScopeTok::kNone},
    {"coalesce", Tok::kCoalesce, ScopeTok::kNone},
    {"select", Tok::kSelect, ScopeTok::kNone},
    {"rate", Tok::kRate, ScopeTok::kNone},
    {"count_over_time", Tok::kCountOverTime, ScopeTok::kNone},
    {"min_over_time", Tok::kMinOverTime, ScopeTok::kNone},
    {"max_over_time", Tok::kMaxOverTime, ScopeTok::kNone},
    {"avg_over_time", Tok::kAvgOverTime, ScopeTok::kNone},
    {"sum_over_time", Tok::kSumOverTime, ScopeTok::kNone},
    {"quantile_over_time", Tok::kQuantileOverTime, ScopeTok::kNone},
    {"histogram_over_time", Tok::kHistogramOverTime, ScopeTok::kNone},
    {"compare", Tok::kCompare, ScopeTok::kNone},
    {"topk", Tok::kTopK, ScopeTok::kNone},
    {"bottomk", Tok::kBottomK, ScopeTok::kNone},
    {"with", Tok::kWith, ScopeTok::kNone},
};

const Entry* Lookup(std::string_view s) {
  static const std::unordered_map<std::string_view, const Entry*> kByText = [] {
    std::unordered_map<std::string_view, const Entry*> m;
    for (const Entry& e : kTokens) {
      m.emplace(e.text, &e);
    }
    return m;
  }();
  auto it = kByText.find(s);
  return it == kByText.end() ? nullptr : it->second;
}

bool IsDecimal(uint32_t c) { return c >= '0' && c <= '9'; }

uint32_t Lower(uint32_t c) { return c | ('a' - 'A'); }

bool IsHex(uint32_t c) { return IsDecimal(c) || (Lower(c) >= 'a' && Lower(c) <= 'f'); }

bool IsDurationRune(uint32_t c) {
  switch (c) {
    case 'n':
    case 's':
    case 'u':
    case 'm':
    case 'h':
    case 0xB5:  // µ
    case 'd':
    case 'w':
    case 'y':
      return true;
    default:
      return false;
  }
}

AttributeScope ScopeOf(ScopeTok s) {
  switch (s) {
    case ScopeTok::kResource:
      return AttributeScope::kResource;
    case ScopeTok::kSpan:
      return AttributeScope::kSpan;
    case ScopeTok::kEvent:
      return AttributeScope::kEvent;
    case ScopeTok::kLink:
      return AttributeScope::kLink;
    case ScopeTok::kInstr:
      return AttributeScope::kInstrumentation;
    default:
      return AttributeScope::kNone;
  }
}

// Go's invalidSep: index of the first misplaced '_' in a number literal, or -1.
int InvalidSep(std::string_view x) {
  char x1 = ' ';
  char d = '.';
  size_t i = 0;
  if (x.size() >= 2 && x[0] == '0') {
    x1 = static_cast<char>(Lower(static_cast<unsigned char>(x[1])));
    if (x1 == 'x' || x1 == 'o' || x1 == 'b') {
      d = '0';
      i = 2;
    }
  }
  for (; i < x.size(); ++i) {
    char p = d;
    d = x[i];
    if (d == '_') {
      if (p != '0') {
        return static_cast<int>(i);
      }
    } else if (IsDecimal(static_cast<unsigned char>(d))
               || (x1 == 'x' && IsHex(static_cast<unsigned char>(d)))) {
      d = '0';
    } else {
      if (p == '_') {
        return static_cast<int>(i) - 1;
      }
      d = '.';
    }
  }
  if (d == '_') {
    return static_cast<int>(x.size()) - 1;
  }
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {
    // Go's scanner ignores a leading byte order mark.
    if (src_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
    }
  }

  std::vector<Token> Run() {
    std::vector<Token> out;
    out.reserve(src_.size() / 3 + 2);
    while (true) {
      out.push_back(Next());
      if (out.back().kind == Tok::kEof || out.back().fatal) {
        break;
      }
    }
    return out;
  }

 private:
  uint32_t Peek() const { return PeekAt(pos_); }

  uint32_t PeekAt(size_t at) const {
    if (at >= src_.size()) {
      return kEofRune;
    }
    auto b = static_cast<unsigned char>(src_[at]);
    return b < 0x80 ? b : DecodeRune(src_, at).first;
  }

  size_t RuneLen(size_t at) const {
    if (at >= src_.size()) {
      return 0;
    }
    return static_cast<unsigned char>(src_[at]) < 0x80 ? 1 : DecodeRune(src_, at).second;
  }

  // Consumes one character, keeping Go's line/column accounting and its errors for invalid
  // UTF-8 and NUL (recorded, not fatal).
  uint32_t Advance() {
    if (pos_ >= src_.size()) {
      return kEofRune;
    }
    auto b = static_cast<unsigned char>(src_[pos_]);
    if (b != 0 && b < 0x80) {
      ++pos_;
      if (b == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
      return b;
    }
    auto [cp, n] = DecodeRune(src_, pos_);
    if (cp == kRuneError && n == 1) {
      NoteError("invalid UTF-8 encoding");
    } else if (cp == 0) {
      NoteError("invalid character NUL");
    }
    pos_ += n;
    if (cp == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    return cp;
  }

  // Records a scanner error on the token being scanned (the first one wins).
  void NoteError(std::string msg) {
    if (cur_.error.empty()) {
      cur_.error = std::move(msg);
      cur_.error_line = cur_.line;
      cur_.error_col = cur_.col;
    }
  }

  void Fatal(std::string msg, uint32_t line, uint32_t col) {
    if (cur_.error.empty()) {
      cur_.error = std::move(msg);
      cur_.error_line = line;
      cur_.error_col = col;
    }
    cur_.fatal = true;
  }

  std::string_view Text(size_t from) const { return src_.substr(from, pos_ - from); }

  Token Next();
  void SkipWhitespaceAndComments();
  Tok ScanNumber(bool seen_dot);
  void ScanDigits(uint32_t base, uint32_t* invalid, int* digsep);
  int ScanQuoted(uint32_t quote);
  void ScanEscape(uint32_t quote);
  void LexNumber(size_t start, bool seen_dot);
  void LexAttribute(ScopeTok scope);
  bool TryInnerScope();

  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
  Token cur_;
  // Tempo's lexer remembers the last scope token; after `parent.` it splits `span.` /
  // `resource.` off the next attribute name, even for a later `.x` attribute (quirk).
  ScopeTok current_scope_ = ScopeTok::kNone;
};

void Lexer::SkipWhitespaceAndComments() {
  while (true) {
    uint32_t c = Peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      Advance();
      continue;
    }
    if (c == '/' && (PeekAt(pos_ + 1) == '/' || PeekAt(pos_ + 1) == '*')) {
      uint32_t start_line = line_;
      uint32_t start_col = col_;
      Advance();
      if (Advance() == '/') {
        while (Peek() != '\n' && Peek() != kEofRune) {
          Advance();
        }
        continue;
      }
      bool closed = false;
      while (Peek() != kEofRune) {
        uint32_t ch = Advance();
        if (ch == '*' && Peek() == '/') {
          Advance();
          closed = true;
          break;
        }
      }
      if (!closed) {
        // Reported at the comment; the scanner then returns EOF.
        cur_.line = start_line;
        cur_.col = start_col;
        NoteError("comment not terminated");
      }
      continue;
    }
    return;
  }
}

Token Lexer::Next() {
  // Errors met while skipping white space and comments belong to the next token.
  cur_ = Token();
  cur_.line = line_;
  cur_.col = col_;
  SkipWhitespaceAndComments();
  cur_.line = line_;
  cur_.col = col_;
  cur_.offset = static_cast<uint32_t>(pos_);
  size_t start = pos_;
  uint32_t c = Peek();
  if (c == kEofRune) {
    cur_.kind = Tok::kEof;
    return std::move(cur_);
  }
  if (c == '_' || IsGoLetter(c)) {
    Advance();
    while (Peek() != kEofRune && (Peek() == '_' || IsGoLetter(Peek()) || IsGoDigit(Peek()))) {
      Advance();
    }
  } else if (IsDecimal(c)) {
    LexNumber(start, false);
    return std::move(cur_);
  } else if (c == '"') {
    ScanQuoted('"');
    std::optional<std::string> v = GoUnquote(Text(start));
    if (!v) {
      Fatal("invalid syntax", cur_.line, cur_.col);
    } else {
      cur_.text = std::move(*v);
    }
    cur_.kind = Tok::kString;
    return std::move(cur_);
  } else if (c == '`') {
    Advance();
    bool closed = false;
    while (Peek() != kEofRune) {
      if (Advance() == '`') {
        closed = true;
        break;
      }
    }
    if (!closed) {
      NoteError("literal not terminated");
    }
    std::optional<std::string> v = GoUnquote(Text(start));
    if (!v) {
      Fatal("invalid syntax", cur_.line, cur_.col);
    } else {
      cur_.text = std::move(*v);
    }
    cur_.kind = Tok::kString;
    return std::move(cur_);
  } else if (c == '\'') {
    // A Go character literal: not a TraceQL token, so it becomes an identifier.
    if (ScanQuoted('\'') != 1) {
      NoteError("invalid char literal");
    }
  } else if (c == '.' && IsDecimal(PeekAt(pos_ + 1))) {
    Advance();
    LexNumber(start, true);
    return std::move(cur_);
  } else {
    Advance();
  }

  // Maximal munch: extend the token while the longer text is still a known token. The
  // extension is always the next source character, so candidates are views of the source.
  const Entry* munched = nullptr;
  while (Peek() != kEofRune) {
    const Entry* e = Lookup(src_.substr(start, pos_ - start + RuneLen(pos_)));
    if (e == nullptr) {
      break;
    }
    munched = e;
    Advance();
  }
  std::string_view text = Text(start);
  const Entry* e = munched != nullptr ? munched : Lookup(text);
  if (munched != nullptr) {
    // Tempo's lexer called Next(), which zeroes the scanner's line: errors here say line 0.
    cur_.line = 0;
    bool sets_scope = e->scope != ScopeTok::kNone && e->scope != ScopeTok::kDot;
    bool colon = e->tok == Tok::kTraceColon || e->tok == Tok::kSpanColon
                 || e->tok == Tok::kEventColon || e->tok == Tok::kLinkColon
                 || e->tok == Tok::kInstrumentationColon;
    if (sets_scope || colon) {
      current_scope_ = sets_scope ? e->scope : ScopeTok::kNone;
    }
  }
  if (e == nullptr) {
    cur_.kind = Tok::kIdentifier;
    cur_.text = text;
    return std::move(cur_);
  }
  if (e->scope != ScopeTok::kNone) {
    cur_.scope_text = e->text;
    LexAttribute(e->scope);
    return std::move(cur_);
  }
  cur_.kind = e->tok;
  return std::move(cur_);
}

// Go's scanner.scanNumber: digits with '_' separators, base prefixes, fraction, exponent.
Tok Lexer::ScanNumber(bool seen_dot) {
  uint32_t base = 10;
  char prefix = 0;
  int digsep = 0;
  uint32_t invalid = 0;
  Tok tok = Tok::kInteger;
  auto litname = [&] {
    switch (prefix) {
      case 'x':
        return std::string("hexadecimal literal");
      case 'o':
      case '0':
        return std::string("octal literal");
      case 'b':
        return std::string("binary literal");
      default:
        return std::string("decimal literal");
    }
  };
  if (!seen_dot) {
    if (Peek() == '0') {
      Advance();
      switch (Lower(Peek())) {
        case 'x':
          Advance();
          base = 16;
          prefix = 'x';
          break;
        case 'o':
          Advance();
          base = 8;
          prefix = 'o';
          break;
        case 'b':
          Advance();
          base = 2;
          prefix = 'b';
          break;
        default:
          base = 8;
          prefix = '0';
          digsep = 1;
      }
    }
    ScanDigits(base, &invalid, &digsep);
    if (Peek() == '.') {
      Advance();
      seen_dot = true;
    }
  }
  if (seen_dot) {
    tok = Tok::kFloat;
    if (prefix == 'o' || prefix == 'b') {
      NoteError("invalid radix point in " + litname());
    }
    ScanDigits(base, &invalid, &digsep);
  }
  if ((digsep & 1) == 0) {
    NoteError(litname() + " has no digits");
  }
  uint32_t e = Lower(Peek());
  if (e == 'e' || e == 'p') {
    uint32_t ch = Peek();
    if (e == 'e' && prefix != 0 && prefix != '0') {
      NoteError(std::string("'") + static_cast<char>(ch) + "' exponent requires decimal mantissa");
    } else if (e == 'p' && prefix != 'x') {
      NoteError(std::string("'") + static_cast<char>(ch)
                + "' exponent requires hexadecimal mantissa");
    }
    Advance();
    tok = Tok::kFloat;
    if (Peek() == '+' || Peek() == '-') {
      Advance();
    }
    int ds = 0;
    ScanDigits(10, nullptr, &ds);
    digsep |= ds;
    if ((ds & 1) == 0) {
      NoteError("exponent has no digits");
    }
  } else if (prefix == 'x' && tok == Tok::kFloat) {
    NoteError("hexadecimal mantissa requires a 'p' exponent");
  }
  if (tok == Tok::kInteger && invalid != 0) {
    NoteError(std::string("invalid digit '") + static_cast<char>(invalid) + "' in " + litname());
  }
  return tok;
}

void Lexer::ScanDigits(uint32_t base, uint32_t* invalid, int* digsep) {
  if (base <= 10) {
    uint32_t max = '0' + base;
    while (IsDecimal(Peek()) || Peek() == '_') {
      int ds = 1;
      if (Peek() == '_') {
        ds = 2;
      } else if (invalid != nullptr && Peek() >= max && *invalid == 0) {
        *invalid = Peek();
      }
      *digsep |= ds;
      Advance();
    }
  } else {
    while (IsHex(Peek()) || Peek() == '_') {
      *digsep |= Peek() == '_' ? 2 : 1;
      Advance();
    }
  }
}

void Lexer::LexNumber(size_t start, bool seen_dot) {
  Tok tok = ScanNumber(seen_dot);
  std::string text(Text(start));
  if (text.find('_') != std::string::npos && InvalidSep(text) >= 0) {
    NoteError("'_' must separate successive digits");
  }
  // Duration look-ahead: the characters up to the next space that may belong to a duration.
  size_t end = pos_;
  while (end < src_.size()) {
    uint32_t r = PeekAt(end);
    if (IsGoSpace(r) || !(IsDecimal(r) || IsDurationRune(r) || r == '.')) {
      break;
    }
    end += RuneLen(end);
  }
  if (end > pos_) {
    std::string candidate = text + std::string(src_.substr(pos_, end - pos_));
    std::optional<int64_t> d = PromParseDuration(candidate);
    if (!d) {
      d = GoParseDuration(candidate);
    }
    if (d) {
      while (pos_ < end) {
        Advance();
      }
      cur_.kind = Tok::kDuration;
      cur_.text = std::move(candidate);
      cur_.int_value = *d;
      cur_.line = 0;  // consumed with Next(), as Tempo's lexer does
      return;
    }
  }
  cur_.text = text;
  cur_.kind = tok;
  if (tok == Tok::kInteger) {
    Result<int64_t> v = GoAtoi(text);
    if (!v.ok()) {
      Fatal(std::string(v.status().message()), cur_.line, cur_.col);
      return;
    }
    cur_.int_value = *v;
  } else {
    Result<double> v = GoParseFloat(text);
    if (!v.ok()) {
      Fatal(std::string(v.status().message()), cur_.line, cur_.col);
      return;
    }
    cur_.float_value = *v;
  }
}

// Go's scanString (for '"' and '\''): returns the number of characters. Errors are recorded.
int Lexer::ScanQuoted(uint32_t quote) {
  Advance();  // opening quote
  int n = 0;
  while (Peek() != quote) {
    uint32_t ch = Peek();
    if (ch == '\n' || ch == kEofRune) {
      NoteError("literal not terminated");
      return n;
    }
    if (ch == '\\') {
      Advance();
      ScanEscape(quote);
    } else {
      Advance();
    }
    ++n;
  }
  Advance();  // closing quote
  return n;
}

void Lexer::ScanEscape(uint32_t quote) {
  uint32_t ch = Peek();
  auto digits = [&](uint32_t base, int n) {
    while (n > 0) {
      uint32_t c = Peek();
      uint32_t v = IsDecimal(c) ? c - '0' : (IsHex(c) ? Lower(c) - 'a' + 10 : 16);
      if (v >= base) {
        break;
      }
      Advance();
      --n;
    }
    if (n > 0) {
      NoteError("invalid char escape");
    }
  };
  switch (ch) {
    case 'a':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
    case '\\':
      Advance();
      return;
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
      digits(8, 3);
      return;
    case 'x':
      Advance();
      digits(16, 2);
      return;
    case 'u':
      Advance();
      digits(16, 4);
      return;
    case 'U':
      Advance();
      digits(16, 8);
      return;
    default:
      if (ch == quote) {
        Advance();
        return;
      }
      NoteError("invalid char escape");
  }
}

bool Lexer::TryInnerScope() {
  for (std::string_view s : {std::string_view("span."), std::string_view("resource.")}) {
    if (src_.substr(pos_, s.size()) == s) {
      for (size_t i = 0; i < s.size(); ++i) {
        Advance();
      }
      current_scope_ = s[0] == 's' ? ScopeTok::kSpan : ScopeTok::kResource;
      cur_.inner_scope_text = s;
      return true;
    }
  }
  return false;
}

void Lexer::LexAttribute(ScopeTok scope) {
  cur_.kind = Tok::kAttribute;
  cur_.scope = ScopeOf(scope);
  cur_.parent = scope == ScopeTok::kParent;
  if (Peek() == kEofRune || !IsAttributeRune(Peek())) {
    cur_.empty_name = true;
    return;
  }
  if (current_scope_ == ScopeTok::kParent && TryInnerScope()) {
    cur_.name_line_zero = true;
    if (scope != ScopeTok::kParent) {
      // Tempo emits DOT followed by a scope token: a syntax error at the scope token.
      cur_.bad_inner_scope = true;
      return;
    }
    cur_.scope =
        cur_.inner_scope_text[0] == 's' ? AttributeScope::kSpan : AttributeScope::kResource;
    if (Peek() == kEofRune || !IsAttributeRune(Peek())) {
      cur_.empty_name = true;
      return;
    }
  }
  // The name: attribute characters and quoted segments, concatenated.
  std::string name;
  cur_.name_line_zero = true;  // parsed with Next(): Tempo reports line 0 from here on
  while (true) {
    uint32_t r = Peek();
    if (r == '"') {
      Advance();
      bool closed = false;
      while (Peek() != kEofRune) {
        uint32_t ch = Peek();
        if (ch == '"') {
          Advance();
          closed = true;
          break;
        }
        if (ch == '\\') {
          Advance();
          uint32_t esc = Peek();
          if (esc == '"' || esc == '\\') {
            name.push_back(static_cast<char>(esc));
            Advance();
            continue;
          }
          Fatal("invalid escape sequence", 0, cur_.col);
          return;
        }
        size_t n = RuneLen(pos_);
        name.append(src_.substr(pos_, n));
        Advance();
      }
      if (!closed) {
        Fatal("unexpected EOF, expecting \"", 0, cur_.col);
        return;
      }
    } else if (r != kEofRune && IsAttributeRune(r)) {
      size_t n = RuneLen(pos_);
      name.append(src_.substr(pos_, n));
      Advance();
    } else {
      break;
    }
  }
  cur_.text = std::move(name);
}

}  // namespace

std::string_view TokName(Tok t) {
  switch (t) {
    case Tok::kEof:
      return "$end";
    case Tok::kIdentifier:
      return "IDENTIFIER";
    case Tok::kString:
      return "STRING";
    case Tok::kInteger:
      return "INTEGER";
    case Tok::kFloat:
      return "FLOAT";
    case Tok::kDuration:
      return "DURATION";
    case Tok::kAttribute:
      return ".";
    default:
      break;
  }
  for (const Entry& e : kTokens) {
    if (e.tok == t && e.scope == ScopeTok::kNone) {
      return e.text;
    }
  }
  return "?";
}

std::vector<Token> Tokenize(std::string_view query) { return Lexer(query).Run(); }

}  // namespace vivace::traceql
