#include "traceql/eval/evaluator.h"

#include <algorithm>
#include <unordered_map>

#include <re2/re2.h>

#include "common/hex.h"
#include "traceql/printer.h"
#include "traceql/static_ops.h"

namespace vivace::traceql::eval {
namespace {

constexpr uint8_t kUsesEvents = 1;
constexpr uint8_t kUsesLinks = 2;

// Comparison-like operators: each is quantified on its own over a span's events and links.
bool IsPredicate(const FieldExpr& e) {
  if (e.kind == FieldExpr::Kind::kUnary) {
    return e.op == Op::kExists || e.op == Op::kNotExists;
  }
  if (e.kind != FieldExpr::Kind::kBinary) {
    return false;
  }
  switch (e.op) {
    case Op::kEqual:
    case Op::kNotEqual:
    case Op::kRegex:
    case Op::kNotRegex:
    case Op::kGreater:
    case Op::kGreaterEqual:
    case Op::kLess:
    case Op::kLessEqual:
    case Op::kIn:
    case Op::kNotIn:
    case Op::kRegexMatchAny:
    case Op::kRegexMatchNone:
      return true;
    default:
      return false;
  }
}

bool IsLogical(const FieldExpr& e) {
  return (e.kind == FieldExpr::Kind::kBinary && (e.op == Op::kAnd || e.op == Op::kOr))
         || (e.kind == FieldExpr::Kind::kUnary && e.op == Op::kNot);
}

bool IsRegexOp(Op op) {
  return op == Op::kRegex || op == Op::kNotRegex || op == Op::kRegexMatchAny
         || op == Op::kRegexMatchNone;
}

// Tempo's span ID text: hex without leading zeros, left-padded with zeros to 16 characters.
std::string SpanIdHex(const std::string& id) {
  std::string h = HexEncode(ByteView(id));
  size_t nz = h.find_first_not_of('0');
  h = nz == std::string::npos ? std::string() : h.substr(nz);
  if (h.size() < 16) {
    h.insert(0, 16 - h.size(), '0');
  }
  return h;
}

// Tempo's trace ID text: hex without leading zeros.
std::string TraceIdHex(const std::string& id) {
  std::string h = HexEncode(ByteView(id));
  size_t nz = h.find_first_not_of('0');
  return nz == std::string::npos ? std::string() : h.substr(nz);
}

int64_t Wrap(uint64_t v) { return static_cast<int64_t>(v); }

// Tempo's Static.compare (min/max), with floats compared as numbers (quirk 8, fixed).
int Compare(const Static& a, const Static& b) {
  if (a.type() != b.type()) {
    if (a.IsNumeric() && b.IsNumeric()) {
      double x = a.AsFloat();
      double y = b.AsFloat();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a.type() < b.type() ? -1 : 1;
  }
  switch (a.type()) {
    case StaticType::kFloat: {
      double x = a.float_value();
      double y = b.float_value();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case StaticType::kString: {
      int c = a.string_value().compare(b.string_value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case StaticType::kIntArray:
      return a.int_array() < b.int_array() ? -1 : (a.int_array() == b.int_array() ? 0 : 1);
    case StaticType::kFloatArray:
      return a.float_array() < b.float_array() ? -1 : (a.float_array() == b.float_array() ? 0 : 1);
    case StaticType::kStringArray:
      return a.string_array() < b.string_array() ? -1
                                                 : (a.string_array() == b.string_array() ? 0 : 1);
    case StaticType::kBoolArray:
      return a.bool_array() < b.bool_array() ? -1 : (a.bool_array() == b.bool_array() ? 0 : 1);
    case StaticType::kNil:
      return 0;
    default:
      return a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
  }
}

// Tempo's Static.sumInto: values of another type than the running sum are skipped.
void SumInto(Static& sum, const Static& v) {
  if (sum.type() != v.type()) {
    return;
  }
  switch (sum.type()) {
    case StaticType::kInt:
      sum = Static::Int(static_cast<int64_t>(static_cast<uint64_t>(sum.int_value())
                                             + static_cast<uint64_t>(v.int_value())));
      break;
    case StaticType::kDuration:
      sum = Static::Duration(static_cast<int64_t>(static_cast<uint64_t>(sum.int_value())
                                                  + static_cast<uint64_t>(v.int_value())));
      break;
    case StaticType::kFloat:
      sum = Static::Float(sum.float_value() + v.float_value());
      break;
    default:
      break;
  }
}

// Tempo's Static.divideBy for avg(): ints become floats (computed from the signed value; Tempo
// converts the raw bits and gets negative averages wrong), durations divide as integers.
Static DivideBy(const Static& sum, int64_t count) {
  switch (sum.type()) {
    case StaticType::kInt:
      return Static::Float(static_cast<double>(sum.int_value()) / static_cast<double>(count));
    case StaticType::kDuration:
      return Static::Duration(sum.int_value() / count);
    case StaticType::kFloat:
      return Static::Float(sum.float_value() / static_cast<double>(count));
    default:
      return sum;
  }
}

// Tempo's binOp for `aggregate op literal`.
bool ScalarCompare(Op op, const Static& lhs, const Static& rhs) {
  StaticType lt = lhs.type();
  StaticType rt = rhs.type();
  if (!IsMatchingOperand(lt, rt) || !BinaryTypeValid(op, lt) || !BinaryTypeValid(op, rt)) {
    return false;
  }
  double a = lhs.AsFloat();
  double b = rhs.AsFloat();
  switch (op) {
    case Op::kGreater:
      return a > b;
    case Op::kGreaterEqual:
      return a >= b;
    case Op::kLess:
      return a < b;
    case Op::kLessEqual:
      return a <= b;
    case Op::kEqual:
      return lhs.Equals(rhs);
    case Op::kNotEqual:
      return lhs.NotEquals(rhs);
    default:
      return false;
  }
}

bool IsTrue(const Static& v) { return v.type() == StaticType::kBool && v.bool_value(); }

}  // namespace

struct Evaluator::Compiled {
  // Anchored regexes of `x =~ literal` nodes, one per literal (arrays from or_to_in).
  std::unordered_map<const FieldExpr*, std::vector<std::unique_ptr<RE2>>> regexes;
  // Whether a node's subtree reads event or link fields.
  std::unordered_map<const FieldExpr*, uint8_t> scopes;

  uint8_t ScopesOf(const FieldExpr& e) const {
    auto it = scopes.find(&e);
    return it == scopes.end() ? 0 : it->second;
  }

  Status Prepare(const FieldExpr* e);
  Status Prepare(const Pipeline& p);
  Status Prepare(const SpansetExpr* e);
  Status Prepare(const ScalarExpr* e);
};

Status Evaluator::Compiled::Prepare(const FieldExpr* e) {
  if (e == nullptr) {
    return Status::Ok();
  }
  VV_RETURN_IF_ERROR(Prepare(e->lhs.get()));
  VV_RETURN_IF_ERROR(Prepare(e->rhs.get()));
  uint8_t flags = 0;
  if (e->kind == FieldExpr::Kind::kAttribute) {
    const Attribute& a = e->attribute;
    if (a.scope == AttributeScope::kEvent || a.intrinsic == Intrinsic::kEventName
        || a.intrinsic == Intrinsic::kEventTimeSinceStart) {
      flags |= kUsesEvents;
    }
    if (a.scope == AttributeScope::kLink || a.intrinsic == Intrinsic::kLinkSpanId
        || a.intrinsic == Intrinsic::kLinkTraceId) {
      flags |= kUsesLinks;
    }
  }
  if (e->lhs) {
    flags |= ScopesOf(*e->lhs);
  }
  if (e->rhs) {
    flags |= ScopesOf(*e->rhs);
  }
  if (flags != 0) {
    scopes[e] = flags;
  }
  if (e->kind == FieldExpr::Kind::kBinary && IsRegexOp(e->op)
      && e->rhs->kind == FieldExpr::Kind::kStatic) {
    std::vector<std::string> patterns;
    const Static& v = e->rhs->value;
    if (v.type() == StaticType::kString) {
      patterns.push_back(v.string_value());
    } else if (v.type() == StaticType::kStringArray) {
      patterns = v.string_array();
    }
    RE2::Options options;
    options.set_log_errors(false);
    auto& compiled = regexes[e];
    for (const std::string& p : patterns) {
      auto re = std::make_unique<RE2>("^(?s:" + p + ")$", options);
      if (!re->ok()) {
        return Status::InvalidArgument("invalid regex: " + re->error());
      }
      compiled.push_back(std::move(re));
    }
  }
  return Status::Ok();
}

Status Evaluator::Compiled::Prepare(const SpansetExpr* e) {
  if (e == nullptr) {
    return Status::Ok();
  }
  VV_RETURN_IF_ERROR(Prepare(e->filter.get()));
  VV_RETURN_IF_ERROR(Prepare(e->lhs.get()));
  VV_RETURN_IF_ERROR(Prepare(e->rhs.get()));
  if (e->pipeline) {
    VV_RETURN_IF_ERROR(Prepare(*e->pipeline));
  }
  return Status::Ok();
}

Status Evaluator::Compiled::Prepare(const ScalarExpr* e) {
  if (e == nullptr) {
    return Status::Ok();
  }
  VV_RETURN_IF_ERROR(Prepare(e->aggregate.arg.get()));
  VV_RETURN_IF_ERROR(Prepare(e->lhs.get()));
  VV_RETURN_IF_ERROR(Prepare(e->rhs.get()));
  if (e->pipeline) {
    VV_RETURN_IF_ERROR(Prepare(*e->pipeline));
  }
  return Status::Ok();
}

Status Evaluator::Compiled::Prepare(const Pipeline& p) {
  for (const Stage& s : p.stages) {
    VV_RETURN_IF_ERROR(Prepare(s.spanset.get()));
    VV_RETURN_IF_ERROR(Prepare(s.lhs.get()));
    VV_RETURN_IF_ERROR(Prepare(s.rhs.get()));
    VV_RETURN_IF_ERROR(Prepare(s.group_by.get()));
    VV_RETURN_IF_ERROR(Prepare(s.aggregate.arg.get()));
  }
  return Status::Ok();
}

namespace {

// Evaluates field expressions for one span. Event and link fields read the event (link) the
// enclosing predicate is currently quantified over.
class SpanContext {
 public:
  SpanContext(const Evaluator::Compiled& c, const Trace& t, const Span& s) : c_(c), t_(t), s_(s) {}

  // The value of one field: event and link fields read the first event (link) having them.
  Static FieldValue(const Attribute& a) {
    bool events = a.scope == AttributeScope::kEvent || a.intrinsic == Intrinsic::kEventName
                  || a.intrinsic == Intrinsic::kEventTimeSinceStart;
    bool links = a.scope == AttributeScope::kLink || a.intrinsic == Intrinsic::kLinkSpanId
                 || a.intrinsic == Intrinsic::kLinkTraceId;
    size_t n = events ? s_.events.size() : (links ? s_.links.size() : 0);
    if (!events && !links) {
      return Lookup(a);
    }
    int64_t* binding = events ? &event_ : &link_;
    for (size_t i = 0; i < n; ++i) {
      *binding = static_cast<int64_t>(i);
      Static v = Lookup(a);
      if (!v.is_nil()) {
        *binding = kUnbound;
        return v;
      }
    }
    *binding = kUnbound;
    return Static::Nil();
  }

  // The value of a filter's expression. Predicates are quantified over events and links one
  // by one; `&&`, `||` and `!` combine their results.
  Result<Static> EvaluateRoot(const FieldExpr& e) {
    return IsLogical(e) ? Evaluate(e) : Quantified(e);
  }

  Result<Static> Evaluate(const FieldExpr& e) {
    switch (e.kind) {
      case FieldExpr::Kind::kStatic:
        return e.value;
      case FieldExpr::Kind::kAttribute:
        return Lookup(e.attribute);
      case FieldExpr::Kind::kUnary: {
        VV_ASSIGN_OR_RETURN(Static v, Operand(e, *e.lhs));
        Result<Static> r = EvalUnary(e.op, v);
        // `!` on a non-boolean and `-` on a non-number: a non-match, not a failed query.
        return r.ok() ? std::move(r).value() : Static::Nil();
      }
      case FieldExpr::Kind::kBinary: {
        VV_ASSIGN_OR_RETURN(Static l, Operand(e, *e.lhs));
        VV_ASSIGN_OR_RETURN(Static r, Operand(e, *e.rhs));
        if (IsRegexOp(e.op)) {
          auto it = c_.regexes.find(&e);
          if (it != c_.regexes.end()) {
            return MatchRegex(e.op, l, it->second);
          }
        }
        return EvalBinary(e.op, l, r);
      }
    }
    return Static::Nil();
  }

 private:
  // Operands of logical operators are quantified unless they are logical themselves; nested
  // predicates are quantified (a no-op when already bound).
  Result<Static> Operand(const FieldExpr& parent, const FieldExpr& e) {
    bool quantify = IsPredicate(e) || (IsLogical(parent) && !IsLogical(e));
    return quantify ? Quantified(e) : Evaluate(e);
  }

  // A predicate on event or link fields holds if it holds for some event (link).
  Result<Static> Quantified(const FieldExpr& e) {
    uint8_t scopes = c_.ScopesOf(e);
    if ((scopes & kUsesEvents) != 0 && event_ == kUnbound) {
      return ForSome(e, s_.events.size(), &event_);
    }
    if ((scopes & kUsesLinks) != 0 && link_ == kUnbound) {
      return ForSome(e, s_.links.size(), &link_);
    }
    return Evaluate(e);
  }

  Result<Static> ForSome(const FieldExpr& e, size_t n, int64_t* binding) {
    if (n == 0) {
      *binding = kNone;
      Result<Static> r = Quantified(e);
      *binding = kUnbound;
      return r;
    }
    for (size_t i = 0; i < n; ++i) {
      *binding = static_cast<int64_t>(i);
      Result<Static> r = Quantified(e);
      if (!r.ok() || IsTrue(*r)) {
        *binding = kUnbound;
        return r;
      }
    }
    *binding = kUnbound;
    return Static::Bool(false);
  }

  const Event* event() const {
    return event_ >= 0 ? &s_.events[static_cast<size_t>(event_)] : nullptr;
  }

  const Link* link() const { return link_ >= 0 ? &s_.links[static_cast<size_t>(link_)] : nullptr; }

  static Static Found(const Static* v) { return v != nullptr ? *v : Static::Nil(); }

  Static Lookup(const Attribute& a) const {
    if (a.is_intrinsic()) {
      return IntrinsicValue(a.intrinsic);
    }
    if (a.parent) {
      return Static::Nil();  // parent. is refused by validation
    }
    switch (a.scope) {
      case AttributeScope::kSpan:
        return Found(FindAttribute(s_.attrs, a.name));
      case AttributeScope::kResource:
        return s_.resource != nullptr ? Found(FindAttribute(s_.resource->attrs, a.name))
                                      : Static::Nil();
      case AttributeScope::kNone: {
        // Span attribute first, then the resource's.
        const Static* v = FindAttribute(s_.attrs, a.name);
        if (v == nullptr && s_.resource != nullptr) {
          v = FindAttribute(s_.resource->attrs, a.name);
        }
        return Found(v);
      }
      case AttributeScope::kEvent:
        return event() != nullptr ? Found(FindAttribute(event()->attrs, a.name)) : Static::Nil();
      case AttributeScope::kLink:
        return link() != nullptr ? Found(FindAttribute(link()->attrs, a.name)) : Static::Nil();
      case AttributeScope::kInstrumentation:
        return s_.scope != nullptr ? Found(FindAttribute(s_.scope->attrs, a.name)) : Static::Nil();
      case AttributeScope::kTrace:
        return Static::Nil();
    }
    return Static::Nil();
  }

  Static IntrinsicValue(traceql::Intrinsic i) const {
    switch (i) {
      case Intrinsic::kDuration:
        return Static::Duration(Wrap(s_.end_unix_nano - s_.start_unix_nano));
      case Intrinsic::kName:
        return Static::String(s_.name);
      case Intrinsic::kStatus:
        return Static::Status(s_.status);
      case Intrinsic::kStatusMessage:
        return Static::String(s_.status_message);
      case Intrinsic::kKind:
        return Static::Kind(s_.kind);
      case Intrinsic::kChildCount:
        return Static::Int(s_.child_count);
      case Intrinsic::kTraceRootService:
        return Static::String(t_.root_service);
      case Intrinsic::kTraceRootSpan:
        return Static::String(t_.root_name);
      case Intrinsic::kTraceDuration:
        return Static::Duration(Wrap(t_.end_unix_nano - t_.start_unix_nano));
      case Intrinsic::kNestedSetLeft:
        return Static::Int(s_.nested_left);
      case Intrinsic::kNestedSetRight:
        return Static::Int(s_.nested_right);
      case Intrinsic::kNestedSetParent:
        return Static::Int(s_.nested_parent);
      case Intrinsic::kEventName:
        return event() != nullptr ? Static::String(event()->name) : Static::Nil();
      case Intrinsic::kEventTimeSinceStart:
        return event() != nullptr
                   ? Static::Duration(Wrap(event()->time_unix_nano - s_.start_unix_nano))
                   : Static::Nil();
      case Intrinsic::kLinkSpanId:
        return link() != nullptr ? Static::String(SpanIdHex(link()->span_id)) : Static::Nil();
      case Intrinsic::kLinkTraceId:
        return link() != nullptr ? Static::String(TraceIdHex(link()->trace_id)) : Static::Nil();
      case Intrinsic::kInstrumentationName:
        return s_.scope != nullptr ? Static::String(s_.scope->name) : Static::Nil();
      case Intrinsic::kInstrumentationVersion:
        return s_.scope != nullptr ? Static::String(s_.scope->version) : Static::Nil();
      case Intrinsic::kTraceId:
        return Static::String(TraceIdHex(t_.trace_id));
      case Intrinsic::kSpanId:
        return Static::String(SpanIdHex(s_.span_id));
      case Intrinsic::kParentId:
        return Static::String(SpanIdHex(s_.parent_id));
      case Intrinsic::kSpanStartTime:
        return Static::Int(Wrap(s_.start_unix_nano));
      case Intrinsic::kTraceStartTime:
        return Static::Int(Wrap(t_.start_unix_nano));
      default:
        return Static::Nil();
    }
  }

  // `=~` and friends with precompiled, anchored patterns; arrays match any/every element.
  static Static MatchRegex(Op op, const Static& value,
                           const std::vector<std::unique_ptr<RE2>>& patterns) {
    bool negate = op == Op::kNotRegex || op == Op::kRegexMatchNone;
    auto test = [&](const std::string& s) {
      bool any = false;
      for (const auto& re : patterns) {
        if (RE2::FullMatch(s, *re)) {
          any = true;
          break;
        }
      }
      return negate ? !any : any;
    };
    if (value.type() == StaticType::kString) {
      return Static::Bool(test(value.string_value()));
    }
    if (value.type() == StaticType::kStringArray) {
      const auto& elems = value.string_array();
      if (negate) {
        return Static::Bool(std::all_of(elems.begin(), elems.end(), test));
      }
      return Static::Bool(std::any_of(elems.begin(), elems.end(), test));
    }
    return Static::Bool(false);  // nil or not a string: the type gate
  }

  static constexpr int64_t kUnbound = -1;
  static constexpr int64_t kNone = -2;  // the span has no events (links): fields are nil

  const Evaluator::Compiled& c_;
  const Trace& t_;
  const Span& s_;
  int64_t event_ = kUnbound;
  int64_t link_ = kUnbound;
};

// Evaluates pipelines over the spansets of one trace.
class TraceEvaluation {
 public:
  TraceEvaluation(const Evaluator::Compiled& c, const Trace& t) : c_(c), t_(t) {}

  Result<std::vector<Spanset>> RunPipeline(const traceql::Pipeline& p, std::vector<Spanset> in) {
    for (const Stage& s : p.stages) {
      VV_ASSIGN_OR_RETURN(in, RunStage(s, std::move(in)));
      if (in.empty()) {
        break;
      }
    }
    return in;
  }

 private:
  Result<std::vector<Spanset>> RunStage(const traceql::Stage& s, std::vector<Spanset> in) {
    switch (s.kind) {
      case Stage::Kind::kSpanset:
        return Spansets(*s.spanset, in);
      case Stage::Kind::kScalarFilter:
        return ScalarFilter(s, std::move(in));
      case Stage::Kind::kGroupBy:
        return GroupBy(s, in);
      case Stage::Kind::kCoalesce: {
        Spanset all;
        for (const Spanset& ss : in) {
          all.spans.insert(all.spans.end(), ss.spans.begin(), ss.spans.end());
        }
        return std::vector<Spanset>{std::move(all)};
      }
      case Stage::Kind::kSelect:
        return in;  // loads fields for results; no effect on matching
      case Stage::Kind::kAggregate:
        return Status::InvalidArgument("scalar pipelines are not supported");
    }
    return in;
  }

  Result<bool> Matches(const FieldExpr& e, uint32_t span) {
    SpanContext ctx(c_, t_, t_.spans[span]);
    VV_ASSIGN_OR_RETURN(Static v, ctx.EvaluateRoot(e));
    return IsTrue(v);
  }

  static Spanset WithSpans(const Spanset& from, std::vector<uint32_t> spans) {
    Spanset out;
    out.spans = std::move(spans);
    out.has_scalar = from.has_scalar;
    out.scalar = from.scalar;
    out.attributes = from.attributes;
    return out;
  }

  Result<std::vector<Spanset>> Spansets(const SpansetExpr& e, const std::vector<Spanset>& in) {
    std::vector<Spanset> out;
    switch (e.kind) {
      case SpansetExpr::Kind::kFilter:
        for (const Spanset& ss : in) {
          std::vector<uint32_t> kept;
          for (uint32_t span : ss.spans) {
            VV_ASSIGN_OR_RETURN(bool m, Matches(*e.filter, span));
            if (m) {
              kept.push_back(span);
            }
          }
          if (!kept.empty()) {
            out.push_back(WithSpans(ss, std::move(kept)));
          }
        }
        return out;
      case SpansetExpr::Kind::kPipeline:
        return RunPipeline(*e.pipeline, in);
      case SpansetExpr::Kind::kOperation:
        for (const Spanset& ss : in) {
          std::vector<Spanset> one{ss};
          VV_ASSIGN_OR_RETURN(std::vector<Spanset> lhs, Spansets(*e.lhs, one));
          VV_ASSIGN_OR_RETURN(std::vector<Spanset> rhs, Spansets(*e.rhs, one));
          VV_ASSIGN_OR_RETURN(std::vector<uint32_t> spans, Operation(e.op, lhs, rhs));
          if (!spans.empty()) {
            out.push_back(WithSpans(ss, std::move(spans)));
          }
        }
        return out;
    }
    return out;
  }

  Result<std::vector<uint32_t>> Operation(Op op, const std::vector<Spanset>& lhs,
                                          const std::vector<Spanset>& rhs) {
    std::vector<uint32_t> out;
    if (op == Op::kSpansetAnd || op == Op::kSpansetUnion) {
      bool keep =
          op == Op::kSpansetAnd ? (!lhs.empty() && !rhs.empty()) : (!lhs.empty() || !rhs.empty());
      if (keep) {
        for (const auto* side : {&lhs, &rhs}) {
          for (const Spanset& ss : *side) {
            out.insert(out.end(), ss.spans.begin(), ss.spans.end());
          }
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
      }
      return out;
    }
    if (rhs.empty()) {
      return out;
    }
    if (lhs.size() > 1 || rhs.size() > 1) {
      return Status::InvalidArgument(
          "spanset operators are not supported for multiple spansets per trace. consider using "
          "coalesce()");
    }
    std::vector<bool> in_l(t_.spans.size(), false);
    std::vector<bool> in_r(t_.spans.size(), false);
    if (!lhs.empty()) {
      for (uint32_t s : lhs[0].spans) {
        in_l[s] = true;
      }
    }
    for (uint32_t s : rhs[0].spans) {
      in_r[s] = true;
    }
    std::vector<bool> result = Relation(op, in_l, in_r);
    for (uint32_t i = 0; i < result.size(); ++i) {
      if (result[i]) {
        out.push_back(i);
      }
    }
    return out;
  }

  // Structural relations (spec/traceql.md 8.4) over membership vectors of L and R.
  std::vector<bool> Relation(Op op, const std::vector<bool>& l, const std::vector<bool>& r) {
    size_t n = t_.spans.size();
    const auto& spans = t_.spans;
    auto parent_of = [&](size_t i) { return spans[i].parent; };
    // Marks: has_child_in[x] = x has a child in set; parent_in = parent of x in set; etc.
    auto parents_of = [&](const std::vector<bool>& set) {
      std::vector<bool> out(n, false);
      for (size_t i = 0; i < n; ++i) {
        if (set[i] && spans[i].connected && parent_of(i) >= 0) {
          out[static_cast<size_t>(parent_of(i))] = true;
        }
      }
      return out;
    };
    auto children_of = [&](const std::vector<bool>& set) {
      std::vector<bool> out(n, false);
      for (size_t i = 0; i < n; ++i) {
        if (spans[i].connected && parent_of(i) >= 0 && set[static_cast<size_t>(parent_of(i))]) {
          out[i] = true;
        }
      }
      return out;
    };
    auto ancestors_of = [&](const std::vector<bool>& set) {
      std::vector<bool> out(n, false);
      for (size_t i = 0; i < n; ++i) {
        if (!set[i] || !spans[i].connected) {
          continue;
        }
        for (int32_t p = parent_of(i); p >= 0 && !out[static_cast<size_t>(p)];
             p = parent_of(static_cast<size_t>(p))) {
          out[static_cast<size_t>(p)] = true;
        }
      }
      return out;
    };
    auto descendants_of = [&](const std::vector<bool>& set) {
      std::vector<bool> out(n, false);
      for (size_t i = 0; i < n; ++i) {
        if (!spans[i].connected) {
          continue;
        }
        for (int32_t p = parent_of(i); p >= 0; p = parent_of(static_cast<size_t>(p))) {
          if (set[static_cast<size_t>(p)]) {
            out[i] = true;
            break;
          }
        }
      }
      return out;
    };
    // Siblings share a parent (all roots share a virtual one); a span is not its own sibling.
    auto siblings_of = [&](const std::vector<bool>& set) {
      std::unordered_map<int32_t, int> count;
      for (size_t i = 0; i < n; ++i) {
        if (set[i] && spans[i].connected) {
          ++count[parent_of(i)];
        }
      }
      std::vector<bool> out(n, false);
      for (size_t i = 0; i < n; ++i) {
        if (!spans[i].connected) {
          continue;
        }
        auto it = count.find(parent_of(i));
        int others = it == count.end() ? 0 : it->second - (set[i] ? 1 : 0);
        out[i] = others > 0;
      }
      return out;
    };
    auto both = [&](const std::vector<bool>& a, const std::vector<bool>& b) {
      std::vector<bool> out(n);
      for (size_t i = 0; i < n; ++i) {
        out[i] = a[i] && b[i];
      }
      return out;
    };
    auto either = [&](const std::vector<bool>& a, const std::vector<bool>& b) {
      std::vector<bool> out(n);
      for (size_t i = 0; i < n; ++i) {
        out[i] = a[i] || b[i];
      }
      return out;
    };
    auto but_not = [&](const std::vector<bool>& a, const std::vector<bool>& b) {
      std::vector<bool> out(n);
      for (size_t i = 0; i < n; ++i) {
        out[i] = a[i] && !b[i];
      }
      return out;
    };
    switch (op) {
      case Op::kSpansetChild:  // r whose parent is in L
        return both(r, children_of(l));
      case Op::kSpansetNotChild:
        return but_not(r, children_of(l));
      case Op::kSpansetParent:  // r that is the parent of some l
        return both(r, parents_of(l));
      case Op::kSpansetNotParent:
        return but_not(r, parents_of(l));
      case Op::kSpansetDescendant:  // r with an ancestor in L
        return both(r, descendants_of(l));
      case Op::kSpansetNotDescendant:
        return but_not(r, descendants_of(l));
      case Op::kSpansetAncestor:  // r that is an ancestor of some l
        return both(r, ancestors_of(l));
      case Op::kSpansetNotAncestor:
        return but_not(r, ancestors_of(l));
      case Op::kSpansetSibling:
        return both(r, siblings_of(l));
      case Op::kSpansetNotSibling:
        return but_not(r, siblings_of(l));
      case Op::kSpansetUnionChild:  // parents in L with a child in R, children in R of L
        return either(both(l, parents_of(r)), both(r, children_of(l)));
      case Op::kSpansetUnionParent:  // children in L of a parent in R, parents in R of L
        return either(both(l, children_of(r)), both(r, parents_of(l)));
      case Op::kSpansetUnionDescendant:  // ancestors in L of R, descendants in R of L
        return either(both(l, ancestors_of(r)), both(r, descendants_of(l)));
      case Op::kSpansetUnionAncestor:  // descendants in L of R, ancestors in R of L
        return either(both(l, descendants_of(r)), both(r, ancestors_of(l)));
      case Op::kSpansetUnionSibling:
        return either(both(l, siblings_of(r)), both(r, siblings_of(l)));
      default:
        return std::vector<bool>(n, false);
    }
  }

  Result<std::vector<Spanset>> ScalarFilter(const traceql::Stage& s, std::vector<Spanset> in) {
    // Validation allows only `aggregate op literal` here.
    if (s.lhs->kind != ScalarExpr::Kind::kAggregate || s.rhs->kind != ScalarExpr::Kind::kStatic) {
      return Status::InvalidArgument("scalar filter not supported: " + ToString(s));
    }
    const Aggregate& agg = s.lhs->aggregate;
    std::string name = ToString(agg);
    std::vector<Spanset> out;
    for (Spanset& ss : in) {
      VV_ASSIGN_OR_RETURN(std::optional<Static> value, AggregateOf(agg, ss));
      if (!value) {
        continue;  // every value nil: the spanset is dropped
      }
      if (ScalarCompare(s.op, *value, s.rhs->value)) {
        ss.has_scalar = true;
        ss.scalar = *value;
        ss.attributes.emplace_back(name, *value);
        out.push_back(std::move(ss));
      }
    }
    return out;
  }

  Result<std::optional<Static>> AggregateOf(const Aggregate& agg, const Spanset& ss) {
    if (agg.op == AggregateOp::kCount) {
      return std::optional<Static>(Static::Int(static_cast<int64_t>(ss.spans.size())));
    }
    std::optional<Static> acc;
    int64_t count = 0;
    for (uint32_t span : ss.spans) {
      SpanContext ctx(c_, t_, t_.spans[span]);
      VV_ASSIGN_OR_RETURN(Static v, ctx.EvaluateRoot(*agg.arg));
      if (v.is_nil()) {
        continue;
      }
      ++count;  // avg counts values of any type (quirk 7, replicated)
      if (!acc) {
        acc = v;
        continue;
      }
      switch (agg.op) {
        case AggregateOp::kMax:
          if (Compare(v, *acc) > 0) {
            acc = v;
          }
          break;
        case AggregateOp::kMin:
          if (Compare(v, *acc) < 0) {
            acc = v;
          }
          break;
        default:
          SumInto(*acc, v);
      }
    }
    if (acc && agg.op == AggregateOp::kAvg) {
      acc = DivideBy(*acc, count);
    }
    return acc;
  }

  Result<std::vector<Spanset>> GroupBy(const traceql::Stage& s, const std::vector<Spanset>& in) {
    std::string name = ToString(s);
    std::vector<Spanset> out;
    for (const Spanset& ss : in) {
      std::vector<std::pair<Static, Spanset>> groups;
      for (uint32_t span : ss.spans) {
        SpanContext ctx(c_, t_, t_.spans[span]);
        VV_ASSIGN_OR_RETURN(Static key, ctx.EvaluateRoot(*s.group_by));
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first == key; });
        if (it == groups.end()) {
          Spanset g;
          g.attributes = ss.attributes;
          g.attributes.emplace_back(name, key);
          groups.emplace_back(key, std::move(g));
          it = groups.end() - 1;
        }
        it->second.spans.push_back(span);
      }
      for (auto& g : groups) {
        out.push_back(std::move(g.second));
      }
    }
    return out;
  }

  const Evaluator::Compiled& c_;
  const Trace& t_;
};

}  // namespace

Static FieldValue(const Trace& trace, const Span& span, const Attribute& field) {
  Evaluator::Compiled none;
  return SpanContext(none, trace, span).FieldValue(field);
}

Evaluator::Evaluator(Query q) : query_(std::move(q)), compiled_(std::make_unique<Compiled>()) {}

Evaluator::~Evaluator() = default;

Result<std::unique_ptr<Evaluator>> Evaluator::Create(const Query& q) {
  // The constructor is private: make_unique cannot reach it.
  std::unique_ptr<Evaluator> e(new Evaluator(q.Clone()));
  for (const SubQuery& sq : e->query_.subqueries) {
    VV_RETURN_IF_ERROR(e->compiled_->Prepare(sq.pipeline));
  }
  return e;
}

Result<std::vector<Spanset>> Evaluator::Evaluate(const Trace& trace, size_t subquery) const {
  if (subquery >= query_.subqueries.size()) {
    return Status::InvalidArgument("no such sub-query");
  }
  Spanset all;
  all.spans.resize(trace.spans.size());
  for (uint32_t i = 0; i < all.spans.size(); ++i) {
    all.spans[i] = i;
  }
  if (all.spans.empty()) {
    return std::vector<Spanset>{};
  }
  TraceEvaluation run(*compiled_, trace);
  return run.RunPipeline(query_.subqueries[subquery].pipeline,
                         std::vector<Spanset>{std::move(all)});
}

}  // namespace vivace::traceql::eval
