#include "common/json_writer.h"

#include <cmath>

#include <fmt/format.h>

namespace vivace {

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(s.data() + run, i - run);
    run = i + 1;
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
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_value_.empty()) {
    if (has_value_.back()) {
      *out_ += ',';
    }
    has_value_.back() = true;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  *out_ += '{';
  has_value_.push_back(false);
}

void JsonWriter::EndObject() {
  *out_ += '}';
  has_value_.pop_back();
}

void JsonWriter::BeginArray() {
  BeforeValue();
  *out_ += '[';
  has_value_.push_back(false);
}

void JsonWriter::EndArray() {
  *out_ += ']';
  has_value_.pop_back();
}

void JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(*out_, key);
  *out_ += ':';
  after_key_ = true;
}

void JsonWriter::String(std::string_view s) {
  BeforeValue();
  AppendJsonString(*out_, s);
}

void JsonWriter::Int64String(int64_t v) {
  BeforeValue();
  fmt::format_to(std::back_inserter(*out_), "\"{}\"", v);
}

void JsonWriter::Uint64String(uint64_t v) {
  BeforeValue();
  fmt::format_to(std::back_inserter(*out_), "\"{}\"", v);
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  fmt::format_to(std::back_inserter(*out_), "{}", v);
}

void JsonWriter::Uint(uint64_t v) {
  BeforeValue();
  fmt::format_to(std::back_inserter(*out_), "{}", v);
}

void JsonWriter::Double(double v) {
  BeforeValue();
  if (std::isnan(v)) {
    *out_ += "\"NaN\"";
  } else if (std::isinf(v)) {
    *out_ += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    fmt::format_to(std::back_inserter(*out_), "{}", v);
  }
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  *out_ += v ? "true" : "false";
}

void JsonWriter::Null() {
  BeforeValue();
  *out_ += "null";
}

void JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  *out_ += json;
}

}  // namespace vivace
