#include "search/tag_collector.h"

#include <bit>

#include <absl/container/flat_hash_set.h>

#include "block/row_group_format.h"
#include "block/row_group_reader.h"
#include "opentelemetry/proto/common/v1/common.pb.h"
#include "traceql/go_compat.h"

namespace vivace::search {
namespace {

using traceql::AttributeScope;
using traceql::Intrinsic;
using traceql::eval::Attributes;
using traceql::eval::Span;
using traceql::eval::Trace;

void AddNames(const Attributes& attrs, TagScope s, TagNames* out) {
  for (const auto& kv : attrs) {
    out->Add(s, kv.key);
  }
}

void AddValues(const Attributes& attrs, std::string_view key, TagValues* out) {
  for (const auto& kv : attrs) {
    if (kv.key == key) {
      out->Add(kv.value);
    }
  }
}

template <typename Fn>
void ForSpans(const Trace& trace, const std::vector<uint32_t>* spans, Fn&& fn) {
  if (spans == nullptr) {
    for (const Span& s : trace.spans) {
      fn(s);
    }
    return;
  }
  for (uint32_t i : *spans) {
    if (i < trace.spans.size()) {
      fn(trace.spans[i]);
    }
  }
}

block::AttrScope BlockScope(TagScope s) {
  switch (s) {
    case TagScope::kResource:
      return block::AttrScope::kResource;
    case TagScope::kSpan:
      return block::AttrScope::kSpan;
    case TagScope::kEvent:
      return block::AttrScope::kEvent;
    case TagScope::kLink:
      return block::AttrScope::kLink;
    case TagScope::kInstrumentation:
      return block::AttrScope::kScope;
  }
  return block::AttrScope::kSpan;
}

// The value of a stored attribute, or nil for kinds tags do not list.
traceql::Static StoredValue(const block::RowGroupReader::Attribute& a) {
  switch (a.type) {
    case block::AttrType::kString:
      return traceql::Static::String(std::string(a.str));
    case block::AttrType::kInt:
      return traceql::Static::Int(static_cast<int64_t>((a.num >> 1) ^ (~(a.num & 1) + 1)));
    case block::AttrType::kDouble:
      return traceql::Static::Float(std::bit_cast<double>(a.num));
    case block::AttrType::kBool:
      return traceql::Static::Bool(a.num != 0);
    default:
      return traceql::Static();
  }
}

// Whether a stored kOther attribute is one TraceQL can query (so traces built for the exact
// evaluator keep it): a non-empty array whose values are all of one scalar kind.
bool QueryableOther(std::string_view key_value_rest) {
  opentelemetry::proto::common::v1::KeyValue kv;
  if (!kv.ParseFromArray(key_value_rest.data(), static_cast<int>(key_value_rest.size()))
      || !kv.value().has_array_value()) {
    return false;
  }
  const auto& values = kv.value().array_value().values();
  if (values.empty()) {
    return false;
  }
  auto kind = values[0].value_case();
  using AnyValue = opentelemetry::proto::common::v1::AnyValue;
  if (kind != AnyValue::kStringValue && kind != AnyValue::kIntValue
      && kind != AnyValue::kDoubleValue && kind != AnyValue::kBoolValue) {
    return false;
  }
  for (const auto& v : values) {
    if (v.value_case() != kind) {
      return false;
    }
  }
  return true;
}

Status ValuesOfScope(block::RowGroupReader& rg, block::AttrScope s, std::string_view key,
                     TagValues* out) {
  uint32_t rows = rg.rows(block::OwnerTable(s));
  if (rows == 0) {
    return Status::Ok();
  }
  std::vector<std::vector<block::RowGroupReader::Attribute>> attrs;
  VV_RETURN_IF_ERROR(rg.ReadAttributes(s, 0, rows, &attrs));
  for (const auto& row : attrs) {
    for (const auto& a : row) {
      if (a.key == key) {
        out->Add(StoredValue(a));
      }
    }
  }
  return Status::Ok();
}

Status StringColumn(block::RowGroupReader& rg, block::Col col, block::Table table, TagValues* out) {
  uint32_t rows = rg.rows(table);
  if (rows == 0 || rg.chunk(static_cast<uint16_t>(col)) == nullptr) {
    return Status::Ok();
  }
  std::vector<std::string_view> values;
  VV_RETURN_IF_ERROR(rg.ReadStringViews(static_cast<uint16_t>(col), 0, rows, &values));
  for (std::string_view v : values) {
    if (!v.empty()) {
      out->AddString(v);
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view TagScopeName(TagScope s) {
  static constexpr std::string_view kNames[] = {"resource", "span", "event", "link",
                                                "instrumentation"};
  return kNames[static_cast<int>(s)];
}

// The checks and their order are Tempo's (DistinctString / ScopedDistinctString /
// DistinctValue): limits are tested before a value is looked up, so a value that is already
// held still trips a limit that was reached.
void TagNames::Add(TagScope s, std::string_view name) {
  if (Full()) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(s, name);
}

void TagNames::AddAll(TagScope s, const std::vector<std::string_view>& names) {
  if (Full() || names.empty()) {
    return;
  }
  // Names read from a row group are views into its dictionaries: one name is mostly the same
  // bytes each time. Once a view's name is known to be held, its repeats skip the set lookup
  // (which would find it) but not the limit checks, so the result is Add()'s for each name.
  absl::flat_hash_set<std::pair<const char*, size_t>> held;
  std::lock_guard<std::mutex> lock(mu_);
  for (std::string_view name : names) {
    if (Full()) {
      return;
    }
    if (held.contains({name.data(), name.size()})) {
      if (!LimitReached(s, name)) {
        ++stale_[merged_ ? 0 : static_cast<int>(s)];
      }
      continue;
    }
    if (AddLocked(s, name)) {
      held.insert({name.data(), name.size()});
    }
  }
}

bool TagNames::LimitReached(TagScope s, std::string_view name) {
  const int i = merged_ ? 0 : static_cast<int>(s);
  const auto& set = merged_ ? all_ : names_[static_cast<int>(s)];
  const auto len = static_cast<int64_t>(name.size());
  // v1's single collector stops at >= the byte limit, v2's scoped one past it.
  const bool over_bytes =
      limits_.max_bytes > 0
      && (merged_ ? bytes_ + len >= limits_.max_bytes : bytes_ + len > limits_.max_bytes);
  if (over_bytes || (limits_.max_values != 0 && set.size() >= limits_.max_values)
      || (limits_.max_stale != 0 && stale_[i] >= limits_.max_stale)) {
    full_ = true;
    return true;
  }
  return false;
}

bool TagNames::AddLocked(TagScope s, std::string_view name) {
  if (LimitReached(s, name)) {
    return false;
  }
  const int i = merged_ ? 0 : static_cast<int>(s);
  auto& set = merged_ ? all_ : names_[static_cast<int>(s)];
  if (set.find(name) != set.end()) {
    ++stale_[i];
    return true;
  }
  stale_[i] = 0;
  bytes_ += static_cast<int64_t>(name.size());
  set.emplace(name);
  if (merged_) {
    names_[static_cast<int>(s)].emplace(name);
  }
  return true;
}

std::vector<std::string> TagNames::Sorted(TagScope s) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& set = names_[static_cast<int>(s)];
  return {set.begin(), set.end()};
}

std::vector<std::string> TagNames::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string, std::less<>> all = all_;
  for (const auto& set : names_) {
    all.insert(set.begin(), set.end());
  }
  return {all.begin(), all.end()};
}

void TagValues::Insert(TypedValue v) {
  if (Full()) {
    return;
  }
  if (strings_only_) {
    v.type = "string";
  }
  std::lock_guard<std::mutex> lock(mu_);
  const auto len = static_cast<int64_t>(v.value.size() + (strings_only_ ? 0 : v.type.size()));
  if ((limits_.max_bytes > 0 && bytes_ + len >= limits_.max_bytes)
      || (limits_.max_values != 0 && values_.size() >= limits_.max_values)
      || (limits_.max_stale != 0 && stale_ >= limits_.max_stale)) {
    full_ = true;
    return;
  }
  if (values_.find(v) != values_.end()) {
    ++stale_;
    return;
  }
  stale_ = 0;
  bytes_ += len;
  values_.insert(std::move(v));
}

void TagValues::AddString(std::string_view s) { Insert({"string", std::string(s)}); }

void TagValues::Add(const traceql::Static& v) {
  switch (v.type()) {
    case traceql::StaticType::kString:
      Insert({"string", v.string_value()});
      break;
    case traceql::StaticType::kInt:
      Insert({"int", std::to_string(v.int_value())});
      break;
    case traceql::StaticType::kFloat:
      Insert({"float", traceql::FormatGoFloat(v.float_value())});
      break;
    case traceql::StaticType::kBool:
      Insert({"bool", v.bool_value() ? "true" : "false"});
      break;
    default:
      break;
  }
}

std::vector<TypedValue> TagValues::Sorted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {values_.begin(), values_.end()};
}

void CollectNames(const Trace& trace, const std::vector<uint32_t>* spans, const ScopeSet& scopes,
                  TagNames* out) {
  auto want = [&scopes](TagScope s) { return scopes[static_cast<int>(s)]; };
  ForSpans(trace, spans, [&](const Span& s) {
    if (want(TagScope::kSpan)) {
      AddNames(s.attrs, TagScope::kSpan, out);
    }
    if (want(TagScope::kResource) && s.resource != nullptr) {
      AddNames(s.resource->attrs, TagScope::kResource, out);
    }
    if (want(TagScope::kInstrumentation) && s.scope != nullptr) {
      AddNames(s.scope->attrs, TagScope::kInstrumentation, out);
    }
    if (want(TagScope::kEvent)) {
      for (const auto& e : s.events) {
        AddNames(e.attrs, TagScope::kEvent, out);
      }
    }
    if (want(TagScope::kLink)) {
      for (const auto& l : s.links) {
        AddNames(l.attrs, TagScope::kLink, out);
      }
    }
  });
}

void CollectValues(const Trace& trace, const std::vector<uint32_t>* spans,
                   const traceql::Attribute& attr, TagValues* out) {
  const std::string& key = attr.name;
  ForSpans(trace, spans, [&](const Span& s) {
    switch (attr.intrinsic) {
      case Intrinsic::kNone:
        break;
      case Intrinsic::kName:
        out->AddString(s.name);
        return;
      case Intrinsic::kStatusMessage:
        if (!s.status_message.empty()) {
          out->AddString(s.status_message);
        }
        return;
      case Intrinsic::kTraceRootSpan:
        if (!trace.root_name.empty()) {
          out->AddString(trace.root_name);
        }
        return;
      case Intrinsic::kTraceRootService:
        if (!trace.root_service.empty()) {
          out->AddString(trace.root_service);
        }
        return;
      case Intrinsic::kEventName:
        for (const auto& e : s.events) {
          out->AddString(e.name);
        }
        return;
      case Intrinsic::kInstrumentationName:
        if (s.scope != nullptr && !s.scope->name.empty()) {
          out->AddString(s.scope->name);
        }
        return;
      case Intrinsic::kInstrumentationVersion:
        if (s.scope != nullptr && !s.scope->version.empty()) {
          out->AddString(s.scope->version);
        }
        return;
      default:
        return;  // fixed answers or nothing (the handler decides)
    }
    switch (attr.scope) {
      case AttributeScope::kNone:
        AddValues(s.attrs, key, out);
        if (s.resource != nullptr) {
          AddValues(s.resource->attrs, key, out);
        }
        break;
      case AttributeScope::kSpan:
        AddValues(s.attrs, key, out);
        break;
      case AttributeScope::kResource:
        if (s.resource != nullptr) {
          AddValues(s.resource->attrs, key, out);
        }
        break;
      case AttributeScope::kInstrumentation:
        if (s.scope != nullptr) {
          AddValues(s.scope->attrs, key, out);
        }
        break;
      case AttributeScope::kEvent:
        for (const auto& e : s.events) {
          AddValues(e.attrs, key, out);
        }
        break;
      case AttributeScope::kLink:
        for (const auto& l : s.links) {
          AddValues(l.attrs, key, out);
        }
        break;
      default:
        break;
    }
  });
}

Status CollectRowGroupNames(block::RowGroupReader& rg, const ScopeSet& scopes, TagNames* out) {
  for (int i = 0; i < kTagScopes; ++i) {
    if (!scopes[i]) {
      continue;
    }
    auto ts = static_cast<TagScope>(i);
    block::AttrScope bs = BlockScope(ts);
    const block::ScopeAttrs& sa = rg.attrs(bs);
    for (const block::PromotedKey& k : sa.promoted) {
      out->Add(ts, k.key);
    }
    if (bs == block::AttrScope::kResource) {
      for (const auto& keyset : sa.keysets) {
        if (std::find(keyset.begin(), keyset.end(), block::kServiceNameSlot) != keyset.end()) {
          out->Add(ts, "service.name");
          break;
        }
      }
    }
    // Generic attributes: their keys are in a column, but whether a kOther value is
    // queryable (and so listed) needs the value, hence the attributes themselves.
    const block::ChunkDesc* chunk = rg.chunk(block::AttrColumn(bs, block::AttrCol::kGenericKey));
    uint32_t rows = rg.rows(block::OwnerTable(bs));
    if (chunk == nullptr || chunk->n_values == 0 || rows == 0) {
      continue;
    }
    std::vector<std::vector<block::RowGroupReader::Attribute>> attrs;
    VV_RETURN_IF_ERROR(rg.ReadAttributes(bs, 0, rows, &attrs));
    std::vector<std::string_view> names;  // in order: the collector's limits count each
    for (const auto& row : attrs) {
      for (const auto& a : row) {
        if (a.type != block::AttrType::kOther || QueryableOther(a.str)) {
          names.push_back(a.key);
        }
      }
    }
    out->AddAll(ts, names);
  }
  return Status::Ok();
}

Status CollectRowGroupValues(block::RowGroupReader& rg, const traceql::Attribute& attr,
                             TagValues* out) {
  using block::Col;
  using block::Table;
  switch (attr.intrinsic) {
    case Intrinsic::kNone:
      break;
    case Intrinsic::kName:
      return StringColumn(rg, Col::kSpanName, Table::kSpan, out);
    case Intrinsic::kStatusMessage:
      return StringColumn(rg, Col::kSpanStatusMsg, Table::kSpan, out);
    case Intrinsic::kTraceRootSpan:
      return StringColumn(rg, Col::kTraceRootName, Table::kTrace, out);
    case Intrinsic::kTraceRootService:
      return StringColumn(rg, Col::kTraceRootService, Table::kTrace, out);
    case Intrinsic::kEventName:
      return StringColumn(rg, Col::kEventName, Table::kEvent, out);
    case Intrinsic::kInstrumentationName:
      return StringColumn(rg, Col::kScopeName, Table::kScope, out);
    case Intrinsic::kInstrumentationVersion:
      return StringColumn(rg, Col::kScopeVersion, Table::kScope, out);
    default:
      return Status::Ok();
  }
  switch (attr.scope) {
    case AttributeScope::kNone:
      VV_RETURN_IF_ERROR(ValuesOfScope(rg, block::AttrScope::kSpan, attr.name, out));
      return ValuesOfScope(rg, block::AttrScope::kResource, attr.name, out);
    case AttributeScope::kSpan:
      return ValuesOfScope(rg, block::AttrScope::kSpan, attr.name, out);
    case AttributeScope::kResource:
      return ValuesOfScope(rg, block::AttrScope::kResource, attr.name, out);
    case AttributeScope::kInstrumentation:
      return ValuesOfScope(rg, block::AttrScope::kScope, attr.name, out);
    case AttributeScope::kEvent:
      return ValuesOfScope(rg, block::AttrScope::kEvent, attr.name, out);
    case AttributeScope::kLink:
      return ValuesOfScope(rg, block::AttrScope::kLink, attr.name, out);
    default:
      return Status::Ok();
  }
}

}  // namespace vivace::search
