#include "traceql/printer.h"

#include <cstdint>

#include <fmt/format.h>

#include "traceql/go_compat.h"
#include "traceql/unicode.h"

namespace vivace::traceql {
namespace {

std::string WrapField(const FieldExpr& e) {
  if (e.kind == FieldExpr::Kind::kStatic || e.kind == FieldExpr::Kind::kAttribute) {
    return ToString(e);
  }
  return "(" + ToString(e) + ")";
}

std::string WrapScalar(const ScalarExpr& e) {
  if (e.kind == ScalarExpr::Kind::kStatic) {
    return ToString(e.value);
  }
  return "(" + ToString(e) + ")";
}

std::string RenderStages(std::string inner, const std::vector<SecondStage>& stages) {
  for (const SecondStage& s : stages) {
    switch (s.kind) {
      case SecondStage::Kind::kTopK:
        inner += fmt::format(" | topk({})", s.limit);
        break;
      case SecondStage::Kind::kBottomK:
        inner += fmt::format(" | bottomk({})", s.limit);
        break;
      case SecondStage::Kind::kFilter:
        inner += fmt::format(" {} {}", OpText(s.op), FormatMetricsFloat(s.value));
        break;
      case SecondStage::Kind::kScalarOp:
        if (s.scalar_on_left) {
          inner = fmt::format("{} {} ({})", FormatMetricsFloat(s.value), OpText(s.op), inner);
        } else {
          inner = fmt::format("({}) {} {}", inner, OpText(s.op), FormatMetricsFloat(s.value));
        }
        break;
    }
  }
  return inner;
}

std::string ToString(const Query& q, const MathExpr& m) {
  std::string s;
  if (m.op == Op::kNone) {
    s = m.subquery < q.subqueries.size() ? q.subqueries[m.subquery].key : "";
  } else {
    s = "(" + ToString(q, *m.lhs) + ") " + std::string(OpText(m.op)) + " (" + ToString(q, *m.rhs)
        + ")";
  }
  return RenderStages(std::move(s), m.stages);
}

}  // namespace

bool NeedsAttributeQuoting(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto [cp, n] = DecodeRune(s, i);
    if (cp == '"' || !IsAttributeRune(cp)) {
      return true;
    }
    i += n;
  }
  return false;
}

std::string ToString(const Attribute& a) {
  std::string scope;
  if (a.parent) {
    scope = "parent.";
  }
  if (a.scope != AttributeScope::kNone) {
    scope += std::string(AttributeScopeName(a.scope)) + ".";
  }
  std::string att = a.is_intrinsic() ? std::string(IntrinsicName(a.intrinsic)) : a.name;
  if (scope.empty() && !a.is_intrinsic()) {
    scope = ".";
  }
  // An empty name is quoted too (Tempo prints nothing, which does not parse back), and so is
  // an unscoped name that starts with a digit (`.1y` would lex as the number .1).
  const bool leading_digit = scope == "." && !att.empty() && att[0] >= '0' && att[0] <= '9';
  if (!a.is_intrinsic() && (att.empty() || leading_digit || NeedsAttributeQuoting(att))) {
    std::string q = "\"";
    for (char c : att) {
      if (c == '\\' || c == '"') {
        q.push_back('\\');
      }
      q.push_back(c);
    }
    att = q + "\"";
  }
  return scope + att;
}

std::string ToString(const Static& s) {
  // -9223372036854775808 lexes as the negation of an integer that does not fit in int64, so the
  // smallest int prints as the keyword that parses back to it.
  if (s.type() == StaticType::kInt && s.int_value() == INT64_MIN) {
    return "minInt";
  }
  return s.Encode(true);
}

std::string ToString(const FieldExpr& e) {
  switch (e.kind) {
    case FieldExpr::Kind::kStatic:
      return ToString(e.value);
    case FieldExpr::Kind::kAttribute:
      return ToString(e.attribute);
    case FieldExpr::Kind::kBinary:
      return WrapField(*e.lhs) + " " + std::string(OpText(e.op)) + " " + WrapField(*e.rhs);
    case FieldExpr::Kind::kUnary:
      if (e.op == Op::kExists) {
        return WrapField(*e.lhs) + " != nil";
      }
      if (e.op == Op::kNotExists) {
        return WrapField(*e.lhs) + " = nil";
      }
      return std::string(OpText(e.op)) + WrapField(*e.lhs);
  }
  return "";
}

std::string ToString(const Aggregate& a) {
  std::string s(AggregateOpName(a.op));
  return s + "(" + (a.arg ? ToString(*a.arg) : "") + ")";
}

std::string ToString(const ScalarExpr& e) {
  switch (e.kind) {
    case ScalarExpr::Kind::kAggregate:
      return ToString(e.aggregate);
    case ScalarExpr::Kind::kStatic:
      return ToString(e.value);
    case ScalarExpr::Kind::kBinary:
      return WrapScalar(*e.lhs) + " " + std::string(OpText(e.op)) + " " + WrapScalar(*e.rhs);
    case ScalarExpr::Kind::kPipeline:
      return ToString(*e.pipeline);
  }
  return "";
}

std::string ToString(const SpansetExpr& e) {
  switch (e.kind) {
    case SpansetExpr::Kind::kFilter:
      return "{ " + ToString(*e.filter) + " }";
    case SpansetExpr::Kind::kOperation:
      return "(" + ToString(*e.lhs) + ") " + std::string(OpText(e.op)) + " (" + ToString(*e.rhs)
             + ")";
    case SpansetExpr::Kind::kPipeline:
      return ToString(*e.pipeline);
  }
  return "";
}

std::string ToString(const Stage& s) {
  switch (s.kind) {
    case Stage::Kind::kSpanset:
      return ToString(*s.spanset);
    case Stage::Kind::kScalarFilter:
      return WrapScalar(*s.lhs) + " " + std::string(OpText(s.op)) + " " + WrapScalar(*s.rhs);
    case Stage::Kind::kGroupBy:
      return "by(" + ToString(*s.group_by) + ")";
    case Stage::Kind::kCoalesce:
      return "coalesce()";
    case Stage::Kind::kSelect: {
      std::string out = "select(";
      for (size_t i = 0; i < s.select.size(); ++i) {
        if (i > 0) {
          out += ", ";
        }
        out += ToString(s.select[i]);
      }
      return out + ")";
    }
    case Stage::Kind::kAggregate:
      return ToString(s.aggregate);
  }
  return "";
}

std::string ToString(const Pipeline& p) {
  std::string out;
  for (size_t i = 0; i < p.stages.size(); ++i) {
    if (i > 0) {
      out += "|";
    }
    out += ToString(p.stages[i]);
  }
  return out;
}

std::string ToString(const MetricsFirstStage& m) {
  std::string out(MetricsOpName(m.op));
  out += "(";
  if (m.op == MetricsOp::kCompare) {
    out += "{ " + (m.compare_filter ? ToString(*m.compare_filter) : std::string("true")) + " }";
    // Tempo prints `compare({ ... }}` and drops the arguments; we print a form that parses.
    if (m.compare_top_n != 10 || m.compare_start != 0 || m.compare_end != 0) {
      out += fmt::format(",{}", m.compare_top_n);
      if (m.compare_start != 0 || m.compare_end != 0) {
        out += fmt::format(",{},{}", m.compare_start, m.compare_end);
      }
    }
    return out + ")";
  }
  if (!m.attr.empty()) {
    out += ToString(m.attr);
  }
  if (m.op == MetricsOp::kQuantileOverTime) {
    for (double q : m.quantiles) {
      out += fmt::format(",{:.5f}", q);
    }
  }
  out += ")";
  if (!m.by.empty()) {
    out += "by(";
    for (size_t i = 0; i < m.by.size(); ++i) {
      if (i > 0) {
        out += ",";
      }
      out += ToString(m.by[i]);
    }
    out += ")";
  }
  return out;
}

std::string ToString(const std::vector<Hint>& hints) {
  std::string out = "with(";
  for (size_t i = 0; i < hints.size(); ++i) {
    if (i > 0) {
      out += ",";
    }
    out += hints[i].name + "=" + ToString(hints[i].value);
  }
  return out + ")";
}

std::string SubQueryKey(const Pipeline& p, const MetricsFirstStage* m) {
  std::string key = ToString(p);
  if (m != nullptr) {
    key += " | " + ToString(*m);
  }
  return key;
}

std::string ToString(const Query& q) {
  std::string out = ToString(q, q.expr);
  if (q.has_hints) {
    out += " " + ToString(q.hints);
  }
  return out;
}

}  // namespace vivace::traceql
