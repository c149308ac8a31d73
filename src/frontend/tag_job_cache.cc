#include "frontend/tag_job_cache.h"

#include <fmt/format.h>

#include "backend/cache/caching_backend.h"
#include "common/hash.h"
#include "common/logging.h"
#include "search/job_deadline.h"
#include "tempopb/tempo.pb.h"
#include "traceql/printer.h"

namespace vivace::frontend {
namespace {

// Cached answers: a tag for the format, then a serialized SearchTagValuesV2Response (values)
// or SearchTagsV2Response (names by scope), with the job's inspected bytes in its metrics.
constexpr std::string_view kCachedTagsTag = "vvst1:";

Status RunTagJob(const QueryJob& job, const search::TagQuery& q, search::JobMetrics* m) {
  if (job.recent) {
    return search::TagsInMemory(*job.recent, q, m, job.shard);
  }
  return search::TagsInRowGroups(*job.reader, job.first_rg, job.n_rgs, q, m);
}

bool Replay(std::string_view value, const search::TagQuery& q, search::JobMetrics* m) {
  if (!value.starts_with(kCachedTagsTag)) {
    return false;
  }
  value.remove_prefix(kCachedTagsTag.size());
  const int size = static_cast<int>(value.size());
  if (q.values) {
    tempopb::SearchTagValuesV2Response r;
    if (!r.ParseFromArray(value.data(), size)) {
      return false;
    }
    for (const tempopb::TagValue& v : r.tagvalues()) {
      q.out_values->AddTyped({v.type(), v.value()});
    }
    m->inspected_bytes = r.metrics().inspectedbytes();
    return true;
  }
  tempopb::SearchTagsV2Response r;
  if (!r.ParseFromArray(value.data(), size)) {
    return false;
  }
  for (const tempopb::SearchTagsV2Scope& scope : r.scopes()) {
    for (int i = 0; i < search::kTagScopes; ++i) {
      auto ts = static_cast<search::TagScope>(i);
      if (search::TagScopeName(ts) == scope.name()) {
        for (const std::string& name : scope.tags()) {
          q.names->Add(ts, name);
        }
      }
    }
  }
  m->inspected_bytes = r.metrics().inspectedbytes();
  return true;
}

// What a job collected, serialized for the cache.
std::string Serialize(const search::TagQuery& q, const search::JobMetrics& m) {
  std::string out(kCachedTagsTag);
  if (q.values) {
    tempopb::SearchTagValuesV2Response r;
    for (search::TypedValue& v : q.out_values->Sorted()) {
      tempopb::TagValue* tv = r.add_tagvalues();
      tv->set_type(std::move(v.type));
      tv->set_value(std::move(v.value));
    }
    r.mutable_metrics()->set_inspectedbytes(m.inspected_bytes);
    r.AppendToString(&out);
    return out;
  }
  tempopb::SearchTagsV2Response r;
  for (int i = 0; i < search::kTagScopes; ++i) {
    auto ts = static_cast<search::TagScope>(i);
    std::vector<std::string> names = q.names->Sorted(ts);
    if (names.empty()) {
      continue;
    }
    tempopb::SearchTagsV2Scope* scope = r.add_scopes();
    scope->set_name(std::string(search::TagScopeName(ts)));
    for (std::string& n : names) {
      scope->add_tags(std::move(n));
    }
  }
  r.mutable_metrics()->set_inspectedbytes(m.inspected_bytes);
  r.AppendToString(&out);
  return out;
}

}  // namespace

uint64_t TagJobQueryHash(const search::TagQuery& q) {
  std::string text;
  const search::CollectLimits& l = q.values ? q.out_values->limits() : q.names->limits();
  if (q.values) {
    text = fmt::format("values;tag={};strings={};", traceql::ToString(q.attribute),
                       q.out_values->strings_only());
  } else {
    text = fmt::format("names;merged={};scopes=", q.names->merged());
    for (bool s : q.scopes) {
      text += s ? '1' : '0';
    }
    text += ';';
  }
  text += fmt::format("limit={};bytes={};stale={};q=", l.max_values, l.max_bytes, l.max_stale);
  if (q.filter != nullptr) {
    text += traceql::ToString(q.filter->compiled().query);
  }
  return Hash64(text.data(), text.size());
}

Status RunTagJobCached(const QueryJob& job, const search::TagQuery& q, uint64_t query_hash,
                       uint32_t start_s, uint32_t end_s, backend::cache::CachingBackend* cache,
                       search::JobMetrics* metrics) {
  std::string key;
  if (cache != nullptr) {
    key = BlockJobCacheKey(q.values ? "stv" : "st", job, start_s, end_s, query_hash);
  }
  if (key.empty()) {
    return RunTagJob(job, q, metrics);
  }
  if (std::optional<std::string> hit = cache->FetchFor(backend::cache::kRoleFrontendSearch, key)) {
    search::JobMetrics replayed;
    if (Replay(*hit, q, &replayed)) {
      *metrics = replayed;
      return Status::Ok();
    }
    VV_DEBUG("ignoring an unreadable cached tag job", {"key", key});
  }
  // The job's own answer, under the request's limits, whatever the other jobs found.
  std::optional<search::TagValues> values;
  std::optional<search::TagNames> names;
  search::TagQuery local = q;
  if (q.values) {
    values.emplace(q.out_values->limits(), q.out_values->strings_only());
    local.out_values = &*values;
  } else {
    names.emplace(q.names->limits(), q.names->merged());
    local.names = &*names;
  }
  Status status = RunTagJob(job, local, metrics);
  if (!status.ok()) {
    return status;
  }
  std::string value = Serialize(local, *metrics);
  search::JobMetrics ignored;
  std::string_view replay(value);
  (void)Replay(replay, q, &ignored);     // merge into the query's collector
  if (!search::JobDeadline::Passed()) {  // else cut short: the job fails, nothing is stored
    cache->StoreFor(backend::cache::kRoleFrontendSearch, key, std::move(value));
  }
  return status;
}

}  // namespace vivace::frontend
