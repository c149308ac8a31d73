#include "search/logfmt.h"

#include <fmt/format.h>

namespace vivace::search {
namespace {

bool IsSpace(char c) { return static_cast<unsigned char>(c) <= ' '; }

// Tempo reports go-logfmt's syntax errors as "<message> at pos <n>" (pos within the line).
Status SyntaxError(size_t pos, size_t /*line*/, std::string_view what) {
  return Status::InvalidArgument(fmt::format("{} at pos {}", what, pos));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    cp = 0xFFFD;  // a lone surrogate, as Go's decoder replaces it
  }
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Unquotes the body of a quoted value (JSON-style escapes, as go-logfmt). False when invalid.
bool Unquote(std::string_view body, std::string* out) {
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= body.size()) {
      return false;
    }
    switch (body[i]) {
      case '"':
      case '\\':
      case '/':
        out->push_back(body[i]);
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        if (body.size() - i < 5) {
          return false;
        }
        uint32_t cp = 0;
        for (size_t k = 1; k <= 4; ++k) {
          int h = HexValue(body[i + k]);
          if (h < 0) {
            return false;
          }
          cp = cp * 16 + static_cast<uint32_t>(h);
        }
        AppendUtf8(*out, cp);
        i += 4;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

// One line (record).
Status ParseLine(std::string_view line, size_t line_no,
                 std::vector<std::pair<std::string, std::string>>* out) {
  size_t i = 0;
  while (true) {
    while (i < line.size() && IsSpace(line[i])) {
      ++i;
    }
    if (i >= line.size()) {
      return Status::Ok();
    }
    size_t key_start = i;
    while (i < line.size() && !IsSpace(line[i]) && line[i] != '=' && line[i] != '"') {
      ++i;
    }
    if (i < line.size() && line[i] == '"') {
      return SyntaxError(i + 1, line_no, "unexpected '\"'");
    }
    if (i == key_start) {
      return SyntaxError(i + 1, line_no, "unexpected '='");
    }
    std::string key(line.substr(key_start, i - key_start));
    if (i >= line.size() || line[i] != '=') {
      out->emplace_back(std::move(key), std::string());
      continue;
    }
    ++i;  // '='
    std::string value;
    if (i < line.size() && line[i] == '"') {
      size_t body_start = ++i;
      bool escaped = false;
      while (i < line.size() && (escaped || line[i] != '"')) {
        escaped = !escaped && line[i] == '\\';
        ++i;
      }
      if (i >= line.size()) {
        return SyntaxError(i + 1, line_no, "unterminated quoted value");
      }
      if (!Unquote(line.substr(body_start, i - body_start), &value)) {
        return SyntaxError(i + 1, line_no, "invalid quoted value");
      }
      ++i;  // closing quote
      if (i < line.size() && !IsSpace(line[i])) {
        return SyntaxError(i + 1, line_no, line[i] == '"' ? "unexpected '\"'" : "unexpected '='");
      }
    } else {
      size_t value_start = i;
      while (i < line.size() && !IsSpace(line[i])) {
        if (line[i] == '=' || line[i] == '"') {
          return SyntaxError(i + 1, line_no, line[i] == '"' ? "unexpected '\"'" : "unexpected '='");
        }
        ++i;
      }
      value.assign(line.substr(value_start, i - value_start));
    }
    out->emplace_back(std::move(key), std::move(value));
  }
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> ParseLogfmt(std::string_view in) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t line_no = 1;
  while (true) {
    size_t nl = in.find('\n');
    VV_RETURN_IF_ERROR(ParseLine(in.substr(0, nl), line_no, &out));
    if (nl == std::string_view::npos) {
      return out;
    }
    in.remove_prefix(nl + 1);
    ++line_no;
  }
}

}  // namespace vivace::search
