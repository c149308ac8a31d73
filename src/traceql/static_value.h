#pragma once

// Static: a typed TraceQL value (literal, folded constant, or an attribute value at run time).
// Semantics follow Tempo's Static: equality across numeric types, Go's float formatting, arrays
// produced by the or_to_in rewrite. Values are small and cheap to copy except for strings and
// arrays (arrays are shared, immutable).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "traceql/enums.h"

namespace vivace::traceql {

class Static {
 public:
  Static() = default;  // nil

  static Static Nil() { return {}; }

  static Static Int(int64_t v);
  static Static Float(double v);
  static Static String(std::string v);
  static Static Bool(bool v);
  static Static Duration(int64_t ns);
  static Static Status(SpanStatus s);
  static Static Kind(SpanKind k);
  static Static IntArray(std::vector<int64_t> v);
  static Static FloatArray(std::vector<double> v);
  static Static StringArray(std::vector<std::string> v);
  static Static BoolArray(std::vector<bool> v);

  StaticType type() const { return type_; }

  bool is_nil() const { return type_ == StaticType::kNil; }

  bool IsNumeric() const { return traceql::IsNumeric(type_); }

  // Raw scalar: int, duration (ns), bool (0/1), status and kind codes.
  int64_t int_value() const { return i_; }

  double float_value() const { return f_; }

  bool bool_value() const { return i_ != 0; }

  SpanStatus status_value() const { return static_cast<SpanStatus>(i_); }

  SpanKind kind_value() const { return static_cast<SpanKind>(i_); }

  const std::string& string_value() const { return s_; }

  const std::vector<int64_t>& int_array() const;
  const std::vector<double>& float_array() const;
  const std::vector<std::string>& string_array() const;
  const std::vector<bool>& bool_array() const;
  size_t array_size() const;
  // Element `i` of an array as a scalar Static.
  Static ArrayElement(size_t i) const;

  // Numeric value as a double (durations in ns); NaN for anything else (Tempo's Float()).
  double AsFloat() const;

  // `=` semantics: nil equals nothing; int/float/duration compare numerically; an int equals a
  // status with the same code.
  bool Equals(const Static& o) const;
  // `!=`: false if either side is nil, else !Equals.
  bool NotEquals(const Static& o) const;
  // Same type and same bits: structural equality used to compare ASTs.
  bool Identical(const Static& o) const;

  friend bool operator==(const Static& a, const Static& b) { return a.Identical(b); }

  // Text as Tempo prints it: strings in backticks when `quotes` (without escaping), floats in
  // Go's shortest form with ".0" added to integral values, durations in Go's form.
  std::string Encode(bool quotes) const;

  std::string ToString() const { return Encode(true); }

  // Appends `o` to this value as an array of the same element type (or_to_in rewrite). Returns
  // nullopt when the types do not combine.
  std::optional<Static> Append(const Static& o) const;

 private:
  struct Arrays {
    std::vector<int64_t> ints;
    std::vector<double> floats;
    std::vector<std::string> strings;
    std::vector<bool> bools;
  };

  StaticType type_ = StaticType::kNil;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  std::shared_ptr<const Arrays> arrays_;
};

}  // namespace vivace::traceql
