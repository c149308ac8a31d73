#include "search/scan/candidates.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

#include "block/row_group_reader.h"
#include "block/schema.h"
#include "search/scan/attribute_scan.h"
#include "search/scan/row_group_tree.h"
#include "search/scan/value_predicate.h"

namespace vivace::search {

using block::AttrScope;
using block::Col;
using block::Table;
using traceql::AttributeScope;
using traceql::Intrinsic;
using traceql::Op;
using traceql::Static;
using traceql::StaticType;

namespace {

// Where a condition is evaluated.
enum class Target : uint8_t {
  kSpanString,     // a string column of the span table (name, status message)
  kSpanDuration,   // span.duration as a TraceQL duration
  kSpanStatus,     // span.status_code, mapped to Tempo's status
  kSpanKind,       // span.kind, mapped to Tempo's kind
  kTraceString,    // rootServiceName, rootName
  kTraceDuration,  // trace:duration
  kEventString,    // event:name (some event of the span)
  kScopeString,    // instrumentation:name / version (the span's scope)
  kAttribute,      // an attribute of a scope
};

// Tempo's status (error 0, ok 1, unset 2) of an OTLP status code, as the evaluator maps it.
traceql::SpanStatus StatusOfCode(uint64_t code) {
  return code == 1 ? traceql::SpanStatus::kOk
                   : (code == 2 ? traceql::SpanStatus::kError : traceql::SpanStatus::kUnset);
}

traceql::SpanKind KindOfCode(uint64_t code) {
  switch (code) {
    case 1:
      return traceql::SpanKind::kInternal;
    case 2:
      return traceql::SpanKind::kServer;
    case 3:
      return traceql::SpanKind::kClient;
    case 4:
      return traceql::SpanKind::kProducer;
    case 5:
      return traceql::SpanKind::kConsumer;
    default:
      return traceql::SpanKind::kUnspecified;
  }
}

constexpr uint64_t kCodeClasses = 6;  // OTLP codes 0..5; larger ones read as code 0's class

bool IsStructuralMarker(Intrinsic i) {
  return i == Intrinsic::kStructuralChild || i == Intrinsic::kStructuralDescendant
         || i == Intrinsic::kStructuralSibling;
}

bool AllZero(const std::vector<uint8_t>& v) {
  return v.empty() || (v[0] == 0 && std::memcmp(v.data(), v.data() + 1, v.size() - 1) == 0);
}

// Whether any byte of a (short: one trace's rows) range is set.
bool AnyIn(const uint8_t* p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; ++i) {
    acc |= p[i];
  }
  return acc != 0;
}

// Byte-wise AND / OR of selections (0/1 bytes); written so that the compiler vectorises them.
void AndInto(std::vector<uint8_t>* acc, const std::vector<uint8_t>& v) {
  uint8_t* __restrict a = acc->data();
  const uint8_t* __restrict b = v.data();
  const size_t n = acc->size();
  for (size_t i = 0; i < n; ++i) {
    a[i] &= b[i];
  }
}

void OrInto(std::vector<uint8_t>* acc, const std::vector<uint8_t>& v) {
  uint8_t* __restrict a = acc->data();
  const uint8_t* __restrict b = v.data();
  const size_t n = acc->size();
  for (size_t i = 0; i < n; ++i) {
    a[i] |= b[i];
  }
}

}  // namespace

struct CandidateScanner::Plan {
  struct Cond {
    Target target = Target::kAttribute;
    uint16_t column = 0;
    // Attributes.
    AttributeScope scope = AttributeScope::kSpan;
    std::string key;
    AttrTest test = AttrTest::kPredicate;
    std::unique_ptr<ValuePredicate> pred;
    IntMatcher ints;                     // durations
    uint8_t classes[kCodeClasses] = {};  // status / kind per OTLP code
    bool nil_match = false;              // the value of spans without a scope / event
  };

  bool all_conditions = true;
  bool select_all = false;
  std::vector<Cond> conds;

  explicit Plan(const traceql::FetchRequest& request) : all_conditions(request.all_conditions) {
    for (const traceql::Condition& c : request.conditions) {
      if (c.op == Op::kNone && IsStructuralMarker(c.attribute.intrinsic)) {
        continue;  // asks for tree data; selects nothing on its own
      }
      Cond cond;
      if (!Compile(c, &cond)) {
        if (!all_conditions) {
          select_all = true;  // a span may pass through this condition alone
        }
        continue;
      }
      conds.push_back(std::move(cond));
    }
    if (conds.empty()) {
      select_all = true;
    }
  }

  static bool Compile(const traceql::Condition& c, Cond* out) {
    if (c.op == Op::kNone || c.attribute.parent) {
      return false;
    }
    const traceql::Attribute& a = c.attribute;
    const bool nil_test = c.op == Op::kExists || c.op == Op::kNotExists;
    if (!nil_test) {
      out->pred = std::make_unique<ValuePredicate>(c.op, c.operands);
      if (!out->pred->usable()) {
        return false;
      }
    }
    if (a.is_intrinsic()) {
      if (nil_test) {
        return false;
      }
      switch (a.intrinsic) {
        case Intrinsic::kName:
          out->target = Target::kSpanString;
          out->column = static_cast<uint16_t>(Col::kSpanName);
          return true;
        case Intrinsic::kStatusMessage:
          out->target = Target::kSpanString;
          out->column = static_cast<uint16_t>(Col::kSpanStatusMsg);
          return true;
        case Intrinsic::kDuration:
          out->target = Target::kSpanDuration;
          out->column = static_cast<uint16_t>(Col::kSpanDuration);
          out->ints = out->pred->ForInts(StaticType::kDuration);
          return true;
        case Intrinsic::kTraceDuration:
          out->target = Target::kTraceDuration;
          out->column = static_cast<uint16_t>(Col::kTraceDuration);
          out->ints = out->pred->ForInts(StaticType::kDuration);
          return true;
        case Intrinsic::kStatus:
          out->target = Target::kSpanStatus;
          out->column = static_cast<uint16_t>(Col::kSpanStatusCode);
          for (uint64_t code = 0; code < kCodeClasses; ++code) {
            out->classes[code] = out->pred->MatchStatic(Static::Status(StatusOfCode(code)));
          }
          return true;
        case Intrinsic::kKind:
          out->target = Target::kSpanKind;
          out->column = static_cast<uint16_t>(Col::kSpanKind);
          for (uint64_t code = 0; code < kCodeClasses; ++code) {
            out->classes[code] = out->pred->MatchStatic(Static::Kind(KindOfCode(code)));
          }
          return true;
        case Intrinsic::kTraceRootService:
          out->target = Target::kTraceString;
          out->column = static_cast<uint16_t>(Col::kTraceRootService);
          return true;
        case Intrinsic::kTraceRootSpan:
          out->target = Target::kTraceString;
          out->column = static_cast<uint16_t>(Col::kTraceRootName);
          return true;
        case Intrinsic::kEventName:
          out->target = Target::kEventString;
          out->column = static_cast<uint16_t>(Col::kEventName);
          out->nil_match = false;  // spans without events: nil satisfies no comparison
          return true;
        case Intrinsic::kInstrumentationName:
        case Intrinsic::kInstrumentationVersion:
          out->target = Target::kScopeString;
          out->column = static_cast<uint16_t>(a.intrinsic == Intrinsic::kInstrumentationName
                                                  ? Col::kScopeName
                                                  : Col::kScopeVersion);
          // A span without a scope message reads an empty name and version.
          out->nil_match = out->pred->MatchString("");
          return true;
        default:
          return false;
      }
    }
    switch (a.scope) {
      case AttributeScope::kNone:
      case AttributeScope::kSpan:
      case AttributeScope::kResource:
      case AttributeScope::kEvent:
      case AttributeScope::kLink:
      case AttributeScope::kInstrumentation:
        break;
      default:
        return false;
    }
    out->target = Target::kAttribute;
    out->scope = a.scope;
    out->key = a.name;
    out->test = c.op == Op::kExists      ? AttrTest::kExists
                : c.op == Op::kNotExists ? AttrTest::kNotExists
                                         : AttrTest::kPredicate;
    // Owners that have no such row (no resource, no scope, a span without events or links):
    // the attribute is nil, which only `= nil` accepts.
    out->nil_match = out->test == AttrTest::kNotExists;
    return true;
  }
};

namespace {

// Where an owner-level selection lives before it is mapped to spans.
enum class Level : uint8_t { kSpan, kTrace, kResource, kScope, kEvent, kLink };

// One condition evaluated over its owner table, before the row group's tree is read: `sel`
// over the owner rows, and for unscoped attributes also the resource part.
struct OwnerSelection {
  Level level = Level::kSpan;
  std::vector<uint8_t> sel;
  std::vector<uint8_t> resources;  // unscoped `.x`: the resource half (level kSpan)
  bool unscoped = false;
  bool nil_match = false;  // spans without the owner (no resource, scope, events, links)

  // Whether no span can pass (the row group is skipped when all conditions must hold).
  bool None() const {
    if (nil_match) {
      return false;
    }
    return AllZero(sel) && (!unscoped || AllZero(resources));
  }
};

class RowGroupScan {
 public:
  RowGroupScan(block::RowGroupReader& rg, ScanStats* stats) : rg_(rg), stats_(stats) {}

  // Phase 1: the condition over its owner table's columns.
  Status Owners(const CandidateScanner::Plan::Cond& c, OwnerSelection* out) {
    out->nil_match = false;
    out->unscoped = false;
    switch (c.target) {
      case Target::kSpanString:
        out->level = Level::kSpan;
        return ScanStringColumn(rg_, c.column, *c.pred, stats_, &out->sel);
      case Target::kTraceString:
        out->level = Level::kTrace;
        return ScanStringColumn(rg_, c.column, *c.pred, stats_, &out->sel);
      case Target::kSpanDuration:
        out->level = Level::kSpan;
        return Durations(c, &out->sel);
      case Target::kTraceDuration:
        out->level = Level::kTrace;
        return Durations(c, &out->sel);
      case Target::kSpanStatus:
      case Target::kSpanKind:
        out->level = Level::kSpan;
        return Classes(c, &out->sel);
      case Target::kEventString:
        out->level = Level::kEvent;
        out->nil_match = c.nil_match;
        return ScanStringColumn(rg_, c.column, *c.pred, stats_, &out->sel);
      case Target::kScopeString:
        out->level = Level::kScope;
        out->nil_match = c.nil_match;
        return ScanStringColumn(rg_, c.column, *c.pred, stats_, &out->sel);
      case Target::kAttribute:
        return Attribute(c, out);
    }
    return Status::Ok();
  }

  // Phase 2: an owner selection as a selection over spans (or traces: *trace_level).
  // Takes o.sel (for span- and trace-level selections).
  Status ToSpans(OwnerSelection& o, RowGroupTree* tree, std::vector<uint8_t>* sel,
                 bool* trace_level) {
    *trace_level = o.level == Level::kTrace;
    switch (o.level) {
      case Level::kSpan:
        sel->swap(o.sel);
        if (o.unscoped) {
          std::vector<uint8_t> from_resources;
          FromResources(*tree, o.resources, o.nil_match, &from_resources);
          if (o.nil_match) {
            AndInto(sel, from_resources);  // `.x = nil`: neither the span nor its resource
          } else {
            OrInto(sel, from_resources);
          }
        }
        return Status::Ok();
      case Level::kTrace:
        sel->swap(o.sel);
        return Status::Ok();
      case Level::kResource:
        FromResources(*tree, o.sel, o.nil_match, sel);
        return Status::Ok();
      case Level::kScope:
        FromScopes(*tree, o.sel, o.nil_match, sel);
        return Status::Ok();
      case Level::kEvent:
        VV_RETURN_IF_ERROR(tree->LoadEvents(rg_, stats_));
        FromChildren(*tree, tree->span_event, o.sel, o.nil_match, sel);
        return Status::Ok();
      case Level::kLink:
        VV_RETURN_IF_ERROR(tree->LoadLinks(rg_, stats_));
        FromChildren(*tree, tree->span_link, o.sel, o.nil_match, sel);
        return Status::Ok();
    }
    return Status::Ok();
  }

 private:
  Status Durations(const CandidateScanner::Plan::Cond& c, std::vector<uint8_t>* sel) {
    const uint32_t n = rg_.rows(block::GetColumnInfo(c.column)->table);
    const IntMatcher& m = c.ints;
    sel->assign(n, 0);
    if (m.never() || n == 0) {
      return Status::Ok();
    }
    if (const block::ChunkDesc* ch = rg_.chunk(c.column); ch != nullptr && !m.slow) {
      // Chunk statistics: values as signed durations keep their order while below 2^63.
      constexpr uint64_t kSigned = uint64_t{std::numeric_limits<int64_t>::max()};
      if (ch->max <= kSigned && ch->min <= ch->max) {
        const int64_t lo = static_cast<int64_t>(ch->min);
        const int64_t hi = static_cast<int64_t>(ch->max);
        const bool none_in = hi < m.lo || lo > m.hi;
        const bool all_in = lo >= m.lo && hi <= m.hi;
        if (none_in || all_in) {
          const bool match = (all_in && !none_in) != m.negate;
          std::fill(sel->begin(), sel->end(), match ? 1 : 0);
          return Status::Ok();
        }
      }
    }
    const block::ChunkDesc* ch = rg_.chunk(c.column);
    if (ch != nullptr && !m.slow && m.lo <= m.hi) {
      // Page by page: pages wholly inside or outside the range are not decoded.
      constexpr uint64_t kSigned = uint64_t{std::numeric_limits<int64_t>::max()};
      const uint64_t lo = static_cast<uint64_t>(m.lo);
      const uint64_t width = static_cast<uint64_t>(m.hi) - lo;
      const uint8_t neg = m.negate ? 1 : 0;
      for (size_t p = 0; p < ch->pages.size(); ++p) {
        const block::PageIndexEntry& e = ch->pages[p];
        uint8_t* s = sel->data() + ch->value_starts[p];
        if (e.max <= kSigned && e.min <= e.max) {
          const int64_t pmin = static_cast<int64_t>(e.min);
          const int64_t pmax = static_cast<int64_t>(e.max);
          if (pmax < m.lo || pmin > m.hi) {
            std::fill(s, s + e.n_values, neg);
            continue;
          }
          if (pmin >= m.lo && pmax <= m.hi) {
            std::fill(s, s + e.n_values, static_cast<uint8_t>(1 - neg));
            continue;
          }
        }
        values_.clear();
        VV_RETURN_IF_ERROR(rg_.ReadU64(c.column, ch->value_starts[p], e.n_values, &values_));
        if (stats_ != nullptr) {
          stats_->bytes_read += e.stored_len;
        }
        const uint64_t* v = values_.data();
        for (size_t i = 0; i < values_.size(); ++i) {
          s[i] = static_cast<uint8_t>((v[i] - lo <= width) ^ neg);
        }
      }
      return Status::Ok();
    }
    values_.clear();
    VV_RETURN_IF_ERROR(rg_.ReadU64(c.column, 0, n, &values_));
    CountColumnBytes(rg_, c.column, stats_);
    uint8_t* s = sel->data();
    const uint64_t* v = values_.data();
    if (!m.slow) {
      if (m.lo > m.hi) {  // empty range, negated: everything
        std::fill(sel->begin(), sel->end(), 1);
        return Status::Ok();
      }
      // Unsigned range test: one subtraction and one comparison per value.
      const uint64_t lo = static_cast<uint64_t>(m.lo);
      const uint64_t width = static_cast<uint64_t>(m.hi) - lo;
      const uint8_t neg = m.negate ? 1 : 0;
      for (uint32_t i = 0; i < n; ++i) {
        s[i] = static_cast<uint8_t>((v[i] - lo <= width) ^ neg);
      }
      return Status::Ok();
    }
    for (uint32_t i = 0; i < n; ++i) {
      s[i] = c.pred->MatchInt(m, StaticType::kDuration, static_cast<int64_t>(v[i])) ? 1 : 0;
    }
    return Status::Ok();
  }

  Status Classes(const CandidateScanner::Plan::Cond& c, std::vector<uint8_t>* sel) {
    const uint32_t n = rg_.rows(Table::kSpan);
    sel->assign(n, 0);
    bool any = false;
    bool all = true;
    for (uint8_t m : c.classes) {
      any |= m != 0;
      all &= m != 0;
    }
    if (!any || all) {
      std::fill(sel->begin(), sel->end(), all ? 1 : 0);
      return Status::Ok();
    }
    values_.clear();
    VV_RETURN_IF_ERROR(rg_.ReadU64(c.column, 0, n, &values_));
    CountColumnBytes(rg_, c.column, stats_);
    uint8_t* s = sel->data();
    const uint64_t* v = values_.data();
    for (uint32_t i = 0; i < n; ++i) {
      s[i] = c.classes[v[i] < kCodeClasses ? v[i] : 0];
    }
    return Status::Ok();
  }

  Status Attribute(const CandidateScanner::Plan::Cond& c, OwnerSelection* out) {
    const ValuePredicate* pred = c.pred.get();
    out->nil_match = c.nil_match;
    switch (c.scope) {
      case AttributeScope::kSpan:
        out->level = Level::kSpan;
        return ScanAttribute(rg_, AttrScope::kSpan, c.key, c.test, pred, stats_, &out->sel);
      case AttributeScope::kResource:
        out->level = Level::kResource;
        return ScanAttribute(rg_, AttrScope::kResource, c.key, c.test, pred, stats_, &out->sel);
      case AttributeScope::kInstrumentation:
        out->level = Level::kScope;
        return ScanAttribute(rg_, AttrScope::kScope, c.key, c.test, pred, stats_, &out->sel);
      case AttributeScope::kEvent:
        out->level = Level::kEvent;
        return ScanAttribute(rg_, AttrScope::kEvent, c.key, c.test, pred, stats_, &out->sel);
      case AttributeScope::kLink:
        out->level = Level::kLink;
        return ScanAttribute(rg_, AttrScope::kLink, c.key, c.test, pred, stats_, &out->sel);
      case AttributeScope::kNone:
        // `.x`: the span's attribute, else its resource's. Comparisons: either may hold the
        // value; `= nil`: neither has it.
        out->level = Level::kSpan;
        out->unscoped = true;
        VV_RETURN_IF_ERROR(
            ScanAttribute(rg_, AttrScope::kSpan, c.key, c.test, pred, stats_, &out->sel));
        if (c.test == AttrTest::kNotExists && AllZero(out->sel)) {
          out->unscoped = false;  // every span has the key: nothing to learn from resources
          out->nil_match = false;
          return Status::Ok();
        }
        return ScanAttribute(rg_, AttrScope::kResource, c.key, c.test, pred, stats_,
                             &out->resources);
      default:
        out->level = Level::kSpan;
        out->sel.assign(rg_.rows(Table::kSpan), 1);
        return Status::Ok();
    }
  }

  // Spans from a selection over their children (events, links): a span passes when one of its
  // children does, or, without children, when nil passes.
  static void FromChildren(const RowGroupTree& tree, const std::vector<uint32_t>& ends,
                           const std::vector<uint8_t>& children, bool nil_match,
                           std::vector<uint8_t>* sel) {
    const uint32_t n = tree.n_spans;
    sel->assign(n, 0);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t b = ends[i];
      const uint32_t e = ends[i + 1];
      if (b == e) {
        (*sel)[i] = nil_match ? 1 : 0;
        continue;
      }
      (*sel)[i] =
          std::find(children.begin() + b, children.begin() + e, uint8_t{1}) != children.begin() + e
              ? 1
              : 0;
    }
  }

  static void FromResources(const RowGroupTree& tree, const std::vector<uint8_t>& resources,
                            bool nil_match, std::vector<uint8_t>* sel) {
    sel->assign(tree.n_spans, 0);
    const size_t n_rs = tree.rs_resource.size();
    for (size_t r = 0; r < n_rs; ++r) {
      const uint64_t ref = tree.rs_resource[r];
      const bool match = ref == 0 ? nil_match : resources[ref - 1] != 0;
      if (match) {
        std::fill(sel->begin() + tree.RsSpanBegin(static_cast<uint32_t>(r)),
                  sel->begin() + tree.RsSpanEnd(static_cast<uint32_t>(r)), 1);
      }
    }
  }

  static void FromScopes(const RowGroupTree& tree, const std::vector<uint8_t>& scopes,
                         bool nil_match, std::vector<uint8_t>* sel) {
    sel->assign(tree.n_spans, 0);
    const size_t n_ss = tree.ss_scope.size();
    for (size_t k = 0; k < n_ss; ++k) {
      const uint64_t ref = tree.ss_scope[k];
      const bool match = ref == 0 ? nil_match : scopes[ref - 1] != 0;
      if (match) {
        std::fill(sel->begin() + tree.ss_span[k], sel->begin() + tree.ss_span[k + 1], 1);
      }
    }
  }

  block::RowGroupReader& rg_;
  ScanStats* stats_;
  std::vector<uint64_t> values_;
};

}  // namespace

namespace {

// Every condition is about resources or the trace itself: decided per resource_spans row,
// without reading the span structure (a ResourceSpans without spans is at worst a candidate
// too many).
Status ScanResourceLevel(block::RowGroupReader& rg, std::vector<OwnerSelection>& owners, bool all,
                         ScanStats* stats, std::vector<uint32_t>* out) {
  RowGroupTree tree;
  VV_RETURN_IF_ERROR(RowGroupTree::LoadResourceSpans(rg, stats, &tree));
  const size_t n_rs = tree.rs_resource.size();
  std::vector<uint8_t> rs;
  std::vector<uint8_t> traces;
  for (OwnerSelection& o : owners) {
    if (o.level == Level::kTrace) {
      if (traces.empty()) {
        traces.swap(o.sel);
      } else if (all) {
        AndInto(&traces, o.sel);
      } else {
        OrInto(&traces, o.sel);
      }
      continue;
    }
    if (rs.empty()) {
      rs.assign(n_rs, all ? 1 : 0);
    }
    const uint8_t nil = o.nil_match ? 1 : 0;
    const uint8_t* sel = o.sel.data();
    for (size_t r = 0; r < n_rs; ++r) {
      const uint64_t ref = tree.rs_resource[r];
      const uint8_t m = ref == 0 ? nil : sel[ref - 1];
      rs[r] = all ? (rs[r] & m) : (rs[r] | m);
    }
  }
  const uint32_t n_traces = tree.n_traces;
  for (uint32_t t = 0; t < n_traces; ++t) {
    const uint32_t b = tree.trace_rs[t];
    const uint32_t e = tree.trace_rs[t + 1];
    const bool rs_hit = rs.empty() ? all : AnyIn(rs.data() + b, e - b);
    const bool trace_hit = traces.empty() ? all : traces[t] != 0;
    if (all ? (rs_hit && trace_hit) : (rs_hit || trace_hit)) {
      out->push_back(t);
    }
  }
  return Status::Ok();
}

}  // namespace

CandidateScanner::CandidateScanner(const traceql::FetchRequest& request)
    : plan_(std::make_unique<Plan>(request)) {}

CandidateScanner::~CandidateScanner() = default;

bool CandidateScanner::selects_all() const { return plan_->select_all; }

Result<std::vector<uint32_t>> CandidateScanner::Scan(block::RowGroupReader& rg,
                                                     ScanStats* stats) const {
  const uint32_t n_traces = rg.rows(Table::kTrace);
  if (stats != nullptr) {
    stats->spans_scanned += rg.rows(Table::kSpan);
  }
  std::vector<uint32_t> out;
  if (plan_->select_all) {
    out.resize(n_traces);
    std::iota(out.begin(), out.end(), 0u);
    return out;
  }
  const bool all = plan_->all_conditions;
  // Phase 1: every condition over its own columns; with all_conditions, a condition no row
  // can pass skips the row group before its structure is read.
  RowGroupScan scan(rg, stats);
  std::vector<OwnerSelection> owners(plan_->conds.size());
  bool need_resources = false;
  bool need_scopes = false;
  for (size_t i = 0; i < plan_->conds.size(); ++i) {
    VV_RETURN_IF_ERROR(scan.Owners(plan_->conds[i], &owners[i]));
    if (all && owners[i].None()) {
      if (stats != nullptr) {
        ++stats->row_groups_skipped;
      }
      return out;
    }
    need_resources |= owners[i].level == Level::kResource || owners[i].unscoped;
    need_scopes |= owners[i].level == Level::kScope;
  }
  bool resource_level_only = true;
  for (const OwnerSelection& o : owners) {
    resource_level_only &= o.level == Level::kResource || o.level == Level::kTrace;
  }
  if (resource_level_only) {
    VV_RETURN_IF_ERROR(ScanResourceLevel(rg, owners, all, stats, &out));
    return out;
  }
  // Phase 2: selections moved to spans and combined.
  RowGroupTree tree;
  VV_RETURN_IF_ERROR(RowGroupTree::Load(rg, need_resources, need_scopes, stats, &tree));
  std::vector<uint8_t> spans;
  std::vector<uint8_t> traces;
  bool any_span_condition = false;
  std::vector<uint8_t> sel;
  for (OwnerSelection& o : owners) {
    bool trace_level = false;
    VV_RETURN_IF_ERROR(scan.ToSpans(o, &tree, &sel, &trace_level));
    std::vector<uint8_t>& acc = trace_level ? traces : spans;
    any_span_condition |= !trace_level;
    if (acc.empty()) {
      acc.swap(sel);  // the first condition at this level
    } else if (all) {
      AndInto(&acc, sel);
    } else {
      OrInto(&acc, sel);
    }
  }
  if (spans.empty()) {
    spans.assign(tree.n_spans, all ? 1 : 0);
  }
  if (traces.empty()) {
    traces.assign(n_traces, all ? 1 : 0);
  }
  out.reserve(n_traces);
  for (uint32_t t = 0; t < n_traces; ++t) {
    const uint32_t b = tree.TraceSpanBegin(t);
    const uint32_t e = tree.TraceSpanEnd(t);
    const bool span_hit = AnyIn(spans.data() + b, e - b);
    const bool hit =
        all ? traces[t] != 0 && (span_hit || !any_span_condition) : traces[t] != 0 || span_hit;
    if (hit) {
      out.push_back(t);
    }
  }
  return out;
}

Result<std::vector<uint32_t>> CandidateTraces(block::RowGroupReader& rg,
                                              const traceql::FetchRequest& request,
                                              ScanStats* stats) {
  // A search calls this once per row group with the same request: keep the last compiled
  // scanner of this thread (compiling costs regexes and integer-range bisections).
  struct Last {
    std::vector<traceql::Condition> conditions;
    bool all_conditions = true;
    std::unique_ptr<CandidateScanner> scanner;
  };

  thread_local Last last;
  if (last.scanner == nullptr || last.all_conditions != request.all_conditions
      || last.conditions != request.conditions) {
    last.scanner = std::make_unique<CandidateScanner>(request);
    last.conditions = request.conditions;
    last.all_conditions = request.all_conditions;
  }
  return last.scanner->Scan(rg, stats);
}

}  // namespace vivace::search
