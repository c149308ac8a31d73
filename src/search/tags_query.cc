#include "search/tags_query.h"

#include <cctype>

#include <re2/re2.h>

#include "common/strconv.h"

namespace vivace::search {
namespace {

// A Go-quoted TraceQL string literal.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// `."key"`: always quoted, since a bare name may lex as something else (`.2xx` is a number).
std::string UnscopedAttribute(std::string_view key) {
  std::string out = ".\"";
  for (char c : key) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Contains(std::string_view field, std::string_view value) {
  return std::string(field) + " =~ " + Quote("(?i).*" + RE2::QuoteMeta(value) + ".*");
}

std::string TagFilter(const std::string& key, const std::string& value) {
  if (key == "name") {
    return Contains("name", value);
  }
  if (key == "root.name") {
    return Contains("rootName", value);
  }
  if (key == "root.service.name") {
    return Contains("rootServiceName", value);
  }
  if (key == "status.code") {
    std::string v = Lower(value);
    if (v == "error" || v == "ok" || v == "unset") {
      return "status = " + v;
    }
    return "false";
  }
  if (key == "error") {
    return Lower(value) == "true" ? "status = error" : "false";
  }
  std::string attr = UnscopedAttribute(key);
  std::string filter = Contains(attr, value);
  if (auto n = ParseInt64(value); n.ok()) {
    filter = "(" + filter + " || " + attr + " = " + std::to_string(*n) + ")";
  }
  return filter;
}

}  // namespace

std::string TagsToTraceQL(const std::vector<std::pair<std::string, std::string>>& tags) {
  if (tags.empty()) {
    return "{}";
  }
  std::string q;
  for (const auto& [key, value] : tags) {
    if (!q.empty()) {
      q += " && ";
    }
    q += "{ " + TagFilter(key, value) + " }";
  }
  return q;
}

}  // namespace vivace::search
