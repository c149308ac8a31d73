#include "search/tag_conditions.h"

#include <set>

#include <fmt/format.h>

#include "traceql/lexer.h"
#include "traceql/parser.h"
#include "traceql/printer.h"
#include "traceql/validate.h"

namespace vivace::search {
namespace {

using traceql::FieldExpr;
using traceql::Op;
using traceql::Tok;

bool IsScopedIntrinsicPrefix(Tok t) {
  return t == Tok::kTraceColon || t == Tok::kSpanColon || t == Tok::kEventColon
         || t == Tok::kLinkColon || t == Tok::kInstrumentationColon;
}

// What may start a matcher's left side: an attribute, a bare intrinsic, a scoped intrinsic.
bool StartsAttribute(Tok t) {
  return t == Tok::kAttribute || t == Tok::kIdentifier
         || (t >= Tok::kIDuration && t <= Tok::kParent) || IsScopedIntrinsicPrefix(t);
}

bool IsComparison(Tok t) {
  return t == Tok::kEq || t == Tok::kNeq || t == Tok::kLt || t == Tok::kLte || t == Tok::kGt
         || t == Tok::kGte || t == Tok::kRe || t == Tok::kNre;
}

// What ends a matcher's slot: a comparison followed by one of these has no right side.
bool IsTerminator(Tok t) {
  return t == Tok::kCloseBrace || t == Tok::kCloseParen || t == Tok::kAnd || t == Tok::kOr
         || t == Tok::kEof;
}

// One step of the expansion: an AND of condition lists (one list), or an OR of branches.
struct Operation {
  bool is_or = false;
  std::vector<std::vector<TagCondition>> branches;
};

TagCondition Fetch(const traceql::Attribute& a) { return {a, Op::kNone, {}, nullptr}; }

TagCondition Compare(const traceql::Attribute& a, const FieldExpr& e, const traceql::Static& v) {
  return {a, e.op, v, std::shared_ptr<FieldExpr>(e.Clone())};
}

// A comparison of attribute `a` with literal `v` (either side): a condition, or only a column
// to fetch when storage could not test it (`!= nil`, non-boolean operators, `&&`/`||` with a
// boolean literal) — as Tempo's extractConditions decides.
TagCondition AttributeVsLiteral(const traceql::Attribute& a, const FieldExpr& e,
                                const traceql::Static& v) {
  if ((v.type() == traceql::StaticType::kNil && e.op == Op::kNotEqual)
      || !traceql::IsBooleanOp(e.op)) {
    return Fetch(a);
  }
  if (v.type() == traceql::StaticType::kBool && (e.op == Op::kAnd || e.op == Op::kOr)) {
    return Fetch(a);
  }
  return Compare(a, e, v);
}

void Extract(const FieldExpr& e, std::vector<TagCondition>* out) {
  using Kind = FieldExpr::Kind;
  switch (e.kind) {
    case Kind::kStatic:
      return;
    case Kind::kAttribute:
      out->push_back(Fetch(e.attribute));
      return;
    case Kind::kUnary:
      if (e.lhs->kind == Kind::kAttribute && (e.op == Op::kExists || e.op == Op::kNotExists)) {
        out->push_back(Compare(e.lhs->attribute, e, traceql::Static::Nil()));
        return;
      }
      Extract(*e.lhs, out);  // `!` and `-` are looked through, as in Tempo
      return;
    case Kind::kBinary:
      break;
  }
  const FieldExpr& l = *e.lhs;
  const FieldExpr& r = *e.rhs;
  if (l.kind == Kind::kAttribute) {
    if (r.kind == Kind::kStatic) {
      out->push_back(AttributeVsLiteral(l.attribute, e, r.value));
    } else if (r.kind == Kind::kAttribute) {
      out->push_back(Fetch(l.attribute));
      out->push_back(Fetch(r.attribute));
    } else {
      out->push_back(Fetch(l.attribute));
      Extract(r, out);
    }
    return;
  }
  if (l.kind == Kind::kStatic) {
    if (r.kind == Kind::kAttribute) {
      out->push_back(AttributeVsLiteral(r.attribute, e, l.value));
    } else if (r.kind != Kind::kStatic) {
      Extract(r, out);
    }
    return;
  }
  Extract(l, out);
  Extract(r, out);
}

std::string BranchKey(const std::vector<TagCondition>& branch) {
  std::string key;
  for (const TagCondition& c : branch) {
    key += traceql::ToString(c.attribute);
    key += '\0';
    key += std::to_string(static_cast<int>(c.op));
    key += '\0';
    key += traceql::ToString(c.operand);
    key += '\1';
  }
  return key;
}

std::vector<Operation> Leaf(const FieldExpr& e) {
  Operation op;
  op.branches.emplace_back();
  Extract(e, &op.branches.back());
  return {std::move(op)};
}

void Append(std::vector<Operation>* to, std::vector<Operation> from) {
  for (Operation& op : from) {
    to->push_back(std::move(op));
  }
}

// Tempo's flattening: a top-level AND chain gives one operation per operand; an OR gives one
// operation whose branches are its operands (an AND inside an OR branch is one branch holding
// every condition below it, nested ORs included); identical branches count once.
std::vector<Operation> Flatten(const FieldExpr& e, Op parent) {
  if (e.kind != FieldExpr::Kind::kBinary || (e.op != Op::kAnd && e.op != Op::kOr)) {
    return Leaf(e);
  }
  std::vector<Operation> lhs = Flatten(*e.lhs, e.op);
  std::vector<Operation> rhs = Flatten(*e.rhs, e.op);
  if (parent == Op::kOr && e.op == Op::kAnd) {
    Operation combined;
    combined.branches.emplace_back();
    for (auto* side : {&lhs, &rhs}) {
      for (Operation& op : *side) {
        for (auto& branch : op.branches) {
          for (TagCondition& c : branch) {
            combined.branches.back().push_back(std::move(c));
          }
        }
      }
    }
    return {std::move(combined)};
  }
  Append(&lhs, std::move(rhs));
  if (e.op == Op::kAnd || parent == Op::kOr) {
    return lhs;
  }
  Operation any;
  any.is_or = true;
  std::set<std::string> seen;
  for (Operation& op : lhs) {
    for (auto& branch : op.branches) {
      if (seen.insert(BranchKey(branch)).second) {
        any.branches.push_back(std::move(branch));
      }
    }
  }
  return {std::move(any)};
}

// Expands the operations into at most `max_groups` groups (each OR multiplies them); `reached`
// says the expansion was cut.
TagConditionGroups Expand(const std::vector<Operation>& ops, size_t max_groups, bool* reached) {
  size_t total = 1;
  for (const Operation& op : ops) {
    if (op.is_or) {
      total *= op.branches.size();
      if (total > max_groups) {
        total = max_groups;
        break;
      }
    }
  }
  TagConditionGroups groups(total);
  size_t repeats = 1;
  for (const Operation& op : ops) {
    size_t branch = 0;
    size_t repeated = 0;
    for (size_t i = 0; i < total; ++i) {
      if (!op.is_or) {
        for (const auto& list : op.branches) {
          groups[i].insert(groups[i].end(), list.begin(), list.end());
        }
        continue;
      }
      const auto& list = op.branches[branch];
      groups[i].insert(groups[i].end(), list.begin(), list.end());
      if (++repeated == repeats) {
        repeated = 0;
        ++branch;
      }
      if (branch >= op.branches.size()) {
        branch = 0;
      }
    }
    if (op.is_or) {
      repeats *= op.branches.size();
      if (repeats > max_groups) {
        repeats = max_groups;
        *reached = true;
      }
    }
  }
  return groups;
}

// The first spanset filter of the pipeline, null when it starts otherwise (structural
// operators, scalar filters).
const FieldExpr* FirstFilter(const traceql::Pipeline& p) {
  if (p.stages.empty()) {
    return nullptr;
  }
  const traceql::Stage& st = p.stages[0];
  if (st.kind != traceql::Stage::Kind::kSpanset || !st.spanset) {
    return nullptr;
  }
  switch (st.spanset->kind) {
    case traceql::SpansetExpr::Kind::kFilter:
      return st.spanset->filter.get();
    case traceql::SpansetExpr::Kind::kPipeline:
      return st.spanset->pipeline ? FirstFilter(*st.spanset->pipeline) : nullptr;
    default:
      return nullptr;
  }
}

Status TooManyGroups(size_t max_groups) {
  return Status::InvalidArgument(fmt::format(
      "maximum condition groups reached (limit: {}). Reduce the number of OR conditions in the "
      "query",
      max_groups));
}

}  // namespace

std::string ReplaceIncompleteMatchers(std::string_view query) {
  std::vector<traceql::Token> tokens = traceql::Tokenize(query);
  if (tokens.empty() || tokens.front().kind == Tok::kEof) {
    return {};
  }
  size_t pipe = tokens.size();
  int depth = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == Tok::kPipe && pipe == tokens.size()) {
      pipe = i;
    }
    depth += tokens[i].kind == Tok::kOpenBrace ? 1 : tokens[i].kind == Tok::kCloseBrace ? -1 : 0;
  }
  auto offset_of = [&](size_t i) {
    return i < tokens.size() && tokens[i].kind != Tok::kEof
               ? std::min<size_t>(tokens[i].offset, query.size())
               : query.size();
  };
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i < pipe; ++i) {
    if (!StartsAttribute(tokens[i].kind)) {
      continue;
    }
    size_t name = IsScopedIntrinsicPrefix(tokens[i].kind) ? i + 1 : i;
    if (name + 1 >= pipe || !IsComparison(tokens[name + 1].kind)) {
      continue;  // a bare attribute: rescan from the next token
    }
    size_t next = name + 2;
    if (next >= pipe || IsTerminator(tokens[next].kind)) {
      size_t from = offset_of(i);
      out.append(query.substr(copied, from - copied));
      out += "true ";
      copied = offset_of(next);
    }
    i = next - 1;
  }
  out.append(query.substr(copied));
  for (; depth > 0; --depth) {
    out += " }";
  }
  return out;
}

Result<TagConditionGroups> ExtractTagConditions(std::string_view query, size_t max_groups) {
  if (max_groups == 0) {
    max_groups = kDefaultMaxConditionGroups;
  }
  size_t first = query.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return TagConditionGroups{};
  }
  auto parsed = traceql::Parse(query, {.apply_rewrites = false});
  if (!parsed.ok()) {
    std::string repaired = ReplaceIncompleteMatchers(query);
    if (repaired.empty()) {
      return TagConditionGroups{};
    }
    parsed = traceql::Parse(repaired);
    if (!parsed.ok()) {
      return TagConditionGroups{};  // unfiltered, as Tempo
    }
  }
  if (!traceql::Validate(*parsed).ok()) {
    return TagConditionGroups{};
  }
  const traceql::SubQuery* sq = parsed->single();
  const FieldExpr* filter = sq != nullptr ? FirstFilter(sq->pipeline) : nullptr;
  if (filter == nullptr) {
    return TagConditionGroups{};
  }
  bool reached = false;
  TagConditionGroups groups = Expand(Flatten(*filter, Op::kNone), max_groups, &reached);
  for (auto& group : groups) {
    std::erase_if(group, [](const TagCondition& c) { return c.op == Op::kNone; });
    if (group.empty()) {
      return TagConditionGroups{};  // a branch that constrains nothing: everything matches
    }
  }
  if (reached) {
    return TooManyGroups(max_groups);
  }
  return groups;
}

Result<TagValuesFilter> PlanTagValues(const TagConditionGroups& groups,
                                      const traceql::Attribute& tag, size_t max_groups) {
  if (max_groups == 0) {
    max_groups = kDefaultMaxConditionGroups;
  }
  TagValuesFilter plan;
  if (groups.empty()) {
    return plan;
  }
  TagConditionGroups rest;
  for (const auto& group : groups) {
    const TagCondition* named = nullptr;
    for (const TagCondition& c : group) {
      if (c.attribute == tag && c.op == Op::kEqual) {
        named = &c;
        break;
      }
    }
    if (named != nullptr) {
      plan.direct.push_back(named->operand);
    } else {
      rest.push_back(group);
    }
  }
  if (rest.empty()) {
    plan.read = false;
    return plan;
  }
  // An unscoped tag is looked up as a resource and as a span attribute: twice the groups.
  const bool unscoped =
      tag.scope == traceql::AttributeScope::kNone && tag.intrinsic == traceql::Intrinsic::kNone;
  if (unscoped && rest.size() * 2 > max_groups) {
    return TooManyGroups(max_groups);
  }
  plan.filter = FilterOfGroups(rest);
  return plan;
}

std::shared_ptr<const PreparedSearch> FilterOfGroups(const TagConditionGroups& groups) {
  if (groups.empty()) {
    return nullptr;
  }
  std::string text = "{ ";
  for (size_t g = 0; g < groups.size(); ++g) {
    text += g == 0 ? "(" : " || (";
    for (size_t c = 0; c < groups[g].size(); ++c) {
      if (c != 0) {
        text += " && ";
      }
      text += traceql::ToString(*groups[g][c].expr);
    }
    text += ")";
  }
  text += " }";
  auto prepared = PreparedSearch::Create({.query = text, .limit = 0});
  if (!prepared.ok()) {
    // A string holding a backtick prints inside backticks (quirk 10, replicated) and does not
    // parse back: such conditions filter nothing (a superset of the values), never too few.
    return nullptr;
  }
  return std::move(prepared).value();
}

}  // namespace vivace::search
