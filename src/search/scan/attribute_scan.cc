#include "search/scan/attribute_scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <span>

#include <fmt/format.h>

#include "block/dictionary.h"
#include "block/row_group_format.h"
#include "block/row_group_reader.h"
#include "search/scan/candidates.h"
#include "search/scan/row_group_tree.h"
#include "search/scan/value_predicate.h"

namespace vivace::search {

using block::AttrCol;
using block::AttrScope;
using block::AttrType;
using traceql::StaticType;

namespace {

Status Corrupt(std::string_view what) {
  return Status::DataLoss(fmt::format("corrupt row group: {}", what));
}

StaticType StaticOf(AttrType t) {
  switch (t) {
    case AttrType::kString:
      return StaticType::kString;
    case AttrType::kInt:
      return StaticType::kInt;
    case AttrType::kDouble:
      return StaticType::kFloat;
    case AttrType::kBool:
      return StaticType::kBool;
    default:
      return StaticType::kNil;
  }
}

int64_t ZigZagDecode(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

// Per dictionary entry: whether its value satisfies `pred`. False when no entry does.
bool DictionaryTable(const block::Dictionary& dict, const ValuePredicate& pred,
                     std::vector<uint8_t>* table) {
  table->resize(dict.size());
  bool any = false;
  for (uint32_t c = 0; c < dict.size(); ++c) {
    const bool m = pred.MatchString(dict.value(c));
    (*table)[c] = m ? 1 : 0;
    any |= m;
  }
  return any;
}

// Whether the header alone shows that no value of a dictionary chunk can satisfy `pred`: the
// predicate accepts only given strings and the chunk's value filter has none of them.
bool RuledOutByFilter(const block::RowGroupReader& rg, uint16_t column,
                      const ValuePredicate& pred) {
  const block::ChunkDesc* c = rg.chunk(column);
  const std::vector<std::string>* exact = pred.ExactStrings();
  if (c == nullptr || (c->flags & block::kChunkDict) == 0 || exact == nullptr) {
    return false;
  }
  for (const std::string& v : *exact) {
    if (rg.ChunkMayContain(column, v)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status LookupCodes(block::RowGroupReader& rg, uint16_t column, const std::vector<uint8_t>& table,
                   ScanStats* stats, uint8_t* out) {
  const block::ChunkDesc* c = rg.chunk(column);
  if (c == nullptr) {
    return Status::Ok();
  }
  // What a page must show to hold a wanted code: its code range and signature.
  uint64_t signature = 0;
  uint64_t lo = UINT64_MAX;
  uint64_t hi = 0;
  for (size_t code = 0; code < table.size(); ++code) {
    if (table[code] != 0) {
      signature |= uint64_t{1} << (code & 63);
      lo = std::min<uint64_t>(lo, code);
      hi = std::max<uint64_t>(hi, code);
    }
  }
  if (stats != nullptr) {
    stats->bytes_read += c->dict_length;
  }
  // Reused across pages and row groups: decoding must not pay for zeroing a fresh buffer.
  thread_local std::vector<uint64_t> scratch;
  const uint8_t* tab = table.data();
  for (size_t p = 0; p < c->pages.size(); ++p) {
    const block::PageIndexEntry& e = c->pages[p];
    if ((e.code_signature & signature) == 0 || e.max < lo || e.min > hi) {
      continue;  // no wanted code in this page: its values stay 0 and it is not decoded
    }
    if (scratch.size() < e.n_values) {
      scratch.resize(e.n_values);
    }
    const std::span<uint64_t> codes(scratch.data(), e.n_values);
    VV_RETURN_IF_ERROR(rg.ReadCodes(column, c->value_starts[p], codes));
    if (stats != nullptr) {
      stats->bytes_read += e.stored_len;
    }
    uint8_t* o = out + c->value_starts[p];
    for (size_t i = 0; i < codes.size(); ++i) {
      o[i] = tab[codes[i]];
    }
  }
  return Status::Ok();
}

namespace {

// hits[i] = whether value i of the column (all its values; a sparse column's values in owner
// order) satisfies `pred` when read as type `t`. Returns whether any does.
Result<bool> MatchValues(block::RowGroupReader& rg, uint16_t column, AttrType t,
                         const ValuePredicate& pred, ScanStats* stats, std::vector<uint8_t>* hits) {
  const block::ChunkDesc* c = rg.chunk(column);
  const uint32_t n = c != nullptr ? c->n_values : 0;
  hits->assign(n, 0);
  if (n == 0) {
    return false;
  }
  uint8_t* h = hits->data();
  bool any = false;
  switch (t) {
    case AttrType::kString: {
      if (RuledOutByFilter(rg, column, pred)) {
        return false;
      }
      const block::Dictionary* dict = nullptr;
      VV_RETURN_IF_ERROR(rg.GetChunkDictionary(column, &dict));
      if (dict != nullptr) {
        std::vector<uint8_t> table;
        if (!DictionaryTable(*dict, pred, &table)) {
          return false;  // no value of the chunk matches: its codes are not even read
        }
        VV_RETURN_IF_ERROR(LookupCodes(rg, column, table, stats, h));
        return true;
      }
      std::vector<std::string_view> values;
      values.reserve(n);
      VV_RETURN_IF_ERROR(rg.ReadStringViews(column, 0, n, &values));
      CountColumnBytes(rg, column, stats);
      for (uint32_t i = 0; i < n; ++i) {
        h[i] = pred.MatchString(values[i]) ? 1 : 0;
        any |= h[i] != 0;
      }
      return any;
    }
    case AttrType::kInt:
    case AttrType::kDouble:
    case AttrType::kBool: {
      IntMatcher m;  // kInt only
      if (t == AttrType::kInt) {
        m = pred.ForInts(StaticType::kInt);
        if (m.never()) {
          return false;
        }
      }
      std::vector<uint64_t> values;
      values.reserve(n);
      VV_RETURN_IF_ERROR(rg.ReadU64(column, 0, n, &values));
      CountColumnBytes(rg, column, stats);
      if (t == AttrType::kInt && !m.slow) {
        // Zigzag-decode and range-test in one branch-free pass.
        const uint64_t* v = values.data();
        const uint64_t lo = static_cast<uint64_t>(m.lo);
        const uint64_t width = static_cast<uint64_t>(m.hi) - lo;
        const uint8_t neg = m.negate ? 1 : 0;
        if (m.lo > m.hi) {
          std::fill(hits->begin(), hits->end(), neg);
          return m.negate;
        }
        uint8_t acc = 0;
        for (uint32_t i = 0; i < n; ++i) {
          const uint64_t x = (v[i] >> 1) ^ (~(v[i] & 1) + 1);
          const uint8_t match = static_cast<uint8_t>((x - lo <= width) ^ neg);
          h[i] = match;
          acc |= match;
        }
        return acc != 0;
      }
      for (uint32_t i = 0; i < n; ++i) {
        bool match;
        if (t == AttrType::kInt) {
          match = pred.MatchInt(m, StaticType::kInt, ZigZagDecode(values[i]));
        } else if (t == AttrType::kDouble) {
          match = pred.MatchDouble(std::bit_cast<double>(values[i]));
        } else {
          match = pred.MatchBool(values[i] != 0);
        }
        h[i] = match ? 1 : 0;
        any |= match;
      }
      return any;
    }
    default:
      return false;
  }
}

}  // namespace

Status ScanStringColumn(block::RowGroupReader& rg, uint16_t column, const ValuePredicate& pred,
                        ScanStats* stats, std::vector<uint8_t>* sel) {
  const block::ColumnInfo* info = block::GetColumnInfo(column);
  const uint32_t n = rg.rows(info->table);
  const block::ChunkDesc* c = rg.chunk(column);
  if (c == nullptr) {
    sel->assign(n, pred.MatchString("") ? 1 : 0);
    return Status::Ok();
  }
  sel->assign(n, 0);
  if (n == 0 || RuledOutByFilter(rg, column, pred)) {
    return Status::Ok();
  }
  const block::Dictionary* dict = nullptr;
  VV_RETURN_IF_ERROR(rg.GetChunkDictionary(column, &dict));
  if (dict != nullptr) {
    std::vector<uint8_t> table;
    if (!DictionaryTable(*dict, pred, &table)) {
      return Status::Ok();
    }
    return LookupCodes(rg, column, table, stats, sel->data());
  }
  std::vector<std::string_view> values;
  values.reserve(n);
  VV_RETURN_IF_ERROR(rg.ReadStringViews(column, 0, n, &values));
  CountColumnBytes(rg, column, stats);
  for (uint32_t i = 0; i < n; ++i) {
    (*sel)[i] = pred.MatchString(values[i]) ? 1 : 0;
  }
  return Status::Ok();
}

Status ScanAttribute(block::RowGroupReader& rg, AttrScope s, std::string_view key, AttrTest test,
                     const ValuePredicate* pred, ScanStats* stats, std::vector<uint8_t>* sel) {
  const uint32_t n = rg.rows(block::OwnerTable(s));
  sel->assign(n, test == AttrTest::kNotExists ? 1 : 0);
  if (n == 0) {
    return Status::Ok();
  }
  const block::ScopeAttrs& sa = rg.attrs(s);
  const size_t n_keysets = sa.keysets.size();
  // The owners' key sets, read only once a value column says they are needed (a key the
  // header rules out reads no column at all).
  std::vector<uint64_t> keys;
  const uint16_t keys_column = block::AttrColumn(s, AttrCol::kKeys);
  auto load_keys = [&]() -> Status {
    if (!keys.empty()) {
      return Status::Ok();
    }
    keys.reserve(n);
    VV_RETURN_IF_ERROR(rg.ReadU64(keys_column, 0, n, &keys));
    CountColumnBytes(rg, keys_column, stats);
    for (uint64_t k : keys) {
      if (k >= n_keysets) {
        return Corrupt(
            fmt::format("key set {} of {} is not in the header", k, rg.ColumnName(keys_column)));
      }
    }
    return Status::Ok();
  };
  uint8_t* out = sel->data();
  std::vector<uint8_t> hits;
  std::vector<uint32_t> count(n_keysets);

  // Values of owners that name `slot` in their key set: `apply(owner, value ordinal)`.
  auto walk_slot = [&](uint32_t slot, size_t n_values, auto&& apply) -> Status {
    bool any = false;
    bool single = true;
    for (size_t k = 0; k < n_keysets; ++k) {
      count[k] =
          static_cast<uint32_t>(std::count(sa.keysets[k].begin(), sa.keysets[k].end(), slot));
      any |= count[k] != 0;
      single &= count[k] <= 1;
    }
    if (!any) {
      return Status::Ok();
    }
    VV_RETURN_IF_ERROR(load_keys());
    size_t cursor = 0;
    if (single && n_values != SIZE_MAX) {
      // Every key set names the slot at most once: one value per owner that has it.
      for (uint32_t r = 0; r < n; ++r) {
        const uint32_t c = count[keys[r]];
        if (c != 0) {
          if (cursor >= n_values) {
            return Corrupt("an attribute column has fewer values than its key sets name");
          }
          apply(r, cursor);
          ++cursor;
        }
      }
      return Status::Ok();
    }
    for (uint32_t r = 0; r < n; ++r) {
      const uint32_t c = count[keys[r]];
      if (c == 0) {
        continue;
      }
      if (cursor + c > n_values) {
        return Corrupt("an attribute column has fewer values than its key sets name");
      }
      for (uint32_t j = 0; j < c; ++j) {
        apply(r, cursor + j);
      }
      cursor += c;
    }
    return Status::Ok();
  };
  auto presence = [&](uint32_t r, size_t) { out[r] = test == AttrTest::kExists ? 1 : 0; };

  // Promoted columns of the key (one per type).
  for (size_t i = 0; i < sa.promoted.size(); ++i) {
    const block::PromotedKey& p = sa.promoted[i];
    if (p.key != key) {
      continue;
    }
    const block::ChunkDesc* c = rg.chunk(p.column);
    const size_t n_values = c != nullptr ? c->n_values : 0;
    if (test != AttrTest::kPredicate) {
      VV_RETURN_IF_ERROR(walk_slot(static_cast<uint32_t>(i), SIZE_MAX, presence));
      continue;
    }
    if (!pred->TypeCanMatch(StaticOf(p.type))) {
      continue;
    }
    VV_ASSIGN_OR_RETURN(bool any, MatchValues(rg, p.column, p.type, *pred, stats, &hits));
    if (!any) {
      continue;
    }
    VV_RETURN_IF_ERROR(walk_slot(static_cast<uint32_t>(i), n_values,
                                 [&](uint32_t r, size_t v) { out[r] |= hits[v]; }));
  }

  // The resource's service.name, in its own column.
  if (s == AttrScope::kResource && key == "service.name") {
    if (test != AttrTest::kPredicate) {
      VV_RETURN_IF_ERROR(walk_slot(block::kServiceNameSlot, SIZE_MAX, presence));
    } else if (pred->TypeCanMatch(StaticType::kString)) {
      std::vector<uint8_t> service;
      VV_RETURN_IF_ERROR(ScanStringColumn(rg, static_cast<uint16_t>(block::Col::kResService), *pred,
                                          stats, &service));
      if (std::find(service.begin(), service.end(), uint8_t{1}) != service.end()) {
        VV_RETURN_IF_ERROR(walk_slot(block::kServiceNameSlot, SIZE_MAX,
                                     [&](uint32_t r, size_t) { out[r] |= service[r]; }));
      }
    }
  }

  // Generic attributes: key column, then a value column per type.
  const uint16_t key_column = block::AttrColumn(s, AttrCol::kGenericKey);
  const block::ChunkDesc* kc = rg.chunk(key_column);
  if (kc == nullptr || kc->n_values == 0 || !rg.ChunkMayContain(key_column, key)) {
    return Status::Ok();  // no generic attribute has the key (the value filter may tell)
  }
  VV_RETURN_IF_ERROR(load_keys());
  std::vector<std::vector<uint8_t>> generic_types(n_keysets);  // type of each generic slot
  for (size_t k = 0; k < n_keysets; ++k) {
    for (uint32_t slot : sa.keysets[k]) {
      if (slot >= block::kGenericSlot && slot < block::kGenericSlot + block::kAttrTypes) {
        generic_types[k].push_back(static_cast<uint8_t>(slot - block::kGenericSlot));
      }
    }
  }
  const uint32_t n_keys = kc->n_values;
  std::vector<uint8_t> key_match(n_keys, 0);
  const block::Dictionary* dict = nullptr;
  VV_RETURN_IF_ERROR(rg.GetChunkDictionary(key_column, &dict));
  if (dict != nullptr) {
    std::optional<uint32_t> code = dict->Find(key);
    if (!code) {
      return Status::Ok();  // the key is not among the row group's generic keys
    }
    std::vector<uint64_t> codes;
    codes.reserve(n_keys);
    VV_RETURN_IF_ERROR(rg.ReadCodes(key_column, 0, n_keys, &codes));
    for (uint32_t i = 0; i < n_keys; ++i) {
      key_match[i] = codes[i] == *code ? 1 : 0;
    }
  } else {
    std::vector<std::string_view> names;
    names.reserve(n_keys);
    VV_RETURN_IF_ERROR(rg.ReadStringViews(key_column, 0, n_keys, &names));
    for (uint32_t i = 0; i < n_keys; ++i) {
      key_match[i] = names[i] == key ? 1 : 0;
    }
  }
  CountColumnBytes(rg, key_column, stats);
  std::vector<uint8_t> typed_hits[4];
  bool need[4] = {false, false, false, false};
  if (test == AttrTest::kPredicate) {
    for (int t = 0; t < 4; ++t) {
      const AttrType type = static_cast<AttrType>(t);
      if (pred->TypeCanMatch(StaticOf(type))) {
        VV_ASSIGN_OR_RETURN(bool any, MatchValues(rg, block::GenericValueColumn(s, type), type,
                                                  *pred, stats, &typed_hits[t]));
        need[t] = any;
      }
    }
  }
  size_t gk = 0;
  size_t gv[block::kAttrTypes] = {};
  for (uint32_t r = 0; r < n; ++r) {
    for (uint8_t t : generic_types[keys[r]]) {
      const size_t ki = gk++;
      const size_t vi = gv[t]++;
      if (ki >= n_keys) {
        return Corrupt("generic key column has fewer values than its key sets name");
      }
      if (key_match[ki] == 0) {
        continue;
      }
      if (t == static_cast<uint8_t>(AttrType::kOther)) {
        if (test != AttrTest::kNotExists) {
          out[r] = 1;  // an array or other value: only the evaluator can tell
        }
      } else if (test == AttrTest::kExists) {
        out[r] = 1;
      } else if (test == AttrTest::kNotExists) {
        out[r] = 0;
      } else if (need[t]) {
        if (vi >= typed_hits[t].size()) {
          return Corrupt("generic value column has fewer values than its key sets name");
        }
        out[r] |= typed_hits[t][vi];
      }
    }
  }
  return Status::Ok();
}

}  // namespace vivace::search
