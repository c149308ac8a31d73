#pragma once

// UTF-8 decoding and the character classes TraceQL's lexer needs, matching Go's unicode
// package where Tempo's lexer depends on it (white space ends attribute names; letters start
// identifiers).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace vivace::traceql {

// U+FFFD with length 1 marks an invalid sequence (Go's utf8.DecodeRuneInString).
inline constexpr uint32_t kRuneError = 0xFFFD;

// Decodes the code point at s[i] (i < s.size()): {code point, byte length}.
std::pair<uint32_t, size_t> DecodeRune(std::string_view s, size_t i);

// unicode.IsSpace: \t \n \v \f \r space, U+0085, U+00A0 and the Z categories.
bool IsGoSpace(uint32_t cp);

// unicode.IsLetter (ASCII exactly; beyond ASCII by the C.UTF-8 locale's classification).
bool IsGoLetter(uint32_t cp);
// unicode.IsDigit.
bool IsGoDigit(uint32_t cp);

// Characters that may appear unquoted in an attribute name: anything but white space and
// `{ } ( ) = ~ ! < > & | ^ ,`.
bool IsAttributeRune(uint32_t cp);

}  // namespace vivace::traceql
