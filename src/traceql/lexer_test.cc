#include "traceql/lexer.h"

#include <gtest/gtest.h>

namespace vivace::traceql {
namespace {

std::vector<Tok> Kinds(std::string_view q) {
  std::vector<Tok> out;
  for (const Token& t : Tokenize(q)) {
    out.push_back(t.kind);
  }
  return out;
}

TEST(LexerTest, MaximalMunchOfOperators) {
  EXPECT_EQ(Kinds("!>> &<< =~ !~ >= <<"),
            (std::vector<Tok>{Tok::kNotDesc, Tok::kUnionAnce, Tok::kRe, Tok::kNre, Tok::kGte,
                              Tok::kAnce, Tok::kEof}));
  // `==` is two `=`; a lone `&` is an identifier.
  EXPECT_EQ(Kinds("== &"), (std::vector<Tok>{Tok::kEq, Tok::kEq, Tok::kIdentifier, Tok::kEof}));
}

TEST(LexerTest, KeywordsAndIdentifiers) {
  std::vector<Token> t = Tokenize("count_over_time rootServiceName minInt spanId");
  EXPECT_EQ(t[0].kind, Tok::kCountOverTime);
  EXPECT_EQ(t[1].kind, Tok::kRootServiceName);
  EXPECT_EQ(t[2].kind, Tok::kIdentifier);
  EXPECT_EQ(t[2].text, "minInt");
  EXPECT_EQ(t[3].kind, Tok::kIdentifier);  // case-sensitive: only spanID is a keyword
}

TEST(LexerTest, AttributeNamesRunToTheNextOperatorCharacter) {
  std::vector<Token> t = Tokenize(R"(.a+1=2 span."foo bar".c resource.service.name)");
  ASSERT_EQ(t[0].kind, Tok::kAttribute);
  EXPECT_EQ(t[0].text, "a+1");
  EXPECT_EQ(t[1].kind, Tok::kEq);
  ASSERT_EQ(t[3].kind, Tok::kAttribute);
  EXPECT_EQ(t[3].scope, AttributeScope::kSpan);
  EXPECT_EQ(t[3].text, "foo bar.c");
  EXPECT_EQ(t[4].scope, AttributeScope::kResource);
  EXPECT_EQ(t[4].text, "service.name");
}

TEST(LexerTest, QuotedAttributeEscapes) {
  std::vector<Token> t = Tokenize(R"(."a\"b\\c")");
  EXPECT_EQ(t[0].text, "a\"b\\c");
  t = Tokenize(R"(."a\q")");
  EXPECT_TRUE(t[0].fatal);
  EXPECT_EQ(t[0].error, "invalid escape sequence");
  t = Tokenize(R"(."abc)");
  EXPECT_EQ(t[0].error, "unexpected EOF, expecting \"");
}

TEST(LexerTest, ParentScopes) {
  std::vector<Token> t = Tokenize("parent.span.x parent.y .span.z");
  EXPECT_TRUE(t[0].parent);
  EXPECT_EQ(t[0].scope, AttributeScope::kSpan);
  EXPECT_EQ(t[0].text, "x");
  EXPECT_TRUE(t[1].parent);
  EXPECT_EQ(t[1].scope, AttributeScope::kNone);
  // Tempo's lexer still remembers `parent.`: it splits `span.` off `.span.z` (quirk).
  EXPECT_TRUE(t[2].bad_inner_scope);
  EXPECT_FALSE(Tokenize(".span.z")[0].bad_inner_scope);
}

TEST(LexerTest, EmptyAttributeName) {
  std::vector<Token> t = Tokenize("{ . }");
  EXPECT_EQ(t[1].kind, Tok::kAttribute);
  EXPECT_TRUE(t[1].empty_name);
}

TEST(LexerTest, Durations) {
  std::vector<Token> t = Tokenize("1h30m 1.5ms 2d 1s2 .5s 10 1e3s");
  EXPECT_EQ(t[0].kind, Tok::kDuration);
  EXPECT_EQ(t[0].int_value, 5400000000000);
  EXPECT_EQ(t[1].int_value, 1500000);
  EXPECT_EQ(t[2].int_value, 172800000000000);
  // "1s2" is not a duration: the number stays and the rest is lexed on its own.
  EXPECT_EQ(t[3].kind, Tok::kInteger);
  EXPECT_EQ(t[4].kind, Tok::kIdentifier);
  EXPECT_EQ(t[4].text, "s2");
  EXPECT_EQ(t[5].kind, Tok::kDuration);
  EXPECT_EQ(t[5].int_value, 500000000);
  EXPECT_EQ(t[6].kind, Tok::kInteger);
  EXPECT_EQ(t[7].kind, Tok::kFloat);  // 1e3 then `s`
}

TEST(LexerTest, NumbersFollowGoScanner) {
  std::vector<Token> t = Tokenize(".5 07 1_0.5 0x1p3");
  EXPECT_EQ(t[0].float_value, 0.5);
  EXPECT_EQ(t[1].int_value, 7);
  EXPECT_EQ(t[2].float_value, 10.5);
  EXPECT_EQ(t[3].float_value, 8);
  t = Tokenize("08");
  EXPECT_EQ(t[0].error, "invalid digit '8' in octal literal");
  t = Tokenize("100000000000000000000");
  EXPECT_TRUE(t[0].fatal);
  EXPECT_EQ(t[0].error, "strconv.Atoi: parsing \"100000000000000000000\": value out of range");
}

TEST(LexerTest, StringsAndComments) {
  std::vector<Token> t = Tokenize("\"a\\tb\" /* c */ `raw\\n` // end\n'x'");
  EXPECT_EQ(t[0].kind, Tok::kString);
  EXPECT_EQ(t[0].text, "a\tb");
  EXPECT_EQ(t[1].kind, Tok::kString);
  EXPECT_EQ(t[1].text, "raw\\n");
  EXPECT_EQ(t[2].kind, Tok::kIdentifier);  // a Go char literal is not a TraceQL token
  EXPECT_EQ(t[2].text, "'x'");
  EXPECT_EQ(Tokenize("\"\\'\"")[0].error, "invalid char escape");
  EXPECT_EQ(Tokenize("\"abc")[0].error, "literal not terminated");
  EXPECT_EQ(Tokenize("/* abc")[0].error, "comment not terminated");
}

TEST(LexerTest, PositionsAreLinesAndCharacters) {
  std::vector<Token> t = Tokenize("{\n  .a = \xc3\xa9x }");
  EXPECT_EQ(t[1].col, 3);
  EXPECT_EQ(t[2].line, 2);
  EXPECT_EQ(t[2].col, 6);
  EXPECT_EQ(t[3].col, 8);  // after a 2-byte character the column still counts characters
  EXPECT_EQ(t[4].col, 11);
  // Tokens Tempo's lexer extended character by character report line 0.
  EXPECT_EQ(Tokenize("a != b")[1].line, 0);
}

TEST(LexerTest, BadInputIsReported) {
  EXPECT_EQ(Tokenize("{ \xff }")[1].error, "invalid UTF-8 encoding");
  EXPECT_EQ(Tokenize(std::string_view("{ \0 }", 5))[1].error, "invalid character NUL");
  // A byte order mark at the start is ignored.
  EXPECT_EQ(Tokenize("\xEF\xBB\xBF{}")[0].kind, Tok::kOpenBrace);
}

}  // namespace
}  // namespace vivace::traceql
