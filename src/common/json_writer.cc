#include "common/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace vivace {

namespace {

constexpr std::array<bool, 256> MakeEscapeTable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  t['"'] = true;
  t['\\'] = true;
  return t;
}

constexpr std::array<bool, 256> kNeedsEscape = MakeEscapeTable();

template <typename T>
void AppendInt(std::string& out, T v, bool quoted) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  if (quoted) {
    out += '"';
  }
  out.append(buf, static_cast<size_t>(end - buf));
  if (quoted) {
    out += '"';
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!kNeedsEscape[c]) {
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
  if (depth_ > 0) {
    if (has_value_[depth_ - 1]) {
      *out_ += ',';
    }
    has_value_[depth_ - 1] = true;
  }
}

void JsonWriter::BeginObject() {
  BeforeValue();
  *out_ += '{';
  if (depth_ < kMaxDepth) {
    has_value_[depth_] = false;
  }
  ++depth_;
}

void JsonWriter::EndObject() {
  *out_ += '}';
  --depth_;
}

void JsonWriter::BeginArray() {
  BeforeValue();
  *out_ += '[';
  if (depth_ < kMaxDepth) {
    has_value_[depth_] = false;
  }
  ++depth_;
}

void JsonWriter::EndArray() {
  *out_ += ']';
  --depth_;
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
  AppendInt(*out_, v, true);
}

void JsonWriter::Uint64String(uint64_t v) {
  BeforeValue();
  AppendInt(*out_, v, true);
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  AppendInt(*out_, v, false);
}

void JsonWriter::Uint(uint64_t v) {
  BeforeValue();
  AppendInt(*out_, v, false);
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
