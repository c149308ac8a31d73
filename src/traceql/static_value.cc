#include "traceql/static_value.h"

#include <cmath>
#include <cstring>

#include "traceql/go_compat.h"

namespace vivace::traceql {
namespace {

const std::vector<int64_t> kNoInts;
const std::vector<double> kNoFloats;
const std::vector<std::string> kNoStrings;
const std::vector<bool> kNoBools;

uint64_t Bits(double d) {
  uint64_t u = 0;
  std::memcpy(&u, &d, sizeof(u));
  return u;
}

}  // namespace

Static Static::Int(int64_t v) {
  Static s;
  s.type_ = StaticType::kInt;
  s.i_ = v;
  return s;
}

Static Static::Float(double v) {
  Static s;
  s.type_ = StaticType::kFloat;
  s.f_ = v;
  return s;
}

Static Static::String(std::string v) {
  Static s;
  s.type_ = StaticType::kString;
  s.s_ = std::move(v);
  return s;
}

Static Static::Bool(bool v) {
  Static s;
  s.type_ = StaticType::kBool;
  s.i_ = v ? 1 : 0;
  return s;
}

Static Static::Duration(int64_t ns) {
  Static s;
  s.type_ = StaticType::kDuration;
  s.i_ = ns;
  return s;
}

Static Static::Status(SpanStatus v) {
  Static s;
  s.type_ = StaticType::kStatus;
  s.i_ = static_cast<int64_t>(v);
  return s;
}

Static Static::Kind(SpanKind v) {
  Static s;
  s.type_ = StaticType::kKind;
  s.i_ = static_cast<int64_t>(v);
  return s;
}

Static Static::IntArray(std::vector<int64_t> v) {
  Static s;
  s.type_ = StaticType::kIntArray;
  auto a = std::make_shared<Arrays>();
  a->ints = std::move(v);
  s.arrays_ = std::move(a);
  return s;
}

Static Static::FloatArray(std::vector<double> v) {
  Static s;
  s.type_ = StaticType::kFloatArray;
  auto a = std::make_shared<Arrays>();
  a->floats = std::move(v);
  s.arrays_ = std::move(a);
  return s;
}

Static Static::StringArray(std::vector<std::string> v) {
  Static s;
  s.type_ = StaticType::kStringArray;
  auto a = std::make_shared<Arrays>();
  a->strings = std::move(v);
  s.arrays_ = std::move(a);
  return s;
}

Static Static::BoolArray(std::vector<bool> v) {
  Static s;
  s.type_ = StaticType::kBoolArray;
  auto a = std::make_shared<Arrays>();
  a->bools = std::move(v);
  s.arrays_ = std::move(a);
  return s;
}

const std::vector<int64_t>& Static::int_array() const { return arrays_ ? arrays_->ints : kNoInts; }

const std::vector<double>& Static::float_array() const {
  return arrays_ ? arrays_->floats : kNoFloats;
}

const std::vector<std::string>& Static::string_array() const {
  return arrays_ ? arrays_->strings : kNoStrings;
}

const std::vector<bool>& Static::bool_array() const { return arrays_ ? arrays_->bools : kNoBools; }

size_t Static::array_size() const {
  switch (type_) {
    case StaticType::kIntArray:
      return int_array().size();
    case StaticType::kFloatArray:
      return float_array().size();
    case StaticType::kStringArray:
      return string_array().size();
    case StaticType::kBoolArray:
      return bool_array().size();
    default:
      return 0;
  }
}

Static Static::ArrayElement(size_t i) const {
  switch (type_) {
    case StaticType::kIntArray:
      return Int(int_array()[i]);
    case StaticType::kFloatArray:
      return Float(float_array()[i]);
    case StaticType::kStringArray:
      return String(string_array()[i]);
    case StaticType::kBoolArray:
      return Bool(bool_array()[i]);
    default:
      return *this;
  }
}

double Static::AsFloat() const {
  switch (type_) {
    case StaticType::kFloat:
      return f_;
    case StaticType::kInt:
    case StaticType::kDuration:
      return static_cast<double>(i_);
    default:
      return std::nan("");
  }
}

bool Static::Equals(const Static& o) const {
  if (is_nil() || o.is_nil()) {
    return false;
  }
  switch (type_) {
    case StaticType::kInt:
    case StaticType::kDuration:
      switch (o.type_) {
        case StaticType::kInt:
        case StaticType::kDuration:
          return i_ == o.i_;
        case StaticType::kStatus:
          return type_ == StaticType::kInt && i_ == o.i_;
        case StaticType::kFloat:
          return AsFloat() == o.f_;
        default:
          return false;
      }
    case StaticType::kStatus:
      return (o.type_ == StaticType::kInt || o.type_ == StaticType::kStatus) && i_ == o.i_;
    case StaticType::kFloat:
      return f_ == o.AsFloat();
    case StaticType::kKind:
    case StaticType::kBool:
      return type_ == o.type_ && i_ == o.i_;
    case StaticType::kString:
      return o.type_ == StaticType::kString && s_ == o.s_;
    case StaticType::kIntArray:
      return o.type_ == type_ && int_array() == o.int_array();
    case StaticType::kFloatArray: {
      // Tempo compares the raw bytes of float arrays.
      if (o.type_ != type_ || float_array().size() != o.float_array().size()) {
        return false;
      }
      for (size_t i = 0; i < float_array().size(); ++i) {
        if (Bits(float_array()[i]) != Bits(o.float_array()[i])) {
          return false;
        }
      }
      return true;
    }
    case StaticType::kStringArray:
      return o.type_ == type_ && string_array() == o.string_array();
    case StaticType::kBoolArray:
      return o.type_ == type_ && bool_array() == o.bool_array();
    default:
      return false;
  }
}

bool Static::NotEquals(const Static& o) const {
  if (is_nil() || o.is_nil()) {
    return false;
  }
  return !Equals(o);
}

bool Static::Identical(const Static& o) const {
  if (type_ != o.type_) {
    return false;
  }
  switch (type_) {
    case StaticType::kNil:
      return true;
    case StaticType::kFloat:
      return Bits(f_) == Bits(o.f_);
    case StaticType::kString:
      return s_ == o.s_;
    case StaticType::kIntArray:
    case StaticType::kFloatArray:
    case StaticType::kStringArray:
    case StaticType::kBoolArray:
      return Equals(o);
    default:
      return i_ == o.i_;
  }
}

std::string Static::Encode(bool quotes) const {
  switch (type_) {
    case StaticType::kNil:
      return "nil";
    case StaticType::kInt:
      return std::to_string(i_);
    case StaticType::kFloat: {
      std::string f = FormatGoFloat(f_);
      if (f.find_first_of("e.") == std::string::npos) {
        f += ".0";
      }
      return f;
    }
    case StaticType::kString:
      return quotes ? "`" + s_ + "`" : s_;
    case StaticType::kBool:
      return i_ != 0 ? "true" : "false";
    case StaticType::kDuration:
      return FormatGoDuration(i_);
    case StaticType::kStatus:
      return std::string(SpanStatusName(status_value()));
    case StaticType::kKind:
      return std::string(SpanKindName(kind_value()));
    case StaticType::kIntArray:
    case StaticType::kFloatArray:
    case StaticType::kStringArray:
    case StaticType::kBoolArray: {
      // Go's "%v" per element joined by ", " inside brackets; strings in backticks.
      std::string out = "[";
      for (size_t i = 0; i < array_size(); ++i) {
        if (i > 0) {
          out += ", ";
        }
        if (type_ == StaticType::kStringArray) {
          out += "`" + string_array()[i] + "`";
        } else if (type_ == StaticType::kFloatArray) {
          out += FormatGoFloat(float_array()[i]);
        } else {
          out += ArrayElement(i).Encode(false);
        }
      }
      return out + "]";
    }
    default:
      return "static(?)";
  }
}

std::optional<Static> Static::Append(const Static& o) const {
  switch (type_) {
    case StaticType::kString:
    case StaticType::kStringArray: {
      std::vector<std::string> v =
          type_ == StaticType::kString ? std::vector<std::string>{s_} : string_array();
      if (o.type_ == StaticType::kString) {
        v.push_back(o.s_);
      } else if (o.type_ == StaticType::kStringArray) {
        v.insert(v.end(), o.string_array().begin(), o.string_array().end());
      } else {
        return std::nullopt;
      }
      return StringArray(std::move(v));
    }
    case StaticType::kInt:
    case StaticType::kIntArray: {
      std::vector<int64_t> v = type_ == StaticType::kInt ? std::vector<int64_t>{i_} : int_array();
      if (o.type_ == StaticType::kInt) {
        v.push_back(o.i_);
      } else if (o.type_ == StaticType::kIntArray) {
        v.insert(v.end(), o.int_array().begin(), o.int_array().end());
      } else {
        return std::nullopt;
      }
      return IntArray(std::move(v));
    }
    case StaticType::kFloat:
    case StaticType::kFloatArray: {
      std::vector<double> v = type_ == StaticType::kFloat ? std::vector<double>{f_} : float_array();
      if (o.type_ == StaticType::kFloat) {
        v.push_back(o.f_);
      } else if (o.type_ == StaticType::kFloatArray) {
        v.insert(v.end(), o.float_array().begin(), o.float_array().end());
      } else {
        return std::nullopt;
      }
      return FloatArray(std::move(v));
    }
    case StaticType::kBool:
    case StaticType::kBoolArray: {
      std::vector<bool> v = type_ == StaticType::kBool ? std::vector<bool>{i_ != 0} : bool_array();
      if (o.type_ == StaticType::kBool) {
        v.push_back(o.i_ != 0);
      } else if (o.type_ == StaticType::kBoolArray) {
        v.insert(v.end(), o.bool_array().begin(), o.bool_array().end());
      } else {
        return std::nullopt;
      }
      return BoolArray(std::move(v));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace vivace::traceql
