#include "frontend/tags_handler.h"

#include <algorithm>
#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "common/duration.h"
#include "common/json_writer.h"
#include "frontend/http_errors.h"
#include "frontend/search_params.h"
#include "frontend/tag_job_cache.h"
#include "model/tenant.h"
#include "search/tag_conditions.h"
#include "search/tag_search.h"
#include "traceql/go_compat.h"
#include "traceql/parser.h"

namespace vivace::frontend {
namespace {

using search::TagScope;

int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool WantsProtobuf(const net::HttpRequest& request) {
  auto accept = request.Header("accept");
  return accept && accept->find("application/protobuf") != std::string_view::npos;
}

std::optional<std::string_view> Param(const net::HttpRequest& r, std::string_view name) {
  auto v = r.Query(name);
  if (!v || v->empty()) {
    return std::nullopt;
  }
  return v;
}

struct TagParams {
  std::vector<std::string> tenants;
  std::string scope;  // "" = none
  uint32_t start_s = 0;
  uint32_t end_s = 0;
  uint32_t limit = 0;
  uint32_t max_stale = 0;                                // maxStaleValues
  int64_t max_bytes = 0;                                 // read.max_bytes_per_tag_values_query
  search::TagConditionGroups conditions;                 // v2 `q` (tag_conditions.h)
  std::shared_ptr<const search::PreparedSearch> filter;  // the groups as a filter, null: none
};

Result<TagParams> ParseTagParams(const net::HttpRequest& r, bool v2, int64_t max_query_bytes) {
  TagParams p;
  if (auto s = Param(r, "scope")) {
    static const std::vector<std::string_view> kScopes = {
        "none", "resource", "span", "intrinsic", "event", "link", "instrumentation"};
    if (std::find(kScopes.begin(), kScopes.end(), *s) == kScopes.end()) {
      return Status::InvalidArgument(fmt::format("invalid scope: {}", *s));
    }
    p.scope = *s == "none" ? "" : std::string(*s);
  }
  if (auto s = Param(r, "start")) {
    VV_ASSIGN_OR_RETURN(p.start_s, ParseUnixSeconds("start", *s));
  }
  if (auto e = Param(r, "end")) {
    VV_ASSIGN_OR_RETURN(p.end_s, ParseUnixSeconds("end", *e));
  }
  if ((p.start_s != 0 || p.end_s != 0) && p.end_s <= p.start_s) {
    return Status::InvalidArgument(fmt::format(
        "http parameter start must be before end. received start={} end={}", p.start_s, p.end_s));
  }
  for (const char* name : {"limit", "maxStaleValues"}) {
    if (auto s = Param(r, name)) {
      auto v = traceql::GoAtoi(*s);
      if (!v.ok()) {
        return Status::InvalidArgument(fmt::format("invalid {}: {}", name, v.status().message()));
      }
      if (*v < 0) {
        return Status::InvalidArgument(fmt::format("invalid {}: must be non-negative", name));
      }
      auto value = static_cast<uint32_t>(std::min<int64_t>(*v, UINT32_MAX));
      (std::string_view(name) == "limit" ? p.limit : p.max_stale) = value;
    }
  }
  if (auto q = Param(r, "q"); q && v2) {
    if (max_query_bytes > 0 && static_cast<int64_t>(q->size()) > max_query_bytes) {
      return Status::InvalidArgument(fmt::format(
          "TraceQL expression exceeds the configured maximum size of {} bytes, query size was {} "
          "bytes",
          max_query_bytes, q->size()));
    }
    // Lenient, as Tempo: what cannot be read as conditions filters nothing.
    VV_ASSIGN_OR_RETURN(p.conditions,
                        search::ExtractTagConditions(*q, search::kDefaultMaxConditionGroups));
    p.filter = search::FilterOfGroups(p.conditions);
  }
  return p;
}

// The tenant limits of a parsed request: the window against the longest search allowed (400 as
// Tempo's tag sharder), the byte limit of the collection.
Status ApplyTenantLimits(const TagLimits& limits, TagParams* p) {
  std::chrono::seconds max = MaxSearchDuration(limits.overrides, p->tenants, limits.max_duration);
  if (max.count() > 0 && (p->start_s != 0 || p->end_s != 0)
      && int64_t{p->end_s} - int64_t{p->start_s} > max.count()) {
    return Status::InvalidArgument(
        fmt::format("range specified by start and end exceeds {}. received start={} end={}",
                    FormatDuration(max), p->start_s, p->end_s));
  }
  for (const std::string& tenant : p->tenants) {
    int64_t bytes = limits.overrides != nullptr
                        ? limits.overrides->ForTenant(tenant)->read_max_bytes_per_tag_values_query
                        : config::Limits().read_max_bytes_per_tag_values_query;
    if (bytes > 0 && (p->max_bytes == 0 || bytes < p->max_bytes)) {
      p->max_bytes = bytes;
    }
  }
  return Status::Ok();
}

// Parses a v2 tag name as TraceQL does (`resource.service.name`, `.x`, `name`, `span:kind`).
Result<traceql::Attribute> ParseTagName(std::string_view tag) {
  if (tag.empty()) {
    return Status::InvalidArgument("please provide a non-empty tagName");
  }
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("please provide a valid tagName: {}", why));
  };
  if (tag.find_first_of("{}") != std::string_view::npos) {
    return bad(tag);
  }
  auto q = traceql::Parse(fmt::format("{{ {} = nil }}", tag));
  if (!q.ok()) {
    return bad(q.status().message());
  }
  const traceql::SubQuery* sq = q->single();
  if (sq == nullptr || sq->metrics != nullptr || sq->pipeline.stages.size() != 1) {
    return bad(tag);
  }
  const traceql::Stage& stage = sq->pipeline.stages[0];
  if (stage.kind != traceql::Stage::Kind::kSpanset || !stage.spanset
      || stage.spanset->kind != traceql::SpansetExpr::Kind::kFilter || !stage.spanset->filter) {
    return bad(tag);
  }
  const traceql::FieldExpr& f = *stage.spanset->filter;
  // `x = nil` parses as a binary comparison or an absence test (unary) on the attribute.
  bool shaped =
      (f.kind == traceql::FieldExpr::Kind::kBinary || f.kind == traceql::FieldExpr::Kind::kUnary);
  if (!shaped || !f.lhs || f.lhs->kind != traceql::FieldExpr::Kind::kAttribute) {
    return bad(tag);
  }
  return f.lhs->attribute;
}

// Runs the tag query's jobs; returns the MetadataMetrics.
Result<tempopb::MetadataMetrics> RunTagJobs(const SearchSharder* sharder, const TagParams& p,
                                            const search::TagQuery& q, int64_t now) {
  JobPlan plan = sharder->Plan(p.tenants, p.start_s, p.end_s, now);
  tempopb::MetadataMetrics metrics;
  metrics.set_totaljobs(static_cast<uint32_t>(plan.jobs.size()));
  metrics.set_totalblocks(plan.total_blocks);
  metrics.set_totalblockbytes(plan.total_block_bytes);
  std::mutex mu;
  backend::cache::CachingBackend* cache = sharder->job_cache();
  const uint64_t hash = cache != nullptr ? TagJobQueryHash(q) : 0;
  VV_RETURN_IF_ERROR(sharder->Run(
      plan,
      [&](const QueryJob& job, search::JobMetrics* m) {
        return RunTagJobCached(job, q, hash, p.start_s, p.end_s, cache, m);
      },
      [&q] { return q.values ? q.out_values->Full() : q.names->Full(); },
      [&](const search::JobMetrics& m) {
        std::lock_guard<std::mutex> lock(mu);
        metrics.set_completedjobs(metrics.completedjobs() + 1);
        metrics.set_inspectedbytes(metrics.inspectedbytes() + m.inspected_bytes);
      }));
  return metrics;
}

void WriteMetricsJson(JsonWriter& w, const tempopb::MetadataMetrics& m) {
  w.Key("metrics");
  w.BeginObject();
  if (m.inspectedbytes() != 0) {
    w.Key("inspectedBytes");
    w.Uint64String(m.inspectedbytes());
  }
  if (m.totaljobs() != 0) {
    w.Key("totalJobs");
    w.Uint(m.totaljobs());
  }
  if (m.completedjobs() != 0) {
    w.Key("completedJobs");
    w.Uint(m.completedjobs());
  }
  if (m.totalblocks() != 0) {
    w.Key("totalBlocks");
    w.Uint(m.totalblocks());
  }
  if (m.totalblockbytes() != 0) {
    w.Key("totalBlockBytes");
    w.Uint64String(m.totalblockbytes());
  }
  w.EndObject();
}

std::vector<std::string> Truncated(std::vector<std::string> v, uint32_t limit) {
  if (limit != 0 && v.size() > limit) {
    v.resize(limit);
  }
  return v;
}

net::HttpResponse NamesResponse(const net::HttpRequest& request, const TagParams& p,
                                const search::TagNames& names,
                                const tempopb::MetadataMetrics& metrics, bool v2) {
  bool proto = WantsProtobuf(request);
  if (!v2) {
    std::vector<std::string> out;
    if (p.scope == "intrinsic") {
      out = IntrinsicTagNames();
    } else {
      out = names.All();
    }
    out = Truncated(std::move(out), p.limit);
    if (proto) {
      tempopb::SearchTagsResponse r;
      for (auto& n : out) {
        r.add_tagnames(std::move(n));
      }
      *r.mutable_metrics() = metrics;
      return net::HttpResponse::Protobuf(200, r.SerializeAsString());
    }
    std::string body;
    JsonWriter w(&body);
    w.BeginObject();
    w.Key("tagNames");
    w.BeginArray();
    for (const auto& n : out) {
      w.String(n);
    }
    w.EndArray();
    WriteMetricsJson(w, metrics);
    w.EndObject();
    return net::HttpResponse::Json(200, std::move(body));
  }
  tempopb::SearchTagsV2Response r;
  if (p.scope.empty() || p.scope == "intrinsic") {
    auto* s = r.add_scopes();
    s->set_name("intrinsic");
    for (auto& n : Truncated(IntrinsicTagNames(), p.limit)) {
      s->add_tags(std::move(n));
    }
  }
  for (int i = 0; i < search::kTagScopes; ++i) {
    auto ts = static_cast<TagScope>(i);
    auto list = names.Sorted(ts);
    if (list.empty() || (!p.scope.empty() && p.scope != search::TagScopeName(ts))) {
      continue;
    }
    auto* s = r.add_scopes();
    s->set_name(std::string(search::TagScopeName(ts)));
    for (auto& n : list) {
      s->add_tags(std::move(n));
    }
  }
  *r.mutable_metrics() = metrics;
  if (proto) {
    return net::HttpResponse::Protobuf(200, r.SerializeAsString());
  }
  std::string body;
  JsonWriter w(&body);
  w.BeginObject();
  w.Key("scopes");
  w.BeginArray();
  for (const auto& s : r.scopes()) {
    w.BeginObject();
    w.Key("name");
    w.String(s.name());
    w.Key("tags");
    w.BeginArray();
    for (const auto& t : s.tags()) {
      w.String(t);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  WriteMetricsJson(w, metrics);
  w.EndObject();
  return net::HttpResponse::Json(200, std::move(body));
}

// Tempo's fixed answers for v2 intrinsics; nullopt when the data must be read.
std::optional<std::vector<search::TypedValue>> FixedValues(const traceql::Attribute& a) {
  using traceql::Intrinsic;
  switch (a.intrinsic) {
    case Intrinsic::kNone:
    case Intrinsic::kName:
    case Intrinsic::kStatusMessage:
    case Intrinsic::kTraceRootSpan:
    case Intrinsic::kTraceRootService:
    case Intrinsic::kEventName:
    case Intrinsic::kInstrumentationName:
    case Intrinsic::kInstrumentationVersion:
      return std::nullopt;
    case Intrinsic::kStatus:
      return std::vector<search::TypedValue>{
          {"keyword", "ok"}, {"keyword", "error"}, {"keyword", "unset"}};
    case Intrinsic::kKind:
      return std::vector<search::TypedValue>{{"keyword", "client"},   {"keyword", "server"},
                                             {"keyword", "producer"}, {"keyword", "consumer"},
                                             {"keyword", "internal"}, {"keyword", "unspecified"}};
    default:
      return std::vector<search::TypedValue>{};
  }
}

net::HttpResponse ValuesResponse(const net::HttpRequest& request,
                                 const std::vector<search::TypedValue>& values,
                                 const tempopb::MetadataMetrics& metrics, bool v2) {
  bool proto = WantsProtobuf(request);
  if (proto) {
    if (v2) {
      tempopb::SearchTagValuesV2Response r;
      for (const auto& v : values) {
        auto* tv = r.add_tagvalues();
        tv->set_type(v.type);
        tv->set_value(v.value);
      }
      *r.mutable_metrics() = metrics;
      return net::HttpResponse::Protobuf(200, r.SerializeAsString());
    }
    tempopb::SearchTagValuesResponse r;
    for (const auto& v : values) {
      r.add_tagvalues(v.value);
    }
    *r.mutable_metrics() = metrics;
    return net::HttpResponse::Protobuf(200, r.SerializeAsString());
  }
  std::string body;
  JsonWriter w(&body);
  w.BeginObject();
  w.Key("tagValues");
  w.BeginArray();
  for (const auto& v : values) {
    if (v2) {
      w.BeginObject();
      w.Key("type");
      w.String(v.type);
      if (!v.value.empty()) {
        w.Key("value");
        w.String(v.value);
      }
      w.EndObject();
    } else {
      w.String(v.value);
    }
  }
  w.EndArray();
  WriteMetricsJson(w, metrics);
  w.EndObject();
  return net::HttpResponse::Json(200, std::move(body));
}

// A request's parameters for `tenants`, checked against the tenants' limits: the one way both
// tag endpoints read their parameters.
Result<TagParams> ParseLimitedTagParams(const net::HttpRequest& request, bool v2,
                                        const TagLimits& limits, std::vector<std::string> tenants) {
  VV_ASSIGN_OR_RETURN(TagParams params, ParseTagParams(request, v2, limits.max_query_bytes));
  params.tenants = std::move(tenants);
  VV_RETURN_IF_ERROR(ApplyTenantLimits(limits, &params));
  return params;
}

}  // namespace

std::chrono::seconds MaxSearchDuration(const overrides::Overrides* overrides,
                                       const std::vector<std::string>& tenants,
                                       std::chrono::seconds configured) {
  std::chrono::seconds strictest{0};
  for (const std::string& tenant : tenants) {
    std::chrono::seconds max = configured;
    if (overrides != nullptr) {
      auto own = std::chrono::duration_cast<std::chrono::seconds>(
          overrides->ForTenant(tenant)->read_max_search_duration);
      if (own.count() != 0) {
        max = own;
      }
    }
    if (max.count() > 0 && (strictest.count() == 0 || max < strictest)) {
      strictest = max;
    }
  }
  return strictest;
}

const std::vector<std::string>& IntrinsicTagNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> v = {"duration",
                                  "name",
                                  "status",
                                  "statusMessage",
                                  "kind",
                                  "rootServiceName",
                                  "rootName",
                                  "traceDuration",
                                  "event:name",
                                  "event:timeSinceStart",
                                  "link:spanID",
                                  "link:traceID",
                                  "instrumentation:name",
                                  "instrumentation:version",
                                  "trace:id",
                                  "span:id",
                                  "span:parentID",
                                  "span:status",
                                  "span:statusMessage",
                                  "span:duration",
                                  "span:name",
                                  "span:kind",
                                  "trace:rootName",
                                  "trace:rootService",
                                  "trace:duration"};
    std::sort(v.begin(), v.end());
    return v;
  }();
  return kNames;
}

void TagsHandler::HandleNames(net::HttpRequest request, net::Responder respond, bool v2) const {
  auto tenants = model::ResolveReadTenants(tenancy_.multitenancy, request.Header("x-scope-orgid"),
                                           tenancy_.multi_tenant_queries);
  if (!tenants.ok()) {
    respond(ErrorResponse(tenants.status()));
    return;
  }
  auto params = ParseLimitedTagParams(request, v2, limits_, std::move(tenants).value());
  if (!params.ok()) {
    respond(ErrorResponse(params.status()));
    return;
  }
  auto work = [this, p = std::move(params).value(), request = std::move(request), respond, v2]() {
    search::ScopeSet scopes{};
    for (int i = 0; i < search::kTagScopes; ++i) {
      auto ts = static_cast<TagScope>(i);
      bool unscoped_v1 = !v2 && (ts == TagScope::kResource || ts == TagScope::kSpan);
      scopes[i] = p.scope.empty() ? (v2 || unscoped_v1) : p.scope == search::TagScopeName(ts);
    }
    // As Tempo: v1 collects one list over the scopes, v2 one per scope; the limits stop the
    // collection (and its jobs) once reached.
    search::TagNames names(
        {.max_values = p.limit, .max_bytes = p.max_bytes, .max_stale = p.max_stale},
        /*merged=*/!v2);
    search::TagQuery q;
    q.filter = p.filter.get();
    q.scopes = scopes;
    q.names = &names;
    Result<tempopb::MetadataMetrics> metrics = tempopb::MetadataMetrics();
    if (p.scope != "intrinsic") {
      metrics = RunTagJobs(sharder_, p, q, NowUnixSeconds());
    }
    if (!metrics.ok()) {
      respond(ErrorResponse(metrics.status()));
      return;
    }
    respond(NamesResponse(request, p, names, *metrics, v2));
  };
  if (!pool_->Submit(work)) {
    respond(net::HttpResponse::Text(503, "server is shutting down"));
  }
}

void TagsHandler::HandleValues(net::HttpRequest request, net::Responder respond, bool v2) const {
  auto tenants = model::ResolveReadTenants(tenancy_.multitenancy, request.Header("x-scope-orgid"),
                                           tenancy_.multi_tenant_queries);
  if (!tenants.ok()) {
    respond(ErrorResponse(tenants.status()));
    return;
  }
  std::string tag(request.PathParam("tagName"));
  traceql::Attribute attr;
  if (v2) {
    auto a = ParseTagName(tag);
    if (!a.ok()) {
      respond(ErrorResponse(a.status()));
      return;
    }
    attr = std::move(a).value();
  } else {
    if (tag.empty()) {
      respond(ErrorResponse(Status::InvalidArgument("please provide a non-empty tagName")));
      return;
    }
    attr = traceql::Attribute::Unscoped(tag);
  }
  auto params = ParseLimitedTagParams(request, v2, limits_, std::move(tenants).value());
  if (!params.ok()) {
    respond(ErrorResponse(params.status()));
    return;
  }
  auto plan = search::PlanTagValues(params->conditions, attr, search::kDefaultMaxConditionGroups);
  if (!plan.ok()) {
    respond(ErrorResponse(plan.status()));
    return;
  }
  auto work = [this, p = std::move(params).value(), request = std::move(request), respond, v2,
               attr = std::move(attr), tag = std::move(tag), plan = std::move(plan).value()]() {
    std::vector<search::TypedValue> values;
    tempopb::MetadataMetrics metrics;
    std::optional<std::vector<search::TypedValue>> fixed;
    if (v2) {
      fixed = FixedValues(attr);
    } else if (tag == "status.code") {
      fixed = std::vector<search::TypedValue>{
          {"string", "unset"}, {"string", "ok"}, {"string", "error"}};
    } else if (tag == "error") {
      fixed = std::vector<search::TypedValue>{{"string", "true"}};
    }
    if (fixed) {
      values = std::move(*fixed);
    } else {
      search::TagValues collected(
          {.max_values = p.limit, .max_bytes = p.max_bytes, .max_stale = p.max_stale},
          /*strings_only=*/!v2);
      for (const traceql::Static& v : plan.direct) {  // named by `q` itself
        collected.Add(v);
      }
      search::TagQuery q;
      q.filter = plan.filter.get();
      q.values = true;
      q.attribute = attr;
      q.out_values = &collected;
      if (plan.read) {
        auto m = RunTagJobs(sharder_, p, q, NowUnixSeconds());
        if (!m.ok()) {
          respond(ErrorResponse(m.status()));
          return;
        }
        metrics = *m;
      }
      values = collected.Sorted();
      if (!v2) {  // v1 lists distinct strings
        std::vector<search::TypedValue> unique;
        std::sort(values.begin(), values.end(),
                  [](const auto& a, const auto& b) { return a.value < b.value; });
        for (auto& v : values) {
          if (unique.empty() || unique.back().value != v.value) {
            unique.push_back(std::move(v));
          }
        }
        values = std::move(unique);
      }
    }
    respond(ValuesResponse(request, values, metrics, v2));
  };
  if (!pool_->Submit(work)) {
    respond(net::HttpResponse::Text(503, "server is shutting down"));
  }
}

}  // namespace vivace::frontend
