#pragma once

// Appending JSON output without a DOM: the one way Vivace writes JSON responses.
// Commas are managed by the writer: call Key() then a value, or values inside arrays.
//
//   JsonWriter w(&out);
//   w.BeginObject(); w.Key("traceID"); w.String(id); w.EndObject();

#include <cstdint>
#include <string>
#include <string_view>

namespace vivace {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view s);
  // 64-bit integers as proto3 JSON writes them: decimal strings.
  void Int64String(int64_t v);
  void Uint64String(uint64_t v);
  void Int(int64_t v);
  void Uint(uint64_t v);
  // Doubles as numbers; NaN and infinities as the strings proto3 JSON uses.
  void Double(double v);
  void Bool(bool v);
  void Null();
  // Appends pre-rendered JSON as one value.
  void Raw(std::string_view json);
  void Reserve(size_t bytes) { out_->reserve(out_->size() + bytes); }

 private:
  void BeforeValue();
  static constexpr int kMaxDepth = 256;
  std::string* out_;
  // For each open container: whether a value has been written (so the next needs a comma).
  // Deeper nesting than kMaxDepth is not produced by any caller (documents are bounded).
  bool has_value_[kMaxDepth] = {};
  int depth_ = 0;
  bool after_key_ = false;
};

// Appends `s` as a quoted JSON string. REQUIRES: `s` is valid UTF-8.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace vivace
