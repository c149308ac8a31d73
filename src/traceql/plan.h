#pragma once

// What a query needs from storage (spec/traceql.md section 11): per sub-query, the conditions
// that select columns and predicates to push down, whether storage may return only spans that
// satisfy all of them, and what to load in a second pass for the spans that survive. It also
// names every field a query references, which search results list on each span.
//
// Pushdown is an optimisation: results must equal evaluating the pipeline over whole traces.
// Two Tempo behaviours that can lose matches are fixed here (quirks 13 and 14): a literal on the
// left mirrors the operator (`1 < span.x` becomes `span.x > 1`), and comparisons under `!` only
// load their columns (and clear all_conditions) instead of filtering.

#include <string_view>
#include <vector>

#include "common/status.h"
#include "traceql/ast.h"
#include "traceql/parser.h"

namespace vivace::traceql {

struct Condition {
  Attribute attribute;
  Op op = Op::kNone;  // kNone: load the column, no filtering
  std::vector<Static> operands;
  friend bool operator==(const Condition&, const Condition&) = default;
};

struct FetchRequest {
  std::vector<Condition> conditions;
  // True when the pipeline is a pure conjunction: storage may return only spans that satisfy
  // every condition. False: spans satisfying any condition (a trace if any span does).
  bool all_conditions = true;
  // Loaded for spans that pass the pipeline (select(), metrics fields, every field after a
  // select()).
  std::vector<Condition> second_pass;
  bool second_pass_select_all = false;  // compare(): every attribute

  // Whether a condition (first or second pass) already covers `a` (an unscoped `.x` is covered
  // by `span.x` or `resource.x`).
  bool HasAttribute(const Attribute& a) const;
  bool SecondPassHasAttribute(const Attribute& a) const;
};

// One request per sub-query of `q` (in q.subqueries order).
std::vector<FetchRequest> ExtractConditions(const Query& q);

// Tempo's IsNoop: every element of every pipeline is a filter (or a spanset operation between
// filters) whose expression references no field and is constant false, so the query can
// answer with no results at once (`{ false }`, `{ 1 = 2 } && { false }`).
bool IsNoop(const Query& q);

// A query ready to run: parsed, validated, and its fetch requests.
struct CompiledQuery {
  Query query;
  std::vector<FetchRequest> requests;
};

// Tempo's CompileFetchSpanRequests: parse, validate, extract conditions.
Result<CompiledQuery> Compile(std::string_view text, const ParseOptions& options = {});

}  // namespace vivace::traceql
