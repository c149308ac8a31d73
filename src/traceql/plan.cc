#include "traceql/plan.h"

#include "traceql/validate.h"

namespace vivace::traceql {
namespace {

// Tempo's FetchSpansRequest.match: equal, or an unscoped condition met by a span/resource one.
bool Covers(const Attribute& cond, const Attribute& a) {
  if (cond == a) {
    return true;
  }
  return cond.scope == AttributeScope::kNone
         && (a.scope == AttributeScope::kResource || a.scope == AttributeScope::kSpan)
         && cond.parent == a.parent && cond.name == a.name && cond.intrinsic == a.intrinsic;
}

Op Mirror(Op op) {
  switch (op) {
    case Op::kGreater:
      return Op::kLess;
    case Op::kGreaterEqual:
      return Op::kLessEqual;
    case Op::kLess:
      return Op::kGreater;
    case Op::kLessEqual:
      return Op::kGreaterEqual;
    default:
      return op;
  }
}

class Extractor {
 public:
  explicit Extractor(FetchRequest* req) : req_(req) {}

  void ExtractPipeline(const traceql::Pipeline& p) {
    bool second_pass = false;
    for (const Stage& s : p.stages) {
      if (second_pass) {
        // Everything after a select() is evaluated on the second pass only.
        FetchRequest tmp;
        Extractor(&tmp).ExtractStage(s);
        for (const auto* list : {&tmp.conditions, &tmp.second_pass}) {
          for (const Condition& c : *list) {
            if (!HasWithOp(c.attribute, Op::kNone)) {
              req_->second_pass.push_back(c);
            }
          }
        }
      } else {
        ExtractStage(s);
      }
      second_pass = second_pass || s.kind == Stage::Kind::kSelect;
    }
  }

  void ExtractMetrics(const MetricsFirstStage& m) {
    if (m.op == MetricsOp::kCompare) {
      req_->second_pass_select_all = true;
      Attribute start = Attribute::OfIntrinsic(Intrinsic::kSpanStartTime);
      if (!req_->HasAttribute(start)) {
        req_->second_pass.push_back(Condition{start, Op::kNone, {}});
      }
      return;
    }
    if (!m.attr.empty() && !req_->HasAttribute(m.attr)) {
      req_->second_pass.push_back(Condition{m.attr, Op::kNone, {}});
    }
    for (const Attribute& b : m.by) {
      bool present = req_->all_conditions ? req_->HasAttribute(b) : req_->SecondPassHasAttribute(b);
      if (!present) {
        req_->second_pass.push_back(Condition{b, Op::kNone, {}});
      }
    }
  }

 private:
  bool HasWithOp(const Attribute& a, Op op) const {
    for (const Condition& c : req_->conditions) {
      if (c.op == op && Covers(c.attribute, a)) {
        return true;
      }
    }
    return false;
  }

  void Add(const Attribute& a, Op op = Op::kNone, std::vector<Static> operands = {}) {
    req_->conditions.push_back(Condition{a, op, std::move(operands)});
  }

  void ExtractStage(const traceql::Stage& s) {
    switch (s.kind) {
      case Stage::Kind::kSpanset:
        ExtractSpanset(*s.spanset);
        break;
      case Stage::Kind::kScalarFilter:
        ExtractScalar(*s.lhs);
        ExtractScalar(*s.rhs);
        break;
      case Stage::Kind::kGroupBy:
        ExtractField(*s.group_by);
        req_->all_conditions = false;
        break;
      case Stage::Kind::kSelect:
        for (const Attribute& a : s.select) {
          req_->second_pass.push_back(Condition{a, Op::kNone, {}});
        }
        break;
      case Stage::Kind::kAggregate:
        ExtractAggregate(s.aggregate);
        break;
      case Stage::Kind::kCoalesce:
        break;
    }
  }

  void ExtractAggregate(const traceql::Aggregate& a) {
    req_->all_conditions = false;
    if (a.arg) {
      ExtractField(*a.arg);
    }
  }

  void ExtractScalar(const ScalarExpr& e) {
    switch (e.kind) {
      case ScalarExpr::Kind::kAggregate:
        ExtractAggregate(e.aggregate);
        break;
      case ScalarExpr::Kind::kBinary:
        ExtractScalar(*e.lhs);
        ExtractScalar(*e.rhs);
        break;
      case ScalarExpr::Kind::kPipeline:
        ExtractPipeline(*e.pipeline);
        break;
      case ScalarExpr::Kind::kStatic:
        break;
    }
  }

  void ExtractSpanset(const SpansetExpr& e) {
    switch (e.kind) {
      case SpansetExpr::Kind::kFilter:
        ExtractFilter(*e.filter);
        break;
      case SpansetExpr::Kind::kPipeline:
        ExtractPipeline(*e.pipeline);
        break;
      case SpansetExpr::Kind::kOperation: {
        Intrinsic marker = Intrinsic::kNone;
        switch (e.op) {
          case Op::kSpansetDescendant:
          case Op::kSpansetAncestor:
          case Op::kSpansetNotDescendant:
          case Op::kSpansetNotAncestor:
          case Op::kSpansetUnionDescendant:
          case Op::kSpansetUnionAncestor:
            marker = Intrinsic::kStructuralDescendant;
            break;
          case Op::kSpansetChild:
          case Op::kSpansetParent:
          case Op::kSpansetNotChild:
          case Op::kSpansetNotParent:
          case Op::kSpansetUnionChild:
          case Op::kSpansetUnionParent:
            marker = Intrinsic::kStructuralChild;
            break;
          case Op::kSpansetSibling:
          case Op::kSpansetNotSibling:
          case Op::kSpansetUnionSibling:
            marker = Intrinsic::kStructuralSibling;
            break;
          default:
            break;
        }
        if (marker != Intrinsic::kNone) {
          Add(Attribute::OfIntrinsic(marker));
        }
        ExtractSpanset(*e.lhs);
        ExtractSpanset(*e.rhs);
        req_->all_conditions = false;
        break;
      }
    }
  }

  void ExtractFilter(const FieldExpr& e) {
    ExtractField(e);
    // `{ }` (constant true) must still produce every span: ask for the cheap start time.
    // A structural marker does not count: it asks for tree data, and storage may treat it as
    // selecting nothing (the columnar scan does), so `{ a } !< { }` must still say "all".
    if (e.kind == FieldExpr::Kind::kStatic && e.value.type() == StaticType::kBool
        && e.value.bool_value()) {
      for (const Condition& c : req_->conditions) {
        if (c.attribute.is_intrinsic() && c.op == Op::kNone
            && c.attribute.intrinsic != Intrinsic::kStructuralChild
            && c.attribute.intrinsic != Intrinsic::kStructuralDescendant
            && c.attribute.intrinsic != Intrinsic::kStructuralSibling) {
          return;
        }
      }
      Add(Attribute::OfIntrinsic(Intrinsic::kSpanStartTime));
    }
  }

  // Loads every field under `e` without filtering (negated sub-trees, quirk 14 fixed).
  void LoadOnly(const FieldExpr& e) {
    if (e.kind == FieldExpr::Kind::kAttribute && !HasWithOp(e.attribute, Op::kNone)) {
      Add(e.attribute);
    }
    if (e.lhs) {
      LoadOnly(*e.lhs);
    }
    if (e.rhs) {
      LoadOnly(*e.rhs);
    }
  }

  void ExtractField(const FieldExpr& e) {
    switch (e.kind) {
      case FieldExpr::Kind::kStatic:
        return;
      case FieldExpr::Kind::kAttribute:
        Add(e.attribute);
        return;
      case FieldExpr::Kind::kUnary:
        if (e.lhs->kind == FieldExpr::Kind::kAttribute
            && (e.op == Op::kExists || e.op == Op::kNotExists)) {
          Add(e.lhs->attribute, e.op);
        } else if (e.op == Op::kNot && e.lhs->kind != FieldExpr::Kind::kAttribute) {
          LoadOnly(*e.lhs);
          req_->all_conditions = false;
        } else {
          ExtractField(*e.lhs);
        }
        return;
      case FieldExpr::Kind::kBinary:
        ExtractBinary(e);
        return;
    }
  }

  void ExtractBinary(const FieldExpr& e) {
    const FieldExpr& l = *e.lhs;
    const FieldExpr& r = *e.rhs;
    bool l_attr = l.kind == FieldExpr::Kind::kAttribute;
    bool r_attr = r.kind == FieldExpr::Kind::kAttribute;
    bool l_static = l.kind == FieldExpr::Kind::kStatic;
    bool r_static = r.kind == FieldExpr::Kind::kStatic;
    if (e.op == Op::kOr && (l_static || r_static)) {
      // `x || true`: a span may pass without any condition holding, so storage must produce
      // every span (Tempo fetches only spans matching `x` here and can miss results).
      Attribute start = Attribute::OfIntrinsic(Intrinsic::kSpanStartTime);
      if (!HasWithOp(start, Op::kNone)) {
        Add(start);
      }
      req_->all_conditions = false;
    }
    if ((l_attr && r_static) || (l_static && r_attr)) {
      const Attribute& a = l_attr ? l.attribute : r.attribute;
      const Static& v = l_attr ? r.value : l.value;
      // The fetch layer builds predicates for comparisons only.
      if ((v.is_nil() && e.op == Op::kNotEqual) || !IsBooleanOp(e.op)
          || (v.type() == StaticType::kBool && (e.op == Op::kAnd || e.op == Op::kOr))) {
        Add(a);
      } else {
        // A literal on the left mirrors the operator (quirk 13 fixed).
        Add(a, l_attr ? e.op : Mirror(e.op), {v});
      }
      return;
    }
    if (l_attr && r_attr) {
      Add(l.attribute);
      Add(r.attribute);
      return;
    }
    if (l_attr) {
      Add(l.attribute);
      ExtractField(r);
      return;
    }
    if (l_static) {
      if (!r_static) {
        ExtractField(r);
      }
      return;
    }
    ExtractField(l);
    ExtractField(r);
    req_->all_conditions = req_->all_conditions && e.op != Op::kOr;
  }

  FetchRequest* req_;
};

}  // namespace

bool FetchRequest::HasAttribute(const Attribute& a) const {
  for (const auto* list : {&conditions, &second_pass}) {
    for (const Condition& c : *list) {
      if (Covers(c.attribute, a)) {
        return true;
      }
    }
  }
  return false;
}

bool FetchRequest::SecondPassHasAttribute(const Attribute& a) const {
  for (const Condition& c : second_pass) {
    if (Covers(c.attribute, a)) {
      return true;
    }
  }
  return false;
}

std::vector<FetchRequest> ExtractConditions(const Query& q) {
  std::vector<FetchRequest> out;
  out.reserve(q.subqueries.size());
  for (const SubQuery& sq : q.subqueries) {
    FetchRequest req;
    Extractor x(&req);
    x.ExtractPipeline(sq.pipeline);
    if (sq.metrics) {
      x.ExtractMetrics(*sq.metrics);
    }
    out.push_back(std::move(req));
  }
  return out;
}

namespace {

bool IsNoopFilter(const SpansetExpr& e) {
  if (e.kind != SpansetExpr::Kind::kFilter || e.filter->ReferencesSpan()) {
    return false;
  }
  return e.filter->kind == FieldExpr::Kind::kStatic && e.filter->value.type() == StaticType::kBool
         && !e.filter->value.bool_value();
}

}  // namespace

bool IsNoop(const Query& q) {
  for (const SubQuery& sq : q.subqueries) {
    for (const Stage& s : sq.pipeline.stages) {
      if (s.kind != Stage::Kind::kSpanset) {
        return false;
      }
      const SpansetExpr& e = *s.spanset;
      bool noop = e.kind == SpansetExpr::Kind::kOperation
                      ? IsNoopFilter(*e.lhs) && IsNoopFilter(*e.rhs)
                      : IsNoopFilter(e);
      if (!noop) {
        return false;
      }
    }
  }
  return true;
}

Result<CompiledQuery> Compile(std::string_view text, const ParseOptions& options) {
  VV_ASSIGN_OR_RETURN(Query q, ParseAndValidate(text, options));
  CompiledQuery c;
  c.requests = ExtractConditions(q);
  c.query = std::move(q);
  return c;
}

}  // namespace vivace::traceql
